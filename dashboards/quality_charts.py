"""The Quality screen's charts, drawn for an editor (issue 11): per metric the episodes as
points coloured by season, the target band, the human baseline always inside the axis (the
axis widens to hold it), season boundaries with each season's median, out-of-band points
crossed, values in % where the tables use %, integer episode ticks; and a season comparison
with one box per season.

The trend charts are plain Bokeh figures (issue 15): through HoloViews every layer of every
chart became its own plot object, which took most of the screen's server time, and its
renderers most of the browser's. `chart_marks` computes what a chart shows as plain data and
`trend_figure` draws it with one Bokeh model per kind of mark."""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import holoviews as hv
import holoviews.plotting.bokeh
import pandas as pd
from bokeh.events import Tap
from bokeh.models import (
    BoxAnnotation,
    ColumnDataSource,
    FixedTicker,
    GlyphRenderer,
    HoverTool,
    Label,
    Range1d,
    Scatter,
    Segment,
    Span,
)
from bokeh.plotting import figure

from novelcraft.dashboards.quality_data import CHART_METRICS, human_median, target_band
from novelcraft.metrics.thresholds import metric_ranges

SEASON_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
BAND_COLOUR = "#2ca02c"
OUT_COLOUR = "#d62728"
MAX_TICKS = 12
CHART_HEIGHT = 240
LEGEND_MARKS = (
    '<span style="background:rgba(44,160,44,.18);padding:0 10px;margin-right:4px"></span>'
    "목표 범위 · "
    '<span style="border-top:2px dashed #555;display:inline-block;width:22px;'
    'vertical-align:middle;margin-right:4px"></span>사람 글 중앙값 · '
    '<span style="border-top:3px solid #333;display:inline-block;width:22px;'
    'vertical-align:middle;margin-right:4px"></span>시즌 중앙값 · '
    '<span style="color:#d62728;font-weight:bold">⊗</span> 목표 밖 · '
    '<span style="border-left:1px dotted #777;margin:0 4px"></span>시즌 경계'
)


def season_colours(frame: pd.DataFrame) -> dict[str, str]:
    """Season -> its colour, in the order the seasons come: the same in every chart, so one
    legend serves them all."""
    if frame is None or frame.empty:
        return {}
    data = frame[["episode_number", "season"]].dropna().astype({"season": str})
    return {
        season: SEASON_COLOURS[i % len(SEASON_COLOURS)]
        for i, (season, _first, _last) in enumerate(_seasons(data))
    }


def legend_html(colours: dict[str, str]) -> str:
    """The legend above the charts: what each mark means and each season's colour."""
    seasons = " ".join(
        f'<span style="color:{colour}">●</span> {html.escape(season)}'
        for season, colour in colours.items()
    )
    return (
        '<div class="nc-chart-legend" style="font-size:13px;color:#444">'
        f"{LEGEND_MARKS} · 시즌: {seasons} · 점을 누르면 그 회차를 에디터에서 엽니다</div>"
    )


def is_percent(metric: str, settings) -> bool:
    rng = metric_ranges(settings).get(CHART_METRICS[metric][1] or "")
    return bool(rng and rng.percent)


def scaled(metric: str, settings) -> float:
    return 100.0 if is_percent(metric, settings) else 1.0


def episode_ticks(numbers: list[int]) -> list[int]:
    if not numbers:
        return [1]
    first, last = min(numbers), max(numbers)
    step = max(1, math.ceil((last - first + 1) / MAX_TICKS))
    return list(range(first, last + 1, step))


def _seasons(data: pd.DataFrame) -> list[tuple[str, int, int]]:
    spans = data.groupby("season")["episode_number"].agg(["min", "max"]).sort_values("min")
    return [(str(name), int(row["min"]), int(row["max"])) for name, row in spans.iterrows()]


def y_range(values: list[float], band: tuple, baseline: float | None) -> tuple[float, float]:
    """Holds every point, the band's finite edges and the baseline, with a margin."""
    marks = [v for v in values if v is not None and not math.isnan(v)]
    marks += [b for b in band if b is not None]
    if baseline is not None:
        marks.append(baseline)
    if not marks:
        return 0.0, 1.0
    low, high = min(marks), max(marks)
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
    return (low - pad if low - pad > 0 or low < 0 else 0.0), high + pad


