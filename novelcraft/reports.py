"""Quality reports over a project: the guard summary (DESIGN §6) and the metrics table."""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import BaseModel

from novelcraft.store.connection import Store, from_json
from novelcraft.store.generation import METRIC_FIELDS


class GuardRow(BaseModel):
    episode_number: int
    attempts: int
    first_guard: bool | None
    final_guard: bool | None
    failed_checks: list[str]
    retried: bool
    fixed_by_retry: bool
    length: int


class GuardSummary(BaseModel):
    episodes: int
    guard_fail_rate: float | None
    retry_success_rate: float | None
    avg_length: float | None
    target_length: int
    length_deviation: float | None
    rows: list[GuardRow]


def guard_summary(
    store: Store, pid: int, target_length: int, first: int | None = None, last: int | None = None
) -> GuardSummary:
    rows: list[GuardRow] = []
    for r in store.rows(
        "SELECT episode_number, length, passed, pipeline FROM episodes WHERE project_id = ? "
        "AND episode_number BETWEEN ? AND ? AND content <> '' ORDER BY episode_number",
        [pid, first or 1, last or 2**31 - 1],
    ):
        attempts = from_json(r["pipeline"], {}).get("attempts", [])
        retried = len(attempts) > 1
        checks = sorted({f["check"] for a in attempts for f in a.get("failures", [])})
        rows.append(
            GuardRow(
                episode_number=r["episode_number"],
                attempts=len(attempts),
                first_guard=attempts[0]["passed"] if attempts else None,
                final_guard=r["passed"],
                failed_checks=checks,
                retried=retried,
                fixed_by_retry=retried and bool(attempts[-1]["passed"]),
                length=r["length"],
            )
        )
    judged = [row for row in rows if row.final_guard is not None]
    retried_rows = [row for row in rows if row.retried]
    avg = sum(row.length for row in rows) / len(rows) if rows else None
    return GuardSummary(
        episodes=len(rows),
        guard_fail_rate=(
            sum(1 for row in judged if not row.final_guard) / len(judged) if judged else None
        ),
        retry_success_rate=(
            sum(1 for row in retried_rows if row.fixed_by_retry) / len(retried_rows)
            if retried_rows
            else None
        ),
        avg_length=avg,
        target_length=target_length,
        length_deviation=(avg - target_length) / target_length if avg is not None else None,
        rows=rows,
    )


def guard_summary_csv(summary: GuardSummary) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["episode", "attempts", "first_guard", "final_guard", "failed_checks",
                     "retried", "fixed_by_retry", "length"])  # fmt: skip
    for row in summary.rows:
        writer.writerow([row.episode_number, row.attempts, row.first_guard, row.final_guard,
                         ";".join(row.failed_checks), row.retried, row.fixed_by_retry,
                         row.length])  # fmt: skip
    writer.writerow([])
    writer.writerow(["episodes", summary.episodes])
    writer.writerow(["guard_fail_rate", _fmt(summary.guard_fail_rate)])
    writer.writerow(["retry_success_rate", _fmt(summary.retry_success_rate)])
    writer.writerow(["avg_length", _fmt(summary.avg_length)])
    writer.writerow(["target_length", summary.target_length])
    writer.writerow(["length_deviation", _fmt(summary.length_deviation)])
    return out.getvalue()


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def metrics_rows(store: Store, pid: int, stage: str = "final") -> list[dict[str, Any]]:
    """The latest measurement per episode at `stage`: the table charts and notebooks read."""
    rows = store.rows(
        f"SELECT episode_number, stage, attempt, {', '.join(METRIC_FIELDS)}, passed, warnings "
        "FROM episode_metrics WHERE project_id = ? AND stage = ? "
        "QUALIFY row_number() OVER (PARTITION BY episode_number ORDER BY id DESC) = 1 "
        "ORDER BY episode_number",
        [pid, stage],
    )
    for row in rows:
        row["warnings"] = from_json(row["warnings"], [])
    return rows


def metrics_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns = ["episode_number", "stage", "attempt", *METRIC_FIELDS, "passed", "warnings"]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        values = dict(row, warnings=";".join(w["metric"] for w in row["warnings"]))
        writer.writerow([values[c] for c in columns])
    return out.getvalue()
