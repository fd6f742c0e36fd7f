"""Projects and Story Bible commands: projects, bible import, bible export."""

from __future__ import annotations

from pathlib import Path

import click

from novelcraft.cli.app import AppContext, pass_app
from novelcraft.cli.common import open_workspace
from novelcraft.cli.output import print_json, print_table
from novelcraft.errors import BadInput
from novelcraft.files import write_file_atomically


@click.command(help="작업 공간의 작품 목록을 보여 줍니다.")
@click.option("--json", "as_json", is_flag=True, help="JSON만 출력합니다.")
@pass_app
def projects(app: AppContext, as_json: bool) -> None:
    """List the workspace's projects."""
    with open_workspace(app) as ws:
        found = ws.list_projects()
    if as_json:
        print_json([p.model_dump(include={"slug", "name", "genre", "episodes"}) for p in found])
        return
    if not found:
        click.echo(
            "아직 작품이 없습니다 (`novelcraft bible import FILE` 또는 `novelcraft bootstrap`)"
        )
        return
    print_table(
        ["slug", "이름", "장르", "회차 수", "최근 작업"],
        [
            [
                p.slug,
                p.name,
                p.genre,
                p.episodes,
                p.last_activity.strftime("%Y-%m-%d %H:%M") if p.last_activity else "",
            ]
            for p in found
        ],
    )


@click.group(help="스토리 바이블(YAML)을 가져오거나 내보냅니다.")
def bible() -> None:
    """Import and export Story Bibles (YAML)."""


@bible.command("import", help="스토리 바이블 파일로 작품을 만들고 작품 slug를 출력합니다.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--slug", default=None, help="새 작품의 slug (기본값: 작품 이름에서 만듦).")
@click.option(
    "--into",
    default=None,
    metavar="SLUG",
    help="대신 이미 있는 이 작품의 바이블을 바꿉니다 (회차는 그대로 둠).",
)
@pass_app
def bible_import(app: AppContext, file: Path, slug: str | None, into: str | None) -> None:
    """Create a project from a Story Bible file; prints the project slug."""
    if slug and into:
        raise BadInput("--slug와 --into는 함께 쓸 수 없습니다")
    from novelcraft.bible import read_bible_file

    read_bible_file(file)  # validate before touching (or creating) the workspace
    with open_workspace(app, create=True) as ws:
        click.echo(ws.import_bible(file, slug=slug, into=into))


@bible.command(
    "export", help="작품의 스토리 바이블을 표준 형식으로 씁니다 (표준 출력 또는 -o FILE)."
)
@click.argument("slug")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="쓸 파일 (기본값: 표준 출력).",
)
@pass_app
def bible_export(app: AppContext, slug: str, output: Path | None) -> None:
    """Write a project's Story Bible in canonical form (stdout or -o FILE)."""
    with open_workspace(app) as ws:
        text = ws.export_bible(slug)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_file_atomically(output, text)


def register(cli: click.Group) -> None:
    cli.add_command(projects)
    cli.add_command(bible)
