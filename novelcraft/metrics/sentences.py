"""The one kiwipiepy analyser of the process and the single pass every metric shares.

`Kiwi()` costs 0.5–1.7 s and ~520 MB, and its first call another ~1.5 s (FACTS), so there is
exactly one instance per process, created on first use. The queue measures drafts from worker
threads, hence the lock around creation. Calls need no lock: kiwipiepy's author states that an
instance built once may be used from many threads.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

_lock = threading.Lock()
_kiwi: Kiwi | None = None

# Tags of tokens that are punctuation or symbols rather than words (Sejong tag set as used by
# Kiwi, plus its W_* tags for emoji, URLs, hashtags...).
_SYMBOL_TAGS = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB"})


def get_kiwi() -> Kiwi:
    """The process-wide analyser, loaded and warmed on first use."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                # The multi-word dictionary only groups proper-noun phrases, which no metric
                # reads; without it Kiwi loads ~2 s faster and uses ~190 MB less, and the
                # corpus analyses came out token for token identical.
                kiwi = Kiwi(load_multi_dict=False)
                # Kiwi finishes loading lazily on the first call; pay for it here, once.
                kiwi.tokenize("준비.")
                _kiwi = kiwi
    return _kiwi


def is_symbol(tag: str) -> bool:
    return tag in _SYMBOL_TAGS or tag.startswith("W_")


def analyze_paragraphs(paragraphs: Sequence[str]) -> list[list]:
    """Kiwi sentences (with tokens) for each paragraph, in order.

    Passing the paragraphs as one list lets Kiwi spread them over its worker threads: on two
    cores an 8,000-character episode takes ~75 ms this way against ~150 ms as one string.
    Token offsets are code-point offsets into their paragraph.
    """
    if not paragraphs:
        return []
    kiwi = get_kiwi()
    return [list(sents) for sents in kiwi.split_into_sents(list(paragraphs), return_tokens=True)]
