"""`measure`: every metric of a manuscript, the guard verdict and the style warnings."""

from __future__ import annotations

from collections.abc import Sequence

from novelcraft.metrics import style
from novelcraft.metrics.document import Document
from novelcraft.metrics.guard import guard
from novelcraft.metrics.hook import ending_hook
from novelcraft.metrics.repetition import repeated_4grams, repetition_rate
from novelcraft.metrics.results import Measurement
from novelcraft.metrics.style_warnings import style_warnings
from novelcraft.metrics.thresholds import metric_ranges
from novelcraft.metrics.voice import voice
from novelcraft.models import Character
from novelcraft.settings import Settings


def measure(
    text: str,
    characters: Sequence[Character] = (),
    settings: Settings | None = None,
    *,
    banned_elements: Sequence[str] = (),
) -> Measurement:
    """Score one manuscript. Pure: no I/O, and any string is accepted (an empty one simply
    fails the length guard). `characters` supply the voice profiles; `banned_elements` are the
    bible's project-level bans."""
    settings = settings or Settings()
    doc = Document(text)
    hook_ok, hook_reason = ending_hook(doc, settings.metrics.hook_phrases)
    values: dict[str, float] = {
        "avg_sentence_length": style.avg_sentence_length(doc),
        "dialogue_ratio": style.dialogue_ratio(doc),
        "explanation_density": style.explanation_density(doc),
        "repetition_rate": repetition_rate(doc, settings.metrics.repetition_span),
        "repeated_4grams": repeated_4grams(doc),
    }
    voices = voice(doc, characters)
    length = style.length(doc)
    verdict = guard(
        text=doc.text,
        length=length,
        scene_count=doc.scene_count,
        ending_hook=hook_ok,
        ending_hook_reason=hook_reason,
        voice=voices,
        banned_elements=banned_elements,
        generation=settings.generation,
    )
    warnings = style_warnings(doc, values, voices, metric_ranges(settings), settings.metrics)
    return Measurement(
        length=length,
        length_with_spaces=style.length_with_spaces(doc),
        scene_count=doc.scene_count,
        ending_hook=hook_ok,
        ending_hook_reason=hook_reason,
        avg_sentence_length=values["avg_sentence_length"],
        dialogue_ratio=values["dialogue_ratio"],
        explanation_density=values["explanation_density"],
        repetition_rate=values["repetition_rate"],
        repeated_4grams=int(values["repeated_4grams"]),
        voice=voices,
        guard=verdict,
        warnings=warnings,
        passed=verdict.passed,
    )
