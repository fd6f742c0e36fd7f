"""What the canon ledger reads and writes (DESIGN §13): foreshadow due dates and drops, the
events a context included, stale reasons, and the rows the report is built from. Values are
always bound; every multi-row change is one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from novelcraft.canon.cascade import Inclusion, event_key
from novelcraft.canon.models import StaleReason
from novelcraft.errors import BadInput, NotFound
from novelcraft.models import EpisodeEvent
from novelcraft.store.connection import Store, from_json, to_json


def _event(r: dict[str, Any]) -> EpisodeEvent:
    return EpisodeEvent(
        id=r["id"],
        event_type=r["event_type"],
        description=r["description"],
        characters_involved=from_json(r["characters_involved"], []),
        resolved_in_episode=r["resolved_in_episode"],
        episode_number=r["episode_number"],
    )


def episode_events(store: Store, episode_id: int) -> list[EpisodeEvent]:
    return [
        _event(r)
        for r in store.rows(
            "SELECT * FROM episode_events WHERE episode_id = ? ORDER BY id", [episode_id]
        )
    ]


def active_events(store: Store, pid: int, number: int, limit: int = 60) -> list[EpisodeEvent]:
    """Earlier events still worth remembering: unresolved foreshadows the author has not
    dropped, and the most recent others (with ids, so the context can record them)."""
    rows = store.rows(
        "SELECT * FROM episode_events WHERE project_id = ? AND episode_number < ? AND "
        "(resolved_in_episode IS NULL OR resolved_in_episode >= ?) AND NOT dropped "
        "ORDER BY (event_type = 'foreshadow') DESC, episode_number DESC, id LIMIT ?",
        [pid, number, number, limit],
    )
    return [_event(r) for r in rows]


def state_events(store: Store, pid: int, before: int | None = None) -> list[EpisodeEvent]:
    """`character_state` and `relationship` events, oldest first."""
    rows = store.rows(
        "SELECT * FROM episode_events WHERE project_id = ? AND episode_number < ? AND "
        "event_type IN ('character_state', 'relationship') ORDER BY episode_number, id",
        [pid, before if before is not None else 2**31 - 1],
    )
    return [_event(r) for r in rows]


def foreshadow_rows(store: Store, pid: int, before: int | None = None) -> list[dict[str, Any]]:
    rows = store.rows(
        "SELECT id, episode_number, description, characters_involved, due_episode, due_source,"
        " resolved_in_episode, dropped FROM episode_events WHERE project_id = ? AND "
        "event_type = 'foreshadow' AND episode_number < ? ORDER BY episode_number, id",
        [pid, before if before is not None else 2**31 - 1],
    )
    for r in rows:
        r["characters"] = from_json(r.pop("characters_involved"), [])
    return rows


def involvement(store: Store, pid: int) -> list[tuple[int, list[str], str]]:
    """(episode, characters, description) of every event: who appears where."""
    return [
        (n, from_json(chars, []), description)
        for n, chars, description in store.execute(
            "SELECT episode_number, characters_involved, description FROM episode_events "
            "WHERE project_id = ? ORDER BY episode_number, id",
            [pid],
        ).fetchall()
    ]


def replace_events(
    store: Store,
    pid: int,
    episode_id: int,
    number: int,
    events: Sequence[tuple[Any, int | None, str | None]],
    resolved: Sequence[int],
) -> None:
    """Set an episode's events: (event, due episode, due source) triples. An event that
    comes back unchanged keeps its row (id, resolution, an author's due or drop), so what
    later contexts recorded still points at it; the rest are deleted or inserted."""
    with store.transaction() as cur:
        old: dict[tuple[str, str], list[int]] = {}
        for row_id, kind, description in cur.execute(
            "SELECT id, event_type, description FROM episode_events WHERE episode_id = ? "
            "ORDER BY id",
            [episode_id],
        ).fetchall():
            key = event_key(EpisodeEvent(event_type=kind, description=description))
            old.setdefault(key, []).append(row_id)
        kept: list[int] = []
        fresh: list[tuple] = []
        for event, due, source in events:
            ids = old.get(event_key(event))
            if ids:
                row_id = ids.pop(0)
                kept.append(row_id)
                cur.execute(
                    "UPDATE episode_events SET characters_involved = ?, "
                    "due_episode = CASE WHEN due_source = 'author' THEN due_episode ELSE ? END, "
                    "due_source = CASE WHEN due_source = 'author' THEN due_source ELSE ? END "
                    "WHERE id = ?",
                    [to_json(event.characters_involved), due, source, row_id],
                )
                continue
            fresh.append(
                (event.event_type, event.description, to_json(event.characters_involved), due,
                 source)
            )  # fmt: skip
        if fresh:
            # One INSERT over bound lists unnested side by side, in the events' order (their
            # ids keep it): a statement per event cost ~1.3 ms each, several per episode.
            columns = (list(c) for c in zip(*fresh, strict=True))
            kinds, descriptions, characters, dues, sources = columns
            cur.execute(
                "INSERT INTO episode_events (project_id, episode_id, episode_number, event_type,"
                " description, characters_involved, due_episode, due_source)"
                " SELECT ?, ?, ?, unnest(CAST(? AS VARCHAR[])), unnest(CAST(? AS VARCHAR[])),"
                " unnest(CAST(? AS VARCHAR[])), unnest(CAST(? AS INTEGER[])),"
                " unnest(CAST(? AS VARCHAR[]))",
                [pid, episode_id, number, kinds, descriptions, characters, dues, sources],
            )
        gone = [i for ids in old.values() for i in ids]
        if gone:
            cur.execute("DELETE FROM episode_events WHERE list_contains(?, id)", [gone])
        cur.execute(
            "UPDATE episode_events SET resolved_in_episode = NULL "
            "WHERE project_id = ? AND resolved_in_episode = ?",
            [pid, number],
        )
        if resolved:
            cur.execute(
                "UPDATE episode_events SET resolved_in_episode = ? WHERE project_id = ? AND "
                "event_type = 'foreshadow' AND episode_number < ? AND list_contains(?, id)",
                [number, pid, number, list(resolved)],
            )


def open_foreshadows(store: Store, pid: int, number: int, half: int = 10) -> list[dict[str, Any]]:
    """The open foreshadows the events prompt lists for episode `number` to resolve: the
    newest `half` and the `half` due soonest (so neither old unpaid threads nor a long run of
    hooks crowd out the other), oldest first. Dropped ones are not offered."""
    # Every open one in one plain select, the halves picked here: open threads are few (they
    # are resolved as the story goes), and DuckDB took ~6 ms for the two ordered halves as a
    # union against ~1 ms for this, once per episode (issue 15, measured in a batch).
    rows = store.rows(
        "SELECT id, episode_number, description, due_episode FROM episode_events "
        "WHERE project_id = ? AND event_type = 'foreshadow' AND episode_number < ? "
        "AND resolved_in_episode IS NULL AND NOT dropped ORDER BY episode_number, id",
        [pid, number],
    )
    if len(rows) <= 2 * half:
        return rows

    def due_order(r: dict[str, Any]) -> tuple:  # ORDER BY due_episode NULLS LAST, then planted
        return (r["due_episode"] is None, r["due_episode"] or 0, r["episode_number"], r["id"])

    soonest = sorted(rows, key=due_order)[:half]
    keep = {r["id"] for r in rows[-half:]} | {r["id"] for r in soonest}
    return [r for r in rows if r["id"] in keep]


def _foreshadow(store: Store, pid: int, event_id: int) -> dict[str, Any]:
    row = store.row(
        "SELECT id, episode_number FROM episode_events WHERE project_id = ? AND id = ? "
        "AND event_type = 'foreshadow'",
        [pid, event_id],
    )
    if row is None:
        raise NotFound(f"이 작품에 복선 {event_id}이(가) 없습니다")
    return row


def set_due(store: Store, pid: int, event_id: int, due: int) -> None:
    row = _foreshadow(store, pid, event_id)
    if due <= row["episode_number"]:
        raise BadInput(
            f"회수 회차 {due}화는 복선을 심은 {row['episode_number']}화보다 뒤여야 합니다"
        )
    store.execute(
        "UPDATE episode_events SET due_episode = ?, due_source = 'author' WHERE id = ?",
        [due, event_id],
    )


def set_dropped(store: Store, pid: int, event_id: int, dropped: bool) -> None:
    _foreshadow(store, pid, event_id)
    store.execute("UPDATE episode_events SET dropped = ? WHERE id = ?", [dropped, event_id])


# --- what a context included, and why an episode is stale -----------------------------


def record_inclusions(
    store: Store,
    pid: int,
    number: int,
    events: Iterable[tuple[int, int]],
    summaries: Iterable[int],
) -> None:
    """What episode `number`'s context included: (event id, its episode) pairs and the
    episodes whose summaries it used. A new context also ends the episode's stale reasons."""
    rows = [("event", i, n) for i, n in events] + [("summary", None, n) for n in summaries]
    with store.transaction() as cur:
        cur.execute(
            "DELETE FROM context_inclusions WHERE project_id = ? AND episode_number = ?",
            [pid, number],
        )
        cur.execute(
            "DELETE FROM stale_reasons WHERE project_id = ? AND episode_number = ?",
            [pid, number],
        )
        if rows:
            # One statement over three bound lists (unnested side by side): `executemany`
            # runs one INSERT per row, ~0.5 ms each, and a context includes dozens.
            kinds, event_ids, sources = (list(column) for column in zip(*rows, strict=True))
            cur.execute(
                "INSERT INTO context_inclusions (project_id, episode_number, kind, event_id,"
                " source_episode) SELECT ?, ?, unnest(CAST(? AS VARCHAR[])), "
                "unnest(CAST(? AS BIGINT[])), unnest(CAST(? AS INTEGER[]))",
                [pid, number, kinds, event_ids, sources],
            )


def inclusions_of(store: Store, pid: int, source_episode: int) -> list[Inclusion]:
    return [
        Inclusion(*r)
        for r in store.execute(
            "SELECT episode_number, kind, event_id, source_episode FROM context_inclusions "
            "WHERE project_id = ? AND source_episode = ? AND episode_number > ? "
            "ORDER BY episode_number, kind, event_id",
            [pid, source_episode, source_episode],
        ).fetchall()
    ]


def add_stale_reasons(store: Store, pid: int, reasons: Iterable[StaleReason]) -> None:
    with store.transaction() as cur:
        for r in reasons:
            cur.execute(
                "INSERT INTO stale_reasons (project_id, episode_number, source_episode, kind,"
                " description) SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM "
                "stale_reasons WHERE project_id = ? AND episode_number = ? AND "
                "source_episode = ? AND kind = ? AND description = ?)",
                [pid, r.episode_number, r.source_episode, r.kind, r.description] * 2,
            )


def stale_reasons(
    store: Store, pid: int, *, source_episode: int | None = None
) -> list[StaleReason]:
    sql = (
        "SELECT episode_number, source_episode, kind, description FROM stale_reasons "
        "WHERE project_id = ?"
    )
    params: list[Any] = [pid]
    if source_episode is not None:
        sql += " AND source_episode = ?"
        params.append(source_episode)
    sql += " ORDER BY episode_number, source_episode, id"
    return [StaleReason(**r) for r in store.rows(sql, params)]


# --- the report's inputs --------------------------------------------------------------


def outlines(
    store: Store, pid: int, *, before: int | None = None, limit: int | None = None
) -> dict[int, dict]:
    """Stored outlines by episode (the newest `limit` before `before`)."""
    sql = (
        "SELECT episode_number, outline FROM episodes WHERE project_id = ? AND outline IS NOT NULL"
    )
    params: list[Any] = [pid]
    if before is not None:
        sql += " AND episode_number < ?"
        params.append(before)
    sql += " ORDER BY episode_number DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return {n: from_json(o, {}) for n, o in store.execute(sql, params).fetchall()}


def written_lengths(store: Store, pid: int) -> dict[int, int]:
    return dict(
        store.execute(
            "SELECT episode_number, length FROM episodes WHERE project_id = ? AND content <> '' "
            "ORDER BY episode_number",
            [pid],
        ).fetchall()
    )


def texts(store: Store, pid: int, first: int, last: int) -> list[str]:
    return [
        r[0]
        for r in store.execute(
            "SELECT content FROM episodes WHERE project_id = ? AND content <> '' AND "
            "episode_number BETWEEN ? AND ? ORDER BY episode_number",
            [pid, first, last],
        ).fetchall()
    ]
