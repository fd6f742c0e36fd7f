"""The foreshadow timeline of the 설정 장부 screen: one row per foreshadow, a bar from the
episode it was planted in to its due episode, a mark where it was paid off."""

from __future__ import annotations

from collections.abc import Sequence

import holoviews as hv
import holoviews.plotting.bokeh  # registers the renderer that .opts() needs
import pandas as pd

from novelcraft.canon.models import Foreshadow
from novelcraft.dashboards.canon_labels import STATUS_COLOURS, STATUS_LABELS

COLUMNS = ["row", "planted", "due", "end", "status", "label", "description", "resolved"]


def timeline_frame(foreshadows: Sequence[Foreshadow]) -> pd.DataFrame:
    rows = []
    for row, f in enumerate(sorted(foreshadows, key=lambda f: (f.planted_episode, f.id))):
        rows.append(
            {
                "row": row,
                "planted": f.planted_episode,
                "due": f.due_episode,
                # A paid-off bar ends where it was paid; an unpaid one at its due episode.
                "end": f.resolved_in_episode or f.due_episode,
                "status": STATUS_LABELS[f.status],
                "label": STATUS_LABELS[f.status] + (" (늦음)" if f.late else ""),
                "description": f.description[:60],
                "resolved": f.resolved_in_episode,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def foreshadow_timeline(foreshadows: Sequence[Foreshadow]) -> hv.Overlay:
    frame = timeline_frame(foreshadows)
    frame["row2"] = frame["row"]
    segments = hv.Segments(
        frame, ["planted", "row", "end", "row2"], ["status", "label", "description"]
    ).opts(
        color="status",
        cmap={STATUS_LABELS[k]: colour for k, colour in STATUS_COLOURS.items()},
        line_width=6,
        tools=["hover"],
    )
    planted = hv.Scatter(frame, "planted", ["row", "description"], label="심은 화").opts(
        color="#333", marker="circle", size=7
    )
    due = hv.Scatter(frame, "due", ["row", "description"], label="기한").opts(
        color="#d62728", marker="dash", size=14, angle=90
    )
    paid = frame.dropna(subset=["resolved"])
    resolved = hv.Scatter(paid, "resolved", ["row", "description"], label="회수한 화").opts(
        color="#2ca02c", marker="diamond", size=11
    )
    return (segments * planted * due * resolved).opts(
        title="복선 타임라인 (심은 화 → 기한 → 회수)",
        xlabel="회차",
        ylabel="",
        yticks=[(r, d[:18]) for r, d in zip(frame["row"], frame["description"], strict=True)],
        height=max(220, 26 * len(frame) + 80),
        responsive=True,
        legend_position="right",
        toolbar=None,
    )
