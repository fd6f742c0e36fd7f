"""`generation_jobs` and `job_logs`: the truth about every job (DESIGN §8); huey only delivers.

Writes to `generation_jobs` go through one lock: DuckDB resolves two connections updating the
same row at once by failing one of them (a transaction conflict), and a job's row is written by
its worker, the owner's heartbeat and a cancel from any thread.

A job id sorts by creation time (millisecond clock in hex, then random bits), so "oldest first"
is `ORDER BY id` even for jobs created in the same transaction or by another process.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

from novelcraft.models import ACTIVE, FINISHED, JobInfo, JobLog
from novelcraft.redact import redact
from novelcraft.store.connection import Store, from_json, to_json, utc_now

_SELECT = (
    "SELECT j.*, p.slug AS project_slug FROM generation_jobs j "
    "LEFT JOIN projects p ON p.id = j.project_id "
)
_UPDATABLE = {
    "status", "step", "progress", "error", "output", "attempt", "cancel_requested",
    "started_at", "completed_at", "heartbeat_at", "project_id", "step_episode",
}  # fmt: skip


_writes = threading.RLock()


def new_id() -> str:
    return f"{time.time_ns() // 1_000_000:011x}{secrets.token_hex(3)}"


def _info(row: dict[str, Any]) -> JobInfo:
    row = dict(row)
    row["input"] = from_json(row.get("input"), {})
    row["output"] = from_json(row.get("output"))
    return JobInfo.model_validate(row)


def insert(
    cur,
    job_id: str,
    job_type: str,
    *,
    project_id: int | None = None,
    episode_number: int | None = None,
    parent_id: str | None = None,
    input: dict | None = None,
    step: str = "queued",
) -> str:
    cur.execute(
        "INSERT INTO generation_jobs (id, project_id, episode_number, parent_id, job_type, "
        "status, step, input) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)",
        [job_id, project_id, episode_number, parent_id, job_type, step, to_json(input or {})],
    )
    return job_id


def get(store: Store, job_id: str) -> JobInfo | None:
    row = store.row(_SELECT + "WHERE j.id = ?", [job_id])
    return _info(row) if row else None


def find_by_prefix(store: Store, prefix: str) -> list[str]:
    return [
        r[0]
        for r in store.execute(
            # A batch's episodes share its id as prefix: they match only when asked for.
            "SELECT id FROM generation_jobs WHERE starts_with(id, ?) "
            "AND (parent_id IS NULL OR contains(?, '.')) ORDER BY id LIMIT 3",
            [prefix, prefix],
        ).fetchall()
    ]


def list_jobs(
    store: Store,
    *,
    project_id: int | None = None,
    parent_id: str | None = None,
    top_level: bool = True,
    statuses: Iterable[str] | None = None,
    job_type: str | None = None,
    limit: int | None = 200,
    newest_first: bool = True,
) -> list[JobInfo]:
    where, params = [], []
    if project_id is not None:
        where.append("j.project_id = ?")
        params.append(project_id)
    if parent_id is not None:
        where.append("j.parent_id = ?")
        params.append(parent_id)
    elif top_level:
        where.append("j.parent_id IS NULL")
    if statuses is not None:
        statuses = list(statuses)
        where.append(f"j.status IN ({', '.join('?' * len(statuses))})")
        params.extend(statuses)
    if job_type is not None:
        where.append("j.job_type = ?")
        params.append(job_type)
    sql = _SELECT + (f"WHERE {' AND '.join(where)} " if where else "")
    sql += "ORDER BY j.id " + ("DESC" if newest_first else "ASC")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_info(r) for r in store.rows(sql, params)]


def children(store: Store, parent_id: str) -> list[JobInfo]:
    return list_jobs(store, parent_id=parent_id, limit=None, newest_first=False)


def update(store: Store, job_id: str, **fields: Any) -> None:
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise ValueError(f"not a job column: {sorted(unknown)}")
    if "output" in fields:
        fields["output"] = to_json(fields["output"])
    assignments = ", ".join(f"{name} = ?" for name in fields)
    with _writes:
        store.execute(
            f"UPDATE generation_jobs SET {assignments} WHERE id = ?", [*fields.values(), job_id]
        )


def report_progress(
    store: Store, step: str, step_episode: int | None, progress: dict[str, float]
) -> None:
    """One step (key and episode) and each job's own progress (an episode and its batch) in
    one UPDATE: a pipeline step reports on both, and one commit is cheaper than two."""
    if not progress:
        return
    cases = " ".join("WHEN ? THEN ?" for _ in progress)
    marks = ", ".join("?" for _ in progress)
    params: list[Any] = [step, step_episode]
    for job_id, fraction in progress.items():
        params += [job_id, fraction]
    # A transaction, so the log lines a step deferred commit with its progress (one commit).
    with _writes, store.transaction() as cur:
        cur.execute(
            "UPDATE generation_jobs SET step = ?, step_episode = ?, "
            f"progress = CASE id {cases} END "
            f"WHERE id IN ({marks})",
            [*params, *progress],
        )


def claim(store: Store, job_id: str) -> bool:
    """queued → running, atomically; False when the job is not queued (taken, done, canceled)."""
    with _writes:
        got = store.execute(
            "UPDATE generation_jobs SET status = 'running', heartbeat_at = now(), "
            "started_at = coalesce(started_at, now()), attempt = attempt + 1 "
            "WHERE id = ? AND status = 'queued' AND NOT cancel_requested RETURNING id",
            [job_id],
        ).fetchall()
    return bool(got)


def finish(
    store: Store,
    job_id: str,
    status: str,
    *,
    error: str | None = None,
    output: dict | None = None,
    step: str | None = None,
) -> None:
    if status not in FINISHED:
        raise ValueError(f"{status!r} is not a final status")
    fields: dict[str, Any] = {"status": status, "error": None if error is None else redact(error)}
    if status == "completed":
        fields["progress"] = 1.0
    if output is not None:
        fields["output"] = output
    if step is not None:
        fields["step"] = step
        if step == "completed":  # a finished job is on no episode any more
            fields["step_episode"] = None
    assignments = ", ".join(f"{name} = ?" for name in fields)
    values = [to_json(v) if name == "output" else v for name, v in fields.items()]
    # A transaction that flushes, so every log line deferred before it commits with it: who
    # sees the job finished sees its whole log.
    with _writes, store.transaction(flush=True) as cur:
        cur.execute(
            f"UPDATE generation_jobs SET {assignments}, completed_at = now() WHERE id = ?",
            [*values, job_id],
        )


def finish_episode(
    store: Store,
    child_id: str,
    output: dict,
    job_id: str,
    progress: float,
    number: int,
    *,
    claim_next: str | None = None,
) -> bool:
    """A batch's episode is done: the episode's job, the batch's progress and the claim of the
    next episode's job (`claim_next`, as `claim` does) in one commit. True when the next one
    was claimed; False when there was none or it is not queued any more."""
    with _writes, store.transaction():
        finish(store, child_id, "completed", output=output, step="episode_done")
        update(store, job_id, progress=progress, step="episode_done", step_episode=number)
        return claim_next is not None and claim(store, claim_next)


def request_cancel(store: Store, job_id: str) -> None:
    """Flag the job and its children; those not yet running are canceled at once."""
    with _writes, store.transaction() as cur:
        for column in ("id", "parent_id"):
            cur.execute(
                f"UPDATE generation_jobs SET cancel_requested = true WHERE {column} = ? "
                "AND status IN ('queued', 'running', 'waiting')",
                [job_id],
            )
            cur.execute(
                f"UPDATE generation_jobs SET status = 'canceled', completed_at = now(), "
                f"step = 'canceled' WHERE {column} = ? AND status = 'queued'",
                [job_id],
            )


def cancel_requested(store: Store, job_id: str) -> bool:
    return bool(store.scalar("SELECT cancel_requested FROM generation_jobs WHERE id = ?", [job_id]))


def cancels_requested(store: Store, job_ids: Sequence[str]) -> set[str]:
    """Which of `job_ids` have a cancel requested: one query for all of them (the owner asks
    four times a second about every running job)."""
    if not job_ids:
        return set()
    marks = ", ".join("?" for _ in job_ids)
    rows = store.execute(
        f"SELECT id FROM generation_jobs WHERE cancel_requested AND id IN ({marks})",
        list(job_ids),
    ).fetchall()
    return {r[0] for r in rows}


def log(store: Store, job_id: str, level: str, message: str, *, defer: bool = False) -> None:
    """A log line of the job; with `defer`, it lands later (a loose row, `Store.defer`: with
    the episode's last checkpoint, the job's end, or before a wait) but keeps the time it was
    logged."""
    params = [job_id, level, redact(message), utc_now()]
    sql = "INSERT INTO job_logs (job_id, level, message, ts) VALUES (?, ?, ?, ?)"
    if defer:
        store.defer(sql, params, loose=True)
    else:
        store.execute(sql, params)


def logs(
    store: Store, job_id: str, after_id: int = 0, limit: int = 1000, *, last: int | None = None
) -> list[JobLog]:
    """Log lines after `after_id`, oldest first; with `last`, only the newest `last` of them."""
    if last is not None:
        rows = store.rows(
            "SELECT * FROM (SELECT id, ts, level, message FROM job_logs WHERE job_id = ? "
            "AND id > ? ORDER BY id DESC LIMIT ?) ORDER BY id",
            [job_id, after_id, last],
        )
    else:
        rows = store.rows(
            "SELECT id, ts, level, message FROM job_logs WHERE job_id = ? AND id > ? "
            "ORDER BY id LIMIT ?",
            [job_id, after_id, limit],
        )
    return [JobLog.model_validate(r) for r in rows]


def touch(store: Store, job_ids: Iterable[str]) -> None:
    ids = list(job_ids)
    if ids:
        with _writes:
            store.execute(
                f"UPDATE generation_jobs SET heartbeat_at = now() "
                f"WHERE id IN ({', '.join('?' * len(ids))})",
                ids,
            )


def orphans(store: Store, stale_seconds: float) -> list[JobInfo]:
    """Jobs left running or waiting whose heartbeat is older than `stale_seconds` (or absent):
    their owner died (huey had already deleted the task, so nobody will deliver it again)."""
    rows = store.rows(
        _SELECT + "WHERE j.status IN ('running', 'waiting') AND (j.heartbeat_at IS NULL OR "
        "j.heartbeat_at < now() - to_seconds(CAST(? AS DOUBLE))) ORDER BY j.id",
        [stale_seconds],
    )
    return [_info(r) for r in rows]


def requeue(store: Store, job_id: str, reason: str) -> None:
    with _writes, store.transaction() as cur:
        cur.execute(
            "UPDATE generation_jobs SET status = 'queued', step = ? WHERE id = ? "
            "AND status IN ('running', 'waiting')",
            [reason, job_id],
        )


def active(store: Store, **filters: Any) -> list[JobInfo]:
    return list_jobs(store, statuses=ACTIVE, limit=None, newest_first=False, **filters)
