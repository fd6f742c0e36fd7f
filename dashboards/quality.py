"""Quality screen: each metric's value by episode, coloured by season, with its target band
and the human-baseline median; the guard summary per season; a CSV download."""

from __future__ import annotations

import io

import holoviews as hv
import pandas as pd
import panel as pn
import param

from novelcraft.dashboards.quality_charts import (
    legend_html,
    metric_chart,
    season_boxes,
    season_colours,
)
from novelcraft.dashboards.quality_data import (
    CHART_METRICS,
    baseline_rows,
    metric_frame,
    quality_csv,
    season_guard_rows,
)
from novelcraft.dashboards.state import AppState
from novelcraft.dashboards.tables import korean_table
from novelcraft.dashboards.voice_distinctiveness_panel import VoiceDistinctivenessPanel

DEFAULT_METRICS = ("length", "avg_sentence_length", "dialogue_ratio", "repetition_rate")
FIRST_ROW = 2  # charts side by side


class QualityScreen(pn.viewable.Viewer):
    state = param.ClassSelector(class_=AppState)
    # Four charts by default keep the screen quick to draw; the others are one click away in
    # the metric picker.
    metrics = param.ListSelector(default=list(DEFAULT_METRICS), objects=list(CHART_METRICS))
    frame = param.DataFrame(default=None)
    colours = param.Dict(default={}, doc="Season -> its colour in every chart and the legend.")
    guard_rows = param.List(default=[])

    def __init__(self, **params):
        super().__init__(**params)
        self.voice = VoiceDistinctivenessPanel(state=self.state)
        self.state.param.watch(lambda _e: self.refresh(), ["project", "episodes_changed"])
        self.refresh()

    def refresh(self) -> None:
        if not self.state.project:
            self.param.update(frame=None, colours={}, guard_rows=[])
            return
        ws, slug = self.state.ws, self.state.project
        bible = ws.get_bible(slug)
        frame = metric_frame(ws, slug, bible)
        self.param.update(
            frame=frame,
            colours=season_colours(frame),
            guard_rows=season_guard_rows(ws, slug, bible),
        )

    def charts(self, metrics: list[str] | None = None) -> list | None:
        """One chart per metric (the chosen ones by default); a click opens the episode
        nearest to it (the points sit on integers)."""
        if self.frame is None or self.frame.empty:
            return None
        settings = self.state.ws.settings
        chosen = self.metrics if metrics is None else metrics
        return [
            metric_chart(self.frame, m, settings, on_tap=self.open_near, colours=self.colours)
            for m in chosen
        ]

    def season_comparison(self) -> hv.Layout | None:
        if self.frame is None or self.frame.empty:
            return None
        settings = self.state.ws.settings
        boxes = [season_boxes(self.frame, m, settings) for m in self.metrics]
        return hv.Layout(boxes).cols(2).opts(shared_axes=False)

    def open_near(self, x: float | None) -> bool:
        """Open the measured episode nearest to `x` in the editor (a tap on a chart)."""
        if x is None or self.frame is None or self.frame.empty:
            return False
        numbers = [int(n) for n in self.frame["episode_number"]]
        nearest = min(numbers, key=lambda n: abs(n - x))
        if abs(nearest - x) > 0.5:
            return False
        self.state.open_episode(nearest)
        return True

    def csv_file(self) -> io.StringIO:
        return io.StringIO(quality_csv(self.state.ws, self.state.project))

    def __panel__(self):
        w, p = pn.widgets, self.param

        def grid(metrics):
            return pn.GridBox(
                *self.charts(metrics),
                ncols=2,
                sizing_mode="stretch_width",
                css_classes=["nc-charts"],
            )

        def chart_pane(_frame, metrics):
            if self.frame is None or self.frame.empty:
                return pn.pane.Markdown("아직 측정된 회차가 없습니다.")
            # The first row comes with the page; the rest is built and sent once it is drawn.
            first, rest = metrics[:FIRST_ROW], metrics[FIRST_ROW:]
            legend = legend_html(self.colours)
            parts = [pn.pane.HTML(legend), grid(first)]
            if rest:
                parts.append(pn.panel(lambda: grid(rest), defer_load=True))
            return pn.Column(*parts, sizing_mode="stretch_width")

        def comparison_pane(_frame, _metrics):
            layout = self.season_comparison()
            if layout is None:
                return pn.pane.Markdown("")
            return pn.pane.HoloViews(
                layout, sizing_mode="stretch_width", css_classes=["nc-season-boxes"]
            )

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
                w.CheckButtonGroup.from_param(
                    p.metrics,
                    name="지표",
                    options={v[0]: k for k, v in CHART_METRICS.items()},
                    color="primary",
                    variant="outline",
                    css_classes=["nc-metric-picker"],
                ),
                download,
            ),
            # Charts first: an editor reads the trend, then the numbers. The season boxes
            # cost as much to draw as the trend charts, so they are drawn when asked for.
            pn.Tabs(
                ("회차별 추이", pn.bind(chart_pane, p.frame, p.metrics)),
                # Built when the tab is first shown, not with the page.
                (
                    "시즌 비교",
                    pn.param.ParamFunction(pn.bind(comparison_pane, p.frame, p.metrics), lazy=True),
                ),
                dynamic=True,
                sizing_mode="stretch_width",
                css_classes=["nc-quality-tabs"],
            ),
            # Below the fold: sent once the charts are on screen.
            pn.panel(pn.bind(tables, p.frame, p.guard_rows), defer_load=True),
            pn.panel(lambda: self.voice, defer_load=True),
            sizing_mode="stretch_width",
        )
