"""Reads the screens need beyond the episode list, and the author's save: thin names over
the Workspace interface (novelcraft.workspace.author holds the logic for every client)."""

from __future__ import annotations

from typing import Any

from novelcraft.models import Episode


def episode_columns(ws, slug: str, number: int) -> dict[str, Any]:
    """The JSON columns the editor shows: measurement, context sizes, pipeline state."""
    return ws.episode_columns(slug, number)


def metrics_by_episode(
    ws, slug: str, first: int = 1, last: int = 2**31 - 1
) -> dict[int, dict[str, Any]]:
    """The latest measurement per episode in first..last (final stage preferred)."""
    return ws.metrics_by_episode(slug, first, last)


def save_author_edit(
    ws, slug: str, number: int, content: str, *, expected_revision: int
) -> Episode:
    """Save the author's text as a `user` version unless someone saved since
    `expected_revision` (then RevisionConflict), and record its measurement."""
    return ws.save_author_edit(slug, number, content, expected_revision=expected_revision)
