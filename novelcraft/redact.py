"""Keeping API keys out of everything we store, log or show (DESIGN §5: never log API keys).

Error text from a backend may echo the request: the key itself, an `Authorization` header, an
`api-key` header. `redact` replaces every known key and every credential-looking header value
with `***`; `clip` cuts a message to a length. Always redact first, then clip: a key cut in
half is no longer recognisable, and half a key is still a leak.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

MASK = "***"
# Environment variables whose values are credentials even when no setting names them.
_SECRET_ENV = re.compile(r"(API_?KEY|_TOKEN|_SECRET|PASSWORD)$", re.IGNORECASE)
# Shorter values are too likely to occur in ordinary text to be masked everywhere.
_MIN_SECRET = 8
_HEADER_VALUE = re.compile(
    r"(?P<name>\b(?:authorization|proxy-authorization|api[-_]?key|x-api-key)\b[\"']?\s*[:=]\s*"
    r"[\"']?(?:(?:bearer|basic|token)\s+)?)(?P<value>[^\s\"',;}]+)",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
# Provider key shapes (OpenAI `sk-...`, `sk-proj-...`), masked even when no variable holds them.
_KEY_SHAPES = re.compile(r"\bsk-[A-Za-z0-9_-]{16,}")


def secrets_from_env(extra_names: Iterable[str] = ()) -> list[str]:
    names = set(extra_names)
    names.update(n for n in os.environ if _SECRET_ENV.search(n))
    values = {os.environ.get(n, "") for n in names}
    # Longest first: a key that contains another is masked whole.
    return sorted((v for v in values if len(v) >= _MIN_SECRET), key=len, reverse=True)


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """`text` with every secret (credential variables of the environment and `extra`) and
    every credential header value replaced by `***`."""
    if not text:
        return text
    secrets = sorted({*secrets_from_env(), *extra}, key=len, reverse=True)
    for secret in secrets:
        if secret and len(secret) >= _MIN_SECRET:
            text = text.replace(secret, MASK)
    text = _HEADER_VALUE.sub(lambda m: m.group("name") + MASK, text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
    return _KEY_SHAPES.sub(MASK, text)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_line(text: str, limit: int = 300, extra: Iterable[str] = ()) -> str:
    """One line, redacted, then cut to `limit` characters (in that order)."""
    return clip(" ".join(redact(text, extra).split()), limit)
