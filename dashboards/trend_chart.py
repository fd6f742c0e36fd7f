"""One trend chart of the Quality screen, drawn by the browser as SVG (`trend_chart.js`).

The server sends the marks of a chart (`quality_charts.trend_spec`) as one plain dict; the
browser draws the band, the baseline, the season lines and one point per episode, shows a
point's numbers on hover and sends back the episode-axis value of a click.

Drawn in the browser, not as a Bokeh figure (issue 15): every figure was ~40 Bokeh models
that the server built and serialised and the browser turned into views, laid out and painted
on a canvas, ~0.1 s of each chart's time on this machine; the Quality screen drew in 1.52x
the time of a bare Panel page with two Bokeh charts (goal 1.5x).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import ClassVar

import param
from panel.custom import JSComponent


class TrendChart(JSComponent):
    spec = param.Dict(default={}, doc="What the chart shows: see quality_charts.trend_spec.")

    # A plain ES module beside this file, imported by URL as it is.
    _bundle = "trend_chart.js"

    _stylesheets: ClassVar[list[str]] = [
        """
        :host { display: block; position: relative; }
        .nc-trend svg { display: block; font-family: inherit; }
        .nc-trend-title { font-size: 13px; font-weight: 600; fill: #333; }
        .nc-frame { fill: white; stroke: #ccc; }
        .nc-band { fill: rgba(44, 160, 44, 0.15); }
        .nc-grid { stroke: #eee; }
        .nc-ytick { font-size: 11px; fill: #555; text-anchor: end; }
        .nc-xtick { font-size: 11px; fill: #555; text-anchor: middle; }
        .nc-xlabel { font-size: 12px; fill: #555; text-anchor: middle; font-style: italic; }
        .nc-baseline { stroke: #555; stroke-width: 1.5; stroke-dasharray: 6 4; }
        .nc-baseline-label { font-size: 11px; fill: #555; }
        .nc-point { cursor: pointer; }
        .nc-cross { stroke: #d62728; stroke-width: 1.6; pointer-events: none; }
        .nc-trend-tip {
          display: none; position: absolute; pointer-events: none; white-space: nowrap;
          background: rgba(255, 255, 255, 0.95); border: 1px solid #bbb; border-radius: 3px;
          padding: 2px 6px; font-size: 12px; color: #222;
        }
        """
    ]

    def __init__(self, on_tap: Callable[[float], object] | None = None, **params):
        super().__init__(**params)
        # A plain callable: kept off the params synced to the browser.
        self._on_tap = on_tap

    def _handle_msg(self, data) -> None:
        """A click on the chart: `x` is where on the episode axis it was."""
        x = data.get("x") if isinstance(data, dict) else None
        is_number = isinstance(x, int | float) and not isinstance(x, bool)
        if is_number and math.isfinite(x) and self._on_tap is not None:
            self._on_tap(float(x))
