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


@click.command()
@pass_app
def init(app: AppContext) -> None:
    """Create a workspace (folder, settings, database)."""
    existed = WorkspacePaths(app.workspace).exists()
    with open_workspace(app, create=True) as ws:
        state = "already exists" if existed else "created"
        click.echo(f"workspace {state}: {ws.paths.root}")


@click.command()
@click.option(
    "-o",
    "--output",
    "dest",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder to put the backup in (default: the workspace's backups/).",
)
@pass_app
def backup(app: AppContext, dest: Path | None) -> None:
    """Write a timestamped, self-contained backup of the workspace."""
    with open_workspace(app) as ws:
        click.echo(str(ws.backup(dest)))


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@pass_app
def restore(app: AppContext, source: Path) -> None:
    """Restore a backup folder (or the newest one in a folder of backups) into a new or empty
    workspace."""
    chosen, count = choose_backup(source)
    if chosen != source:
        click.echo(f"restoring the newest of {count} backups in {source}: {chosen.name}")
    manifest = restore_backup(chosen, app.workspace)
    tables = manifest.tables
    click.echo(
        f"restored {chosen} into {app.workspace}: {tables.get('projects', 0)} projects, "
        f"{tables.get('episodes', 0)} episodes"
    )


@click.command()
@click.option("--episodes", "episode_count", type=click.IntRange(min=0), default=3)
@click.option("--no-serve", is_flag=True, help="Do not start the dashboard afterwards.")
@pass_app
def demo(app: AppContext, episode_count: int, no_serve: bool) -> None:
    """Demo workspace: the sample Story Bible and a few episodes by the offline demo writer."""
    from novelcraft.cli.follow import follow, require_success

    bible = parse_bible(sample_bible_text(), "sample_bible.yaml")
    with open_workspace(app, create=True) as ws:
        existing = {p.name: p.slug for p in ws.list_projects()}
        slug = existing.get(bible.project.name) or ws.create_project(bible)
        click.echo(f"demo workspace: {ws.paths.root}")
        click.echo(f"sample project: {slug} ({bible.project.name})")
        if episode_count:
            job_id = ws.submit_batch(slug, 1, episode_count, backend="offline")
            require_success(follow(ws, job_id, episodes=episode_count))
            for episode in ws.list_episodes(slug, limit=episode_count):
                click.echo(
                    f"  {episode.episode_number}화 {episode.length:,}자 "
                    f"{'✅' if episode.passed else '⚠️'} (오프라인 데모 작가)"
                )
        click.echo(f"next: novelcraft --workspace {ws.paths.root} show {slug} 1")
    if not no_serve:
        from novelcraft.cli.serve_cmd import run_server

        run_server(app)


def register(cli: click.Group) -> None:
    for command in (init, backup, restore, demo):
        cli.add_command(command)
