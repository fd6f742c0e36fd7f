"""Batch benchmark (issues 5 and 15), through the real queue: Owner + embedded huey consumer.

(a) One 300-episode batch with the offline writer (editor, guard and retry on): wall time
    (goal <= 60 s), CPU time of the owner and of its measurement process (also per episode),
    peak RSS of the process and of the measurement process (goal <= 1 GB), how often a text
    reached Kiwi, guard fail rate (seed bar <= 2 %), retry success rate (seed bar >= 80 %),
    average length against the target (+-10 %), and where one episode's wall time goes
    (waiting on the measurement process, the offline writer, the rest). Two figures that do
    not move with the machine's speed: the owner's CPU per CPU second of the measurement
    process, and the DuckDB statements the batch ran (a count).
(b) 4 projects x 20 episodes against the offline writer slowed to 200 ms per call, 4 workers:
    wall time relative to one project alone (goal <= 1.1x).
Every figure is the median of --runs runs, with its ratio to the goal beside it. The
measurement process is started (Kiwi loaded in it) before the first run, as in a running
owner. The caches of measurements and Kiwi analyses are emptied before every run, and the four
projects of (b) have different synopses, so no run measures a text another run already
measured. On a shared machine the wall times move with the load: compare ratios and CPU
times, and rerun when it is quiet.
Run: `.venv/bin/python benchmarks/bench_batch.py [--episodes 300] [--runs 3] [--skip-big]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path

from novelcraft.backends.offline import OfflineBackend
from novelcraft.bible import read_bible_file
from novelcraft.jobs.owner import Owner
from novelcraft.metrics.measure_cache import measurements
from novelcraft.metrics.measure_pool import MeasurePool, shared_pool
from novelcraft.reports import guard_summary
from novelcraft.store.connection import Store
from novelcraft.workspace import Workspace

BIBLE = Path(str(resources.files("novelcraft").joinpath("data/sample_bible.yaml")))


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f} %"


def _fresh_caches() -> None:
    shared_pool().clear_analysis_cache()
    measurements.clear()


def _child_peak_mb() -> float:
    """Peak RSS of the measurement process (Linux: VmHWM), 0 when there is none."""
    peak = 0.0
    for pid in shared_pool().child_pids():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def _child_cpu() -> float:
    return shared_pool().child_cpu_seconds() or 0.0


class _Stopwatch:
    """Wall time spent inside one method while a block runs. A batch is one job whose steps
    run one after another, so the times of its parts add up to its wall time."""

    def __init__(self, cls, name: str):
        self.cls, self.name, self.seconds = cls, name, 0.0

    def __enter__(self):
        original = self.original = getattr(self.cls, self.name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        setattr(self.cls, self.name, timed)
        return self

    def __exit__(self, *exc):
        setattr(self.cls, self.name, self.original)


class _StatementCount:
    """DuckDB statements the store's cursors run while a block runs. A count, not a time: it
    does not move with the machine's load, which the wall and CPU times do."""

    def __init__(self):
        self.count = 0

    def __enter__(self):
        self.original = Store.cursor
        counter = self

        class Counted:
            def __init__(self, cur):
                self._cur = cur

            def execute(self, sql, params=None):
                counter.count += 1
                return self._cur.execute(sql, params or [])

            def __getattr__(self, name):
                return getattr(self._cur, name)

        def cursor(store):
            return Counted(counter.original(store))

        Store.cursor = cursor
        return self

    def __exit__(self, *exc):
        Store.cursor = self.original


def big_batch(episodes: int, workers: int) -> dict:
    _fresh_caches()
    measuring = _Stopwatch(MeasurePool, "measure")
    statements = _StatementCount()
    writing = _Stopwatch(OfflineBackend, "execute")
    with tempfile.TemporaryDirectory() as tmp, Workspace.open(Path(tmp), create=True) as ws:
        slug = ws.import_bible(BIBLE)
        with measuring, writing, Owner(ws, workers=workers, periodic=False) as owner:
            started = time.perf_counter()
            cpu, child_cpu = time.process_time(), _child_cpu()
            job_id = ws.submit_batch(slug, 1, episodes)
            with statements:
                job = owner.wait(job_id, poll=0.5)
            wall = time.perf_counter() - started
            cpu, child_cpu = time.process_time() - cpu, _child_cpu() - child_cpu
        assert job.status == "completed", job.error
        summary = guard_summary(ws.store, ws.project_id(slug), ws.settings.generation.target_length)
        calls = ws.store.scalar("SELECT count(*) FROM llm_calls")
    return {
        "wall": wall, "cpu": cpu, "child_cpu": child_cpu, "summary": summary, "calls": calls,
        "measured": measurements.misses, "measure_hits": measurements.hits,
        "paragraphs": shared_pool().analysis_counts() or (0, 0),
        "measuring": measuring.seconds, "writing": writing.seconds,
        "statements": statements.count,
    }  # fmt: skip


