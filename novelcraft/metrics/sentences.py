"""The one kiwipiepy analyser of the process and the single pass every metric shares.

`Kiwi()` costs 0.5–1.7 s and ~520 MB, and its first call another ~1.5 s (FACTS), so there is
exactly one instance per process, created on first use. The queue measures drafts from worker
threads, hence the lock around creation. Calls need no lock: kiwipiepy's author states that an
instance built once may be used from many threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class AnalysedSentence:
    """One Kiwi sentence of a paragraph: offsets within the paragraph, Kiwi's tokens."""

    start: int
    end: int
    text: str
    tokens: tuple


class _ParagraphCache:
    """Kiwi's analysis of recently seen paragraphs, keyed by the paragraph's text.

    Kiwi analyses each paragraph of a batch on its own, so a paragraph's result does not depend
    on its neighbours and can be reused: a retry draft, the style pass and the author's edit
    share most paragraphs with the text measured before them, and only the changed ones go to
    Kiwi again. Bounded by characters (least recently used out first) so a long session cannot
    grow it without limit.
    """

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        # Paragraphs sent to Kiwi and paragraphs served from the cache, for tests and benchmarks.
        self.analysed = 0
        self.reused = 0
        self._chars = 0
        self._items: OrderedDict[str, tuple[AnalysedSentence, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, paragraphs: Sequence[str]) -> dict[str, tuple[AnalysedSentence, ...]]:
        found = {}
        with self._lock:
            for text in paragraphs:
                hit = self._items.get(text)
                if hit is not None:
                    self._items.move_to_end(text)
                    found[text] = hit
            self.reused += len(found)
        return found

    def put_many(self, results: dict[str, tuple[AnalysedSentence, ...]]) -> None:
        with self._lock:
            self.analysed += len(results)
            for text, sentences in results.items():
                if text in self._items or len(text) > self.max_chars:
                    continue
                self._items[text] = sentences
                self._chars += len(text)
            while self._chars > self.max_chars:
                old, _ = self._items.popitem(last=False)
                self._chars -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._chars = self.analysed = self.reused = 0


# About 40 episodes of 10,000 characters: ~55 MB of RSS when full (measured), for a reuse that
# mostly happens between a draft, its retry and its style pass.
_paragraphs = _ParagraphCache(max_chars=400_000)


def analyze_paragraphs(paragraphs: Sequence[str]) -> list[tuple[AnalysedSentence, ...]]:
    """Kiwi sentences (with tokens) for each paragraph, in order.

    Passing the paragraphs as one list lets Kiwi spread them over its worker threads: on two
    cores an 8,000-character episode takes ~75 ms this way against ~150 ms as one string.
    Paragraphs analysed recently come from the cache and are not sent again. Token offsets are
    code-point offsets into their paragraph.
    """
    if not paragraphs:
        return []
    known = _paragraphs.get_many(paragraphs)
    missing = list(dict.fromkeys(p for p in paragraphs if p not in known))
    if missing:
        kiwi = get_kiwi()
        # Sub-sentences (quotes inside a sentence) are never read; leaving them out skips a
        # Python loop over every token in kiwipiepy.
        analysed = kiwi.split_into_sents(missing, return_tokens=True, return_sub_sents=False)
        fresh = {
            text: tuple(AnalysedSentence(s.start, s.end, s.text, tuple(s.tokens)) for s in sents)
            for text, sents in zip(missing, analysed, strict=True)
        }
        _paragraphs.put_many(fresh)
        known.update(fresh)
    return [known[p] for p in paragraphs]


def clear_analysis_cache() -> None:
    """Forget every cached paragraph analysis and reset the counts of `analysis_counts`."""
    _paragraphs.clear()


def analysis_counts() -> tuple[int, int]:
    """(paragraphs Kiwi analysed, paragraphs reused from the cache) since the last clear."""
    return _paragraphs.analysed, _paragraphs.reused
