"""How many LLM calls and prompt characters a batch will likely need (the cost forecast the
batch screen and `GET .../estimate` show): the project's own history when it has some, else
the pipeline's fixed shape."""

from __future__ import annotations

from typing import TYPE_CHECKING

from novelcraft.jobs.submit import check_range

if TYPE_CHECKING:
    from novelcraft.workspace import Workspace

# Fallback per-call prompt sizes (characters) for the estimate, before a project has history:
# measured with the offline writer on the sample bible (benchmarks/bench_pipeline.py).
DEFAULT_PROMPT_CHARS = {
    "outline": 5200, "draft": 9800, "style": 11500, "events": 9300, "summary": 8600,
}  # fmt: skip


def estimate_batch(
    ws: Workspace, slug: str, first: int, last: int, *, with_editor=True, use_retry=True
) -> dict:
    """LLM calls and prompt characters a batch will likely need: this project's own history
    (calls per episode by purpose) when it has some, else the pipeline's fixed shape."""
    check_range(first, last)
    pid = ws.project_id(slug)
    history = ws.store.rows(
        "SELECT purpose, count(*) AS calls, avg(prompt_chars) AS chars, "
        "count(DISTINCT job_id) AS jobs FROM llm_calls WHERE project_id = ? AND ok "
        "AND job_id IS NOT NULL GROUP BY purpose",
        [pid],
    )
    done = ws.store.scalar(
        "SELECT count(*) FROM episodes WHERE project_id = ? AND status <> 'draft'", [pid]
    )
    per_episode: dict[str, tuple[float, float]] = {}
    for row in history:
        if done and row["purpose"] in DEFAULT_PROMPT_CHARS:
            per_episode[row["purpose"]] = (row["calls"] / done, row["chars"])
    retries = ws.settings.generation.max_retries if use_retry else 0
    shape = {"outline": 1.0, "draft": 1.0 + 0.1 * retries, "events": 1.0, "summary": 1.0}
    if with_editor:
        shape["style"] = 0.9
    calls = chars = 0.0
    for purpose, default_calls in shape.items():
        n, size = per_episode.get(purpose, (default_calls, DEFAULT_PROMPT_CHARS[purpose]))
        calls += n
        chars += n * size
    episodes = last - first + 1
    return {
        "episodes": episodes,
        "calls": round(calls * episodes),
        "prompt_chars": round(chars * episodes),
        "from_history": bool(per_episode),
    }
