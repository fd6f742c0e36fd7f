"""Read-side queries the screens need beyond the Workspace facade, and the author's save.

Reads only, except `save_author_edit`, which composes facade and store calls the pipeline
also uses (measure, save with the revision the author saw, checkpoint the measurement).
"""

from __future__ import annotations

from typing import Any

from novelcraft.errors import BadInput
from novelcraft.metrics import measure
from novelcraft.models import Episode
from novelcraft.store import generation as gen
from novelcraft.store.connection import from_json
from novelcraft.store.generation import METRIC_FIELDS


def episode_columns(ws, slug: str, number: int) -> dict[str, Any]:
    """The JSON columns the editor shows: measurement, context sizes, pipeline state."""
    row = ws.store.row(
        "SELECT style_metrics, context_sizes, pipeline FROM episodes "
        "WHERE project_id = ? AND episode_number = ?",
        [ws.project_id(slug), number],
    )
    if row is None:
        return {"style_metrics": None, "context_sizes": {}, "pipeline": {}}
    return {
        "style_metrics": from_json(row["style_metrics"]),
        "context_sizes": from_json(row["context_sizes"], {}),
        "pipeline": from_json(row["pipeline"], {}),
    }


def metrics_by_episode(
    ws, slug: str, first: int = 1, last: int = 2**31 - 1
) -> dict[int, dict[str, Any]]:
    """The latest measurement per episode in first..last (final stage preferred)."""
    rows = ws.store.rows(
        f"SELECT episode_number, {', '.join(METRIC_FIELDS)}, passed FROM episode_metrics "
        "WHERE project_id = ? AND episode_number BETWEEN ? AND ? "
        "QUALIFY row_number() OVER (PARTITION BY episode_number "
        "ORDER BY (stage = 'final') DESC, id DESC) = 1",
        [ws.project_id(slug), first, last],
    )
    return {r["episode_number"]: r for r in rows}


def save_author_edit(
    ws, slug: str, number: int, content: str, *, expected_revision: int
) -> Episode:
    """Save the author's text as a `user` version unless someone saved since
    `expected_revision` (then RevisionConflict), and record its measurement."""
    if not content.strip():
        raise BadInput("원고가 비어 있어 저장하지 않았습니다")
    bible = ws.get_bible(slug)
    m = measure(
        content, bible.characters, ws.settings, banned_elements=bible.project.banned_elements
    )
    saved = ws.save_episode(
        slug, number, content, expected_revision=expected_revision, kind="user", status="edited"
    )
    state = gen.pipeline_state(ws.store, saved.id)
    gen.save_state(ws.store, saved.id, state, passed=m.passed, style_metrics=m.to_json())
    gen.record_metrics(ws.store, ws.project_id(slug), saved.id, number, "final", 1, m)
    return ws.get_episode(slug, number)
