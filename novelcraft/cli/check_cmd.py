"""`novelcraft check FILE|-`: score any manuscript, no workspace needed (DESIGN §7, §11).

Exit 0 when the guard passes, 1 when a hard check fails (the report is still printed), 2 for
input that is not a manuscript. Style warnings never change the exit code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from novelcraft.cli.app import AppContext
from novelcraft.cli.output import print_json, print_table
from novelcraft.errors import BadInput, NotFound
from novelcraft.metrics import Measurement, measure, metric_ranges
from novelcraft.metrics.baseline import load_baseline
from novelcraft.metrics.messages import METRIC_LABELS
from novelcraft.parse_problems import os_error_text
from novelcraft.settings import Settings, load_settings

# A manuscript is one episode (~30 KB); a few MB is already a whole novel. Past this the Kiwi
# pass would take minutes, so refuse early with a clear message instead.
MAX_MANUSCRIPT_BYTES = 4 * 1024 * 1024

_OK, _WARN, _FAIL = "✅", "⚠️", "❌"
_HOOK_EXPECTED = "?, !, …, 긴장 어구"


def read_manuscript(source: str) -> str:
    """The text of FILE (or stdin for "-"): strict UTF-8, not binary, not empty."""
    if source == "-":
        name, data = "<stdin>", sys.stdin.buffer.read(MAX_MANUSCRIPT_BYTES + 1)
    else:
        path = Path(source)
        name = source
        if path.is_dir():
            raise BadInput(f"{name}: 원고 파일이 아니라 폴더입니다")
        if not path.exists():
            raise NotFound(f"{name}: 파일이 없습니다")
        try:
            with path.open("rb") as fh:
                data = fh.read(MAX_MANUSCRIPT_BYTES + 1)
        except OSError as exc:
            raise BadInput(f"{name}: 읽을 수 없습니다: {os_error_text(exc)}") from None
    if len(data) > MAX_MANUSCRIPT_BYTES:
        raise BadInput(
            f"{name}: {MAX_MANUSCRIPT_BYTES:,}바이트보다 커서 원고 한 편으로 볼 수 없습니다"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Windows editors save "Unicode" as UTF-16, which would otherwise look binary.
        raise BadInput(f"{name}: UTF-8이 아니라 UTF-16 텍스트입니다 (UTF-8로 저장하세요)")
    if b"\x00" in data:
        raise BadInput(f"{name}: 텍스트 파일이 아니라 바이너리 데이터입니다 (NUL 바이트)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadInput(f"{name}:{line}: UTF-8 텍스트가 아닙니다 ({exc.start}번째 바이트)") from None
    if not text.strip():
        raise BadInput(f"{name}: 원고가 비어 있습니다")
    return text


def _settings() -> Settings:
    """The workspace's settings when there is one; defaults otherwise (check needs none)."""
    app = click.get_current_context().find_object(AppContext)
    if app is None:
        return Settings()
    return load_settings(Path(app.workspace) / "novelcraft.toml")


def _percent(value: float) -> str:
    return f"{value:.1%}"


def _rows(m: Measurement, settings: Settings) -> list[list[str]]:
    ranges = metric_ranges(settings)
    base = load_baseline().median
    warned = {w.metric for w in m.warnings}
    failed = {f.check for f in m.guard.failures}

    def verdict(name: str) -> str:
        return _FAIL if name in failed else _WARN if name in warned else _OK

    def row(name: str, shown: str, fmt=str) -> list[str]:
        expected = ranges[name].text if name in ranges else _HOOK_EXPECTED
        baseline = fmt(base[name]) if name in base else "-"
        return [METRIC_LABELS[name], shown, expected, verdict(name), baseline]

    count = "{:,.0f}".format
    one = "{:.1f}".format
    rows = [
        row("length", count(m.length), count),
        [
            METRIC_LABELS["length_with_spaces"],
            count(m.length_with_spaces),
            "",
            "",
            count(base["length_with_spaces"]) if "length_with_spaces" in base else "-",
        ],
        row("scene_count", str(m.scene_count), count),
        row("ending_hook", "있음" if m.ending_hook else "없음"),
        row("avg_sentence_length", one(m.avg_sentence_length), one),
        row("dialogue_ratio", _percent(m.dialogue_ratio), _percent),
        row("explanation_density", _percent(m.explanation_density), _percent),
        row("repetition_rate", _percent(m.repetition_rate), _percent),
        row("repeated_4grams", str(m.repeated_4grams), count),
    ]
    voice_warned = {w.character for w in m.warnings if w.metric == "voice"}
    for v in m.voice:
        if not v.lines:
            shown, mark = "대사 없음", "-"
        else:
            share = "-" if v.allowed_share is None else f"{v.allowed_share:.0%}"
            shown = f"{share} ({v.allowed_lines}/{v.lines}줄)"
            mark = _FAIL if v.banned else _WARN if v.name in voice_warned else _OK
        rows.append([f"{METRIC_LABELS['voice']}: {v.name}", shown, ranges["voice"].text, mark, "-"])
    return rows


def _print_report(m: Measurement, settings: Settings) -> None:
    print_table(["지표", "값", "기준", "판정", "사람 기준선"], _rows(m, settings))
    if m.guard.failures:
        click.echo("\n가드 실패 (다시 써야 할 항목):")
        for failure in m.guard.failures:
            click.echo(f"  {_FAIL} {failure.reason}")
    if m.warnings:
        click.echo("\n문체 경고 (2차 교정 대상):")
        for w in m.warnings:
            who = f" [{w.character}]" if w.character else ""
            click.echo(f"  {_WARN} {METRIC_LABELS.get(w.metric, w.metric)}{who}: {w.suggestion}")
            for example in w.examples:
                click.echo(f"      예: {example}")
    stories = load_baseline().stories
    credits = ", ".join(f"{s.title.split(' (')[0]}({s.author.split(' (')[0]})" for s in stories)
    click.echo(f"\n사람 기준선: 공개 저작물 단편 {len(stories)}편의 중앙값 — {credits}, 위키문헌")
    click.echo(
        f"결과: {'통과 ' + _OK if m.passed else f'가드 실패 {_FAIL} ({len(m.guard.failures)}건)'}"
    )


@click.command(help="원고를 한국어 문체 지표로 채점합니다. 가드 검사에 실패하면 종료 코드 1.")
@click.argument("file", metavar="FILE|-")
@click.option("--json", "as_json", is_flag=True, help="JSON만 출력합니다.")
@click.option(
    "--bible",
    "bible_path",
    metavar="YAML",
    default=None,
    help="이 스토리 바이블의 인물 말투와 금지 요소도 함께 검사합니다.",
)
def check(file: str, as_json: bool, bible_path: str | None) -> None:
    """Score a manuscript with the Korean style metrics; exit 1 if a guard check fails."""
    settings = _settings()
    characters, banned = [], []
    if bible_path:
        from novelcraft.bible import read_bible_file

        bible = read_bible_file(bible_path)
        characters, banned = bible.characters, bible.project.banned_elements
    result = measure(read_manuscript(file), characters, settings, banned_elements=banned)
    if as_json:
        print_json(result.to_json())
    else:
        _print_report(result, settings)
    if not result.passed:
        raise click.exceptions.Exit(1)


def register(cli: click.Group) -> None:
    cli.add_command(check)
