"""The canon ledger's part of the episode pipeline (DESIGN §13): what the context gets from
the ledger, the repeated-function check before drafting, the due episode of each new
foreshadow, the record of what a context included, and the cascade after an edit.

The decisions are the pure functions of `novelcraft.canon`; this module feeds them rows from
`store.canon` and writes their results back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from novelcraft.canon import cascade, phrases
from novelcraft.canon import foreshadows as fs
from novelcraft.canon.character_state import character_states, state_lines
from novelcraft.canon.models import OutlineWarning, StaleReason
from novelcraft.canon.repetition import check_outline
from novelcraft.models import Bible, Outline
from novelcraft.settings import Settings
from novelcraft.store import canon as canon_rows
from novelcraft.store.connection import Store


def context_inputs(store: Store, pid: int, bible: Bible, settings: Settings, number: int) -> dict:
    """The ledger's keyword arguments for `context.assemble` for episode `number`."""
    canon = settings.canon
    rows = fs.fill_due(
        canon_rows.foreshadow_rows(store, pid, before=number),
        window=canon.foreshadow_window,
        seasons=bible.seasons,
    )
    ledger = fs.ledger(rows, number, canon.due_soon_episodes)
    notes = []
    too_many = fs.open_count_warning(ledger, canon.max_open_foreshadows)
    if too_many:
        notes.append("※ " + too_many)
    states = character_states(
        bible.characters, canon_rows.state_events(store, pid, before=number), number
    )
    return {
        "events": canon_rows.active_events(store, pid, number),
        "foreshadows": {f.id: f for f in ledger},
        "character_lines": state_lines(states),
        "event_notes": notes,
        "due_soon": canon.due_soon_episodes,
    }


def repetition_warning(
    store: Store, pid: int, bible: Bible, settings: Settings, number: int, outline: Outline
) -> OutlineWarning | None:
    canon = settings.canon
    earlier = canon_rows.outlines(store, pid, before=number, limit=canon.repeat_window)
    return check_outline(
        number,
        outline,
        sorted(earlier.items()),
        threshold=canon.repeat_threshold,
        names=[c.name for c in bible.characters],
    )


def repetition_message(warning: OutlineWarning) -> str:
    return phrases.REPEATED_OUTLINE.format(
        episode=warning.episode, earlier=warning.earlier_episode, similarity=warning.similarity
    )


def events_with_due(
    events: list[Any], number: int, bible: Bible, settings: Settings
) -> list[tuple[Any, int | None, str | None]]:
    """(event, due episode, due source) for each extracted event; only foreshadows are due."""
    out = []
    for event in events:
        if event.event_type != "foreshadow":
            out.append((event, None, None))
            continue
        due, source = fs.due_episode(
            number,
            getattr(event, "due_by", None),
            window=settings.canon.foreshadow_window,
            seasons=bible.seasons,
        )
        out.append((event, due, source))
    return out


def record_context(store: Store, pid: int, number: int, context) -> None:
    canon_rows.record_inclusions(
        store, pid, number, context.included_events, context.included_summaries
    )


def with_cascade(
    store: Store, pid: int, number: int, episode_id: int, rederive: Callable[[], None]
) -> list[StaleReason]:
    """Run `rederive` (new events and summary of episode `number`), then record and return
    why each later episode whose context used a changed event or summary is now stale."""
    old_events = canon_rows.episode_events(store, episode_id)
    old_summary = store.scalar("SELECT summary FROM episodes WHERE id = ?", [episode_id]) or ""
    rederive()
    new_events = canon_rows.episode_events(store, episode_id)
    new_summary = store.scalar("SELECT summary FROM episodes WHERE id = ?", [episode_id]) or ""
    reasons = cascade.impact(
        number,
        cascade.changed_events(old_events, new_events),
        new_summary.strip() != old_summary.strip(),
        old_summary,
        canon_rows.inclusions_of(store, pid, number),
    )
    canon_rows.add_stale_reasons(store, pid, reasons)
    return reasons
