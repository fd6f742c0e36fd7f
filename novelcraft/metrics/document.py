"""A manuscript parsed once: paragraphs, dialogue spans and (lazily) Kiwi sentences.

Every metric is a function of text, but `measure` computes eight of them; a `Document` lets
them share one normalisation and one Kiwi pass (the expensive part, ~75 ms per episode).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from novelcraft.metrics.sentences import analyze_paragraphs
from novelcraft.metrics.text import Paragraph, normalize_text, split_paragraphs


@dataclass(frozen=True)
class Sentence:
    """One Kiwi sentence; offsets are within its paragraph."""

    paragraph: int
    start: int
    end: int
    text: str
    tokens: tuple
    in_dialogue: bool


class Document:
    def __init__(self, text: str):
        self.text = normalize_text(text)
        self.paragraphs: list[Paragraph]
        self.paragraphs, self.scene_count = split_paragraphs(self.text)

    @classmethod
    def of(cls, text: str | Document) -> Document:
        return text if isinstance(text, Document) else cls(text)

    @cached_property
    def prose(self) -> str:
        """The paragraphs without scene markers, one per line."""
        return "\n".join(p.text for p in self.paragraphs)

    @cached_property
    def sentences_by_paragraph(self) -> list[list[Sentence]]:
        analysed = analyze_paragraphs([p.text for p in self.paragraphs])
        result = []
        for index, (paragraph, sents) in enumerate(zip(self.paragraphs, analysed, strict=True)):
            row = []
            for s in sents:
                if not s.text.strip():
                    continue
                # A sentence belongs to the dialogue when its middle lies inside a quote; Kiwi
                # already breaks sentences at most quote boundaries.
                middle = (s.start + s.end) // 2
                row.append(
                    Sentence(index, s.start, s.end, s.text, s.tokens, paragraph.in_dialogue(middle))
                )
            result.append(row)
        return result

    @property
    def sentences(self) -> list[Sentence]:
        return [s for row in self.sentences_by_paragraph for s in row]
