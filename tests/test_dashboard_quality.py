"""Quality screen: metric charts with target bands by season, guard summary per season,
human baseline, CSV."""

from __future__ import annotations

import csv
import io
import json

import holoviews as hv
import pandas as pd
import pytest
from bokeh.document import Document
from dashboard_helpers import sample_state

from novelcraft.dashboards.quality import QualityScreen
from novelcraft.dashboards.quality_charts import (
    legend_html,
    metric_chart,
    season_boxes,
    season_colours,
)
from novelcraft.dashboards.quality_data import CHART_METRICS, baseline_rows, season_of
from novelcraft.dashboards.trend_chart import TrendChart
from novelcraft.metrics import load_baseline


def points(chart, key: str) -> list:
    """One column of the points a trend chart draws (episode_number, value, colour, ...)."""
    return chart.spec["points"][key]


def lines(chart, kind: str) -> list[dict]:
    """The season lines of one kind: 'boundary' or 'median'."""
    return [line for line in chart.spec["season_lines"] if line["kind"] == kind]


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
    assert isinstance(chart, TrendChart)
    assert chart.spec["band"] == [7000, 9000]
    assert chart.spec["baseline"] == load_baseline().median["length"]
    assert points(chart, "episode_number") == [1, 2, 3]
    screen.metrics = ["dialogue_ratio"]
    assert len(screen.charts()) == 1
    json.dumps(screen.charts()[0].spec)  # plain values the browser takes as they are
    document = Document()  # the chart's model serializes for the browser
    document.add_root(screen.charts()[0].get_root(document))
    assert document.to_json().content["roots"]


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


def two_seasons() -> pd.DataFrame:
    values = [7500, 8200, 9900, 8100, 7900, 6500]
    return pd.DataFrame(
        {
            "episode_number": range(1, 7),
            "length": values,
            "dialogue_ratio": [0.45, 0.5, 0.3, 0.55, 0.48, 0.52],
            "season": ["시즌 1"] * 3 + ["시즌 2"] * 3,
        }
    )


def test_chart_marks_band_baseline_seasons_and_out_of_band_points(workspace):
    settings = workspace.settings
    chart = metric_chart(two_seasons(), "length", settings)
    assert [line["x0"] for line in lines(chart, "boundary")] == [3.5]  # the season boundary
    assert [line["y0"] for line in lines(chart, "median")] == [8200.0, 7900.0]  # medians
    outside = points(chart, "outside")
    numbers = points(chart, "episode_number")
    assert [n for n, out in zip(numbers, outside, strict=True) if out] == [3, 6]  # 9,900, 6,500
    baseline = load_baseline().median["length"]
    assert chart.spec["baseline"] == baseline and "사람 글" in chart.spec["baseline_text"]
    low, high = chart.spec["y_range"]
    assert low <= baseline <= high  # the baseline is in view
    assert chart.spec["x_ticks"] == [1, 2, 3, 4, 5, 6]  # integers only
    y_ticks = chart.spec["y_ticks"]
    assert len(y_ticks) >= 3 and all(low <= t <= high for t in y_ticks)
    assert all(t % 500 == 0 for t in y_ticks)  # round values
    colours = points(chart, "colour")
    assert len(set(colours)) == 2  # points coloured by season
    assert season_colours(two_seasons()) == {"시즌 1": colours[0], "시즌 2": colours[-1]}


def test_a_click_on_a_chart_opens_the_nearest_episode(screen):
    """The browser sends where on the episode axis a click was; the nearest measured episode
    within half an episode opens in the editor, anything else is ignored."""
    chart = screen.charts()[0]
    chart._handle_msg({"x": 2.3})
    assert (screen.state.screen, screen.state.episode) == ("editor", 2)
    screen.state.screen = "quality"
    for bad in ({"x": 7.5}, {"x": "2"}, {"x": True}, {"x": float("nan")}, {}, "2", None):
        chart._handle_msg(bad)
    assert screen.state.screen == "quality"


def test_one_legend_names_every_season_in_its_chart_colour(workspace):
    """The season colours are the same in every chart (a season with no value for one metric
    does not shift the others), and the legend above the charts shows them, escaped."""
    frame = two_seasons()
    frame.loc[frame["season"] == "시즌 1", "dialogue_ratio"] = None
    frame["season"] = frame["season"].replace({"시즌 2": "<b>2부</b>"})
    colours = season_colours(frame)
    dialogue = metric_chart(frame, "dialogue_ratio", workspace.settings)
    assert set(points(dialogue, "colour")) == {colours["<b>2부</b>"]}
    legend = legend_html(colours)
    assert f'color:{colours["시즌 1"]}">●</span> 시즌 1' in legend
    assert "&lt;b&gt;2부&lt;/b&gt;" in legend and "<b>2부" not in legend
    assert "목표 범위" in legend and "목표 밖" in legend


def test_ratio_charts_are_in_percent_like_the_tables(workspace):
    chart = metric_chart(two_seasons(), "dialogue_ratio", workspace.settings)
    assert points(chart, "value")[:2] == [45.0, 50.0]
    assert chart.spec["band"] == pytest.approx([40.0, 60.0])
    assert "(%)" in chart.spec["title"] and chart.spec["unit"] == "%"
    assert chart.spec["baseline_text"].endswith("%")


def test_season_comparison_has_one_box_per_season(workspace):
    boxes = season_boxes(two_seasons(), "length", workspace.settings)
    box = next(el for el in boxes if isinstance(el, hv.BoxWhisker))
    assert sorted(box.data["season"].unique()) == ["시즌 1", "시즌 2"]
    hv.render(boxes)


def test_csv_has_project_and_season_columns(screen):
    rows = list(csv.DictReader(io.StringIO(screen.csv_file().getvalue())))
    assert {r["project"] for r in rows} == {screen.state.project}
    assert {r["season"] for r in rows} == {"시즌 1"}
    assert list(rows[0])[:3] == ["project", "season", "episode_number"]
