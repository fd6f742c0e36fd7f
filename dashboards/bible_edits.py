"""Adding and removing characters, seasons and relationships of a bible: pure functions that
return a new Bible or raise BadInput with one Korean line. The screen saves the result through
`Workspace.replace_bible`, which applies the bible's own validation once more."""

from __future__ import annotations

from novelcraft.errors import BadInput
from novelcraft.models import Bible, Relationship, Season


def remove_character(bible: Bible, name: str) -> tuple[Bible, int]:
    """Without `name`; its relationships go too (a relationship may not name a stranger).
    Returns the bible and how many relationships were dropped with the character."""
    if name not in {c.name for c in bible.characters}:
        raise BadInput(f"인물 '{name}'이(가) 없습니다")
    kept = [r for r in bible.relationships if name not in (r.from_, r.to)]
    return (
        bible.model_copy(
            update={
                "characters": [c for c in bible.characters if c.name != name],
                "relationships": kept,
            }
        ),
        len(bible.relationships) - len(kept),
    )


def add_season(
    bible: Bible, number: int, title: str, first: int, last: int, arc: str = ""
) -> Bible:
    if any(s.number == number for s in bible.seasons):
        raise BadInput(f"시즌 {number}이(가) 이미 있습니다")
    if first < 1 or last < first:
        raise BadInput(f"시즌 {number}의 회차 범위가 잘못되었습니다 ({first}~{last}화)")
    for s in bible.seasons:
        if first <= s.last_episode and s.first_episode <= last:
            raise BadInput(
                f"시즌 {number}({first}~{last}화)이(가) 시즌 {s.number}"
                f"({s.first_episode}~{s.last_episode}화)과(와) 겹칩니다"
            )
    season = Season(
        number=number, title=title.strip(), first_episode=first, last_episode=last, arc=arc.strip()
    )
    seasons = sorted([*bible.seasons, season], key=lambda s: s.first_episode)
    return bible.model_copy(update={"seasons": seasons})


def remove_season(bible: Bible, number: int) -> Bible:
    if not any(s.number == number for s in bible.seasons):
        raise BadInput(f"시즌 {number}이(가) 없습니다")
    return bible.model_copy(update={"seasons": [s for s in bible.seasons if s.number != number]})


def add_relationship(
    bible: Bible, source: str, target: str, kind: str, since: int | None = None
) -> Bible:
    names = {c.name for c in bible.characters}
    for who in (source, target):
        if who not in names:
            raise BadInput(f"인물 '{who}'이(가) 바이블에 없습니다")
    if source == target:
        raise BadInput("관계는 서로 다른 두 인물 사이에만 만들 수 있습니다")
    if not kind.strip():
        raise BadInput("관계의 종류를 적으세요 (예: 동료, 라이벌)")
    if any(r.from_ == source and r.to == target for r in bible.relationships):
        raise BadInput(f"{source} → {target} 관계가 이미 있습니다")
    relationship = Relationship(
        from_=source, to=target, kind=kind.strip(), since_episode=since or None
    )
    return bible.model_copy(update={"relationships": [*bible.relationships, relationship]})


def remove_relationship(bible: Bible, index: int) -> Bible:
    if not 0 <= index < len(bible.relationships):
        raise BadInput("지울 관계를 고르세요")
    kept = [r for i, r in enumerate(bible.relationships) if i != index]
    return bible.model_copy(update={"relationships": kept})


def relationship_label(r: Relationship) -> str:
    since = f" ({r.since_episode}화부터)" if r.since_episode else ""
    return f"{r.from_} → {r.to}: {r.kind}{since}"


def season_label(s: Season) -> str:
    title = f" {s.title}" if s.title else ""
    return f"시즌 {s.number}{title} · {s.first_episode}~{s.last_episode}화"
