"""Just enough Korean morphology for the demo writer: particles and ending attachment."""

from __future__ import annotations

_BASE = 0xAC00
_COMPAT_LEADING = {"ㄹ": "을", "ㄴ": "는", "ㅂ": "습", "ㅁ": "음"}


def has_final(word: str) -> bool:
    """Whether the last syllable ends in a consonant (받침)."""
    if not word:
        return False
    code = ord(word[-1]) - _BASE
    return 0 <= code < 11172 and code % 28 != 0


def particle(word: str, with_final: str, without_final: str) -> str:
    return word + (with_final if has_final(word) else without_final)


def topic(word: str) -> str:
    return particle(word, "은", "는")


def subject(word: str) -> str:
    return particle(word, "이", "가")


def object_(word: str) -> str:
    return particle(word, "을", "를")


def _bright(stem: str) -> bool:
    code = ord(stem[-1]) - _BASE
    return 0 <= code < 11172 and (code % 588) // 28 in (0, 8)  # ㅏ, ㅗ


def attach(stem: str, ending: str) -> str:
    """Attach a bible ending ("-거든", "~요", "-ㄹ게") to a consonant-final verb stem."""
    ending = ending.strip().lstrip("-~").strip()
    if not ending:
        return stem + "다"
    first = ending[0]
    if first in _COMPAT_LEADING:
        return stem + _COMPAT_LEADING[first] + ending[1:]
    if first in "요유":
        return stem + ("아" if _bright(stem) else "어") + ending
    if first in "시십세니면":
        return stem + "으" + ending
    if ending == "겨":
        return stem + "는겨"
    if ending.startswith("거예"):
        return stem + "을 " + ending
    return stem + ending
