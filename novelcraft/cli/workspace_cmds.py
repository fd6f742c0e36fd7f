"""Workspace commands: init, backup, restore, demo."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from novelcraft.backup import choose_backup, restore_backup
from novelcraft.bible import parse_bible
from novelcraft.cli.app import AppContext, pass_app
from novelcraft.cli.common import open_workspace
from novelcraft.workspace import WorkspacePaths


def sample_bible_text() -> str:
    return resources.files("novelcraft").joinpath("data/sample_bible.yaml").read_text("utf-8")


@click.command(help="작업 공간(폴더, 설정, 데이터베이스)을 만듭니다.")
@pass_app
def init(app: AppContext) -> None:
    """Create a workspace (folder, settings, database)."""
    existed = WorkspacePaths(app.workspace).exists()
    with open_workspace(app, create=True) as ws:
        state = "작업 공간이 이미 있습니다" if existed else "작업 공간을 만들었습니다"
        click.echo(f"{state}: {ws.paths.root}")


@click.command(help="작업 공간 전체를 시각이 붙은 독립 백업으로 씁니다.")
@click.option(
    "-o",
    "--output",
    "dest",
    type=click.Path(path_type=Path),
    default=None,
    help="백업을 넣을 폴더 (기본값: 작업 공간의 backups/).",
)
@pass_app
def backup(app: AppContext, dest: Path | None) -> None:
    """Write a timestamped, self-contained backup of the workspace."""
    with open_workspace(app) as ws:
        click.echo(str(ws.backup(dest)))


@click.command(
    help="백업 폴더(또는 백업 폴더들 중 가장 최근 것)를 새 작업 공간이나 빈 작업 공간에 복원합니다."
)
@click.argument("source", type=click.Path(path_type=Path))
@pass_app
def restore(app: AppContext, source: Path) -> None:
    """Restore a backup folder (or the newest one in a folder of backups) into a new or empty
    workspace."""
    chosen, count = choose_backup(source)
    if chosen != source:
        click.echo(f"{source}의 백업 {count}개 중 가장 최근 것을 복원합니다: {chosen.name}")
    manifest = restore_backup(chosen, app.workspace)
    tables = manifest.tables
    click.echo(
        f"{chosen}을(를) {app.workspace}에 복원했습니다: 작품 {tables.get('projects', 0)}개, "
        f"회차 {tables.get('episodes', 0)}개"
    )


# Two seasons of the sample bible (season 1 ends at episode 50), so Quality shows trends and
# season boundaries at first sight.
DEMO_EPISODES = 60


@click.command(help="데모 작업 공간: 예시 스토리 바이블과 오프라인 데모 작가가 쓴 두 시즌.")
@click.option(
    "--episodes",
    "episode_count",
    type=click.IntRange(min=0),
    default=DEMO_EPISODES,
    show_default=True,
    help="오프라인 데모 작가가 쓸 회차 수 (이미 쓴 회차는 그대로 둠).",
)
@click.option("--no-serve", is_flag=True, help="끝난 뒤 대시보드를 열지 않습니다.")
@pass_app
def demo(app: AppContext, episode_count: int, no_serve: bool) -> None:
    """Demo workspace: the sample Story Bible and two seasons by the offline demo writer."""
    from novelcraft.cli.follow import follow, require_success

    bible = parse_bible(sample_bible_text(), "sample_bible.yaml")
    with open_workspace(app, create=True) as ws:
        existing = {p.name: p.slug for p in ws.list_projects()}
        slug = existing.get(bible.project.name) or ws.create_project(bible)
        click.echo(f"데모 작업 공간: {ws.paths.root}")
        click.echo(
            f"샘플 프로젝트: {slug} ({bible.project.name}), {episode_count}화 (오프라인 데모 작가)"
        )
        if episode_count:
            job_id = ws.submit_batch(slug, 1, episode_count, backend="offline")
            require_success(follow(ws, job_id, episodes=episode_count))
            written = ws.list_episodes(slug, limit=episode_count)
            passed = sum(1 for e in written if e.passed)
            click.echo(f"  {len(written)}화 작성, 가드 통과 {passed}화")
        click.echo(f"다음: novelcraft --workspace {ws.paths.root} show {slug} 1")
    if not no_serve:
        from novelcraft.cli.serve_cmd import run_server

        run_server(app)


def register(cli: click.Group) -> None:
    for command in (init, backup, restore, demo):
        cli.add_command(command)
