"""Quality screen: metric charts with target bands by season, guard summary per season,
human baseline, CSV."""

from __future__ import annotations

import csv
import io

import holoviews as hv
import pytest
from dashboard_helpers import sample_state

from novelcraft.dashboards.quality import QualityScreen, metric_chart
from novelcraft.dashboards.quality_data import CHART_METRICS, baseline_rows, season_of
from novelcraft.metrics import load_baseline


@pytest.fixture
def screen(workspace):
    return QualityScreen(state=sample_state(workspace, episodes=3))


def test_frame_has_one_row_per_measured_episode_with_its_season(screen):
    frame = screen.frame
    assert list(frame["episode_number"]) == [1, 2, 3]
    assert set(frame["season"]) == {"시즌 1"}
    bible = screen.state.ws.get_bible(screen.state.project)
    assert season_of(bible, 51) == "시즌 2" and season_of(bible, 999) == "시즌 외"


def test_charts_draw_each_metric_with_band_and_baseline(screen):
    assert len(screen.charts()) == 4  # the default selection
    screen.metrics = list(CHART_METRICS)
    layout = screen.charts()
    assert len(layout) == len(CHART_METRICS)
    chart = metric_chart(screen.frame, "length", screen.state.ws.settings)
    kinds = {type(el).__name__ for el in chart}
    assert {"Scatter", "HSpan", "HLine"} <= kinds
    span = next(el for el in chart if isinstance(el, hv.HSpan))
    assert (span.data[0], span.data[1]) == (7000, 9000)
    screen.metrics = ["dialogue_ratio"]
    assert len(screen.charts()) == 1
    hv.render(screen.charts())


def test_guard_summary_per_season_and_total(screen):
    rows = screen.guard_rows
    assert [r["구간"] for r in rows] == ["시즌 1", "전체"]
    assert rows[0]["회차 수"] == 3 and rows[0]["가드 실패율"].endswith("%")


def test_human_baseline_beside_the_project(screen):
    rows = {r["지표"]: r for r in baseline_rows(screen.frame, screen.state.ws.settings)}
    human = load_baseline().median["dialogue_ratio"]
    assert rows["대화 비율"]["사람 글 중앙값"] == f"{human * 100:.1f}%"
    assert rows["대화 비율"]["이 작품 중앙값"].endswith("%")
    assert rows["말투 일치율"]["사람 글 중앙값"] == "—"


def test_csv_download_holds_every_episode(screen):
    rows = list(csv.DictReader(io.StringIO(screen.csv_file().getvalue())))
    assert [r["episode_number"] for r in rows] == ["1", "2", "3"]
    assert "dialogue_ratio" in rows[0]


def test_no_project_and_no_episodes(workspace):
    from novelcraft.dashboards.state import AppState

    assert QualityScreen(state=AppState(ws=workspace)).charts() is None
    assert QualityScreen(state=sample_state(workspace)).charts() is None
