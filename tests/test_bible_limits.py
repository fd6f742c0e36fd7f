"""Hostile bibles: alias bombs, deep nesting and anchors are refused before any Python object
is built, in the CLI and the dashboard upload alike (they share `bible.parse_bible`)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from novelcraft.bible import MAX_BIBLE_DEPTH, parse_bible
from novelcraft.errors import BadInput


def alias_bomb() -> str:
    """The classic "billion laughs": nine levels of nine aliases each, about 580 bytes."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


DEEP_FLOW = "[" * 20_000 + "]" * 20_000
DEEP_BLOCK = "".join(" " * i + "k:\n" for i in range(1_500)) + " " * 1_500 + "v\n"

_MEASURE = textwrap.dedent("""
    import resource, sys
    from novelcraft.cli import main
    try:
        main(sys.argv[2:])
        code = 0
    except SystemExit as exc:
        code = exc.code
    with open(sys.argv[1], "w") as fh:
        fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    sys.exit(code)
""")


def _cli_with_peak_rss(tmp_path, *args) -> tuple[subprocess.CompletedProcess, int]:
    report = tmp_path / f"rss-{len(list(tmp_path.iterdir()))}.txt"
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(report), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return proc, int(report.read_text())


def test_the_alias_bomb_is_small_and_refused_with_bounded_memory(tmp_path, sample_bible_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    assert bomb.stat().st_size < 600
    ws = tmp_path / "ws"
    baseline, base_rss = _cli_with_peak_rss(tmp_path, "--workspace", ws, "bible", "import",
                                            sample_bible_path)  # fmt: skip
    assert baseline.returncode == 0, baseline.stderr
    refused, bomb_rss = _cli_with_peak_rss(tmp_path, "--workspace", ws, "bible", "import", bomb)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        f"novelcraft: 오류: {bomb}:1: YAML 앵커(&a)는 쓸 수 없습니다"
    ]
    # ru_maxrss is KiB: the bomb may not cost 50 MB more than importing the real sample bible.
    assert bomb_rss - base_rss < 50_000, (base_rss, bomb_rss)


@pytest.mark.parametrize("text", [DEEP_FLOW, DEEP_BLOCK], ids=["flow", "block"])
def test_deep_nesting_is_one_line_exit_2(cli, tmp_path, text):
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("--workspace", tmp_path / "ws", "bible", "import", path)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1
    assert f"중첩이 {MAX_BIBLE_DEPTH}단계보다 깊습니다" in result.err
    assert "RecursionError" not in result.err and "내부 오류" not in result.err


@pytest.mark.parametrize(
    ("snippet", "line", "expected"),
    [
        ("  genre: &g 판타지\n  tone: *g\n", 4, "앵커(&g)"),
        ("  genre: 판타지\n  tone: *g\n", 5, "별칭(*g)"),
        ("  <<: *base\n", 4, "별칭(*base)"),
    ],
)
def test_anchors_and_aliases_in_a_real_bible_name_their_line(snippet, line, expected):
    text = f"format: novelcraft-bible/1\nproject:\n  name: 이름\n{snippet}"
    with pytest.raises(BadInput) as caught:
        parse_bible(text, "b.yaml")
    assert str(caught.value).startswith(f"b.yaml:{line}: YAML {expected}")


def test_a_hostile_key_is_quoted_on_one_line():
    text = 'format: novelcraft-bible/1\nproject:\n  name: a\n  ? "x\\ny"\n  : 1\n'
    with pytest.raises(BadInput) as caught:
        parse_bible(text, "b.yaml")
    assert str(caught.value) == "b.yaml:4: project.'x\\ny': 알 수 없는 항목입니다"


def test_a_bible_within_the_depth_limit_still_loads(sample_bible_text):
    assert parse_bible(sample_bible_text, "sample.yaml").project.name


def test_the_dashboard_upload_refuses_a_bomb_and_creates_nothing(workspace):
    from novelcraft.dashboards.projects import ProjectsScreen
    from novelcraft.dashboards.state import AppState

    wizard = ProjectsScreen(state=AppState(ws=workspace)).wizard
    for data in (alias_bomb(), DEEP_FLOW):
        wizard.param.update(upload=data.encode(), upload_name="bomb.yaml")
        wizard.import_upload()
        assert wizard.upload_error.startswith("bomb.yaml:1: ")
        assert wizard.message_kind == "danger"
    assert workspace.list_projects() == []


yaml_pieces = st.sampled_from(
    ["[", "]", "{", "}", ":", "- ", "&a ", "*a", "!!str ", "!x ", "<<: ", "'", '"', "|\n",
     "\n", "  ", "#", ",", "key", "이름", "1", "null", "format: novelcraft-bible/1\n", "---\n"]
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(yaml_pieces, max_size=60).map("".join))
def test_arbitrary_yaml_text_is_a_bible_or_one_line_of_bad_input(text):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        parse_bible(text, "fuzz.yaml")
    except BadInput as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.yaml")
    # ru_maxrss is KiB: 60 pieces of YAML may not cost 50 MB (an alias bomb would).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000


nested = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nested, st.booleans())
def test_arbitrary_structures_with_shared_parts_never_crash(value, share):
    data = {"format": "novelcraft-bible/1", "project": {"name": "x", "notes": value}}
    if share:
        data["extra"] = [value, value]  # PyYAML writes the shared object as an anchor + alias
    try:
        parse_bible(yaml.safe_dump(data, allow_unicode=True), "fuzz.yaml")
    except BadInput as exc:
        assert "\n" not in str(exc)
