"""Sentence-final endings: how a bible writes them, how Kiwi finds them, how they compare.

Bibles write endings as "-거든", "~잖아", "-ㅂ니다". Kiwi returns morphemes whose final consonant
may be a bare jamo ('ᆸ니다', 'ᆯ까') and splits politeness and tense into pre-final endings
(했습니다 = 었/EP + 습니다/EF). Comparison therefore happens on decomposed (NFD) strings, where
"합니다", "ᆸ니다" and a bible's "ㅂ니다" all end in the same jamo sequence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from novelcraft.metrics.sentences import is_symbol

# Compatibility consonants (what people type) in the order of the final-consonant jamo block
# U+11A8..U+11C2 (what a decomposed syllable contains).
_COMPAT_FINALS = "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
_TO_FINAL = {c: chr(0x11A8 + i) for i, c in enumerate(_COMPAT_FINALS)}
_FROM_FINAL = {v: k for k, v in _TO_FINAL.items()}

_MARKERS = "-~～‐‑–—·. "
_TRAILING_NON_WORD = re.compile(r"\W+$")
_LAST_WORD = re.compile(r"(\w+)\W*$")


def normalize_ending(raw: str) -> str:
    """A bible ending ("-거든", "~ㅂ니다", "유?") as a decomposed jamo string for matching."""
    text = unicodedata.normalize("NFC", raw).strip().lstrip(_MARKERS)
    text = _TRAILING_NON_WORD.sub("", text)
    if text and text[0] in _TO_FINAL:
        # A lone leading consonant ends the stem ("-ㄹ게", "-ㅂ니다"): it is a final consonant.
        text = _TO_FINAL[text[0]] + text[1:]
    return unicodedata.normalize("NFD", text)


def display_ending(decomposed: str) -> str:
    """Readable form of a decomposed ending: '었ᆸ니다' → '었ㅂ니다', 'ᆯ게' → 'ㄹ게'."""
    composed = unicodedata.normalize("NFC", decomposed)
    return "".join(_FROM_FINAL.get(c, c) for c in composed)


@dataclass(frozen=True)
class SentenceEnding:
    """The end of one sentence: the morphological ending and the raw last word, both NFD.

    `morph` is the run of ending morphemes (EP, EF, and EC because Kiwi tags 하오체 않소 and
    dialect 어유 as EC) closing the sentence, plus a polite 요 particle; empty when the
    sentence ends in a noun or Kiwi found no ending (20–85 % of utterances, FACTS).
    """

    morph: str
    last_word: str

    @property
    def label(self) -> str:
        """What a person reads in a report: the ending if there is one, else the last word."""
        return "-" + display_ending(self.morph) if self.morph else display_ending(self.last_word)


def sentence_ending(tokens: list, text: str) -> SentenceEnding:
    """Ending of the sentence made of `tokens`; `text` is the sentence's own text."""
    words = [t for t in tokens if not is_symbol(t.tag)]
    tail: list[str] = []
    for i in range(len(words) - 1, -1, -1):
        tag, form = words[i].tag, words[i].form
        if tag in ("EP", "EF", "EC") or (tag == "JX" and form == "요" and i == len(words) - 1):
            tail.append(form)
        else:
            break
    if tail and all(not f for f in tail):
        tail = []
    # NFC first so a pre-final ending and a jamo final merge (시 + ᆸ니다 → 십니다).
    morph = unicodedata.normalize("NFD", unicodedata.normalize("NFC", "".join(reversed(tail))))
    match = _LAST_WORD.search(text)
    last_word = unicodedata.normalize("NFD", match.group(1)) if match else ""
    return SentenceEnding(morph, last_word)


def uses_ending(ending: SentenceEnding, wanted: str) -> bool:
    """Whether a sentence ends with `wanted` (from `normalize_ending`).

    The morphological ending covers 하십니다 for "-ㅂ니다"; the raw last word covers what Kiwi
    mis-tags (dialect, fragments) and endings written with part of the stem ("-하옵니다", where
    하 is a suffix, not an ending). Known blind spot: with no ending at all, a noun such as 바다
    "ends in" -다.
    """
    if not wanted:
        return False
    return ending.morph.endswith(wanted) or ending.last_word.endswith(wanted)
