"""Foreshadows: when each is due and where it stands (DESIGN §13).

A foreshadow planted in episode n is due by the episode the events answer named (`due_by`),
else `canon.foreshadow_window` episodes later, but no later than the last episode of n's
season (a season's threads close with it). The author may move the due episode or drop the
foreshadow. Status is read against the episode being written next: resolved once an episode
paid it off (late when that was after its due episode), dropped by the author's choice,
overdue once its due episode has passed, otherwise open (due soon within a few episodes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from novelcraft.canon import phrases
from novelcraft.canon.models import DueSource, Foreshadow
from novelcraft.models import Season


def season_of(episode: int, seasons: Sequence[Season]) -> Season | None:
    for season in seasons:
        if season.first_episode <= episode <= season.last_episode:
            return season
    return None


def due_episode(
    planted: int, due_by: int | None, *, window: int, seasons: Sequence[Season] = ()
) -> tuple[int, DueSource]:
    """The due episode of a foreshadow planted in `planted`, and where it came from."""
    if due_by is not None and due_by > planted:
        return due_by, "answer"
    due = planted + window
    season = season_of(planted, seasons)
    # A hook planted in a season's last episode carries over into the next season.
    if season is not None and planted < season.last_episode < due:
        return season.last_episode, "season"
    return due, "window"


def with_status(row: dict[str, Any], next_episode: int, soon: int) -> Foreshadow:
    """A foreshadow row of the store with its status as of writing `next_episode`."""
    f = Foreshadow(
        id=row["id"],
        planted_episode=row["episode_number"],
        description=row["description"],
        characters=list(row.get("characters") or []),
        due_episode=row["due_episode"],
        due_source=row.get("due_source") or "window",
        resolved_in_episode=row.get("resolved_in_episode"),
        dropped=bool(row.get("dropped")),
    )
    if f.resolved_in_episode is not None:
        f.status = "resolved"
        f.late = f.resolved_in_episode > f.due_episode
    elif f.dropped:
        f.status = "dropped"
    elif f.due_episode < next_episode:
        f.status = "overdue"
    else:
        f.status = "open"
        f.due_soon = f.due_episode - next_episode <= soon
    return f


def ledger(rows: Iterable[dict[str, Any]], next_episode: int, soon: int) -> list[Foreshadow]:
    return [with_status(r, next_episode, soon) for r in rows]


def urgent_first(foreshadows: Iterable[Foreshadow]) -> list[Foreshadow]:
    """Overdue (longest overdue first), then due soon (soonest first), then other open ones."""
    pending = [f for f in foreshadows if f.status in ("open", "overdue")]

    def rank(f: Foreshadow) -> tuple:
        group = 0 if f.status == "overdue" else 1 if f.due_soon else 2
        return (group, f.due_episode, f.planted_episode, f.id)

    return sorted(pending, key=rank)


def tag(f: Foreshadow) -> str:
    if f.status == "overdue":
        return phrases.OVERDUE_TAG.format(due=f.due_episode)
    if f.due_soon:
        return phrases.DUE_SOON_TAG.format(due=f.due_episode)
    return ""


def open_count_warning(foreshadows: Iterable[Foreshadow], cap: int) -> str | None:
    """A warning when more foreshadows are unresolved (open or overdue) than the cap."""
    count = sum(1 for f in foreshadows if f.status in ("open", "overdue"))
    if count > cap:
        return phrases.TOO_MANY_OPEN.format(count=count, cap=cap)
    return None


def payoff_rate(foreshadows: Iterable[Foreshadow]) -> float | None:
    """Paid off among those that had to be paid by now (resolved or overdue; a dropped one
    is the author's choice, an open one is not due yet)."""
    items = [f for f in foreshadows if f.status in ("resolved", "overdue")]
    if not items:
        return None
    return sum(1 for f in items if f.status == "resolved") / len(items)


def fill_due(
    rows: Iterable[dict[str, Any]], *, window: int, seasons: Sequence[Season] = ()
) -> list[dict[str, Any]]:
    """Rows written before the ledger existed have no due episode: give them the default."""
    out = []
    for row in rows:
        if row.get("due_episode") is None:
            due, source = due_episode(row["episode_number"], None, window=window, seasons=seasons)
            row = dict(row, due_episode=due, due_source=source)
        out.append(row)
    return out
