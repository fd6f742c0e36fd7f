"""Expected ranges of the metrics, read from settings, in one place for warnings and reports."""

from __future__ import annotations

from dataclasses import dataclass

from novelcraft.settings import Settings


@dataclass(frozen=True)
class Range:
    """Inclusive bounds; `None` means unbounded. `percent` formats the bounds as shares."""

    min: float | None = None
    max: float | None = None
    percent: bool = False

    def contains(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def _fmt(self, value: float) -> str:
        if self.percent:
            return f"{value * 100:g}%"
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"

    @property
    def text(self) -> str:
        if self.min is not None and self.max is not None:
            return f"{self._fmt(self.min)}–{self._fmt(self.max)}"
        if self.min is not None:
            return f"≥ {self._fmt(self.min)}"
        if self.max is not None:
            return f"≤ {self._fmt(self.max)}"
        return ""

    def is_far_from(self, value: float) -> bool:
        """Outside by half the bound or more; for a zero bound, by three or more."""
        for bound, gap in (
            (self.min, (self.min or 0) - value),
            (self.max, value - (self.max or 0)),
        ):
            if bound is not None and gap > 0:
                return gap >= (abs(bound) / 2 if bound else 3)
        return False


def metric_ranges(settings: Settings) -> dict[str, Range]:
    gen, m = settings.generation, settings.metrics
    return {
        "length": Range(gen.min_length, gen.max_length),
        "scene_count": Range(min=gen.min_scenes),
        "avg_sentence_length": Range(m.avg_sentence_length_min, m.avg_sentence_length_max),
        "dialogue_ratio": Range(m.dialogue_ratio_min, m.dialogue_ratio_max, percent=True),
        "explanation_density": Range(max=m.explanation_density_max, percent=True),
        "repetition_rate": Range(max=m.repetition_rate_max, percent=True),
        "repeated_4grams": Range(max=m.repeated_4grams_max),
        "voice": Range(min=m.voice_allowed_share_min, percent=True),
    }
