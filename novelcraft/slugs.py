"""Project slugs: short ASCII names authors can type in a shell.

Hangul syllables are romanized jamo by jamo (Revised Romanization letters, without the
sound-change rules: a slug must be stable and readable, not phonetically exact).
"""

from __future__ import annotations

import re
import unicodedata

# fmt: off
_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch",
             "k", "t", "p", "h")
_MEDIALS = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
            "wo", "we", "wi", "yu", "eu", "ui", "i")
_FINALS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
           "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t")
# fmt: on


def romanize(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(_INITIALS[code // 588] + _MEDIALS[(code % 588) // 28])
            out.append(_FINALS[code % 28])
        else:
            out.append(ch)
    return "".join(out)


def slugify(name: str, max_length: int = 32) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", romanize(name)).encode("ascii", "ignore").decode("ascii")
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        # Cut at a word boundary when there is one, so the slug stays readable.
        cut = slug[: max_length + 1].rfind("-")
        slug = slug[:cut] if cut > 0 else slug[:max_length]
    return slug.strip("-") or "project"


def is_valid_slug(slug: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)) and len(slug) <= 60


def unique_slug(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
