"""Generation commands: bootstrap, outline, generate, revise, backends."""

from __future__ import annotations

import time
from pathlib import Path

import click

from novelcraft.backends import REGISTRY, load_builtin_backends
from novelcraft.cli.app import AppContext, pass_app
from novelcraft.cli.common import open_workspace
from novelcraft.cli.output import print_json, print_table

# An outline is a few kilobytes of JSON; a file far larger is not one.
MAX_OUTLINE_BYTES = 1024 * 1024


def _run(ws, app: AppContext, slug: str, **options):
    return ws.run(slug, ws.backend(app.backend, app.model), **options)


def _echo_log(level: str, message: str) -> None:
    click.echo(("  " if level == "info" else "! ") + message, err=True)


@click.command()
@click.option("--name", required=True, help="Project name.")
@click.option("--genre", required=True)
@click.option("--tone", required=True)
@click.option("--protagonist", required=True, help="Protagonist keywords.")
@click.option("--supporting", default="", help="Supporting cast keywords.")
@click.option("--banned", multiple=True, help="A banned element (repeatable).")
@click.option("--notes", default="")
@pass_app
def bootstrap(app: AppContext, name, genre, tone, protagonist, supporting, banned, notes):
    """Concept → Story Bible → new project; prints its slug."""
    from novelcraft.jobs.submit import normalize_concept
    from novelcraft.pipeline import bootstrap_bible

    concept = normalize_concept(
        {"name": name, "genre": genre, "tone": tone, "protagonist": protagonist,
         "supporting": supporting, "banned_list": list(banned), "notes": notes}
    )  # fmt: skip
    with open_workspace(app, create=True) as ws:
        bible = bootstrap_bible(ws.backend(app.backend, app.model), concept)
        click.echo(ws.create_project(bible))


@click.command()
@click.argument("slug")
@click.argument("episode", type=int)
@click.option("--force", is_flag=True, help="Plan a new outline even if one is stored.")
@click.option(
    "--set",
    "set_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Use this outline JSON file (an author's edit) instead of planning one.",
)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def outline(app: AppContext, slug: str, episode: int, force: bool, set_file, as_json: bool):
    """Plan, show or set the scene outline of one episode."""
    from novelcraft.bible import decode_text
    from novelcraft.errors import BadInput, NotFound
    from novelcraft.pipeline import parse_outline, plan_outline, set_outline

    edited = None
    if set_file is not None:
        if not set_file.is_file():
            raise NotFound(f"{set_file}: no such file")
        if set_file.stat().st_size > MAX_OUTLINE_BYTES:
            raise BadInput(f"{set_file}: too large for an outline")
        edited = parse_outline(decode_text(set_file.read_bytes(), str(set_file)), str(set_file))
    with open_workspace(app) as ws:
        run = _run(ws, app, slug)
        if edited is not None:
            set_outline(run, episode, edited)
            planned = edited
        else:
            planned = plan_outline(run, episode, force=force)
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


@click.command()
@click.argument("slug")
@click.option("--from", "first", type=int, required=True)
@click.option("--to", "last", type=int, required=True)
@click.option("--no-editor", is_flag=True, help="Skip the style-correction pass.")
@click.option("--no-retry", is_flag=True, help="Do not retry drafts that fail the guard.")
@click.option("--detach", is_flag=True, help="Queue the batch and return at once.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker threads of the job consumer (default: workspace setting).")  # fmt: skip
@pass_app
def generate(app: AppContext, slug, first, last, no_editor, no_retry, detach, workers):
    """Queue episodes FROM..TO as a batch and follow it (or return at once with --detach)."""
    from novelcraft.errors import WorkspaceBusy
    from novelcraft.jobs.submit import check_range, submit_batch_checked
    from novelcraft.workspace import Workspace

    check_range(first, last)
    options = {"with_editor": not no_editor, "use_retry": not no_retry,
               "backend": app.backend, "model": app.model}  # fmt: skip
    try:
        ws = Workspace.open(app.workspace)
    except WorkspaceBusy:
        _generate_through_owner(app, slug, first, last, options, detach)
        return
    with ws:
        job_id, attached = submit_batch_checked(ws, slug, first, last, **options)
        verb = "진행 중인 배치에 합류" if attached else "배치 등록"
        click.echo(f"{verb}: {job_id}", err=True)
        if not detach:
            final = _run_in_foreground(ws, job_id, last - first + 1, workers)
    if detach:
        pid = _spawn_worker(app, workers)
        click.echo(job_id)
        click.echo(f"백그라운드 작업자 pid {pid}: `novelcraft job {job_id}`로 확인", err=True)
        return
    _finish(final)