def projects_at_once(projects: int, episodes: int, workers: int, latency: float) -> float:
    _fresh_caches()
    bible = read_bible_file(BIBLE)
    with tempfile.TemporaryDirectory() as tmp, Workspace.open(Path(tmp), create=True) as ws:
        ws.settings.backend.offline_latency = latency
        ws.settings.backend.concurrency = workers
        slugs = []
        for n in range(1, projects + 1):
            # Another synopsis, so the deterministic writer writes another story.
            variant = bible.model_copy(deep=True)
            variant.project.synopsis += f" ({n}번째 벤치마크 작품)"
            slugs.append(ws.create_project(variant, slug=f"bench-{n}"))
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
    load_at_start = os.getloadavg()[0]
    # A running owner has its measurement process up with Kiwi loaded; keep its ~3 s of start
    # out of the timings (it is paid once per process, not per batch).
    if not shared_pool().start():
        print("measurement process did not start: measuring in-process")

    if not args.skip_big:
        results = [big_batch(args.episodes, args.workers) for _ in range(args.runs)]
        wall = statistics.median(r["wall"] for r in results)
        cpu = statistics.median(r["cpu"] for r in results)
        child_cpu = statistics.median(r["child_cpu"] for r in results)
        statements = statistics.median(r["statements"] for r in results)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_mb = _child_peak_mb()
        last = results[-1]
        s = last["summary"]
        analysed, reused = last["paragraphs"]
        runs = ", ".join(f"{r['wall']:.1f}" for r in results)
        measured = last["measured"]
        print(f"(a) {args.episodes}-episode offline batch, {args.workers} workers, "
              f"median of {args.runs} runs")  # fmt: skip
        print(f"    wall time            {wall:.1f} s (goal <= 60 s, ratio {wall / 60:.2f})"
              f"  = {wall / args.episodes * 1000:.0f} ms per episode"
              f"  [runs: {runs} s]")  # fmt: skip
        print(f"    CPU time             {cpu + child_cpu:.1f} s = {cpu:.1f} s owner + "
              f"{child_cpu:.1f} s measurement process"
              f" ({(cpu + child_cpu) / args.episodes * 1000:.0f} ms per episode;"
              f" {(cpu + child_cpu) / wall:.2f} cores busy on average)")  # fmt: skip
        # The measurement process does the same work whatever the owner's code, so this ratio
        # compares owners across hours of a machine whose speed changes.
        if child_cpu:
            print(f"    owner / measurement  {cpu / child_cpu:.2f} (the owner's CPU per CPU "
                  "second of the measurement process)")  # fmt: skip
        print(f"    DuckDB statements    {statements:,.0f} ({statements / args.episodes:.1f} per"
              " episode, the owner's and the benchmark's polling)")  # fmt: skip
        print(f"    peak RSS             {peak_mb:.0f} MB owner (goal <= 1024 MB, ratio "
              f"{peak_mb / 1024:.2f}; the whole benchmark process) + {child_mb:.0f} MB "
              f"measurement process = {peak_mb + child_mb:.0f} MB "
              f"(ratio {(peak_mb + child_mb) / 1024:.2f})")  # fmt: skip
        per = 1000 / args.episodes
        parts = [statistics.median(r[k] for r in results) for k in ("measuring", "writing")]
        print(f"    one episode's time   {parts[0] * per:.0f} ms waiting on measurement + "
              f"{parts[1] * per:.0f} ms in the offline writer + "
              f"{(wall - sum(parts)) * per:.0f} ms the rest (store, prompts, queue)")  # fmt: skip
        print(f"    texts measured       {measured} ({measured / args.episodes:.2f} per episode;"
              f" {last['measure_hits']} more reads served from the cache)")  # fmt: skip
        print(f"    paragraphs to Kiwi   {analysed} ({reused} reused from the analysis cache, "
              f"{reused / max(analysed + reused, 1):.0%})")  # fmt: skip
        print(f"    LLM calls            {last['calls']} ({last['calls'] / args.episodes:.2f}"
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
    print(f"(b) 20 episodes per project, 200 ms per call, 4 workers (median of {args.runs}): "
          f"one project {a:.1f} s, four projects {t:.1f} s, "
          f"ratio {t / a:.2f}x (goal <= 1.1x)  "
          f"[one: {', '.join(f'{x:.1f}' for x in alone)} s; "
          f"four: {', '.join(f'{x:.1f}' for x in together)} s]")  # fmt: skip
    print(f"({os.cpu_count()} CPUs; load average {load_at_start:.1f} at start, "
          f"{os.getloadavg()[0]:.1f} when done)")  # fmt: skip


if __name__ == "__main__":
    main()
