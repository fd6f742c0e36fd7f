"""The Quality screen's charts, drawn for an editor (issue 11): per metric the episodes as
points coloured by season, the target band, the human baseline always inside the axis (the
axis widens to hold it), season boundaries with each season's median, out-of-band points
crossed, values in % where the tables use %, integer episode ticks; and a season comparison
with one box per season.

The trend charts are drawn by the browser as SVG (`trend_chart.TrendChart`, issue 15): as
HoloViews plots every layer of every chart became its own plot object, and even as plain Bokeh
figures each chart was ~40 models to build, send, lay out and paint. `chart_marks` computes
what a chart shows as plain data and `trend_spec` hands it to the browser."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import holoviews as hv
import holoviews.plotting.bokeh
import pandas as pd

from novelcraft.dashboards.quality_data import CHART_METRICS, human_median, target_band
from novelcraft.dashboards.trend_chart import TrendChart
from novelcraft.metrics.thresholds import metric_ranges

SEASON_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
BAND_COLOUR = "#2ca02c"
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


def chart_marks(
    frame: pd.DataFrame, metric: str, settings, colours: dict[str, str] | None = None
) -> ChartMarks:
    """What the chart of `metric` shows; `colours` is `season_colours(frame)` when the caller
    has it already (one per screen, not one per chart)."""
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
    every = season_colours(frame) if colours is None else colours
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


BOUNDARY_STYLE = ("#777", 1.0, "dotted", 1.0)  # colour, width, dash, alpha


def season_lines(marks: ChartMarks) -> list[dict]:
    """The season boundaries (dotted, across the axis) and each season's median (a thick line
    in its colour over its episodes)."""
    bottom, top = marks.y_range
    colour, width, dash, alpha = BOUNDARY_STYLE
    lines = [
        {"kind": "boundary", "x0": x, "y0": bottom, "x1": x, "y1": top, "colour": colour,
         "width": width, "dash": dash, "alpha": alpha}
        for x in marks.boundaries
    ]  # fmt: skip
    lines += [
        {"kind": "median", "x0": float(m.x0), "y0": float(m.median), "x1": float(m.x1),
         "y1": float(m.median), "colour": m.colour, "width": 3.0, "dash": "solid", "alpha": 0.8}
        for m in marks.medians.itertuples()
    ]  # fmt: skip
    return lines


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round values (1, 2 or 5 times a power of ten apart) inside [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def trend_spec(marks: ChartMarks) -> dict:
    """What the browser draws for `marks` (`dashboards/trend_chart.js`), as plain values."""
    points = marks.points
    outside = set(int(n) for n in marks.outside["episode_number"])
    numbers = [int(n) for n in points["episode_number"]]
    baseline = marks.baseline
    return {
        "metric": marks.metric,
        "title": marks.title,
        "label": CHART_METRICS[marks.metric][0],
        "unit": marks.unit,
        "height": CHART_HEIGHT,
        "x_label": "회차",
        "x_range": list(marks.x_range),
        "y_range": list(marks.y_range),
        "x_ticks": list(marks.ticks),
        "y_ticks": nice_ticks(*marks.y_range),
        "band": list(marks.band) if marks.band is not None else None,
        "baseline": baseline,
        "baseline_text": f"사람 글 {baseline:,.1f}{marks.unit}" if baseline is not None else "",
        "season_lines": season_lines(marks),
        "points": {
            "episode_number": numbers,
            "value": [float(v) for v in points["value"]],
            "season": [str(s) for s in points["season"]],
            "colour": [str(c) for c in points["colour"]],
            "outside": [n in outside for n in numbers],
        },
    }


def metric_chart(frame: pd.DataFrame, metric: str, settings, on_tap=None, colours=None):
    """The trend chart of `metric` with every mark of `chart_marks`; `on_tap(x)` gets the
    episode-axis value of a click on it."""
    spec = trend_spec(chart_marks(frame, metric, settings, colours))
    return TrendChart(
        spec=spec,
        on_tap=on_tap,
        height=CHART_HEIGHT,
        sizing_mode="stretch_width",
        css_classes=["nc-trend-chart"],
    )


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
