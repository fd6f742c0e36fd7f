"""Quality screen: each metric's value by episode, coloured by season, with its target band
and the human-baseline median; the guard summary per season; a CSV download."""

from __future__ import annotations

import io

import holoviews as hv
import holoviews.plotting.bokeh
import pandas as pd
import panel as pn
import param

from novelcraft.dashboards.quality_data import (
    CHART_METRICS,
    baseline_rows,
    human_median,
    metric_frame,
    season_guard_rows,
    target_band,
)
from novelcraft.dashboards.state import AppState
from novelcraft.dashboards.tables import korean_table
from novelcraft.reports import metrics_csv, metrics_rows

DEFAULT_METRICS = ("length", "avg_sentence_length", "dialogue_ratio", "repetition_rate")
SEASON_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#7f7f7f"]


def metric_chart(frame: pd.DataFrame, metric: str, settings) -> hv.Overlay:
    label = CHART_METRICS[metric][0]
    data = frame[["episode_number", metric, "season"]].dropna()
    seasons = sorted(data["season"].unique()) or ["—"]
    colours = {s: SEASON_COLOURS[i % len(SEASON_COLOURS)] for i, s in enumerate(seasons)}
    points = hv.Scatter(data, "episode_number", [metric, "season"], label=label).opts(
        color="season",
        cmap=colours,
        size=5,
        tools=["hover"],
        show_legend=True,
        legend_position="right",  # outside the plot, never over a point
    )
    layers = [points]
    low, high = target_band(metric, settings)
    if low is not None or high is not None:
        top = high if high is not None else max([*data[metric], low or 0]) * 1.1 or 1
        layers.insert(
            0, hv.HSpan(low or 0, top).opts(color="#2ca02c", alpha=0.12, apply_ranges=True)
        )
    baseline = human_median(metric)
    if baseline is not None:
        layers.append(
            hv.HLine(baseline, label="사람 글 중앙값").opts(
                color="#555", line_dash="dashed", line_width=1
            )
        )
    return hv.Overlay(layers).opts(
        title=label, height=230, responsive=True, xlabel="회차", ylabel="", toolbar=None
    )


class QualityScreen(pn.viewable.Viewer):
    state = param.ClassSelector(class_=AppState)
    # Four charts by default keep the screen quick to draw (each HoloViews plot costs ~0.15 s
    # to build); the others are one click away in the metric picker.
    metrics = param.ListSelector(default=list(DEFAULT_METRICS), objects=list(CHART_METRICS))
    frame = param.DataFrame(default=None)
    guard_rows = param.List(default=[])

    def __init__(self, **params):
        super().__init__(**params)
        self.state.param.watch(lambda _e: self.refresh(), ["project", "episodes_changed"])
        self.refresh()

    def refresh(self) -> None:
        if not self.state.project:
            self.param.update(frame=None, guard_rows=[])
            return
        self.param.update(
            frame=metric_frame(self.state.ws, self.state.project),
            guard_rows=season_guard_rows(self.state.ws, self.state.project),
        )

    def charts(self) -> hv.Layout | None:
        if self.frame is None or self.frame.empty:
            return None
        settings = self.state.ws.settings
        charts = [metric_chart(self.frame, m, settings) for m in self.metrics]
        return hv.Layout(charts).cols(2).opts(shared_axes=False)

    def csv_file(self) -> io.StringIO:
        ws = self.state.ws
        return io.StringIO(metrics_csv(metrics_rows(ws.store, ws.project_id(self.state.project))))

    def __panel__(self):
        w, p = pn.widgets, self.param

        def chart_pane(_frame, _metrics):
            layout = self.charts()
            if layout is None:
                return pn.pane.Markdown("아직 측정된 회차가 없습니다.")
            return pn.pane.HoloViews(layout, sizing_mode="stretch_width", css_classes=["nc-charts"])

        def tables(frame, guard_rows):
            if frame is None:
                return pn.pane.Markdown("프로젝트를 고르세요.")
            settings = self.state.ws.settings
            # Stacked, not side by side: two wide tables in one row clip the second one.
            return pn.Column(
                pn.Column(
                    "#### 시즌별 가드 요약",
                    korean_table(
                        pd.DataFrame(guard_rows),
                        css_classes=["nc-guard-table"],
                    ),
                ),
                pn.Column(
                    "#### 사람 글 기준선",
                    korean_table(
                        pd.DataFrame(baseline_rows(frame, settings)),
                        css_classes=["nc-baseline-table"],
                    ),
                ),
            )

        download = w.FileDownload(
            callback=self.csv_file,
            filename="metrics.csv",
            label="CSV 다운로드",
            css_classes=["nc-csv"],
        )
        self.state.param.watch(
            lambda e: setattr(download, "filename", f"{e.new}-metrics.csv"), "project"
        )
        return pn.Column(
            pn.pane.Markdown(
                pn.bind(
                    lambda s: f"## 품질 · {self.state.project_title(s)}", self.state.param.project
                )
            ),
            pn.Row(
                w.MultiChoice.from_param(
                    p.metrics,
                    label="지표",
                    options={v[0]: k for k, v in CHART_METRICS.items()},
                    sizing_mode="stretch_width",
                ),
                download,
            ),
            pn.bind(tables, p.frame, p.guard_rows),
            pn.bind(chart_pane, p.frame, p.metrics),
            sizing_mode="stretch_width",
        )
