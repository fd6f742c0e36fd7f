"""Batch benchmark (issue 5), through the real queue: Owner + embedded huey consumer.

(a) One 300-episode batch with the offline writer (editor, guard and retry on): wall time
    (goal <= 120 s here), peak RSS (goal <= 1.5 GB), guard fail rate (seed bar <= 2 %),
    retry success rate (seed bar >= 80 %), average length against the target (+-10 %).
(b) 4 projects x 20 episodes against the offline writer slowed to 200 ms per call, 4 workers:
    wall time relative to one project alone (goal <= 1.2x). Medians of --runs runs.
Run: `.venv/bin/python benchmarks/bench_batch.py [--episodes 300] [--runs 3] [--skip-big]`.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path

from novelcraft.jobs.owner import Owner
from novelcraft.metrics import get_kiwi
from novelcraft.reports import guard_summary
from novelcraft.workspace import Workspace

BIBLE = Path(str(resources.files("novelcraft").joinpath("data/sample_bible.yaml")))


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f} %"


def big_batch(episodes: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp, Workspace.open(Path(tmp), create=True) as ws:
        slug = ws.import_bible(BIBLE)
        with Owner(ws, workers=workers, periodic=False) as owner:
            started = time.perf_counter()
            job = owner.wait(ws.submit_batch(slug, 1, episodes), poll=0.5)
            wall = time.perf_counter() - started
        assert job.status == "completed", job.error
        summary = guard_summary(ws.store, ws.project_id(slug), ws.settings.generation.target_length)
        calls = ws.store.scalar("SELECT count(*) FROM llm_calls")
    return {"wall": wall, "summary": summary, "calls": calls}


def projects_at_once(projects: int, episodes: int, workers: int, latency: float) -> float:
    with tempfile.TemporaryDirectory() as tmp, Workspace.open(Path(tmp), create=True) as ws:
        ws.settings.backend.offline_latency = latency
        ws.settings.backend.concurrency = workers
        slugs = [ws.import_bible(BIBLE) for _ in range(projects)]
        with Owner(ws, workers=workers, periodic=False) as owner:
            started = time.perf_counter()
            ids = [ws.submit_batch(slug, 1, episodes) for slug in slugs]
            for job_id in ids:
                assert owner.wait(job_id, poll=0.2).status == "completed"
            return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()
    get_kiwi()  # a real owner has the tokenizer loaded; keep its 2 s out of the timings

    if not args.skip_big:
        result = big_batch(args.episodes, args.workers)
        s = result["summary"]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"(a) {args.episodes}-episode offline batch, {args.workers} workers")
        print(f"    wall time            {result['wall']:.1f} s (goal <= 120 s)"
              f"  = {result['wall'] / args.episodes * 1000:.0f} ms per episode")  # fmt: skip
        print(f"    peak RSS             {peak_mb:.0f} MB (goal <= 1536 MB)")
        print(f"    LLM calls            {result['calls']} ({result['calls'] / args.episodes:.2f}"
              " per episode)")  # fmt: skip
        print(f"    guard fail rate      {_percent(s.guard_fail_rate)} (seed bar <= 2 %)")
        print(f"    retry success rate   {_percent(s.retry_success_rate)} (seed bar >= 80 %)"
              f"  [{sum(r.retried for r in s.rows)} episodes retried]")  # fmt: skip
        print(f"    average length       {s.avg_length:,.0f} vs target {s.target_length:,}"
              f" ({s.length_deviation * 100:+.1f} %, bar +-10 %)")  # fmt: skip

    alone, together = [], []
    for _ in range(args.runs):
        alone.append(projects_at_once(1, 20, 4, 0.2))
        together.append(projects_at_once(4, 20, 4, 0.2))
    a, t = statistics.median(alone), statistics.median(together)
    print("(b) 20 episodes per project, 200 ms per call, 4 workers (median of "
          f"{args.runs}): one project {a:.1f} s, four projects {t:.1f} s, "
          f"ratio {t / a:.2f}x (goal <= 1.2x)")  # fmt: skip


if __name__ == "__main__":
    main()