def _run_in_foreground(ws, job_id: str, episodes: int, workers: int | None):
    from novelcraft.jobs.owner import Owner

    owner = Owner(ws, workers).start()
    try:
        return _follow(ws, owner, job_id, episodes)
    except KeyboardInterrupt:
        click.echo("\n중단: 저장된 단계까지 보존되며 다음 실행 때 이어서 생성합니다", err=True)
        raise
    finally:
        owner.stop()


def _follow(ws, owner, job_id: str, episodes: int):
    from novelcraft.cli.progress import ProgressBar

    bar = ProgressBar(episodes)
    seen = 0

    def show(job) -> None:
        nonlocal seen
        for line in ws.job_logs(job_id, seen):
            seen = line.id
            if line.level != "info" or line.message.endswith("화: 완료"):
                bar.message(("! " if line.level != "info" else "  ") + line.message)
        bar.update(job.progress, job.step, job.status)

    try:
        return owner.wait(job_id, show)
    finally:
        bar.close()


def _finish(job) -> None:
    from novelcraft.errors import OperationFailed

    if job.status == "completed":
        out = job.output or {}
        click.echo(f"완료: {out.get('episodes', 0)}화, 가드 통과 {out.get('passed', 0)}화")
    elif job.status == "canceled":
        raise OperationFailed(f"job {job.id} was canceled")
    else:
        raise OperationFailed(f"job {job.id} failed: {job.error}")


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


def _generate_through_owner(app, slug, first, last, options, detach) -> None:
    """Another process owns the workspace: submit through the queue file and follow its
    published status."""
    from novelcraft.cli.progress import ProgressBar
    from novelcraft.jobs import control
    from novelcraft.workspace import WorkspacePaths

    paths = WorkspacePaths(app.workspace)
    payload = {"slug": slug, "first": first, "last": last, **options}
    job_id = control.request(paths, "submit_batch", payload)["job_id"]
    click.echo(f"실행 중인 작업 소유자에게 배치 등록: {job_id}", err=True)
    if detach:
        click.echo(job_id)
        return
    bar = ProgressBar(last - first + 1)
    try:
        while True:
            info = control.find_job(control.read_status(paths), job_id)
            bar.update(info["progress"], info["step"], info["status"])
            if info["status"] in ("completed", "failed", "canceled"):
                break
            time.sleep(1)
    finally:
        bar.close()
    from novelcraft.models import JobInfo

    _finish(JobInfo.model_validate({**info, "project_slug": info.get("project")}))


@click.command()
@click.argument("slug")
@click.argument("episode", type=int)
@click.option("--instruction", required=True)
@pass_app
def revise(app: AppContext, slug: str, episode: int, instruction: str):
    """Rewrite an episode by an instruction; the old text stays as a version."""
    from novelcraft.pipeline import revise_episode

    with open_workspace(app) as ws:
        revised = revise_episode(_run(ws, app, slug), episode, instruction)
        click.echo(f"{episode}화 수정 완료: {revised.length:,}자, revision {revised.revision}")


@click.command()
@click.option("--json", "as_json", is_flag=True)
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
        ["backend", "label", "needs key", "schema"],
        [[r["name"], r["label"], r["needs_key"], r["supports_schema"]] for r in rows],
    )


def register(cli: click.Group) -> None:
    for command in (bootstrap, outline, generate, revise, backends):
        cli.add_command(command)