@dataclass(frozen=True)
class ChartMarks:
    """Everything one trend chart shows, in the chart's units (% already applied)."""

    metric: str
    title: str
    unit: str
    points: pd.DataFrame  # episode_number, value, season, colour
    band: tuple[float, float] | None  # drawn edges; an open edge runs to the axis
    baseline: float | None  # the human-prose median
    boundaries: list[float]  # x of each season boundary
    medians: pd.DataFrame  # season, x0, x1, median, colour
    outside: pd.DataFrame  # episode_number, value of the out-of-band points
    ticks: list[int]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    colours: dict[str, str] = field(default_factory=dict)


def chart_marks(frame: pd.DataFrame, metric: str, settings) -> ChartMarks:
    label = CHART_METRICS[metric][0]
    scale = scaled(metric, settings)
    unit = "%" if scale == 100 else ""
    data = frame[["episode_number", metric, "season"]].dropna()
    data = pd.DataFrame(
        {
            "episode_number": data["episode_number"].astype(int),
            "value": data[metric].astype(float) * scale,
            "season": data["season"].astype(str),
        }
    ).sort_values("episode_number")
    low, high = (v * scale if v is not None else None for v in target_band(metric, settings))
    baseline = human_median(metric)
    baseline = baseline * scale if baseline is not None else None
    bottom, top = y_range(list(data["value"]), (low, high), baseline)
    seasons = _seasons(data) if len(data) else []
    every = season_colours(frame)
    colours = {season: every[season] for season, _first, _last in seasons}
    data["colour"] = [colours[s] for s in data["season"]]
    band = None
    if low is not None or high is not None:
        band = (low if low is not None else bottom, high if high is not None else top)
    by_season = data.groupby("season")["value"].median()
    medians = pd.DataFrame(
        [
            (season, first - 0.3, last + 0.3, float(by_season[season]), colours[season])
            for season, first, last in seasons
        ],
        columns=["season", "x0", "x1", "median", "colour"],
    )
    inside = [(low is None or v >= low) and (high is None or v <= high) for v in data["value"]]
    outside = data.loc[[not ok for ok in inside], ["episode_number", "value"]]
    ticks = episode_ticks(list(data["episode_number"]))
    x_range = (
        (ticks[0] - 0.6, max(ticks[-1], int(data["episode_number"].max())) + 0.6)
        if len(data)
        else (0.4, 1.6)
    )
    return ChartMarks(
        metric=metric,
        title=f"{label}{f' ({unit})' if unit else ''}",
        unit=unit,
        points=data.reset_index(drop=True),
        band=band,
        baseline=baseline,
        boundaries=[first - 0.5 for _season, first, _last in seasons[1:]],
        medians=medians,
        outside=outside.reset_index(drop=True),
        ticks=ticks,
        x_range=x_range,
        y_range=(bottom, top),
        colours=colours,
    )


def _add(fig, name: str, frame: pd.DataFrame, glyph) -> GlyphRenderer:
    """One renderer of `glyph` over the columns of `frame` (not its index). Built by hand:
    `figure.scatter` and friends add three more glyph models per renderer (selected,
    unselected, muted) that the browser derives by itself when they are left out."""
    source = ColumnDataSource({column: frame[column].to_numpy() for column in frame.columns})
    renderer = GlyphRenderer(data_source=source, glyph=glyph, name=name)
    fig.renderers.append(renderer)
    return renderer


BOUNDARY_STYLE = ("#777", 1.0, "dotted", 1.0)  # colour, width, dash, alpha
OUT_MARKER, OUT_SIZE, POINT_SIZE = "circle_x", 11, 7


def season_lines(marks: ChartMarks) -> pd.DataFrame:
    """The season boundaries (dotted, across the axis) and each season's median (a thick line
    in its colour over its episodes), as the segments of one glyph."""
    bottom, top = marks.y_range
    colour, width, dash, alpha = BOUNDARY_STYLE
    rows = [("boundary", x, bottom, x, top, colour, width, dash, alpha) for x in marks.boundaries]
    rows += [
        ("median", m.x0, m.median, m.x1, m.median, m.colour, 3.0, "solid", 0.8)
        for m in marks.medians.itertuples()
    ]
    columns = ["kind", "x0", "y0", "x1", "y1", "colour", "width", "dash", "alpha"]
    return pd.DataFrame(rows, columns=columns)


def point_marks(marks: ChartMarks) -> pd.DataFrame:
    """The points with how each is drawn: in its season's colour, and an out-of-band one
    bigger, crossed and outlined in red."""
    points = marks.points.copy()
    outside = points["episode_number"].isin(set(marks.outside["episode_number"]))
    points["outside"] = outside
    points["marker"] = ["circle" if not out else OUT_MARKER for out in outside]
    points["size"] = [POINT_SIZE if not out else OUT_SIZE for out in outside]
    points["line"] = [
        OUT_COLOUR if out else c for out, c in zip(outside, points["colour"], strict=True)
    ]
    return points


