"""Voice distinctiveness (seed §15: "대사만 읽고 누가 말하는지 알 수 있음"): how often the
speaker of an attributed line is named right from the characters' ending profiles alone.

Each line becomes its sentence endings (the morphological ending, and the last two syllables
of the last word). A naive Bayes classifier over those features, trained on every other line
of the season (leave one out), names a speaker for each line; the share named right is set
against chance (one over the number of speakers). Characters with fewer than `min_lines`
attributed lines are left out: one line says nothing about a voice.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from novelcraft.canon.models import VoiceDistinctiveness
from novelcraft.models import Character

Line = tuple[str, tuple[str, ...]]  # (speaker, features)
_PUNCT = re.compile(r"[\W_]+")
ALPHA = 0.5


def line_features(endings: Iterable) -> tuple[str, ...]:
    """Features of one line from its `SentenceEnding`s (metrics.endings)."""
    features = []
    for ending in endings:
        if ending.morph:
            features.append("m:" + ending.morph)
        word = _PUNCT.sub("", unicodedata.normalize("NFC", ending.last_word))
        if word:
            features.append("w:" + word[-2:])
    return tuple(features)


def attributed_lines(texts: Iterable[str], characters: Sequence[Character]) -> list[Line]:
    """Every dialogue line of `texts` attributed to a character, as (name, features)."""
    from novelcraft.metrics.voice import dialogue_lines

    lines = []
    for text in texts:
        for line in dialogue_lines(text, characters):
            if line.speaker is None:
                continue
            features = line_features(line.endings)
            if features:
                lines.append((characters[line.speaker].name, features))
    return lines


def distinctiveness(season: int, lines: Sequence[Line], min_lines: int = 2) -> VoiceDistinctiveness:
    counts_per_speaker = Counter(s for s, _ in lines)
    kept = [(s, f) for s, f in lines if counts_per_speaker[s] >= min_lines]
    speakers = sorted({s for s, _ in kept})
    result = VoiceDistinctiveness(season=season, lines=len(kept), speakers=len(speakers))
    if len(speakers) < 2:
        return result
    features: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    line_counts = Counter(s for s, _ in kept)
    for speaker, feats in kept:
        features[speaker].update(feats)
        totals[speaker] += len(feats)
    vocabulary = len({f for c in features.values() for f in c})
    right: Counter[str] = Counter()
    for speaker, feats in kept:
        own = Counter(feats)
        best_name, best_score = "", -math.inf
        for candidate in speakers:
            lines_c = line_counts[candidate] - (candidate == speaker)
            if lines_c <= 0:
                continue
            total = totals[candidate] - (len(feats) if candidate == speaker else 0)
            score = math.log(lines_c / (len(kept) - 1))
            denominator = math.log(total + ALPHA * vocabulary)
            for feat, n in own.items():
                count = features[candidate][feat] - (n if candidate == speaker else 0)
                score += n * (math.log(count + ALPHA) - denominator)
            if score > best_score:
                best_name, best_score = candidate, score
        right[speaker] += best_name == speaker
    result.accuracy = round(sum(right.values()) / len(kept), 4)
    result.chance = round(1 / len(speakers), 4)
    result.per_character = {s: round(right[s] / line_counts[s], 4) for s in speakers}
    return result
