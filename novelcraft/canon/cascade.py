"""The cascade after an author's edit (DESIGN §13): what changed in the edited episode's
events and summary, and which later episodes' stored context used what changed.

An event is identified by its type and its description; re-deriving keeps the row (and its
id, due episode and drop flag) of every event that comes back unchanged, so only removed or
reworded events count as changed. A later episode is affected when its context included a
changed event, or the edited episode's summary when that summary changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from novelcraft.canon.models import StaleReason
from novelcraft.models import EpisodeEvent


def event_key(event: EpisodeEvent) -> tuple[str, str]:
    return (event.event_type, " ".join(event.description.split()))


@dataclass(frozen=True)
class Inclusion:
    """One item a later episode's context included: an event (by id) or a summary."""

    episode_number: int
    kind: str  # "event" | "summary"
    event_id: int | None
    source_episode: int


def changed_events(old: Sequence[EpisodeEvent], new: Sequence[EpisodeEvent]) -> list[EpisodeEvent]:
    """Old events that are gone from the new set (removed, or reworded into another)."""
    remaining = [event_key(e) for e in new]
    gone = []
    for event in old:
        key = event_key(event)
        if key in remaining:
            remaining.remove(key)
        else:
            gone.append(event)
    return gone


def impact(
    source_episode: int,
    changed: Iterable[EpisodeEvent],
    summary_changed: bool,
    old_summary: str,
    inclusions: Iterable[Inclusion],
) -> list[StaleReason]:
    """One reason per later episode and changed item its context included, in episode order."""
    by_id = {e.id: e for e in changed if e.id is not None}
    reasons = []
    for inc in inclusions:
        if inc.episode_number <= source_episode or inc.source_episode != source_episode:
            continue
        if inc.kind == "event" and inc.event_id in by_id:
            reasons.append(
                StaleReason(
                    episode_number=inc.episode_number,
                    source_episode=source_episode,
                    kind="event",
                    description=by_id[inc.event_id].description,
                )
            )
        elif inc.kind == "summary" and summary_changed:
            reasons.append(
                StaleReason(
                    episode_number=inc.episode_number,
                    source_episode=source_episode,
                    kind="summary",
                    description=old_summary,
                )
            )
    return sorted(reasons, key=lambda r: (r.episode_number, r.kind != "event", r.description))


def affected_episodes(reasons: Iterable[StaleReason]) -> list[int]:
    return sorted({r.episode_number for r in reasons})
