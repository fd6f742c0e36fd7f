"""Generation commands: bootstrap, outline, generate, revise, backends."""

from __future__ import annotations

from pathlib import Path

import click

from novelcraft.backends import REGISTRY, load_builtin_backends
from novelcraft.cli.app import AppContext, pass_app
from novelcraft.cli.common import open_workspace
from novelcraft.cli.follow import follow, require_success
from novelcraft.cli.output import print_json, print_table

# An outline is a few kilobytes of JSON; a file far larger is not one.
MAX_OUTLINE_BYTES = 1024 * 1024


def _backend(app: AppContext) -> dict:
    return {"backend": app.backend, "model": app.model}


@click.command(help="기획 → 스토리 바이블 → 새 작품. 작품 slug를 출력합니다.")
@click.option("--name", required=True, help="작품 이름.")
@click.option("--genre", required=True, help="장르.")
@click.option("--tone", required=True, help="분위기.")
@click.option("--protagonist", required=True, help="주인공 키워드.")
@click.option("--supporting", default="", help="조연 키워드 (쉼표로 구분).")
@click.option("--banned", multiple=True, help="금지 요소 (여러 번 쓸 수 있음).")
@click.option("--notes", default="", help="그 밖의 메모.")
@pass_app
def bootstrap(app: AppContext, name, genre, tone, protagonist, supporting, banned, notes):
    """Concept → Story Bible → new project; prints its slug."""
    from novelcraft.jobs.submit import normalize_concept

    concept = normalize_concept(
        {"name": name, "genre": genre, "tone": tone, "protagonist": protagonist,
         "supporting": supporting, "banned_list": list(banned), "notes": notes}
    )  # fmt: skip
    with open_workspace(app, create=True) as ws:
        job = follow(ws, ws.submit_bootstrap(concept, **_backend(app)))
    click.echo(require_success(job)["slug"])


@click.command(help="회차 하나의 장면 아웃라인을 짜거나 보여 주거나 정합니다.")
@click.argument("slug")
@click.argument("episode", type=int)
@click.option("--force", is_flag=True, help="저장된 아웃라인이 있어도 새로 짭니다.")
@click.option(
    "--set",
    "set_file",
    type=click.Path(path_type=Path),
    default=None,
    help="새로 짜지 않고 이 아웃라인 JSON 파일(작가가 고친 것)을 씁니다.",
)
@click.option("--json", "as_json", is_flag=True, help="JSON만 출력합니다.")
@pass_app
def outline(app: AppContext, slug: str, episode: int, force: bool, set_file, as_json: bool):
    """Plan, show or set the scene outline of one episode."""
    from novelcraft.bible import decode_text
    from novelcraft.errors import BadInput, NotFound
    from novelcraft.pipeline import parse_outline

    if episode < 1:
        raise BadInput(f"회차 번호는 1 이상이어야 합니다 (입력값 {episode})")
    edited = None
    if set_file is not None:
        if not set_file.is_file():
            raise NotFound(f"{set_file}: 파일이 없습니다")
        if set_file.stat().st_size > MAX_OUTLINE_BYTES:
            raise BadInput(f"{set_file}: 개요로 보기에는 너무 큽니다")
        edited = parse_outline(decode_text(set_file.read_bytes(), str(set_file)), str(set_file))
    with open_workspace(app) as ws:
        if edited is not None:
            planned = ws.save_outline(slug, episode, edited).outline
        else:
            planned = None
            if not force:
                try:
                    planned = ws.get_episode(slug, episode).outline
                except NotFound:
                    ws.project_id(slug)  # an unknown project is the error, not the episode
            if planned is None:
                job_id = ws.submit_outline(slug, episode, force=force, **_backend(app))
                require_success(follow(ws, job_id))
                planned = ws.get_episode(slug, episode).outline
    if as_json:
        print_json(planned.model_dump())
        return
    for scene in planned.scenes:
        click.echo(
            f"[{scene.scene_number}] {scene.goal} / {scene.conflict}"
            + (f" / 반전: {scene.twist}" if scene.twist else "")
            + f"  ({', '.join(scene.characters)}, 감정 {scene.emotion_intensity})"
        )
    click.echo(f"엔딩 훅: {planned.ending_hook}")


