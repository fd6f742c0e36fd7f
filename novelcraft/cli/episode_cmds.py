"""Episode reading commands: episodes, show."""

from __future__ import annotations

import click

from novelcraft.cli.app import AppContext, pass_app
from novelcraft.cli.common import open_workspace
from novelcraft.cli.output import print_json, print_table
from novelcraft.labels import episode_status_label

_PASSED = {True: "✅", False: "⚠️", None: "-"}


@click.command(help="작품의 회차 목록을 보여 줍니다.")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="JSON만 출력합니다.")
@pass_app
def episodes(app: AppContext, slug: str, as_json: bool) -> None:
    """List a project's episodes."""
    with open_workspace(app) as ws:
        found = ws.list_episodes(slug)
        reasons = ws.stale_reasons(slug)
    if as_json:
        # stale_because: the changed events/summaries of an edited episode this context used.
        because: dict[int, list[dict]] = {}
        for r in reasons:
            because.setdefault(r.episode_number, []).append(
                r.model_dump(include={"source_episode", "kind", "description"})
            )
        print_json(
            [
                e.model_dump(include={"episode_number", "title", "status", "length", "passed"})
                | {"stale_because": because.get(e.episode_number, [])}
                for e in found
            ]
        )
        return
    if not found:
        click.echo(f"{slug}: 아직 회차가 없습니다")
        return
    print_table(
        ["#", "제목", "상태", "분량", "가드", "맥락"],
        [
            [
                e.episode_number,
                e.title,
                episode_status_label(e.status),
                f"{e.length:,}",
                _PASSED[e.passed],
                "재생성 필요" if e.context_stale else "",
            ]
            for e in found
        ],
    )


@click.command(help="회차 하나의 본문, 요약, 사건을 보여 줍니다.")
@click.argument("slug")
@click.argument("episode", type=int)
@click.option("--json", "as_json", is_flag=True, help="JSON만 출력합니다.")
@pass_app
def show(app: AppContext, slug: str, episode: int, as_json: bool) -> None:
    """Show one episode: its text, summary and events."""
    with open_workspace(app) as ws:
        found = ws.get_episode(slug, episode)
        events = ws.episode_events(slug, episode)
    if as_json:
        print_json(
            {
                "episode_number": found.episode_number,
                "title": found.title,
                "status": found.status,
                "content": found.content,
                "summary": found.summary,
                "outline": found.outline.model_dump() if found.outline else None,
                "events": [e.model_dump() for e in events],
            }
        )
        return
    click.echo(f"# {found.episode_number}화 {found.title}".rstrip())
    click.echo(
        f"상태: {episode_status_label(found.status)}  분량: {found.length:,}자  "
        f"판: {found.revision}"
    )
    if found.summary:
        click.echo(f"요약: {found.summary}")
    click.echo("")
    click.echo(found.content)
    if events:
        click.echo("")
        for event in events:
            click.echo(f"- [{event.event_type}] {event.description}")


def register(cli: click.Group) -> None:
    cli.add_command(episodes)
    cli.add_command(show)
