"""Warnings for the soft style metrics: what the style-correction pass (pass 2) is told to fix.

A warning names the metric, the value, the expected range, how far off it is and a Korean
suggestion, and where possible quotes examples from the text: "repeat less" is hard to act on,
"this sentence appears four times" is not.
"""

from __future__ import annotations

from collections.abc import Sequence

from novelcraft.metrics import messages
from novelcraft.metrics.document import Document
from novelcraft.metrics.repetition import repeated_4gram_list, repeated_passages
from novelcraft.metrics.results import CharacterVoice, StyleWarning
from novelcraft.metrics.style import explanation_sentences
from novelcraft.metrics.thresholds import Range
from novelcraft.settings import MetricSettings


def _warning(metric: str, actual: float, expected: Range, suggestion: str, **extra) -> StyleWarning:
    return StyleWarning(
        metric=metric,
        actual=actual,
        expected=expected.text,
        expected_min=expected.min,
        expected_max=expected.max,
        severity="major" if expected.is_far_from(actual) else "minor",
        suggestion=suggestion,
        **extra,
    )


def _bounded(metric: str, actual: float, expected: Range, low: str, high: str, **extra):
    if expected.contains(actual):
        return []
    template = low if expected.min is not None and actual < expected.min else high
    return [_warning(metric, actual, expected, template.format(actual=actual), **extra)]


def style_warnings(
    doc: Document,
    values: dict[str, float],
    voice: Sequence[CharacterVoice],
    ranges: dict[str, Range],
    settings: MetricSettings,
) -> list[StyleWarning]:
    """`values` holds the five soft metrics by name; `ranges` comes from `metric_ranges`."""
    found: list[StyleWarning] = []
    found += _bounded(
        "avg_sentence_length",
        values["avg_sentence_length"],
        ranges["avg_sentence_length"],
        messages.SENTENCES_TOO_SHORT,
        messages.SENTENCES_TOO_LONG,
    )
    found += _bounded(
        "dialogue_ratio",
        values["dialogue_ratio"],
        ranges["dialogue_ratio"],
        messages.DIALOGUE_TOO_LOW,
        messages.DIALOGUE_TOO_HIGH,
    )
    if not ranges["explanation_density"].contains(values["explanation_density"]):
        examples = [s.text for s in explanation_sentences(doc)[:3]]
        found += _bounded(
            "explanation_density",
            values["explanation_density"],
            ranges["explanation_density"],
            "",
            messages.EXPLANATION_TOO_HIGH,
            examples=examples,
        )
    if not ranges["repetition_rate"].contains(values["repetition_rate"]):
        examples = repeated_passages(doc, settings.repetition_span)
        found += _bounded(
            "repetition_rate",
            values["repetition_rate"],
            ranges["repetition_rate"],
            "",
            messages.REPETITION_TOO_HIGH,
            examples=examples,
        )
    if not ranges["repeated_4grams"].contains(values["repeated_4grams"]):
        examples = [gram for gram, _ in repeated_4gram_list(doc)[:3]]
        found += _bounded(
            "repeated_4grams",
            values["repeated_4grams"],
            ranges["repeated_4grams"],
            "",
            messages.STOCK_PHRASES,
            examples=examples,
        )
    found += _voice_warnings(voice, ranges["voice"], settings)
    return found


def _voice_warnings(
    voice: Sequence[CharacterVoice], expected: Range, settings: MetricSettings
) -> list[StyleWarning]:
    warnings = []
    for character in voice:
        share = character.allowed_share
        # A character with two lines has not had the chance to show a voice yet.
        if share is None or character.lines < settings.voice_min_lines:
            continue
        if expected.contains(share):
            continue
        suggestion = messages.VOICE_OFF.format(
            name=character.name, endings=", ".join(character.allowed_endings), actual=share
        )
        warnings.append(
            _warning(
                "voice",
                share,
                expected,
                suggestion,
                character=character.name,
                examples=character.off_voice_lines,
            )
        )
    return warnings
