"""The notebooks' summaries (`novelcraft.analysis`) on frames the test writes row by row, so
every expected number is worked out by hand from those rows."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from novelcraft import analysis
from novelcraft.errors import BadInput
from novelcraft.frame_schema import COLUMNS, conform
from novelcraft.metrics import load_baseline
from novelcraft.settings import Settings

SETTINGS = Settings()  # bands: length 7000–9000, dialogue 0.40–0.60, explanation ≤ 0.05, ...


def _frame(kind: str, rows: list[dict]) -> pd.DataFrame:
    """A frame of `kind` from partial rows: unnamed columns are missing values."""
    full = [{name: row.get(name) for name in COLUMNS[kind]} for row in rows]
    return analysis.with_season_label(
        conform(pd.DataFrame(full, columns=list(COLUMNS[kind])), kind)
    )


def _final(project, season, episode, **values):
    row = dict(project=project, season=season, episode=episode, stage="final", attempt=1,
               latest=True, passed=True)  # fmt: skip
    return {**row, **values}


def test_season_label_names_the_season_or_none():
    frame = _frame("guard", [{"project": "p", "season": 2, "episode": 1}, {"project": "p"}])
    assert frame["season_label"].tolist() == ["시즌 2", "시즌 외"]


def test_final_metrics_keeps_the_newest_final_row_per_episode():
    frame = _frame("metrics", [
        dict(_final("p", 1, 1, length=7000), latest=False),
        _final("p", 1, 1, length=7100),
        dict(_final("p", 1, 1, length=6000), stage="pass1"),
    ])  # fmt: skip
    assert analysis.final_metrics(frame)["length"].tolist() == [7100]


def test_season_medians_against_the_band_and_the_human_baseline():
    frame = _frame("metrics", [
        _final("p", 1, 1, length=7000, dialogue_ratio=0.30),
        _final("p", 1, 2, length=8000, dialogue_ratio=0.50),
        _final("p", 1, 3, length=9500, dialogue_ratio=0.70),
        _final("p", 2, 4, length=6000, dialogue_ratio=0.45),
        dict(_final("p", 2, 4, length=1, dialogue_ratio=0.0), latest=False),
    ])  # fmt: skip
    medians = analysis.season_medians(frame, SETTINGS).set_index(["season_label", "metric"])
    assert medians.loc[("시즌 1", "length"), ["episodes", "median", "in_band"]].tolist() == [
        3, 8000.0, True,
    ]  # fmt: skip
    assert medians.loc[("시즌 2", "length"), ["median", "in_band"]].tolist() == [6000.0, False]
    assert medians.loc[("시즌 1", "length"), ["band_min", "band_max"]].tolist() == [7000, 9000]
    assert medians.loc[("시즌 2", "dialogue_ratio"), "median"] == pytest.approx(0.45)
    human = load_baseline().median
    assert medians.loc[("시즌 1", "dialogue_ratio"), "human_median"] == human["dialogue_ratio"]
    # No voice score was written: no median, no verdict, and no human value for voice.
    voice = medians.loc[("시즌 1", "voice_score")]
    assert voice["episodes"] == 0 and pd.isna(voice["median"]) and voice["in_band"] is None
    assert pd.isna(voice["human_median"]) and voice["band_min"] == 0.5


def test_season_median_table_reads_metric_by_season():
    frame = _frame("metrics", [
        _final("p", 1, 1, length=7000), _final("p", 1, 2, length=8000),
        _final("p", 2, 3, length=9500, dialogue_ratio=0.5),
    ])  # fmt: skip
    table = analysis.season_median_table(frame, SETTINGS)
    assert list(table.index) == list(analysis.METRIC_LABELS.values())
    assert list(table.columns) == ["시즌 1", "시즌 2", "목표", "사람 글 중앙값"]
    human = load_baseline().median["length"]
    assert table.loc["분량 (자)"].tolist() == [7500.0, 9500.0, "7,000–9,000", human]
    assert pd.isna(table.loc["대화 비율", "시즌 1"]) and table.loc["대화 비율", "시즌 2"] == 0.5
    assert table.loc["대화 비율", "목표"] == "40%–60%"


def test_top_warnings_counts_warnings_and_episodes_by_stage():
    frame = _frame("metrics", [
        dict(_final("p", 1, 1), stage="pass1",
             warning_metrics="explanation_density,dialogue_ratio"),
        dict(_final("p", 1, 1), stage="pass1", attempt=2, warning_metrics="explanation_density"),
        dict(_final("p", 1, 2), stage="pass1", warning_metrics="explanation_density"),
        _final("p", 1, 1, warning_metrics="dialogue_ratio"),
        _final("p", 1, 2),
    ])  # fmt: skip
    top = analysis.top_warnings(frame)
    assert top[["stage", "metric", "label", "warnings", "episodes"]].values.tolist() == [
        ["pass1", "explanation_density", "설명체 밀도", 3, 2],
        ["final", "dialogue_ratio", "대화 비율", 1, 1],
        ["pass1", "dialogue_ratio", "대화 비율", 1, 1],
    ]
    assert len(analysis.top_warnings(frame, limit=1)) == 1
    assert analysis.top_warnings(frame.iloc[[4]]).empty


def _write_server_file(ws, pid: int, url: str = "http://localhost:5123/", kind="serve") -> None:
    record = {"pid": pid, "url": url, "token": "t", "kind": kind}
    ws.paths.server.write_text(json.dumps(record))


def test_dashboard_url_only_from_this_process_server_file(workspace):
    assert workspace.dashboard_url() is None
    _write_server_file(workspace, pid=os.getpid() + 100_000)  # a pid that is not ours
    assert workspace.dashboard_url() is None
    _write_server_file(workspace, pid=os.getpid(), kind="api")  # an API without a dashboard
    assert workspace.dashboard_url() is None
    workspace.paths.server.write_text("{not json")
    assert workspace.dashboard_url() is None
    _write_server_file(workspace, pid=os.getpid())
    assert workspace.dashboard_url() == "http://localhost:5123/"


def test_editor_link_opens_the_episode_in_the_editor():
    assert analysis.editor_link("http://localhost:5006/", "my-novel", 12) == (
        "http://localhost:5006/?screen=editor&project=my-novel&episode=12"
    )
    assert analysis.editor_link(None, "my-novel", 12) is None


def _worst_case_frame():
    return _frame("metrics", [
        _final("p", 1, 1, length=8000, dialogue_ratio=0.5, warning_count=0),
        _final("p", 1, 2, length=5000, dialogue_ratio=0.9, warning_count=2, passed=False),
        _final("p", 1, 3, length=5000, dialogue_ratio=0.5, warning_count=3),
        _final("p", 2, 4, length=5000, dialogue_ratio=0.5, warning_count=1),
    ])  # fmt: skip


def test_worst_episodes_rank_by_metrics_out_of_band_then_warnings(workspace):
    worst = analysis.worst_episodes(workspace, _worst_case_frame(), SETTINGS, limit=3)
    assert worst[["episode", "out_of_band", "warnings"]].values.tolist() == [
        [2, 2, 2], [3, 1, 3], [4, 1, 1],
    ]  # fmt: skip
    assert worst.loc[0, "metrics"] == "분량 (자), 대화 비율"
    assert worst["link"].isna().all()


def test_worst_episodes_link_to_the_running_dashboard(workspace):
    _write_server_file(workspace, pid=os.getpid(), url="http://localhost:5123/")
    worst = analysis.worst_episodes(workspace, _worst_case_frame(), SETTINGS, limit=1)
    assert worst.loc[0, "link"] == "http://localhost:5123/?screen=editor&project=p&episode=2"


def _guard(season, episode, attempts, first_pass, fixed, final_pass, first=None, final=None,
           length=8000):  # fmt: skip
    return dict(project="p", season=season, episode=episode, attempts=attempts,
                retried=attempts > 1, first_pass=first_pass, fixed_by_retry=fixed,
                final_pass=final_pass, first_failures=first, final_failures=final,
                length=length)  # fmt: skip


GUARD_ROWS = [
    _guard(1, 1, 1, True, False, True, length=7000),
    _guard(1, 2, 3, False, True, True, first="length,scene_count", length=8000),
    _guard(1, 3, 3, False, False, False, first="length", final="length", length=9000),
    _guard(2, 4, 2, False, True, True, first="ending_hook"),
]


def test_guard_by_season_rates():
    table = analysis.guard_by_season(_frame("guard", GUARD_ROWS)).set_index("season_label")
    one = table.loc["시즌 1"]
    assert one["episodes"] == 3
    assert one["first_pass_rate"] == pytest.approx(1 / 3)
    assert one["guard_fail_rate"] == pytest.approx(1 / 3)
    assert one["retry_rate"] == pytest.approx(2 / 3)
    assert one["retry_success_rate"] == pytest.approx(1 / 2)
    assert one["avg_length"] == 8000
    two = table.loc["시즌 2"]
    assert (two["guard_fail_rate"], two["retry_success_rate"]) == (0.0, 1.0)


def test_retry_fixes_counts_what_the_first_draft_failed_and_retries_fixed():
    fixes = analysis.retry_fixes(_frame("guard", GUARD_ROWS))
    assert fixes.values.tolist() == [
        ["length", 2, 1], ["ending_hook", 1, 1], ["scene_count", 1, 1],
    ]  # fmt: skip


def _call(season, episode, purpose, prompt, output, ms, ok=True, kind=None):
    return dict(project="p", season=season, episode=episode, purpose=purpose, backend="fake",
                model="m", prompt_chars=prompt, output_chars=output, duration_ms=ms, ok=ok,
                error_kind=kind)  # fmt: skip


CALL_ROWS = [
    _call(1, 1, "outline", 100, 10, 500),
    _call(1, 1, "draft", 200, 0, 1500, ok=False, kind="timeout"),
    _call(1, 1, "draft", 200, 900, 2000),
    _call(1, 2, "draft", 300, 800, 1000),
    _call(2, 3, "draft", 400, 700, 4000),
    _call(None, None, "bootstrap", 50, 60, 10),
]


def test_calls_per_episode_and_per_season():
    calls = _frame("calls", CALL_ROWS)
    per_episode = analysis.calls_per_episode(calls)
    columns = ["episode", "calls", "failed", "prompt_chars", "output_chars"]
    assert per_episode[columns].values.tolist() == [
        [1, 3, 1, 500, 910], [2, 1, 0, 300, 800], [3, 1, 0, 400, 700],
    ]  # fmt: skip
    assert per_episode["seconds"].tolist() == [4.0, 1.0, 4.0]
    per_season = analysis.calls_per_season(calls).set_index("season_label")
    assert per_season.loc["시즌 1", ["calls", "episodes", "calls_per_episode"]].tolist() == [
        4, 2, 2.0,
    ]  # fmt: skip
    assert per_season.loc["시즌 1", "seconds_per_episode"] == 2.5
    assert "시즌 외" not in per_season.index  # the bootstrap call belongs to no episode


def _voice(episode, character, lines, share, banned=0):
    return dict(project="p", season=1, episode=episode, character=character, lines=lines,
                allowed_share=share, banned_count=banned)  # fmt: skip


def test_voice_drift_compares_the_later_half_with_the_earlier_one():
    voice = _frame("voice", [
        _voice(1, "가", 10, 1.0), _voice(2, "가", 10, 0.8), _voice(3, "가", 10, 0.4),
        _voice(4, "가", 10, 0.2, banned=2),
        _voice(1, "나", 5, 0.6), _voice(2, "나", 0, None), _voice(3, "나", 4, 0.7),
        _voice(1, "다", 3, None),
    ])  # fmt: skip
    drift = analysis.voice_drift(voice, SETTINGS).set_index("character")
    assert drift.loc["가", ["episodes", "lines", "below_min", "banned"]].tolist() == [4, 40, 2, 2]
    assert drift.loc["가", "mean_share"] == pytest.approx(0.6)
    assert drift.loc["가", "drift"] == pytest.approx(0.3 - 0.9)
    assert drift.loc["나", "drift"] == pytest.approx(0.1)
    assert drift.loc["나", "episodes"] == 2
    assert pd.isna(drift.loc["다", "drift"]) and pd.isna(drift.loc["다", "mean_share"])


def test_labelled_gives_korean_headings_and_names():
    table = pd.DataFrame({"purpose": ["draft"], "check": ["length"], "stage": ["pass1"],
                          "calls": [3], "unknown_column": [1]})  # fmt: skip
    shown = analysis.labelled(table)
    assert list(shown.columns) == ["작업", "검사", "단계", "호출 수", "unknown_column"]
    assert shown.iloc[0].tolist() == ["초고", "분량", "초고", 3, 1]


def test_workspace_dir_prefers_novelcraft_home_then_the_demo_workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("NOVELCRAFT_HOME", str(tmp_path / "mine"))
    assert analysis.workspace_dir() == tmp_path / "mine"
    monkeypatch.delenv("NOVELCRAFT_HOME")
    (tmp_path / "demo-workspace").mkdir()
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert analysis.workspace_dir() == tmp_path / "demo-workspace"


def test_choose_project_takes_the_wanted_one_or_the_first(workspace, sample_bible_path):
    with pytest.raises(BadInput, match="작업 공간에 작품이 없습니다"):
        analysis.choose_project(workspace)
    first = workspace.import_bible(sample_bible_path, slug="first")
    workspace.import_bible(sample_bible_path, slug="second")
    assert analysis.choose_project(workspace) == first
    assert analysis.choose_project(workspace, "second") == "second"
    with pytest.raises(
        BadInput, match=r"작품 'third'이\(가\) 없습니다 \(있는 작품: first, second\)"
    ):
        analysis.choose_project(workspace, "third")


def test_a_project_without_episodes_gives_empty_tables_and_a_chart(workspace, sample_bible_path):
    from novelcraft.analysis_charts import metric_layout

    slug = workspace.import_bible(sample_bible_path)
    metrics = analysis.metrics_frame(workspace, slug)
    guard, calls = analysis.guard_frame(workspace, slug), analysis.calls_frame(workspace, slug)
    voice = analysis.voice_frame(workspace, slug)
    assert [len(f) for f in (metrics, guard, calls, voice)] == [0, 0, 0, 0]
    assert analysis.season_medians(metrics, SETTINGS).empty
    assert analysis.top_warnings(metrics).empty
    assert analysis.worst_episodes(workspace, metrics, SETTINGS).empty
    assert analysis.guard_by_season(guard).empty and analysis.retry_fixes(guard).empty
    assert analysis.calls_per_episode(calls).empty and analysis.calls_per_season(calls).empty
    assert analysis.voice_drift(voice, SETTINGS).empty
    layout = metric_layout(metrics, SETTINGS, ["length"])
    assert len(layout) == 1


def test_metric_chart_marks_out_of_band_points_and_season_medians():
    import holoviews as hv

    from novelcraft.analysis_charts import metric_by_episode

    chart = metric_by_episode(_worst_case_frame(), "length", SETTINGS)
    labels = [layer.label for layer in chart]
    assert labels.count("시즌 1 중앙값") == 1 and labels.count("시즌 2 중앙값") == 1
    outside = next(layer for layer in chart if layer.label == "목표 밖")
    assert outside.dframe()["episode"].tolist() == [2, 3, 4]
    median_1 = next(layer for layer in chart if layer.label == "시즌 1 중앙값")
    assert median_1.dframe()["length"].tolist() == [5000.0, 5000.0]  # median of 8000, 5000, 5000
    assert any(isinstance(layer, hv.HSpan) for layer in chart)
    assert hv.render(chart, backend="bokeh") is not None
