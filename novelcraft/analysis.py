"""DataFrames for the analyst's notebooks (DESIGN §14), through the Workspace interface only.

`ws` is whatever `novelcraft.connect()` returned: the local Workspace, or the HTTP client of a
running owner; both answer `ws.frame(kind, project)` with the same columns
(`novelcraft.frame_schema`). The summaries below are pure functions of those frames, so a
notebook can also apply them to a frame it filtered itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd

from novelcraft.analysis_labels import (
    COLUMN_LABELS,
    METRIC_LABELS,
    NO_SEASON,
    PURPOSE_LABELS,
    labelled,
)
from novelcraft.errors import BadInput
from novelcraft.metrics import load_baseline
from novelcraft.metrics.thresholds import Range, metric_ranges

__all__ = [
    "COLUMN_LABELS", "METRIC_LABELS", "PURPOSE_LABELS", "calls_frame", "calls_per_episode",
    "calls_per_season", "choose_project", "editor_link", "final_metrics",
    "foreshadow_payoff_by_season", "foreshadows_frame", "guard_by_season",
    "guard_frame", "human_median", "labelled", "metric_band", "metrics_frame", "out_of_band",
    "retry_fixes", "season_median_table", "season_medians", "top_warnings", "voice_drift",
    "voice_frame", "with_season_label", "workspace_dir", "worst_episodes",
]  # fmt: skip
# The range key of `metric_ranges` when it is not the metric's own name.
_RANGE_KEY = {"voice_score": "voice"}

DEMO_WORKSPACE = "demo-workspace"


def workspace_dir() -> Path:
    """`$NOVELCRAFT_HOME`, else the demo workspace `make demo` builds at the repository root
    (found from the notebooks' folder or the root itself)."""
    if os.environ.get("NOVELCRAFT_HOME"):
        return Path(os.environ["NOVELCRAFT_HOME"]).expanduser()
    here = Path.cwd()
    for folder in (here, *here.parents[:2]):
        if (folder / DEMO_WORKSPACE).is_dir():
            return folder / DEMO_WORKSPACE
    return here / DEMO_WORKSPACE


def choose_project(ws, wanted: str | None = None) -> str:
    """The project a notebook studies: `wanted` (e.g. `$NOVELCRAFT_PROJECT`), else the first."""
    slugs = [p.slug for p in ws.list_projects()]
    if wanted:
        if wanted not in slugs:
            raise BadInput(
                f"작품 {wanted!r}이(가) 없습니다 (있는 작품: {', '.join(slugs) or '없음'})"
            )
        return wanted
    if not slugs:
        raise BadInput("작업 공간에 작품이 없습니다: `make demo`로 데모 작업 공간을 만들거나 "
                       "NOVELCRAFT_HOME을 작품이 있는 작업 공간으로 바꾸세요")  # fmt: skip
    return slugs[0]


# --- the frames ---------------------------------------------------------------------------


def metrics_frame(ws, project: str | None = None) -> pd.DataFrame:
    """One row per measurement: project, season, episode, stage, attempt, every metric of
    DESIGN §7, passed, warning count (and the warned metrics), newest-per-stage flag."""
    return with_season_label(ws.frame("metrics", project))


def calls_frame(ws, project: str | None = None) -> pd.DataFrame:
    """One row per LLM call attempt: purpose, backend, model, characters, tokens when the
    backend reports them, duration, ok, error kind."""
    return with_season_label(ws.frame("calls", project))


def voice_frame(ws, project: str | None = None) -> pd.DataFrame:
    """One row per character per saved episode: attributed lines, allowed-ending share,
    banned endings found."""
    return with_season_label(ws.frame("voice", project))


def guard_frame(ws, project: str | None = None) -> pd.DataFrame:
    """One row per episode with text: guard attempts, retried, fixed by retry, final pass."""
    return with_season_label(ws.frame("guard", project))


def foreshadows_frame(ws, project: str | None = None) -> pd.DataFrame:
    """One row per planted foreshadow with its due episode and status, as the canon ledger
    (설정 장부) reads them after the last written episode, plus `season_label`."""
    return with_season_label(ws.frame("foreshadows", project))


def with_season_label(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds `season_label` ("시즌 2", or "시즌 외" outside every season) for legends."""
    labels = [NO_SEASON if pd.isna(n) else f"시즌 {n}" for n in frame["season"]]
    return frame.assign(season_label=pd.Series(labels, index=frame.index, dtype="string"))


def final_metrics(metrics: pd.DataFrame) -> pd.DataFrame:
    """The newest final measurement of each episode: what the saved text scores."""
    rows = metrics[(metrics["stage"] == "final") & metrics["latest"]]
    return rows.reset_index(drop=True)


# --- metrics: bands, baseline, warnings, worst episodes -------------------------------------


def metric_band(metric: str, settings) -> Range | None:
    return metric_ranges(settings).get(_RANGE_KEY.get(metric, metric))


def human_median(metric: str) -> float | None:
    return load_baseline().median.get(metric)


def season_medians(metrics: pd.DataFrame, settings) -> pd.DataFrame:
    """Per season and metric: the median of the final texts, the target band, whether the
    median is inside it, and the median of human prose (public-domain stories)."""
    final = final_metrics(metrics)
    rows = []
    for (project, season), group in final.groupby(["project", "season_label"], sort=True):
        for metric, label in METRIC_LABELS.items():
            values = group[metric].dropna()
            band = metric_band(metric, settings)
            median = float(values.median()) if len(values) else None
            rows.append(
                {
                    "project": project,
                    "season_label": season,
                    "metric": metric,
                    "label": label,
                    "episodes": len(values),
                    "median": median,
                    "band_min": band.min if band else None,
                    "band_max": band.max if band else None,
                    "in_band": (band.contains(median) if band and median is not None else None),
                    "human_median": human_median(metric),
                }
            )
    return pd.DataFrame(rows, columns=_MEDIAN_COLUMNS)


def season_median_table(metrics: pd.DataFrame, settings) -> pd.DataFrame:
    """`season_medians` of one project laid out for reading: a row per metric (Korean label,
    in chart order), a column per season, then the target band and the human median."""
    medians = season_medians(metrics, settings)
    table = medians.pivot_table(
        index="metric", columns="season_label", values="median", aggfunc="first", dropna=False
    ).reindex(list(METRIC_LABELS))
    table["목표"] = [(metric_band(m, settings) or Range()).text for m in table.index]
    table["사람 글 중앙값"] = [human_median(m) for m in table.index]
    table.index = [METRIC_LABELS[m] for m in table.index]
    return table.rename_axis(index="지표", columns="시즌")


_MEDIAN_COLUMNS = ["project", "season_label", "metric", "label", "episodes", "median",
                   "band_min", "band_max", "in_band", "human_median"]  # fmt: skip


def top_warnings(metrics: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
    """Which style warnings fire most, by stage: first drafts (what the style pass receives)
    and final texts (what the reader gets). `episodes` counts distinct episodes."""
    rows = metrics.dropna(subset=["warning_metrics"])
    exploded = rows.assign(metric=rows["warning_metrics"].str.split(",")).explode("metric")
    if exploded.empty:
        return pd.DataFrame(columns=["stage", "metric", "label", "warnings", "episodes"])
    counted = (
        exploded.groupby(["stage", "metric"])
        .agg(warnings=("episode", "size"), episodes=("episode", "nunique"))
        .reset_index()
        .sort_values(["warnings", "stage", "metric"], ascending=[False, True, True])
    )
    counted.insert(2, "label", [METRIC_LABELS.get(m, m) for m in counted["metric"]])
    return counted.head(limit).reset_index(drop=True)


def out_of_band(metrics: pd.DataFrame, settings) -> pd.DataFrame:
    """For each final text: a True/False column per charted metric, True when outside its band."""
    final = final_metrics(metrics)
    flags = pd.DataFrame(index=final.index)
    for metric in METRIC_LABELS:
        band = metric_band(metric, settings)
        values = final[metric]
        flags[metric] = [
            band is not None and not pd.isna(v) and not band.contains(float(v)) for v in values
        ]
    return pd.concat([final[["project", "season_label", "episode"]], flags], axis=1)


def worst_episodes(ws, metrics: pd.DataFrame, settings, limit: int = 5) -> pd.DataFrame:
    """The final texts with the most metrics out of band (then most warnings, then failed
    guard), with a link that opens each in the dashboard's editor while a server runs."""
    flags = out_of_band(metrics, settings)
    final = final_metrics(metrics)
    table = flags[["project", "season_label", "episode"]].copy()
    table["out_of_band"] = flags[list(METRIC_LABELS)].sum(axis=1).astype(int)
    table["metrics"] = [
        ", ".join(METRIC_LABELS[m] for m in METRIC_LABELS if row[m]) for _, row in flags.iterrows()
    ]
    table["warnings"] = final["warning_count"].fillna(0).astype(int)
    table["passed"] = final["passed"]
    base = ws.dashboard_url()
    table["link"] = [
        editor_link(base, p, int(n))
        for p, n in zip(table["project"], table["episode"], strict=True)
    ]
    table = table.sort_values(
        ["out_of_band", "warnings", "passed", "episode"], ascending=[False, False, True, True]
    )
    return table.head(limit).reset_index(drop=True)


def editor_link(base_url: str | None, project: str, episode: int) -> str | None:
    """The dashboard's editor on one episode (the `?screen=` links of README §Dashboard)."""
    if not base_url:
        return None
    query = urlencode({"screen": "editor", "project": project, "episode": episode})
    return f"{base_url.rstrip('/')}/?{query}"


# --- guard and cost -------------------------------------------------------------------------


def guard_by_season(guard: pd.DataFrame) -> pd.DataFrame:
    """Per season: episodes, first-draft pass rate, guard fail rate (still failing after the
    retries), retry rate and retry success rate (fixed by retry / retried), DESIGN §6."""
    rows = []
    for (project, season), g in guard.groupby(["project", "season_label"], sort=True):
        judged = g["final_pass"].dropna()
        retried = g[g["retried"].fillna(False)]
        rows.append(
            {
                "project": project,
                "season_label": season,
                "episodes": len(g),
                "first_pass_rate": _share(g["first_pass"].dropna()),
                "guard_fail_rate": _share(~judged.astype(bool)) if len(judged) else None,
                "retry_rate": len(retried) / len(g) if len(g) else None,
                "retry_success_rate": _share(retried["fixed_by_retry"]) if len(retried) else None,
                "avg_length": float(g["length"].mean()) if len(g) else None,
            }
        )
    return pd.DataFrame(rows, columns=_GUARD_COLUMNS)


_GUARD_COLUMNS = ["project", "season_label", "episodes", "first_pass_rate", "guard_fail_rate",
                  "retry_rate", "retry_success_rate", "avg_length"]  # fmt: skip


def _share(flags: pd.Series) -> float | None:
    return float(flags.astype(bool).mean()) if len(flags) else None


def foreshadow_payoff_by_season(foreshadows: pd.DataFrame) -> pd.DataFrame:
    """Per season a foreshadow was planted in: how many were planted, paid off (and of those
    late), overdue, still open and dropped; the payoff rate among those that had to be paid
    by now (resolved / (resolved + overdue), as the canon report counts it) and the median
    number of episodes from planting to payoff."""
    rows = []
    for (project, season), g in foreshadows.groupby(["project", "season_label"], sort=True):
        status = g["status"]
        resolved = int((status == "resolved").sum())
        overdue = int((status == "overdue").sum())
        gaps = g["episodes_to_payoff"].dropna()
        rows.append(
            {
                "project": project,
                "season_label": season,
                "planted": len(g),
                "resolved": resolved,
                "resolved_late": int(g["late"].fillna(False).astype(bool).sum()),
                "overdue": overdue,
                "open": int((status == "open").sum()),
                "dropped": int((status == "dropped").sum()),
                "payoff_rate": resolved / (resolved + overdue) if resolved + overdue else None,
                "median_episodes_to_payoff": float(gaps.median()) if len(gaps) else None,
            }
        )
    return pd.DataFrame(rows, columns=_PAYOFF_COLUMNS)


_PAYOFF_COLUMNS = ["project", "season_label", "planted", "resolved", "resolved_late", "overdue",
                   "open", "dropped", "payoff_rate", "median_episodes_to_payoff"]  # fmt: skip


def retry_fixes(guard: pd.DataFrame) -> pd.DataFrame:
    """Per guard check: how many first drafts failed it and how many of those a retry fixed
    (failed first, passed in the last draft)."""
    counts: dict[str, list[int]] = {}
    for first, final in zip(guard["first_failures"], guard["final_failures"], strict=True):
        if pd.isna(first):
            continue
        still = set() if pd.isna(final) else set(final.split(","))
        for check in first.split(","):
            failed, fixed = counts.setdefault(check, [0, 0])
            counts[check] = [failed + 1, fixed + (check not in still)]
    return pd.DataFrame(
        [{"check": c, "failed_first": n, "fixed_by_retry": f} for c, (n, f) in counts.items()],
        columns=["check", "failed_first", "fixed_by_retry"],
    ).sort_values(["failed_first", "check"], ascending=[False, True], ignore_index=True)


def calls_per_episode(calls: pd.DataFrame) -> pd.DataFrame:
    """LLM calls, failed calls, characters sent and received, and seconds, per episode."""
    return _calls_by(calls.dropna(subset=["episode"]), ["project", "season_label", "episode"])


def calls_per_season(calls: pd.DataFrame) -> pd.DataFrame:
    """The same per season, with the number of episodes and the mean per episode."""
    table = _calls_by(calls.dropna(subset=["episode"]), ["project", "season_label"])
    episodes = (
        calls.dropna(subset=["episode"])
        .groupby(["project", "season_label"])["episode"]
        .nunique()
        .rename("episodes")
        .reset_index()
    )
    table = table.merge(episodes, on=["project", "season_label"])
    table["calls_per_episode"] = table["calls"] / table["episodes"]
    table["seconds_per_episode"] = table["seconds"] / table["episodes"]
    return table


def _calls_by(calls: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = calls.assign(failed=~calls["ok"].astype(bool)).groupby(keys, sort=True)
    table = grouped.agg(
        calls=("purpose", "size"),
        failed=("failed", "sum"),
        prompt_chars=("prompt_chars", "sum"),
        output_chars=("output_chars", "sum"),
        seconds=("duration_ms", "sum"),
    ).reset_index()
    table["seconds"] = table["seconds"] / 1000
    table["failed"] = table["failed"].astype(int)
    return table


# --- voice ----------------------------------------------------------------------------------


def voice_drift(voice: pd.DataFrame, settings) -> pd.DataFrame:
    """Per character: episodes with lines, lines, mean allowed-ending share, its change from
    the first half of those episodes to the second (negative = drifting away from the
    bible), episodes below the voice threshold, banned endings found."""
    minimum = settings.metrics.voice_allowed_share_min
    rows = []
    for (project, character), g in voice.groupby(["project", "character"], sort=False):
        spoken = g[g["lines"] > 0].sort_values("episode")
        shares = spoken["allowed_share"].dropna()
        half = len(shares) // 2
        drift = float(shares.iloc[half:].mean() - shares.iloc[:half].mean()) if half else None
        rows.append(
            {
                "project": project,
                "character": character,
                "episodes": len(spoken),
                "lines": int(g["lines"].sum()),
                "mean_share": float(shares.mean()) if len(shares) else None,
                "drift": drift,
                "below_min": int((shares < minimum).sum()),
                "banned": int(g["banned_count"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=["project", "character", "episodes", "lines",
                                       "mean_share", "drift", "below_min", "banned"])  # fmt: skip
