"""`novelcraft canon SLUG`: the continuity report (DESIGN §13), and the author's foreshadow
decisions (drop one, move its due episode)."""

from __future__ import annotations

import click

from novelcraft.cli.app import AppContext, pass_app
from novelcraft.cli.common import open_workspace
from novelcraft.cli.output import print_json, print_table

_STATUS = {"open": "열림", "resolved": "회수", "overdue": "기한 지남", "dropped": "포기"}
_KIND = {
    "overdue_foreshadow": "미회수 복선",
    "late_payoff": "늦은 회수",
    "repeated_function": "기능 반복",
    "absent_character": "장기 부재",
}


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


@click.command(help="설정 장부: 시즌별 복선, 반복된 기능, 사라진 인물.")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="JSON만 출력합니다.")
@click.option("--drop", "drop", type=int, metavar="ID", help="복선 ID를 포기합니다 (작가의 판단).")
@click.option("--undrop", "undrop", type=int, metavar="ID", help="포기를 되돌립니다.")
@click.option(
    "--due", "due", type=(int, int), metavar="ID EP", help="복선 ID의 회수 회차를 EP로 옮깁니다."
)
@pass_app
def canon(app: AppContext, slug: str, as_json: bool, drop, undrop, due) -> None:
    """The canon ledger: foreshadows, repeated functions, absent characters per season."""
    with open_workspace(app) as ws:
        if drop is not None:
            ws.drop_foreshadow(slug, drop, True)
        if undrop is not None:
            ws.drop_foreshadow(slug, undrop, False)
        if due is not None:
            ws.move_foreshadow_due(slug, due[0], due[1])
        report = ws.canon_report(slug)
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    click.echo(f"# 설정 장부: {slug} ({report.as_of_episode}화까지)")
    print_table(
        ["시즌", "회차", "열림", "임박", "기한 지남", "회수(늦음)", "포기", "회수율", "발견/1만자"],
        [
            [
                f"{s.number} {s.title}".strip(),
                f"{s.first_episode}~{s.last_episode}",
                s.open,
                s.due_soon,
                s.overdue,
                f"{s.resolved}({s.resolved_late})",
                s.dropped,
                _rate(s.payoff_rate),
                "-" if s.findings_per_10k is None else f"{s.findings_per_10k:.2f}",
            ]
            for s in report.seasons
        ],
    )
    pending = [f for f in report.foreshadows if f.status in ("open", "overdue")]
    if pending:
        click.echo("")
        print_table(
            ["번호", "심은 화", "기한", "상태", "복선"],
            [
                [
                    f.id,
                    f.planted_episode,
                    f.due_episode,
                    _STATUS[f.status] + (" · 임박" if f.due_soon else ""),
                    f.description[:60],
                ]
                for f in pending
            ],
        )
    findings = [(s.number, f) for s in report.seasons for f in s.findings]
    if findings:
        click.echo("")
        for season, f in findings:
            click.echo(f"- 시즌 {season} {f.episode}화 [{_KIND[f.kind]}] {f.detail}")
            if f.quote:
                click.echo(f"    “{f.quote[:100]}”")
    for warning in report.warnings:
        click.echo(f"경고: {warning}")


def register(cli: click.Group) -> None:
    cli.add_command(canon)
