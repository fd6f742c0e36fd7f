"""Generation commands: bootstrap, outline, generate, revise, backends."""

from __future__ import annotations

import time
from pathlib import Path

import click

from novelcraft.backends import REGISTRY, load_builtin_backends
from novelcraft.cli.app import AppContext, pass_app
from novelcraft.cli.common import open_workspace
from novelcraft.cli.output import print_json, print_table


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
    from novelcraft.pipeline import bootstrap_bible

    concept = {
        "name": name, "genre": genre, "tone": tone, "protagonist": protagonist,
        "supporting": supporting, "banned_elements": ", ".join(banned),
        "banned_list": list(banned), "notes": notes, "references": "",
    }  # fmt: skip
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
    from novelcraft.errors import NotFound
    from novelcraft.pipeline import parse_outline, plan_outline, set_outline

    edited = None
    if set_file is not None:
        if not set_file.is_file():
            raise NotFound(f"{set_file}: no such file")
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
@click.option("--detach", is_flag=True, help="Return at once (needs the job queue).")
@pass_app
def generate(app: AppContext, slug, first, last, no_editor, no_retry, detach):
    """Generate episodes FROM..TO in order."""
    from novelcraft.errors import BadInput
    from novelcraft.pipeline import generate_episode

    if first < 1 or last < first:
        raise BadInput(f"invalid range --from {first} --to {last}: need 1 <= from <= to")
    if detach:
        raise BadInput("--detach needs the job queue, which this version does not have yet")
    with open_workspace(app) as ws:
        run = _run(ws, app, slug, with_editor=not no_editor, use_retry=not no_retry, log=_echo_log)
        started = time.monotonic()
        for number in range(first, last + 1):
            episode = generate_episode(run, number)
            done = number - first + 1
            elapsed = time.monotonic() - started
            eta = elapsed / done * (last - number)
            click.echo(
                f"[{done}/{last - first + 1}] {number}화 {episode.length:,}자 "
                f"{'✅' if episode.passed else '⚠️'}  {elapsed:.0f}s, 남은 시간 {eta:.0f}s"
            )


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
