"""What the episode pipeline reads and writes: context inputs, checkpoints, metrics, events,
LLM call records. Every multi-row change is one transaction."""

from __future__ import annotations

from typing import Any

from novelcraft.models import Outline
from novelcraft.redact import redact
from novelcraft.store.connection import Store, from_json, to_json, utc_now
from novelcraft.store.episodes import add_version, text_length

# The metric columns of `episode_metrics`, in table order (reports read the same list).
METRIC_FIELDS = (
    "length", "length_with_spaces", "scene_count", "ending_hook", "avg_sentence_length",
    "dialogue_ratio", "explanation_density", "repetition_rate", "repeated_4grams",
    "voice_score", "banned_endings",
)  # fmt: skip
METRIC_COLUMNS = (*METRIC_FIELDS, "passed")


def previous_summaries(store: Store, pid: int, number: int, keep: int = 3) -> list[tuple]:
    rows = store.execute(
        "SELECT episode_number, summary FROM episodes WHERE project_id = ? "
        "AND episode_number < ? AND summary <> '' ORDER BY episode_number DESC LIMIT ?",
        [pid, number, keep],
    ).fetchall()
    return list(reversed(rows))


def save_outline(store: Store, pid: int, number: int, outline: Outline) -> tuple[int, dict]:
    """Create the episode with its outline, or set the outline of an existing one: together.
    Returns the episode's id and the pipeline state now stored (its step is "outline")."""
    with store.transaction() as cur:
        row = cur.execute(
            "SELECT id, pipeline FROM episodes WHERE project_id = ? AND episode_number = ?",
            [pid, number],
        ).fetchone()
        state = dict(from_json(row[1], {}) if row else {}, step="outline")
        if row is None:
            cur.execute(
                "INSERT INTO episodes (project_id, episode_number, status, revision, outline,"
                " pipeline) VALUES (?, ?, 'outline', 1, ?, ?) RETURNING id",
                [pid, number, to_json(outline.model_dump()), to_json(state)],
            )
            return cur.fetchone()[0], state
        cur.execute(
            "UPDATE episodes SET outline = ?, pipeline = ?, updated_at = current_timestamp "
            "WHERE id = ?",
            [to_json(outline.model_dump()), to_json(state), row[0]],
        )
        return row[0], state


def pipeline_state(store: Store, episode_id: int) -> dict[str, Any]:
    return from_json(store.scalar("SELECT pipeline FROM episodes WHERE id = ?", [episode_id]), {})


# The episode columns a pipeline step may set: names are pasted into the UPDATE, so only these.
STEP_COLUMNS = frozenset({
    "title", "status", "outline", "content", "summary", "length", "style_metrics",
    "generation_prompt", "context_stale", "context_sizes", "passed",
})  # fmt: skip


def save_state(store: Store, episode_id: int, state: dict[str, Any], **columns: Any) -> None:
    """Checkpoint: the pipeline state plus any episode columns this step produced."""
    # A transaction: the step's deferred telemetry (`Store.defer`) commits with its checkpoint.
    with store.transaction() as cur:
        _update_episode(cur, episode_id, state, columns)


def _update_episode(
    cur, episode_id: int, state: dict[str, Any], columns: dict[str, Any], *, new_revision=False
) -> None:
    unknown = set(columns) - STEP_COLUMNS
    if unknown:
        raise ValueError(f"not an episode column a step may set: {sorted(unknown)}")
    sets = ["pipeline = ?", "updated_at = current_timestamp"]
    if new_revision:
        sets.append("revision = revision + 1")
    params: list[Any] = [to_json(state)]
    for name, value in columns.items():
        if name == "outline" and isinstance(value, Outline):
            value = to_json(value.model_dump())
        elif name in ("context_sizes", "style_metrics"):
            value = to_json(value)
        sets.append(f"{name} = ?")
        params.append(value)
    cur.execute(f"UPDATE episodes SET {', '.join(sets)} WHERE id = ?", [*params, episode_id])


def save_text(
    store: Store,
    episode_id: int,
    content: str,
    kind: str,
    state: dict,
    *,
    note: str = "",
    **columns: Any,
) -> None:
    """A new text for the episode: its version row and the episode row (a new revision), in
    one commit and one UPDATE."""
    with store.transaction() as cur:
        add_version(cur, episode_id, kind, content, note)
        columns.update(content=content, length=text_length(content))
        _update_episode(cur, episode_id, state, columns, new_revision=True)


def record_metrics(
    store: Store, pid: int, episode_id: int, number: int, stage: str, attempt: int, m
) -> None:
    values = {
        "length": m.length,
        "length_with_spaces": m.length_with_spaces,
        "scene_count": m.scene_count,
        "ending_hook": m.ending_hook,
        "avg_sentence_length": m.avg_sentence_length,
        "dialogue_ratio": m.dialogue_ratio,
        "explanation_density": m.explanation_density,
        "repetition_rate": m.repetition_rate,
        "repeated_4grams": m.repeated_4grams,
        "voice_score": m.voice_score,
        "banned_endings": m.banned_ending_count,
        "passed": m.passed,
    }
    # One row per (episode, stage, attempt): a step re-run after a crash between this write and
    # its checkpoint replaces the row instead of adding a second one (m006's unique key). A
    # delete and an insert rather than INSERT ... ON CONFLICT DO UPDATE: DuckDB's upsert costs
    # ~3.5 ms more per row (measured), twice per episode of a batch.
    # Deferred: both commit with the step's checkpoint, which follows them (`Store.defer`).
    store.defer(
        "DELETE FROM episode_metrics WHERE episode_id = ? AND stage = ? AND attempt = ?",
        [episode_id, stage, attempt],
    )
    store.defer(
        f"INSERT INTO episode_metrics (project_id, episode_id, episode_number, stage, attempt, "
        f"{', '.join(METRIC_COLUMNS)}, warnings) VALUES (?, ?, ?, ?, ?, "
        f"{', '.join('?' for _ in METRIC_COLUMNS)}, ?)",
        [
            pid,
            episode_id,
            number,
            stage,
            attempt,
            *(values[c] for c in METRIC_COLUMNS),
            to_json([w.model_dump() for w in m.warnings]),
        ],
    )


def mark_later_stale(store: Store, pid: int, number: int) -> int:
    return (
        store.execute(
            "UPDATE episodes SET context_stale = true WHERE project_id = ? AND episode_number > ? "
            "AND content <> '' RETURNING id",
            [pid, number],
        )
        .fetchall()
        .__len__()
    )


def record_call(
    store: Store, record, *, job_id: str | None, pid: int | None, episode: int | None = None
) -> None:
    """Deferred (`Store.defer`, a loose row): a call's record lands with the episode's last
    checkpoint or when the pipeline flushes before it waits on the next call."""
    store.defer(
        "INSERT INTO llm_calls (job_id, project_id, episode_number, backend, model, purpose, "
        "prompt_chars, output_chars, prompt_tokens, output_tokens, duration_ms, ok, error, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            job_id,
            pid,
            episode,
            record.backend,
            record.model,
            record.purpose,
            record.prompt_chars,
            record.output_chars,
            record.prompt_tokens,
            record.output_tokens,
            record.duration_ms,
            record.ok,
            None if record.error is None else redact(record.error),
            utc_now(),
        ],
        loose=True,
    )
