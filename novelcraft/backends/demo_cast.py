"""How the demo writer reads the cast and the world an author typed, so its answers stay the
author's project: `도재현(전학생, 비밀이 많음), 오민지(부회장, 수다스러움)` is two characters
(commas inside parentheses do not split), a protagonist given only as a description gets one
invented name, and the places and genre words come from the concept and the bible's world."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = re.compile(r"^[가-힣]{2,4}$")
_NAMED = re.compile(r"^([가-힣A-Za-z]{1,12}(?: [가-힣A-Za-z]{1,12})?)\s*[(（](.*)[)）]\s*$")
# World text: "주요 장소: 교실, 학생회실" lists the places the demo writer stages scenes in.
PLACES_LABEL = "주요 장소"


@dataclass(frozen=True)
class CastEntry:
    name: str  # "" when the author gave only a description
    description: str


def split_outside_parentheses(text: str) -> list[str]:
    """Split on commas (and 、/;) that are not inside (), （） or []."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in "(（[":
            depth += 1
        elif char in ")）]" and depth:
            depth -= 1
        if char in ",，;、" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def read_entry(text: str) -> CastEntry:
    text = text.strip()
    named = _NAMED.match(text)
    if named:
        return CastEntry(named.group(1).strip(), named.group(2).strip())
    head, _, rest = text.partition(" ")
    if _NAME.match(text):
        return CastEntry(text, "")
    if _NAME.match(head) and rest and not head.endswith(("을", "를", "은", "는", "이", "가")):
        return CastEntry(head, rest.strip(" -:,"))
    return CastEntry("", text)


def read_cast(text: str) -> list[CastEntry]:
    if not text or text.startswith("("):  # "(자유롭게 설계)": nothing was typed
        return []
    return [read_entry(part) for part in split_outside_parentheses(text)]


def read_protagonist(text: str) -> CastEntry:
    """A protagonist field is one person: `한서윤(냉철한 검사)`, `한서윤 냉철한 검사`, or only
    a description such as `검을 버린 검객, 무뚝뚝함` (then the name is for the writer to give)."""
    text = text.strip()
    named = _NAMED.match(text)
    if named:
        return CastEntry(named.group(1).strip(), named.group(2).strip())
    first = split_outside_parentheses(text)[0] if text else ""
    entry = read_entry(first)
    if entry.name:
        rest = text[len(first) :].strip(" ,")
        return CastEntry(entry.name, ", ".join(x for x in (entry.description, rest) if x))
    return CastEntry("", text)


def places_in(world: str) -> list[str]:
    """The places a world text names after `주요 장소:` (up to the end of that line)."""
    found = re.search(rf"{PLACES_LABEL}\s*:\s*([^\n]+)", world)
    if not found:
        return []
    return [p for p in split_outside_parentheses(found.group(1).strip().rstrip(".")) if p][:12]
