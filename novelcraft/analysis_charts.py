"""HoloViews charts the notebooks share: a metric across episodes, as on the Quality screen —
target band, human-prose median, season boundaries and each season's median."""

from __future__ import annotations

import holoviews as hv
import holoviews.plotting.bokeh  # the options below are bokeh's
import pandas as pd

from novelcraft.analysis import METRIC_LABELS, final_metrics, human_median, metric_band

SEASON_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#7f7f7f"]


def metric_by_episode(metrics: pd.DataFrame, metric: str, settings) -> hv.Overlay:
    """Final value per episode coloured by season, out-of-band points ringed in red."""
    label = METRIC_LABELS[metric]
    data = final_metrics(metrics)[["episode", metric, "season_label"]].dropna()
    data = data.astype({"episode": int, metric: float, "season_label": str})
    band = metric_band(metric, settings)
    seasons = sorted(data["season_label"].unique())
    colours = {s: SEASON_COLOURS[i % len(SEASON_COLOURS)] for i, s in enumerate(seasons)}
    layers: list = []
    if band is not None:
        top = band.max if band.max is not None else max([*data[metric], band.min or 0, 1]) * 1.1
        layers.append(
            hv.HSpan(band.min or 0, top).opts(color="#2ca02c", alpha=0.12, apply_ranges=True)
        )
    for season in seasons:
        part = data[data["season_label"] == season]
        layers.append(
            hv.Scatter(part, "episode", metric, label=season).opts(
                color=colours[season], size=6, tools=["hover"]
            )
        )
        median = part[metric].median()
        layers.append(
            hv.Curve(
                [(part["episode"].min(), median), (part["episode"].max(), median)],
                "episode",
                metric,
                label=f"{season} 중앙값",
            ).opts(color=colours[season], line_width=2)
        )
    for first in _season_starts(data)[1:]:
        layers.append(hv.VLine(first - 0.5).opts(color="#999", line_dash="dotted"))
    if band is not None:
        outside = data[[not band.contains(v) for v in data[metric]]]
        if len(outside):
            layers.append(
                hv.Scatter(outside, "episode", metric, label="목표 밖").opts(
                    color="none", line_color="red", size=11, line_width=2
                )
            )
    baseline = human_median(metric)
    if baseline is not None:
        layers.append(
            hv.HLine(baseline).opts(
                color="#555", line_dash="dashed", line_width=1, apply_ranges=True
            )
        )
    return hv.Overlay(layers).opts(
        title=f"{label} (점선: 사람 글 중앙값, 초록 띠: 목표)",
        xlabel="회차",
        ylabel=label,
        width=700,
        height=260,
        legend_position="right",
        padding=(0.02, 0.12),  # keeps the baseline line off the frame's edge
    )


def _season_starts(data: pd.DataFrame) -> list[int]:
    return sorted(int(g["episode"].min()) for _, g in data.groupby("season_label"))


def metric_layout(metrics: pd.DataFrame, settings, names=None) -> hv.Layout:
    """One `metric_by_episode` chart per metric, one per row, each on its own y scale."""
    names = list(names or METRIC_LABELS)
    charts = [metric_by_episode(metrics, name, settings) for name in names]
    return hv.Layout(charts).cols(1).opts(shared_axes=False)
