"""Quality screen: metric charts with target bands by season, guard summary per season,
human baseline, CSV."""

from __future__ import annotations

import csv
import io

import holoviews as hv
import pandas as pd
import pytest
from bokeh.document import Document
from bokeh.models import BoxAnnotation, Span
from dashboard_helpers import sample_state

from novelcraft.dashboards.quality import QualityScreen
from novelcraft.dashboards.quality_charts import (
    legend_html,
    metric_chart,
    season_boxes,
    season_colours,
)
from novelcraft.dashboards.quality_data import CHART_METRICS, baseline_rows, season_of
from novelcraft.metrics import load_baseline


def drawn(figure, name: str):
    """The model of one kind of mark on a trend chart (band, baseline, points, ...)."""
    found = figure.select(name=name)
    return found[0] if found else None


def column(figure, name: str, key: str) -> list:
    return [
        v.item() if hasattr(v, "item") else v for v in drawn(figure, name).data_source.data[key]
    ]


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
    band = drawn(chart, "band")
    assert isinstance(band, BoxAnnotation) and (band.bottom, band.top) == (7000, 9000)
    assert isinstance(drawn(chart, "baseline"), Span)
    assert column(chart, "points", "episode_number") == [1, 2, 3]
    screen.metrics = ["dialogue_ratio"]
    assert len(screen.charts()) == 1
    document = Document()  # every model of the chart serializes for the browser
    document.add_root(screen.charts()[0])
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
    kinds = column(chart, "season-lines", "kind")
    x0 = column(chart, "season-lines", "x0")
    assert [x for k, x in zip(kinds, x0, strict=True) if k == "boundary"] == [
        3.5
    ]  # the season boundary
    medians = [
        y for k, y in zip(kinds, column(chart, "season-lines", "y0"), strict=True) if k == "median"
    ]
    assert medians == [8200.0, 7900.0]  # per-season medians
    outside = column(chart, "points", "outside")
    numbers = column(chart, "points", "episode_number")
    assert [n for n, out in zip(numbers, outside, strict=True) if out] == [3, 6]  # 9,900 and 6,500
    markers = column(chart, "points", "marker")
    assert markers[2] == "circle_x" and markers[0] == "circle"  # crossed, not just coloured
    assert drawn(chart, "points").glyph.marker == "marker"  # the column, per point
    baseline = load_baseline().median["length"]
    assert drawn(chart, "baseline").location == baseline
    assert "사람 글" in drawn(chart, "baseline-label").text
    assert chart.y_range.start <= baseline <= chart.y_range.end  # the baseline is in view
    assert list(chart.xaxis[0].ticker.ticks) == [1, 2, 3, 4, 5, 6]  # integers only
    colours = column(chart, "points", "colour")
    assert len(set(colours)) == 2  # points coloured by season
    assert season_colours(two_seasons()) == {"시즌 1": colours[0], "시즌 2": colours[-1]}


def test_one_legend_names_every_season_in_its_chart_colour(workspace):
    """The season colours are the same in every chart (a season with no value for one metric
    does not shift the others), and the legend above the charts shows them, escaped."""
    frame = two_seasons()
    frame.loc[frame["season"] == "시즌 1", "dialogue_ratio"] = None
    frame["season"] = frame["season"].replace({"시즌 2": "<b>2부</b>"})
    colours = season_colours(frame)
    dialogue = metric_chart(frame, "dialogue_ratio", workspace.settings)
    assert set(column(dialogue, "points", "colour")) == {colours["<b>2부</b>"]}
    legend = legend_html(colours)
    assert f'color:{colours["시즌 1"]}">●</span> 시즌 1' in legend
    assert "&lt;b&gt;2부&lt;/b&gt;" in legend and "<b>2부" not in legend
    assert "목표 범위" in legend and "목표 밖" in legend


def test_ratio_charts_are_in_percent_like_the_tables(workspace):
    chart = metric_chart(two_seasons(), "dialogue_ratio", workspace.settings)
    assert column(chart, "points", "value")[:2] == [45.0, 50.0]
    band = drawn(chart, "band")
    assert (band.bottom, band.top) == pytest.approx((40.0, 60.0))
    assert "(%)" in chart.title.text
    assert drawn(chart, "baseline-label").text.endswith("%")


def test_season_comparison_has_one_box_per_season(workspace):
    boxes = season_boxes(two_seasons(), "length", workspace.settings)
    box = next(el for el in boxes if isinstance(el, hv.BoxWhisker))
    assert sorted(box.data["season"].unique()) == ["시즌 1", "시즌 2"]
    hv.render(boxes)


def test_clicking_near_a_point_opens_that_episode(screen):
    opened = []
    chart = metric_chart(screen.frame, "length", screen.state.ws.settings, on_tap=opened.append)
    assert chart.subscribed_events == {"tap"}  # the browser sends clicks on the chart
    from bokeh.events import Tap

    chart._trigger_event(Tap(chart, x=2.2, y=0.0))
    assert opened == [2.2]
    assert screen.open_near(2.2) is True
    assert screen.state.screen == "editor" and screen.state.episode == 2
    assert screen.open_near(7.5) is False


def test_csv_has_project_and_season_columns(screen):
    rows = list(csv.DictReader(io.StringIO(screen.csv_file().getvalue())))
    assert {r["project"] for r in rows} == {screen.state.project}
    assert {r["season"] for r in rows} == {"시즌 1"}
    assert list(rows[0])[:3] == ["project", "season", "episode_number"]
