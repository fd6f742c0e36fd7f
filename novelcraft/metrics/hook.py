"""Ending hook (DESIGN §7.3): does the episode stop on a cliffhanger (절단신공)?

Judged on the last paragraph. It fails when the episode closes on a quoted plain statement
(a conversation that simply ends) or when the last paragraph carries no hook signal at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from novelcraft.metrics import messages
from novelcraft.metrics.document import Document

# "..." and "⋯" are how people type an ellipsis; "—" cuts a sentence off mid-word.
_SIGNALS = ("?", "!", "…", "...", "⋯", "—")
_CLOSING_QUOTES = frozenset('"”＂」』')
_PLAIN_TAIL = re.compile(r"[\s\"”＂」』]+$")


def _signal_in(text: str, phrases: Sequence[str]) -> str | None:
    for mark in _SIGNALS:
        if mark in text:
            return mark
    for phrase in phrases:
        if phrase and phrase in text:
            return phrase
    return None


def ending_hook(text: str | Document, hook_phrases: Sequence[str] = ()) -> tuple[bool, str]:
    """(valid, reason in Korean)."""
    doc = Document.of(text)
    if not doc.paragraphs:
        return False, messages.HOOK_EMPTY
    last = doc.paragraphs[-1]
    if (
        last.text[-1] in _CLOSING_QUOTES
        and last.dialogue
        and last.dialogue[-1][1] == len(last.text)
    ):
        start, end = last.dialogue[-1]
        quoted = _PLAIN_TAIL.sub("", last.text[start + 1 : end])
        # Look at the last few characters so "…." and "?!" still count as signals.
        if not any(mark in quoted[-3:] for mark in _SIGNALS):
            return False, messages.HOOK_PLAIN_QUOTE.format(line=last.text[start:end][-40:])
    signal = _signal_in(last.text, hook_phrases)
    if signal is None:
        return False, messages.HOOK_NO_SIGNAL.format(paragraph=last.text[-40:])
    return True, messages.HOOK_OK.format(signal=signal)
