"""The relationship graph of a bible as a HoloViews Graph: characters on a circle, one edge
per relationship, the kind on hover and as an edge label."""

from __future__ import annotations

import math

import holoviews as hv
import holoviews.plotting.bokeh
import pandas as pd

from novelcraft.models import Bible

ROLE_COLOURS = {"main": "#d1495b", "supporting": "#00798c", "minor": "#8d99ae"}
ROLE_LABELS = {"main": "주인공", "supporting": "조연", "minor": "단역"}


def relationship_graph(bible: Bible) -> hv.Overlay:
    names = [c.name for c in bible.characters]
    if not names:
        return hv.Overlay([hv.Text(0, 0, "인물이 없습니다")]).opts(
            xaxis=None, yaxis=None, height=200, responsive=True
        )
    roles = {c.name: c.role for c in bible.characters}
    count = max(len(names), 1)
    xs = [math.cos(2 * math.pi * i / count) for i in range(len(names))]
    ys = [math.sin(2 * math.pi * i / count) for i in range(len(names))]
    # Integer node ids: HoloViews joins edges to nodes on them; names ride along as a value.
    nodes = hv.Nodes(
        (xs, ys, list(range(len(names))), names, [roles[n] for n in names]),
        vdims=["name", "role"],
    )
    edges = [
        (names.index(r.from_), names.index(r.to), r.kind)
        for r in bible.relationships
        if r.from_ in roles and r.to in roles
    ]
    edge_frame = pd.DataFrame(edges, columns=["start", "end", "kind"]).astype(
        {"start": int, "end": int}
    )
    graph = hv.Graph((edge_frame, nodes), vdims=["kind"])
    graph = graph.opts(
        node_color="role",
        cmap=ROLE_COLOURS,
        node_size=30,
        edge_color="#555",
        directed=True,
        arrowhead_length=0.04,
        tools=["hover"],
        xaxis=None,
        yaxis=None,
        height=420,
        responsive=True,
        title="인물 관계도",
        padding=0.25,
    )
    labels = hv.Labels((xs, [y - 0.16 for y in ys], names), kdims=["x", "y"], vdims=["name"])
    mids = [((xs[a] + xs[b]) / 2, (ys[a] + ys[b]) / 2, kind) for a, b, kind in edges]
    kinds = hv.Labels(mids, kdims=["x", "y"], vdims=["kind"]).opts(
        text_font_size="9pt", text_color="#444"
    )
    return (graph * labels.opts(text_font_size="11pt") * kinds).opts(shared_axes=False)
