"""Repeated function (seed 003 §13, mode collapse): an outline whose scenes do what one of the
last K outlines already did.

An outline's function is its scenes' goal, conflict and twist and its ending hook, with the
characters' names taken out (the same cast doing something new is not a repeat). Two outlines
are compared by the cosine of their character-trigram counts (whitespace and punctuation
removed): deterministic, local, and robust to reordered scenes and light rewording. The
threshold is calibrated in tests/test_canon_repetition.py on outlines the tests write.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from novelcraft.canon.models import OutlineWarning, RepeatedFunction
from novelcraft.models import Outline

_NOT_WORD = re.compile(r"[\W_]+")
N = 3


def function_text(outline: Outline | Mapping[str, Any], names: Sequence[str] = ()) -> str:
    data = outline.model_dump() if isinstance(outline, Outline) else dict(outline)
    parts = []
    for scene in data.get("scenes") or []:
        parts += [scene.get("goal") or "", scene.get("conflict") or "", scene.get("twist") or ""]
    parts.append(data.get("ending_hook") or "")
    text = " ".join(parts)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def profile(text: str) -> Counter[str]:
    compact = _NOT_WORD.sub("", text)
    return Counter(compact[i : i + N] for i in range(len(compact) - N + 1))


def cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(count * b[gram] for gram, count in a.items() if gram in b)
    norm = math.sqrt(sum(c * c for c in a.values())) * math.sqrt(sum(c * c for c in b.values()))
    return dot / norm


def quote(outline: Outline | Mapping[str, Any]) -> str:
    data = outline.model_dump() if isinstance(outline, Outline) else dict(outline)
    scenes = data.get("scenes") or [{}]
    return f"{scenes[0].get('goal') or ''} / {data.get('ending_hook') or ''}".strip(" /")


def most_similar(
    outline: Outline | Mapping[str, Any],
    earlier: Iterable[tuple[int, Outline | Mapping[str, Any]]],
    names: Sequence[str] = (),
) -> tuple[int, float] | None:
    """The earlier episode whose outline is closest to `outline`, and the similarity."""
    mine = profile(function_text(outline, names))
    best: tuple[int, float] | None = None
    for number, other in earlier:
        score = cosine(mine, profile(function_text(other, names)))
        if best is None or score > best[1] or (score == best[1] and number > best[0]):
            best = (number, score)
    return best


def check_outline(
    number: int,
    outline: Outline | Mapping[str, Any],
    earlier: Iterable[tuple[int, Outline | Mapping[str, Any]]],
    *,
    threshold: float,
    names: Sequence[str] = (),
) -> OutlineWarning | None:
    """A warning naming the earlier episode when the outline repeats one of `earlier`."""
    best = most_similar(outline, earlier, names)
    if best is None or best[1] < threshold:
        return None
    return OutlineWarning(
        episode=number, earlier_episode=best[0], similarity=round(best[1], 4), threshold=threshold
    )


def repeated_functions(
    outlines: Mapping[int, Outline | Mapping[str, Any]],
    *,
    window: int,
    threshold: float,
    names: Sequence[str] = (),
) -> list[RepeatedFunction]:
    """Every outline that repeats one of the `window` outlines before it (report view)."""
    numbers = sorted(outlines)
    profiles = {n: profile(function_text(outlines[n], names)) for n in numbers}
    found = []
    for i, number in enumerate(numbers):
        best: tuple[int, float] | None = None
        for other in numbers[max(0, i - window) : i]:
            score = cosine(profiles[number], profiles[other])
            if best is None or score >= best[1]:
                best = (other, score)
        if best is not None and best[1] >= threshold:
            found.append(
                RepeatedFunction(
                    episode=number,
                    earlier_episode=best[0],
                    similarity=round(best[1], 4),
                    quote=quote(outlines[number])[:160],
                )
            )
    return found
