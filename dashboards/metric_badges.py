"""Metric badges: every metric of DESIGN §7 as ✅/⚠️ with its value and target range."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from novelcraft.metrics.thresholds import Range, metric_ranges

# Metric key -> Korean label, in the order of seed 003 §7-3.
METRIC_LABELS: dict[str, str] = {
    "length": "분량",
    "scene_count": "장면",
    "ending_hook": "엔딩 훅",
    "avg_sentence_length": "평균 문장 길이",
    "dialogue_ratio": "대화 비율",
    "explanation_density": "설명체",
    "repetition_rate": "반복률",
    "repeated_4grams": "상투 4-gram",
    "voice": "말투 일치",
}
SHORT_LABELS: dict[str, str] = {
    "length": "분량",
    "scene_count": "장면",
    "ending_hook": "훅",
    "avg_sentence_length": "문장",
    "dialogue_ratio": "대화",
    "explanation_density": "설명",
    "repetition_rate": "반복",
    "repeated_4grams": "상투",
    "voice": "말투",
}
UNITS = {"length": "자", "scene_count": "개", "avg_sentence_length": "자", "repeated_4grams": "개"}


@dataclass(frozen=True)
class Badge:
    metric: str
    ok: bool | None  # None: not measurable (e.g. no character has endings)
    value: str
    expected: str

    @property
    def icon(self) -> str:
        return "➖" if self.ok is None else ("✅" if self.ok else "⚠️")

    @property
    def label(self) -> str:
        return METRIC_LABELS[self.metric]

    def line(self) -> str:
        tail = f" ({self.expected})" if self.expected else ""
        return f"{self.icon} {self.label}: {self.value}{tail}"


def _format(metric: str, value: float, rng: Range) -> str:
    if rng.percent:
        return f"{value * 100:.1f}%"
    if metric in ("length", "scene_count", "repeated_4grams"):
        return f"{int(value):,}{UNITS.get(metric, '')}"
    return f"{value:.1f}{UNITS.get(metric, '')}"


def badges(values: dict[str, Any], settings) -> list[Badge]:
    """Badges from a measurement (`Measurement.to_json()` or an `episode_metrics` row)."""
    ranges = metric_ranges(settings)
    out: list[Badge] = []
    for metric in METRIC_LABELS:
        if metric == "ending_hook":
            ok = bool(values.get("ending_hook"))
            reason = values.get("ending_hook_reason") or ""
            text = "유효" if ok else "무효" + (f" — {reason}" if reason else "")
            out.append(Badge(metric, ok, text, ""))
            continue
        if metric == "voice":
            score = values.get("voice_score")
            if score is None and isinstance(values.get("voice"), list):
                judged = [v for v in values["voice"] if v.get("allowed_share") is not None]
                lines = sum(v["lines"] for v in judged)
                score = sum(v["allowed_lines"] for v in judged) / lines if lines else None
            rng = ranges["voice"]
            if score is None:
                out.append(Badge(metric, None, "판정 불가", rng.text))
            else:
                out.append(
                    Badge(metric, rng.contains(score), _format(metric, score, rng), rng.text)
                )
            continue
        value = values.get(metric)
        rng = ranges[metric]
        if value is None:
            out.append(Badge(metric, None, "—", rng.text))
        else:
            out.append(Badge(metric, rng.contains(value), _format(metric, value, rng), rng.text))
    return out


def compact_html(values: dict[str, Any] | None, settings) -> str:
    """A one-line badge strip for a table cell."""
    if not values:
        return '<span style="color:#888">측정 전</span>'
    parts = []
    for b in badges(values, settings):
        colour = "#1b7f3b" if b.ok else ("#888" if b.ok is None else "#b26a00")
        parts.append(
            f'<span title="{html.escape(f"{b.label}: {b.value}")}" '
            f'style="color:{colour};margin-right:4px">'
            f"{SHORT_LABELS[b.metric]}{b.icon}</span>"
        )
    return "".join(parts)
