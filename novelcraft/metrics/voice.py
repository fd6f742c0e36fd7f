"""Voice (DESIGN §7.8): who says each line, and whether they say it the way the bible says.

A line (one quoted utterance) is attributed to the character named nearest to it in the
narration: first in its own paragraph, else in the paragraph just before or after it (web
novels put "민준이 말했다" on its own line as often as beside the quote). Names inside quotes are
ignored: there they are usually the person spoken *to*. A name followed by a subject or topic
particle (민준이/민준은/서연이가) outranks a nearer one in another role (서연을 바라보며).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from novelcraft.metrics.document import Document
from novelcraft.metrics.endings import (
    SentenceEnding,
    display_ending,
    normalize_ending,
    sentence_ending,
    uses_ending,
)
from novelcraft.metrics.results import BannedEndingUse, CharacterVoice
from novelcraft.metrics.sentences import is_symbol
from novelcraft.models import Character

_SUBJECT = re.compile(r"(?:이가|이는|이도|께서|이|가|은|는|도)(?=[\s,.!?…]|$)")
_HANGUL_NAME = re.compile(r"[가-힣]{3}")
_MAX_EXAMPLES = 3


@dataclass(frozen=True)
class _NameHit:
    start: int
    end: int
    character: int
    subject: bool


@dataclass(frozen=True)
class DialogueLine:
    paragraph: int
    text: str
    speaker: int | None
    endings: tuple[SentenceEnding, ...]


def _aliases(characters: Sequence[Character]) -> list[list[str]]:
    """Ways the narration names each character: the full name, and for a three-syllable
    Korean name or a name with a title ("허 생원") the part people use alone (서연, 생원).
    An alias shared by two characters is dropped: it cannot tell them apart."""
    proposed: list[set[str]] = []
    for ch in characters:
        name = ch.name.strip()
        names = {name}
        if " " in name and len(name.split()[-1]) >= 2:
            names.add(name.split()[-1])
        elif _HANGUL_NAME.fullmatch(name):
            names.add(name[1:])
        proposed.append(names)
    counts = Counter(alias for names in proposed for alias in names)
    return [
        sorted((a for a in names if counts[a] == 1 or a == ch.name.strip()), key=len, reverse=True)
        for ch, names in zip(characters, proposed, strict=True)
    ]


def _name_hits(doc: Document, aliases: list[list[str]]) -> list[list[_NameHit]]:
    hits_by_paragraph = []
    for p in doc.paragraphs:
        hits = []
        for index, names in enumerate(aliases):
            for alias in names:
                pos = p.text.find(alias)
                while pos >= 0:
                    end = pos + len(alias)
                    if not p.in_dialogue(pos):
                        subject = _SUBJECT.match(p.text, end) is not None
                        hits.append(_NameHit(pos, end, index, subject))
                    pos = p.text.find(alias, end)
        hits_by_paragraph.append(hits)
    return hits_by_paragraph


def _speaker(doc: Document, hits: list[list[_NameHit]], index: int, span: tuple[int, int]):
    start, end = span
    paragraph = doc.paragraphs[index]
    candidates = [
        (not h.subject, start - h.end if h.end <= start else h.start - end, h.character)
        for h in hits[index]
    ]
    if not candidates:
        if index > 0 and doc.paragraphs[index - 1].scene == paragraph.scene:
            size = len(doc.paragraphs[index - 1].text)
            candidates += [
                (not h.subject, size - h.end + start + 1, h.character) for h in hits[index - 1]
            ]
        if index + 1 < len(doc.paragraphs) and doc.paragraphs[index + 1].scene == paragraph.scene:
            tail = len(paragraph.text) - end
            candidates += [
                (not h.subject, tail + h.start + 1, h.character) for h in hits[index + 1]
            ]
    return min(candidates)[2] if candidates else None


def _line_endings(doc: Document, index: int, span: tuple[int, int]) -> tuple[SentenceEnding, ...]:
    """One ending per sentence inside the quote; Kiwi's sentences are cut at the quote marks
    and again after sentence-final punctuation that Kiwi kept inside one sentence."""
    start, end = span
    text = doc.paragraphs[index].text
    endings = []
    for sentence in doc.sentences_by_paragraph[index]:
        if sentence.end <= start or sentence.start >= end:
            continue  # every token starts inside its sentence: none can be inside the quote
        group: list = []
        inside = [t for t in sentence.tokens if start <= t.start < end]
        for n, token in enumerate(inside):
            group.append(token)
            if n == len(inside) - 1 or (token.tag == "SF" and inside[n + 1].tag != "SF"):
                if any(not is_symbol(t.tag) for t in group):
                    first, last = group[0], group[-1]
                    endings.append(
                        sentence_ending(group, text[first.start : last.start + last.len])
                    )
                group = []
    return tuple(endings)


def dialogue_lines(
    text: str | Document, characters: Sequence[Character] = ()
) -> list[DialogueLine]:
    doc = Document.of(text)
    hits = _name_hits(doc, _aliases(characters)) if characters else []
    lines = []
    for index, p in enumerate(doc.paragraphs):
        for span in p.dialogue:
            speaker = _speaker(doc, hits, index, span) if characters else None
            lines.append(
                DialogueLine(
                    index, p.text[span[0] : span[1]], speaker, _line_endings(doc, index, span)
                )
            )
    return lines


def _excerpt(line: str) -> str:
    return line if len(line) <= 50 else line[:49] + "…"


def _character_voice(character: Character, lines: list[DialogueLine]) -> CharacterVoice:
    style = character.speech_style
    allowed = [e for e in (normalize_ending(x) for x in style.endings) if e]
    banned = [(x, normalize_ending(x)) for x in style.banned_endings if normalize_ending(x)]
    result = CharacterVoice(
        name=character.name,
        allowed_endings=["-" + display_ending(e) for e in allowed],
        lines=len(lines),
    )
    used: Counter[str] = Counter()
    for line in lines:
        if line.endings:
            used[line.endings[-1].label] += 1
        if allowed and any(uses_ending(e, w) for e in line.endings for w in allowed):
            result.allowed_lines += 1
        elif allowed and len(result.off_voice_lines) < _MAX_EXAMPLES:
            result.off_voice_lines.append(_excerpt(line.text))
        for _, wanted in banned:
            if any(uses_ending(e, wanted) for e in line.endings):
                label = "-" + display_ending(wanted)
                result.banned.append(BannedEndingUse(ending=label, line=_excerpt(line.text)))
    if allowed and lines:
        result.allowed_share = result.allowed_lines / len(lines)
    result.endings = dict(used.most_common(5))
    return result


def voice(text: str | Document, characters: Sequence[Character] = ()) -> list[CharacterVoice]:
    """One `CharacterVoice` per character, in the order given."""
    if not characters:
        return []
    by_speaker: dict[int, list[DialogueLine]] = {}
    for line in dialogue_lines(text, characters):
        if line.speaker is not None:
            by_speaker.setdefault(line.speaker, []).append(line)
    return [_character_voice(ch, by_speaker.get(i, [])) for i, ch in enumerate(characters)]
