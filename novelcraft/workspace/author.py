"""What an author (or a script) changes by hand, and the reads the screens need beyond
episodes: shared by the local Workspace so every client goes through the interface.

The local Workspace calls these with itself; nothing here is a client of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from novelcraft.errors import BadInput, NotFound
from novelcraft.models import Bible, Character, Episode, Outline
from novelcraft.store import generation as gen
from novelcraft.store.connection import from_json
from novelcraft.store.generation import METRIC_FIELDS

if TYPE_CHECKING:
    from novelcraft.workspace.local import Workspace

LAST_EPISODE = 2**31 - 1


def episode_columns(ws: Workspace, slug: str, number: int) -> dict[str, Any]:
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
    ws: Workspace, slug: str, first: int = 1, last: int = LAST_EPISODE
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


def last_episode_number(ws: Workspace, slug: str) -> int:
    last = ws.store.scalar(
        "SELECT max(episode_number) FROM episodes WHERE project_id = ?", [ws.project_id(slug)]
    )
    return int(last or 0)


def save_author_edit(
    ws: Workspace, slug: str, number: int, content: str, *, expected_revision: int
) -> Episode:
    """Save the author's text as a `user` version unless someone saved since
    `expected_revision` (then RevisionConflict), and record its measurement."""
    from novelcraft.metrics.measure_cache import measurements

    if not content.strip():
        raise BadInput("원고가 비어 있어 저장하지 않았습니다")
    bible = ws.get_bible(slug)
    m = measurements.measure(
        content,
        bible.characters,
        ws.settings,
        banned_elements=bible.project.banned_elements,
        compute=ws._measurer(),
    )
    saved = ws.save_episode(
        slug, number, content, expected_revision=expected_revision, kind="user", status="edited"
    )
    state = gen.pipeline_state(ws.store, saved.id)
    # The metrics row first: it is deferred and commits with the checkpoint below.
    gen.record_metrics(ws.store, ws.project_id(slug), saved.id, number, "final", 1, m)
    gen.save_state(ws.store, saved.id, state, passed=m.passed, style_metrics=m.to_json())
    return ws.get_episode(slug, number)


def save_outline(ws: Workspace, slug: str, number: int, outline: Outline) -> Episode:
    """Store an author's outline (generation then uses it as is)."""
    from novelcraft.pipeline import check_outline

    if number < 1:
        raise BadInput(f"회차 번호는 1 이상이어야 합니다 (입력값 {number})")
    check_outline(outline, ws.get_bible(slug))
    gen.save_outline(ws.store, ws.project_id(slug), number, outline)
    return ws.get_episode(slug, number)


def _checked(bible: Bible) -> Bible:
    problems = bible.problems()
    if problems:
        where, message = problems[0]
        raise BadInput(f"{'.'.join(str(p) for p in where)}: {message}")
    return bible


def save_character(ws: Workspace, slug: str, character: Character, name: str | None) -> Character:
    """Add a character (`name` None) or replace the one called `name` (it may be renamed)."""
    bible = ws.get_bible(slug)
    cast = list(bible.characters)
    if name is None:
        if any(c.name == character.name for c in cast):
            raise BadInput(f"name: 인물 {character.name!r}이(가) 이미 있습니다")
        cast.append(character)
    else:
        index = next((i for i, c in enumerate(cast) if c.name == name), None)
        if index is None:
            raise NotFound(f"작품 {slug!r}에 인물 {name!r}이(가) 없습니다")
        if character.name != name and any(c.name == character.name for c in cast):
            raise BadInput(f"name: 인물 {character.name!r}이(가) 이미 있습니다")
        cast[index] = character
    ws.replace_bible(slug, _checked(bible.model_copy(update={"characters": cast})))
    return character


def delete_character(ws: Workspace, slug: str, name: str) -> None:
    bible = ws.get_bible(slug)
    cast = [c for c in bible.characters if c.name != name]
    if len(cast) == len(bible.characters):
        raise NotFound(f"작품 {slug!r}에 인물 {name!r}이(가) 없습니다")
    ws.replace_bible(slug, _checked(bible.model_copy(update={"characters": cast})))
