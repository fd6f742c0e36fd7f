"""The numbers behind the Quality screen: the latest measurement of every episode with its
season, the guard summary per season, and the human baseline beside the project's medians."""

from __future__ import annotations

import pandas as pd

from novelcraft.metrics import load_baseline
from novelcraft.metrics.thresholds import metric_ranges
from novelcraft.reports import metrics_csv

# Metric -> (label, range key, baseline key): what the charts plot.
CHART_METRICS: dict[str, tuple[str, str | None, str | None]] = {
    "length": ("분량 (자)", "length", "length"),
    "scene_count": ("장면 수", "scene_count", "scene_count"),
    "avg_sentence_length": ("평균 문장 길이", "avg_sentence_length", "avg_sentence_length"),
    "dialogue_ratio": ("대화 비율", "dialogue_ratio", "dialogue_ratio"),
    "explanation_density": ("설명체 밀도", "explanation_density", "explanation_density"),
    "repetition_rate": ("반복률", "repetition_rate", "repetition_rate"),
    "repeated_4grams": ("상투 4-gram", "repeated_4grams", "repeated_4grams"),
    "voice_score": ("말투 일치율", "voice", None),
}
NO_SEASON = "시즌 외"


def season_of(bible, number: int) -> str:
    for season in bible.seasons:
        if season.first_episode <= number <= season.last_episode:
            return f"시즌 {season.number}"
    return NO_SEASON


def metric_frame(ws, slug: str, bible=None) -> pd.DataFrame:
    """The latest measurement of every episode with its season (`bible`: the project's, if
    the caller has read it already)."""
    rows = ws.metrics_rows(slug)
    frame = pd.DataFrame(rows, columns=["episode_number", *CHART_METRICS, "passed"])
    bible = bible or ws.get_bible(slug)
    frame["season"] = [season_of(bible, int(n)) for n in frame["episode_number"]]
    for metric in CHART_METRICS:
        frame[metric] = pd.to_numeric(frame[metric], errors="coerce")
    return frame


def season_guard_rows(ws, slug: str, bible=None) -> list[dict]:
    """One row per season that has episodes, then the whole project."""
    bible = bible or ws.get_bible(slug)
    spans = [(f"시즌 {s.number}", s.first_episode, s.last_episode) for s in bible.seasons]
    spans.append(("전체", None, None))
    out = []
    for label, first, last in spans:
        summary = ws.guard_summary(slug, first, last)
        if summary.episodes == 0 and first is not None:
            continue
        out.append(
            {
                "구간": label,
                "회차 수": summary.episodes,
                "가드 실패율": _pct(summary.guard_fail_rate),
                "재시도 성공률": _pct(summary.retry_success_rate),
                "평균 분량": f"{summary.avg_length:,.0f}자" if summary.avg_length else "—",
                "목표 대비": _pct(summary.length_deviation, signed=True),
            }
        )
    return out


def _pct(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value * 100:+.1f}%" if signed else f"{value * 100:.1f}%"


def baseline_rows(frame: pd.DataFrame, settings) -> list[dict]:
    """Per metric: the target range, this project's median and the human-prose median."""
    human = load_baseline().median
    ranges = metric_ranges(settings)
    out = []
    for metric, (label, range_key, baseline_key) in CHART_METRICS.items():
        rng = ranges.get(range_key) if range_key else None
        values = frame[metric].dropna() if metric in frame else pd.Series(dtype=float)
        fmt = (
            (lambda v: f"{v * 100:.1f}%")
            if rng is not None and rng.percent
            else (lambda v: f"{v:,.1f}")
        )
        out.append(
            {
                "지표": label,
                "목표": rng.text if rng else "",
                "이 작품 중앙값": fmt(values.median()) if len(values) else "—",
                "사람 글 중앙값": fmt(human[baseline_key]) if baseline_key in human else "—",
            }
        )
    return out


def target_band(metric: str, settings) -> tuple[float | None, float | None]:
    range_key = CHART_METRICS[metric][1]
    rng = metric_ranges(settings).get(range_key)
    return (rng.min, rng.max) if rng else (None, None)


def human_median(metric: str) -> float | None:
    key = CHART_METRICS[metric][2]
    return load_baseline().median.get(key) if key else None


def quality_csv(ws, slug: str) -> str:
    """The metrics CSV with the project and the season of each episode in front, so files
    of several projects and seasons can be put side by side."""
    rows = ws.metrics_rows(slug)
    bible = ws.get_bible(slug)
    lines = metrics_csv(rows).splitlines()
    out = ["project,season," + lines[0]]
    for row, line in zip(rows, lines[1:], strict=True):
        season = season_of(bible, int(row["episode_number"]))
        out.append(f"{_csv_cell(slug)},{_csv_cell(season)},{line}")
    return "\n".join(out) + "\n"


def _csv_cell(value: str) -> str:
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ',"\n') else value
