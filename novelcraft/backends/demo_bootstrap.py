"""The demo writer's Story Bible from a concept: the author's own protagonist and every
supporting character they typed (and no invented ones beside them), a world and places from
the genre, seasons over the planned episode count, and relationships between the cast."""

from __future__ import annotations

import math
import random
import re

from novelcraft.backends import korean
from novelcraft.backends.demo_cast import (
    PLACES_LABEL,
    CastEntry,
    read_cast,
    read_protagonist,
)
from novelcraft.backends.demo_writer import genre_bank, phrases

DEFAULT_EPISODES = 50
EPISODES_PER_SEASON = 25
MAX_SEASONS = 8
# When the author typed no supporting character, the demo invents this many.
INVENTED_SUPPORTING = 2


def planned_episodes(concept: dict) -> int:
    found = re.search(r"\d+", concept.get("계획 회차 수", ""))
    return max(1, min(1000, int(found.group()))) if found else DEFAULT_EPISODES


def _cast(concept: dict) -> list[tuple[CastEntry, str]]:
    """(entry, role) for the protagonist and the supporting characters, in the author's
    order; names are invented only where the author gave a description alone."""
    protagonist = read_protagonist(concept.get("주인공", ""))
    supporting = read_cast(concept.get("조연", ""))
    typed = {e.name for e in [protagonist, *supporting] if e.name}
    spare = iter(n for n in phrases()["names"] if n not in typed)
    if not supporting:
        supporting = [CastEntry("", "") for _ in range(INVENTED_SUPPORTING)]
    cast = [(protagonist, "main")] + [(entry, "supporting") for entry in supporting]
    return [
        (CastEntry(entry.name or next(spare, f"인물{i + 1}"), entry.description), role)
        for i, (entry, role) in enumerate(cast)
    ][:8]


def _character(entry: CastEntry, role: str, index: int) -> dict:
    p = phrases()
    voice = p["voices"][index % len(p["voices"])]
    return {
        "name": entry.name,
        "role": role,
        "personality": entry.description or p["personalities"][index % len(p["personalities"])],
        "speech_style": {
            key: voice[key]
            for key in ("endings", "banned_endings", "catchphrases", "formality", "emotion_style")
        },
        "behavioral_rules": {
            "values": [],
            "never_does": [],
            "conflict_style": voice["conflict_style"],
        },
        "background": entry.description,
    }


def _seasons(total: int) -> list[dict]:
    p = phrases()
    count = min(MAX_SEASONS, max(1, math.ceil(total / EPISODES_PER_SEASON)))
    size = math.ceil(total / count)
    seasons = []
    for i in range(count):
        first = i * size + 1
        if first > total:
            break
        seasons.append(
            {
                "number": i + 1,
                "title": p["season_titles"][i % len(p["season_titles"])],
                "first_episode": first,
                "last_episode": min(total, first + size - 1),
                "arc": p["season_arcs"][i % len(p["season_arcs"])],
            }
        )
    return seasons


def _relationships(cast: list[tuple[CastEntry, str]], rng: random.Random) -> list[dict]:
    kinds = phrases()["relationship_kinds"]
    lead = cast[0][0].name
    out = []
    for entry, _role in cast[1:]:
        named = [k for k in kinds if k in entry.description]
        out.append(
            {
                "from": lead,
                "to": entry.name,
                "kind": named[0] if named else rng.choice(kinds),
                "since_episode": 1,
            }
        )
    return out


def _plot_outline(total: int, seasons: list[dict]) -> str:
    return (
        "\n".join(
            f"{s['first_episode']}~{s['last_episode']}화 ({s['title']}): {s['arc']}."
            for s in seasons
        )
        or f"1~{total}화: 사건의 시작과 결말."
    )


def answer(concept: dict, rng: random.Random) -> dict:
    genre = concept.get("장르", "") or "현대판타지"
    tone = concept.get("톤/느낌", "")
    notes = concept.get("추가 메모", "")
    notes = "" if notes.startswith("(") else notes
    bank = genre_bank(f"{genre} {notes} {concept.get('주인공', '')}") or {}
    cast = _cast(concept)
    total = planned_episodes(concept)
    seasons = _seasons(total)
    lead = cast[0][0]
    places = bank.get("places") or phrases()["places"][:10]
    world = bank.get("world") or phrases()["default_world"]
    banned = concept.get("금지 요소", "")
    banned = "" if banned.startswith("(") else banned
    names = [e.name for e, _ in cast[1:]]
    together = (
        ", ".join([*names[:-1], korean.particle(names[-1], "과", "와")]) + " 얽히며 "
        if names
        else ""
    )
    synopsis = (
        f"{genre}. {lead.name}"
        + (f"({lead.description})" if lead.description else "")
        + "의 이야기다."
        + (f" 분위기는 {tone.rstrip('.')}." if tone else "")
        + f" {together}{korean.topic(lead.name)} 돌이킬 수 없는 선택 앞에 선다. "
        + "매 화의 끝마다 새로운 진실이 드러나고, 믿음과 배신이 교차한다. "
        + f"전체 {total}화, {len(seasons)}개 시즌으로 계획했다."
        + (f" {notes}" if notes else "")
    )
    worldbuilding = f"{PLACES_LABEL}: {', '.join(places)}.\n{world}." + (
        f"\n금지 요소: {banned}." if banned else ""
    )
    return {
        "synopsis": synopsis,
        "worldbuilding": worldbuilding,
        "characters": [_character(e, role, i) for i, (e, role) in enumerate(cast)],
        "plot_outline": _plot_outline(total, seasons),
        "seasons": seasons,
        "relationships": _relationships(cast, rng),
    }
