"""How long `measure` takes on one ~8,000-character episode, and what it costs to start.

    .venv/bin/python benchmarks/bench_metrics.py [--runs N]

Prints the median warm time (goal ≤ 150 ms on a 2-core machine), the cold start of a new
process (import + Kiwi load + first measure) and peak memory (RSS). The episode is built from
the public-domain stories in tests/fixtures/corpus, cut into scenes like a generated episode.
"""

from __future__ import annotations

import argparse
import json
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


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark novelcraft.metrics.measure")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from novelcraft.metrics import measure

    episode = build_episode()
    size = len("".join(episode.split()))
    wall, cold = cold_start(episode)

    measure(episode)  # warm up this process: Kiwi loaded, caches filled
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        measure(episode)
        times.append(time.perf_counter() - start)
    times.sort()

    print(f"episode: {size:,} characters without whitespace, {len(episode):,} with")
    print(
        f"warm measure: median {statistics.median(times) * 1000:.0f} ms "
        f"(min {times[0] * 1000:.0f}, max {times[-1] * 1000:.0f}, {args.runs} runs; goal ≤ 150 ms)"
    )
    print(
        f"cold start: {wall:.2f} s wall in a new process = import {cold['import']:.2f} s "
        f"+ Kiwi load {cold['kiwi']:.2f} s + first measure {cold['first'] * 1000:.0f} ms "
        f"(+ interpreter start)"
    )
    print(f"peak memory (RSS) of that process: {cold['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
