"""How long `measure` takes on one ~8,000-character episode, and what it costs to start.

    .venv/bin/python benchmarks/bench_metrics.py [--runs N]

Prints, as medians of --runs runs with the ratio to the goal beside each:
- warm measure of a text Kiwi has not seen (Kiwi loaded, its paragraph cache emptied before
  every run): goal <= 100 ms on a 2-core machine (issue 15);
- the same text measured again (every paragraph from the analysis cache; what a later pipeline
  step or an unchanged autosave costs when the measurement itself is not cached);
- how much of a measure's CPU runs on the caller's thread (holding the GIL) and how much in
  Kiwi's own worker threads, which is why measuring needs no process pool;
- the cold start of a new process (import + Kiwi load + first measure) and its peak RSS.
The episode is built from the public-domain stories in tests/fixtures/corpus, cut into scenes
like a generated episode. On a shared machine the figures move with the load: compare ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
TARGET_CHARS = 8000

# Runs in a fresh interpreter: every figure of the cold start, measured from the inside.
_COLD = """
import json, resource, sys, time
t0 = time.perf_counter()
from novelcraft.metrics import get_kiwi, measure
t1 = time.perf_counter()
get_kiwi()
t2 = time.perf_counter()
measure(sys.stdin.read())
t3 = time.perf_counter()
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"import": t1 - t0, "kiwi": t2 - t1, "first": t3 - t2, "peak_mb": peak_kb / 1024}))
"""


def build_episode() -> str:
    """Corpus paragraphs until 8,000 non-whitespace characters, a scene marker every ~2,000."""
    paragraphs = []
    for path in sorted(CORPUS.glob("*.txt")):
        if not path.name.endswith(".source.txt"):
            text = path.read_text(encoding="utf-8")
            paragraphs += [p.strip() for p in text.split("\n") if p.strip() and "🙝" not in p]
    out, size, since_marker = [], 0, 0
    for paragraph in paragraphs:
        if size >= TARGET_CHARS:
            break
        chars = len("".join(paragraph.split()))
        out.append(paragraph)
        size += chars
        since_marker += chars
        if since_marker >= 2000 and size < TARGET_CHARS:
            out.append("***")
            since_marker = 0
    return "\n\n".join(out)


def cold_start(episode: str) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _COLD],
        input=episode,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return time.perf_counter() - start, json.loads(done.stdout)


def _timed(action, runs: int) -> tuple[list[float], list[float], list[float]]:
    """Wall, caller-thread CPU and whole-process CPU of each run, in seconds."""
    wall, thread_cpu, process_cpu = [], [], []
    for _ in range(runs):
        w, t, p = time.perf_counter(), time.thread_time(), time.process_time()
        action()
        wall.append(time.perf_counter() - w)
        thread_cpu.append(time.thread_time() - t)
        process_cpu.append(time.process_time() - p)
    return wall, thread_cpu, process_cpu


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    return (
        f"median {statistics.median(ordered) * 1000:.0f} ms "
        f"(min {ordered[0] * 1000:.0f}, max {ordered[-1] * 1000:.0f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark novelcraft.metrics.measure")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from novelcraft.metrics import measure
    from novelcraft.metrics.sentences import clear_analysis_cache

    episode = build_episode()
    size = len("".join(episode.split()))
    colds = [cold_start(episode) for _ in range(3)]

    measure(episode)  # warm up this process: Kiwi loaded and past its first call

    def uncached() -> None:
        clear_analysis_cache()
        measure(episode)

    wall, thread_cpu, process_cpu = _timed(uncached, args.runs)
    warm = statistics.median(wall)
    print(f"episode: {size:,} characters without whitespace, {len(episode):,} with")
    print(
        f"warm measure, new text: {_ms(wall)}, {args.runs} runs; "
        f"goal <= 100 ms, ratio {warm / 0.100:.2f}"
    )
    caller, total = statistics.median(thread_cpu), statistics.median(process_cpu)
    print(
        f"  CPU per measure: {total * 1000:.0f} ms, of which {caller * 1000:.0f} ms "
        f"({caller / total:.0%}) on the caller's thread (GIL held), the rest in Kiwi's threads"
    )
    again, _, _ = _timed(lambda: measure(episode), args.runs)
    print(
        f"same text again (paragraphs from the analysis cache): {_ms(again)}, "
        f"ratio to a new text {statistics.median(again) / warm:.2f}"
    )
    walls = [c[0] for c in colds]
    print(
        f"cold start (median of {len(colds)}): {statistics.median(walls):.2f} s wall in a new "
        f"process = import {statistics.median(c[1]['import'] for c in colds):.2f} s "
        f"+ Kiwi load {statistics.median(c[1]['kiwi'] for c in colds):.2f} s "
        f"+ first measure {statistics.median(c[1]['first'] for c in colds) * 1000:.0f} ms "
        f"(+ interpreter start)"
    )
    print(
        "peak memory (RSS) of that process: "
        f"{statistics.median(c[1]['peak_mb'] for c in colds):.0f} MB"
    )
    print(f"({os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} when done)")


if __name__ == "__main__":
    main()
