"""Character state: the last known condition and relationships of each character before an
episode, from `character_state` and `relationship` events, plus the bible's progressions that
hold by then (DESIGN §13). Fed to the context and shown on the bible screen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from novelcraft.canon import phrases
from novelcraft.canon.models import CharacterState
from novelcraft.models import Character, EpisodeEvent

MAX_RELATIONSHIPS = 2
MAX_PROGRESSIONS = 3


def _involves(event: EpisodeEvent, name: str) -> bool:
    return name in event.characters_involved or name in event.description


def character_states(
    characters: Sequence[Character], events: Iterable[EpisodeEvent], before_episode: int
) -> list[CharacterState]:
    """One state per character that has anything known before `before_episode`, in bible
    order. Events must come oldest first; later ones win."""
    known = [e for e in events if (e.episode_number or 0) < before_episode]
    states = []
    for character in characters:
        state = CharacterState(name=character.name)
        for event in known:
            if not _involves(event, character.name):
                continue
            if event.event_type == "character_state":
                state.condition = event.description
                state.condition_episode = event.episode_number
            elif event.event_type == "relationship":
                line = phrases.RELATION.format(episode=event.episode_number, text=event.description)
                state.relationships = [*state.relationships, line][-MAX_RELATIONSHIPS:]
        active = [p for p in character.progressions if p.from_episode <= before_episode]
        state.progressions = [
            phrases.PROGRESSION.format(episode=p.from_episode, fact=p.fact)
            for p in sorted(active, key=lambda p: p.from_episode)[-MAX_PROGRESSIONS:]
        ]
        if state.condition or state.relationships or state.progressions:
            states.append(state)
    return states


def state_lines(states: Iterable[CharacterState]) -> list[str]:
    """One line per character for the context, most telling facts first."""
    lines = []
    for s in states:
        parts = list(s.progressions)
        if s.condition:
            parts.append(phrases.CONDITION.format(episode=s.condition_episode, text=s.condition))
        parts += s.relationships
        lines.append(f"- {s.name}: " + " / ".join(parts))
    return lines
