"""Report and archive commands: metrics, guard-summary, export, import-archive."""

from __future__ import annotations

from pathlib import Path

import click

from novelcraft.cli.app import AppContext, pass_app
from novelcraft.cli.common import open_workspace
from novelcraft.cli.output import print_json, print_table
from novelcraft.files import write_file_atomically


@click.command(help="모든 회차의 문체 지표(최종 측정)를 보여 줍니다.")
@click.argument("slug")
@click.option(
    "--csv", "csv_path", type=click.Path(path_type=Path), default=None, help="CSV로도 씁니다."
)
@click.option("--json", "as_json", is_flag=True, help="JSON만 출력합니다.")
@pass_app
def metrics(app: AppContext, slug: str, csv_path: Path | None, as_json: bool):
    """Style metrics of every episode (the final measurement)."""
    from novelcraft.reports import metrics_csv

    with open_workspace(app) as ws:
        rows = ws.metrics_rows(slug)
    if csv_path:
        write_file_atomically(csv_path, metrics_csv(rows))
    if as_json:
        print_json(rows)
    elif not csv_path:
        print_table(
            ["#", "분량", "장면", "엔딩 훅", "문장 길이", "대사 비율", "설명 밀도", "반복률",
             "가드"],
            [[r["episode_number"], r["length"], r["scene_count"], "✅" if r["ending_hook"] else "⚠️",
              f"{r['avg_sentence_length']:.1f}", f"{r['dialogue_ratio']:.2f}",
              f"{r['explanation_density']:.3f}", f"{r['repetition_rate']:.3f}",
              "✅" if r["passed"] else "⚠️"] for r in rows],
        )  # fmt: skip


@click.command("guard-summary", help="가드 실패율, 재시도 성공률, 목표 대비 분량을 보여 줍니다.")
@click.argument("slug")
@click.option(
    "--csv", "csv_path", type=click.Path(path_type=Path), default=None, help="CSV로도 씁니다."
)
@click.option("--json", "as_json", is_flag=True, help="JSON만 출력합니다.")
@pass_app
def guard_summary_cmd(app: AppContext, slug: str, csv_path: Path | None, as_json: bool):
    """Guard fail rate, retry success rate and length against target."""
    from novelcraft.reports import guard_summary_csv

    with open_workspace(app) as ws:
        summary = ws.guard_summary(slug)
    if csv_path:
        write_file_atomically(csv_path, guard_summary_csv(summary))
    if as_json:
        print_json(summary.model_dump())
        return

    def pct(v):
        return "-" if v is None else f"{v:.1%}"

    click.echo(f"회차 수: {summary.episodes}")
    click.echo(f"가드 실패율: {pct(summary.guard_fail_rate)} (목표 ≤ 2%)")
    click.echo(f"재시도 성공률: {pct(summary.retry_success_rate)} (목표 ≥ 80%)")
    avg = "-" if summary.avg_length is None else f"{summary.avg_length:,.0f}"
    click.echo(
        f"평균 분량: {avg}자 (목표 {summary.target_length:,}자, 차이 "
        f"{pct(summary.length_deviation)})"
    )


@click.command(
    help="작품을 내보냅니다: ZIP 보관 파일, 마크다운, 텍스트, EPUB 3, 또는 플랫폼 회차"
    "(munpia/naver/kakao: 약 5,500자 단위 원고와 매니페스트를 담은 새 폴더)."
)
@click.argument("slug")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["zip", "md", "txt", "munpia", "naver", "kakao", "epub"]),
    required=True,
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="쓸 파일이나 새 폴더."
)
@pass_app
def export(app: AppContext, slug: str, fmt: str, output: Path):
    """Export a project: zip archive, markdown, plain text, EPUB 3, or platform episodes
    (munpia/naver/kakao: a new folder of ~5,500-character pieces and a manifest)."""
    from novelcraft.export import PLATFORM_FORMATS

    with open_workspace(app) as ws:
        path = ws.export_project(slug, fmt, output)
    if fmt in PLATFORM_FORMATS:
        from novelcraft.export_platform import describe_export

        for line in describe_export(path):
            click.echo(line, err=True)
    click.echo(str(path))


@click.command(
    "import-archive", help="`export --format zip` 보관 파일로 작품을 다시 만들고 slug를 출력합니다."
)
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--slug", default=None, help="새 작품의 slug (기본값: 보관 파일의 slug).")
@pass_app
def import_archive_cmd(app: AppContext, archive: Path, slug: str | None):
    """Recreate a project from an `export --format zip` archive; prints its slug."""
    from novelcraft.export import load_archive

    load_archive(archive)  # a bad archive touches (or creates) no workspace
    with open_workspace(app, create=True) as ws:
        click.echo(ws.import_archive(archive, slug))


def register(cli: click.Group) -> None:
    for command in (metrics, guard_summary_cmd, export, import_archive_cmd):
        cli.add_command(command)
