"""The Quality screen's charts, drawn for an editor (issue 11): per metric the episodes as
points coloured by season, the target band, the human baseline always inside the axis (the
axis widens to hold it), season boundaries with each season's median, out-of-band points
crossed, values in % where the tables use %, integer episode ticks; and a season comparison
with one box per season."""

from __future__ import annotations

import math

import holoviews as hv
import holoviews.plotting.bokeh
import pandas as pd

from novelcraft.dashboards.quality_data import CHART_METRICS, human_median, target_band
from novelcraft.metrics.thresholds import metric_ranges

SEASON_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
BAND_COLOUR = "#2ca02c"
OUT_COLOUR = "#d62728"
MAX_TICKS = 12
LEGEND_HTML = (
    '<div class="nc-chart-legend" style="font-size:13px;color:#444">'
    '<span style="background:rgba(44,160,44,.18);padding:0 10px;margin-right:4px"></span>'
    "목표 범위 · "
    '<span style="border-top:2px dashed #555;display:inline-block;width:22px;'
    'vertical-align:middle;margin-right:4px"></span>사람 글 중앙값 · '
    '<span style="border-top:3px solid #333;display:inline-block;width:22px;'
    'vertical-align:middle;margin-right:4px"></span>시즌 중앙값 · '
    '<span style="color:#d62728;font-weight:bold">✕</span> 목표 밖 · '
    '<span style="border-left:1px dotted #777;margin:0 4px"></span>시즌 경계 · '
    "점 색 = 시즌 · 점을 누르면 그 회차를 에디터에서 엽니다</div>"
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
    low, high = min(marks), max(marks)
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
    return (low - pad if low - pad > 0 or low < 0 else 0.0), high + pad


def metric_chart(frame: pd.DataFrame, metric: str, settings) -> hv.Overlay:
    label = CHART_METRICS[metric][0]
    scale = scaled(metric, settings)
    unit = "%" if scale == 100 else ""
    data = frame[["episode_number", metric, "season"]].dropna().copy()
    data["value"] = data[metric] * scale
    low, high = (v * scale if v is not None else None for v in target_band(metric, settings))
    baseline = human_median(metric)
    baseline = baseline * scale if baseline is not None else None
    bottom, top = y_range(list(data["value"]), (low, high), baseline)
    seasons = _seasons(data) if len(data) else []
    colours = {s: SEASON_COLOURS[i % len(SEASON_COLOURS)] for i, (s, _, _) in enumerate(seasons)}
    layers: list = []
    if low is not None or high is not None:
        layers.append(
            hv.HSpan(low if low is not None else bottom, high if high is not None else top).opts(
                color=BAND_COLOUR, alpha=0.15
            )
        )
    if len(seasons) > 1:  # season boundaries, as one element
        layers.append(
            hv.VLines([first - 0.5 for _season, first, _last in seasons[1:]]).opts(
                color="#777", line_dash="dotted", line_width=1
            )
        )
    medians = [
        (first - 0.3, m, last + 0.3, m, season)
        for season, first, last in seasons
        for m in [float(data.loc[data["season"] == season, "value"].median())]
    ]
    if medians:  # one element for all seasons: each Bokeh renderer costs drawing time
        layers.append(
            hv.Segments(medians, ["x0", "y0", "x1", "y1"], ["season"]).opts(
                color="season", cmap=colours, line_width=3, alpha=0.8, show_legend=False
            )
        )
    if baseline is not None:
        layers.append(hv.HLine(baseline).opts(color="#555", line_dash="dashed", line_width=1.5))
        layers.append(
            hv.Text(
                data["episode_number"].min() if len(data) else 1,
                baseline,
                f" 사람 글 {baseline:,.1f}{unit}",
                halign="left",
                valign="bottom",
            ).opts(text_font_size="8pt", text_color="#555")
        )
    points = hv.Scatter(data, "episode_number", ["value", "season"], label="회차").opts(
        color="season",
        cmap=colours or {"—": SEASON_COLOURS[0]},
        size=7,
        tools=["hover", "tap"],
        show_legend=True,
        legend_position="right",
        nonselection_alpha=1.0,
    )
    layers.append(points)
    outside = data[
        [not (low is None or v >= low) or not (high is None or v <= high) for v in data["value"]]
    ]
    if len(outside):
        layers.append(
            hv.Scatter(outside, "episode_number", "value").opts(
                marker="x", color=OUT_COLOUR, size=12, line_width=2
            )
        )
    ticks = episode_ticks([int(n) for n in data["episode_number"]])
    return hv.Overlay(layers).opts(
        title=f"{label}{f' ({unit})' if unit else ''}",
        height=240,
        responsive=True,
        xlabel="회차",
        ylabel=unit,
        ylim=(bottom, top),
        xlim=(ticks[0] - 0.6, max(ticks[-1], int(data["episode_number"].max() or 1)) + 0.6)
        if len(data)
        else (0.4, 1.6),
        xticks=ticks,
        toolbar=None,
        show_legend=True,
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
