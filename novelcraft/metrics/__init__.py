"""Korean style metrics, guard rules and thresholds (DESIGN §7).

`measure(text, characters, settings)` is the entry point; each metric is also a pure function
of text (a string or a parsed `Document`) for notebooks and tests. kiwipiepy is loaded on the
first call that needs sentences, once per process (`get_kiwi`).
"""

from novelcraft.metrics.baseline import HumanBaseline, load_baseline
from novelcraft.metrics.document import Document
from novelcraft.metrics.hook import ending_hook
from novelcraft.metrics.measure import measure
from novelcraft.metrics.repetition import repeated_4gram_list, repeated_4grams, repetition_rate
from novelcraft.metrics.results import (
    BannedEndingUse,
    CharacterVoice,
    GuardFailure,
    GuardResult,
    Measurement,
    StyleWarning,
)
from novelcraft.metrics.sentences import get_kiwi
from novelcraft.metrics.style import (
    avg_sentence_length,
    dialogue_ratio,
    explanation_density,
    length,
    length_with_spaces,
    scene_count,
)
from novelcraft.metrics.thresholds import Range, metric_ranges
from novelcraft.metrics.voice import dialogue_lines, voice

__all__ = [
    "BannedEndingUse",
    "CharacterVoice",
    "Document",
    "GuardFailure",
    "GuardResult",
    "HumanBaseline",
    "Measurement",
    "Range",
    "StyleWarning",
    "avg_sentence_length",
    "dialogue_lines",
    "dialogue_ratio",
    "ending_hook",
    "explanation_density",
    "get_kiwi",
    "length",
    "length_with_spaces",
    "load_baseline",
    "measure",
    "metric_ranges",
    "repeated_4gram_list",
    "repeated_4grams",
    "repetition_rate",
    "scene_count",
    "voice",
]
