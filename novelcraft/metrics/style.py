"""The counting metrics of DESIGN §7 (1, 2, 4, 5, 6): pure functions of a text.

Each accepts a string or an already parsed `Document`; `measure` passes the latter so the
Kiwi pass happens once.
"""

from __future__ import annotations

import unicodedata

from novelcraft.metrics.document import Document, Sentence
from novelcraft.metrics.sentences import is_symbol
from novelcraft.metrics.text import non_space_len

# Bound nouns that turn a sentence into an explanation when they carry its final 이다:
# ~것이다/거다, ~때문이다, ~셈이다, ~법이다, ~탓이다, ~뿐이다, and the circumstance ~터이다.
_EXPLAINING_NOUNS = frozenset({"것", "거", "때문", "셈", "법", "탓", "터", "뿐"})

# Interrogative sentence-final endings, decomposed so that one entry covers its allomorphs:
# ᆫ가 = 는가/은가/ㄴ가, ᆯ까 = 을까/ㄹ까, 냐 = 느냐/으냐, ᆸ니까 = 습니까, ᆫ지/ᆯ지 = 는지/을지.
# A question (알 수 있는가, 하는 거냐, 그랬던 것일까) asks instead of explaining.
_QUESTION_ENDINGS = tuple(
    unicodedata.normalize("NFD", e) for e in ("ᆫ가", "ᆯ까", "냐", "니", "ᆸ니까", "ᆫ지", "ᆯ지")
)
_QUESTION_MARKS = ("?", "？")
_POLITE = unicodedata.normalize("NFD", "요")


def length(text: str | Document) -> int:
    """Characters excluding whitespace (DESIGN §7.1)."""
    return non_space_len(Document.of(text).text)


def length_with_spaces(text: str | Document) -> int:
    """Characters including spaces, the platforms' unit; line breaks are not counted because
    editors differ in how many they put between paragraphs."""
    body = Document.of(text).text.strip()
    return len(body) - body.count("\n")


def scene_count(text: str | Document) -> int:
    return Document.of(text).scene_count


def avg_sentence_length(text: str | Document) -> float:
    """Mean non-whitespace characters per Kiwi sentence (DESIGN §7.4)."""
    sentences = Document.of(text).sentences
    if not sentences:
        return 0.0
    return sum(non_space_len(s.text) for s in sentences) / len(sentences)


def dialogue_ratio(text: str | Document) -> float:
    """Share of non-whitespace characters inside dialogue quotes, marks included (§7.5)."""
    doc = Document.of(text)
    total = spoken = 0
    for p in doc.paragraphs:
        total += non_space_len(p.text)
        spoken += sum(non_space_len(p.text[a:b]) for a, b in p.dialogue)
    return spoken / total if total else 0.0


def _is_question(endings: list, trailing: list) -> bool:
    """A question mark after the last word, or an interrogative ending in `endings`."""
    if any(mark in t.form for t in trailing for mark in _QUESTION_MARKS):
        return True
    for token in endings:
        if token.tag == "EF":
            # A polite 요 may be part of the ending (을까요/EF) or follow it.
            form = unicodedata.normalize("NFD", token.form).removesuffix(_POLITE)
            if form.endswith(_QUESTION_ENDINGS):
                return True
    return False


def is_explanation(sentence: Sentence) -> bool:
    """Whether the sentence's final predicate is 것이다 / 때문이다 / 수 있다 or kin.

    Walk back from the end over punctuation and endings (EP/EF/EC) to the predicate: either
    이/VCP after an explaining bound noun, or 있 after 수/NNB. Tense and politeness do not
    matter (것이었다, 것입니다, 수 있었다 all count); questions (DESIGN §7.6) do not.
    """
    tokens = sentence.tokens
    i = len(tokens) - 1
    while i >= 0 and is_symbol(tokens[i].tag):
        i -= 1
    trailing = tokens[i + 1 :]
    # Only the last few words matter: walk back instead of filtering the whole sentence.
    endings: list = []
    found: list = []  # the predicate, then the word before it
    while i >= 0 and len(found) < 2:
        token = tokens[i]
        i -= 1
        if is_symbol(token.tag):
            continue
        if not found and token.tag in ("EP", "EF", "EC"):
            endings.append(token)
        else:
            found.append(token)
    if len(found) < 2:
        return False
    if _is_question(endings, list(trailing)):
        return False
    predicate, before = found
    if predicate.tag == "VCP":
        if before.form == "터" and predicate.start == before.start:
            # 터 contracted with 이 into one syllable (할 테요, 올 테니까, 모를 테지, 말 테다)
            # is intent or conjecture; only the written-out 터이다 states a circumstance.
            return False
        return before.tag == "NNB" and before.form in _EXPLAINING_NOUNS
    return predicate.form == "있" and before.tag == "NNB" and before.form == "수"


def explanation_sentences(text: str | Document) -> list[Sentence]:
    return [s for s in Document.of(text).sentences if not s.in_dialogue and is_explanation(s)]


def explanation_density(text: str | Document) -> float:
    """Explaining sentences over narration sentences (DESIGN §7.6).

    Dialogue is left out on both sides: in speech 할 거야 is a future tense, not the narrator
    explaining, and the metric is about telling instead of showing.
    """
    doc = Document.of(text)
    narration = [s for s in doc.sentences if not s.in_dialogue]
    if not narration:
        return 0.0
    return sum(1 for s in narration if is_explanation(s)) / len(narration)