def trend_figure(marks: ChartMarks, on_tap: Callable[[float], object] | None = None):
    """One Bokeh figure for `marks`; `on_tap(x)` gets the episode axis value of a click.

    Few models (issue 15): every model is built and checked by Bokeh on the server, sent and
    drawn by the browser. The season lines share one glyph and the out-of-band points are
    the points' own crossed marker; the season colours are in the page's legend, the same for
    every chart (`legend_html`), not in a legend per chart."""
    label = CHART_METRICS[marks.metric][0]
    fig = figure(
        title=marks.title,
        height=CHART_HEIGHT,
        sizing_mode="stretch_width",
        x_range=Range1d(*marks.x_range),
        y_range=Range1d(*marks.y_range),
        x_axis_label="회차",
        y_axis_label=marks.unit,
        toolbar_location=None,
        tools="",
    )
    ticker = FixedTicker(ticks=marks.ticks)
    fig.xaxis.ticker = ticker
    fig.xgrid.ticker = ticker
    if marks.band is not None:
        fig.add_layout(
            BoxAnnotation(
                bottom=marks.band[0],
                top=marks.band[1],
                fill_color=BAND_COLOUR,
                fill_alpha=0.15,
                line_alpha=0,
                level="underlay",
                name="band",
            )
        )
    lines = season_lines(marks)
    if len(lines):
        _add(
            fig,
            "season-lines",
            lines,
            Segment(x0="x0", y0="y0", x1="x1", y1="y1", line_color="colour",
                    line_width="width", line_dash="dash", line_alpha="alpha"),
        )  # fmt: skip
    if marks.baseline is not None:
        fig.add_layout(
            Span(
                location=marks.baseline,
                dimension="width",
                line_color="#555",
                line_dash="dashed",
                line_width=1.5,
                name="baseline",
            )
        )
        first = int(marks.points["episode_number"].min()) if len(marks.points) else 1
        fig.add_layout(
            Label(
                x=first,
                y=marks.baseline,
                text=f" 사람 글 {marks.baseline:,.1f}{marks.unit}",
                text_font_size="8pt",
                text_color="#555",
                text_baseline="bottom",
                name="baseline-label",
            )
        )
    points = _add(
        fig,
        "points",
        point_marks(marks),
        Scatter(x="episode_number", y="value", size="size", marker="marker",
                fill_color="colour", line_color="line"),
    )  # fmt: skip
    fig.add_tools(
        HoverTool(
            renderers=[points],
            tooltips=[("회차", "@episode_number"), (label, "@value{0,0.0}"), ("시즌", "@season")],
        )
    )
    if on_tap is not None:
        fig.on_event(Tap, lambda event: on_tap(event.x))
    return fig


def metric_chart(frame: pd.DataFrame, metric: str, settings, on_tap=None):
    """The trend chart of `metric`: a Bokeh figure with every mark of `chart_marks`."""
    return trend_figure(chart_marks(frame, metric, settings), on_tap)


def season_boxes(frame: pd.DataFrame, metric: str, settings) -> hv.Overlay:
    """One box per season for `metric` (the season comparison), with the target band."""
    label = CHART_METRICS[metric][0]
    scale = scaled(metric, settings)
    unit = "%" if scale == 100 else ""
    data = frame[["season", metric]].dropna().copy()
    data["value"] = data[metric] * scale
    order = [s for s, _, _ in _seasons(frame.dropna(subset=[metric]))]
    data["season"] = pd.Categorical(data["season"], categories=order, ordered=True)
    box = hv.BoxWhisker(data.sort_values("season"), "season", "value").opts(
        box_fill_color="#9ecae1", xlabel="시즌", ylabel=unit, toolbar=None
    )
    low, high = (v * scale if v is not None else None for v in target_band(metric, settings))
    layers: list = [box]
    if low is not None or high is not None:
        bottom, top = y_range(list(data["value"]), (low, high), None)
        layers.insert(
            0,
            hv.HSpan(low if low is not None else bottom, high if high is not None else top).opts(
                color=BAND_COLOUR, alpha=0.15
            ),
        )
    return hv.Overlay(layers).opts(
        title=f"{label} · 시즌 비교{f' ({unit})' if unit else ''}", height=220, responsive=True
    )