@click.command(help="FROM..TO 회차를 배치로 등록하고 진행을 보여 줍니다 (--detach면 바로 돌아옴).")
@click.argument("slug")
@click.option("--from", "first", type=int, required=True, help="첫 회차.")
@click.option("--to", "last", type=int, required=True, help="마지막 회차.")
@click.option("--no-editor", is_flag=True, help="문체 교정(2패스)을 건너뜁니다.")
@click.option("--no-retry", is_flag=True, help="가드에 실패한 초고를 다시 쓰지 않습니다.")
@click.option("--detach", is_flag=True, help="배치를 등록하고 바로 돌아옵니다.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="작업을 처리할 스레드 수 (기본값: 작업 공간 설정).")  # fmt: skip
@pass_app
def generate(app: AppContext, slug, first, last, no_editor, no_retry, detach, workers):
    """Queue episodes FROM..TO as a batch and follow it (or return at once with --detach)."""
    from novelcraft.jobs.submit import check_range

    check_range(first, last)
    options = {"with_editor": not no_editor, "use_retry": not no_retry, **_backend(app)}
    with open_workspace(app) as ws:
        job_id, attached = ws.submit_batch_checked(slug, first, last, **options)
        where = "" if ws.is_local else f" (작업 소유자 pid {ws.owner_pid})"
        verb = "진행 중인 배치에 합류" if attached else "배치 등록"
        click.echo(f"{verb}{where}: {job_id}", err=True)
        if detach:
            click.echo(job_id)
            if ws.is_local:
                # Nobody runs jobs here once this command exits: start a detached owner.
                spawn_after = True
            else:
                return
        else:
            spawn_after = False
            final = follow(ws, job_id, episodes=last - first + 1, workers=workers)
    if spawn_after:
        pid = _spawn_worker(app, workers)
        click.echo(f"백그라운드 작업자 pid {pid}: `novelcraft job {job_id}`로 확인", err=True)
        return
    out = require_success(final)
    click.echo(f"완료: {out.get('episodes', 0)}화, 가드 통과 {out.get('passed', 0)}화")


def _spawn_worker(app: AppContext, workers: int | None) -> int:
    import subprocess
    import sys

    command = [sys.executable, "-m", "novelcraft.jobs.worker", "--workspace", str(app.workspace)]
    if workers:
        command += ["--workers", str(workers)]
    log = open(app.workspace / "worker.log", "ab")  # noqa: SIM115 (handed to the child)
    with log:
        child = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
    return child.pid


@click.command(help="지시문대로 회차를 고쳐 씁니다. 이전 본문은 버전으로 남습니다.")
@click.argument("slug")
@click.argument("episode", type=int)
@click.option("--instruction", required=True, help="고쳐 쓰기 지시문.")
@pass_app
def revise(app: AppContext, slug: str, episode: int, instruction: str):
    """Rewrite an episode by an instruction; the old text stays as a version."""
    with open_workspace(app) as ws:
        job = follow(ws, ws.submit_revise(slug, episode, instruction, **_backend(app)))
        require_success(job)
        revised = ws.get_episode(slug, episode)
    click.echo(f"{episode}화 수정 완료: {revised.length:,}자, revision {revised.revision}")


@click.command(help="LLM 백엔드 목록을 보여 줍니다.")
@click.option("--json", "as_json", is_flag=True, help="JSON만 출력합니다.")
def backends(as_json: bool):
    """List the LLM backends."""
    load_builtin_backends()
    rows = [
        {"name": name, "label": cls.label, "needs_key": cls.needs_key,
         "supports_schema": cls.supports_schema}
        for name, cls in sorted(REGISTRY.items())
    ]  # fmt: skip
    if as_json:
        print_json(rows)
        return
    print_table(
        ["백엔드", "이름", "키 필요", "스키마 지원"],
        [[r["name"], r["label"], _yes(r["needs_key"]), _yes(r["supports_schema"])] for r in rows],
    )


def _yes(flag: bool) -> str:
    return "예" if flag else "아니요"


def register(cli: click.Group) -> None:
    for command in (bootstrap, outline, generate, revise, backends):
        cli.add_command(command)
