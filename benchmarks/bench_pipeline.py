"""Pipeline benchmark (issue 4).

(a) The pipeline's own overhead per episode with a zero-latency backend (the offline writer:
    prose generation is a few ms; the rest is measuring, context, prompts and the store).
(b) With a simulated backend of fixed latency per call, efficiency =
    (calls x latency) / wall time for 20 episodes: how much of the wall time is the model.
Also LLM calls and prompt characters per episode. Medians of several runs.
Run: `.venv/bin/python benchmarks/bench_pipeline.py [--runs N] [--latency S]`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path

from novelcraft.backends.offline import OfflineBackend
from novelcraft.metrics import get_kiwi
from novelcraft.workspace import Workspace

BIBLE = Path(str(resources.files("novelcraft").joinpath("data/sample_bible.yaml")))


class SlowOffline(OfflineBackend):
    """The offline writer behind a fixed per-call latency, like a remote model."""

    backend_id = "offline-slow"

    def __init__(self, latency: float):
        super().__init__()
        self.latency = latency

    def execute(self, prompt, *, schema, options):
        time.sleep(self.latency)
        return super().execute(prompt, schema=schema, options=options)


def run_batch(episodes: int, backend) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as tmp, Workspace.open(Path(tmp), create=True) as ws:
        slug = ws.import_bible(BIBLE)
        started = time.perf_counter()
        ws.generate(slug, 1, episodes, backend)
        wall = time.perf_counter() - started
        calls, prompt_chars = ws.store.execute(
            "SELECT count(*), sum(prompt_chars) FROM llm_calls"
        ).fetchone()
    return wall, calls, prompt_chars


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--episodes", type=int, default=20)
    parser.add_argument("--latency", type=float, default=2.0)
    args = parser.parse_args()
    get_kiwi()  # load the tokenizer once, outside the timings (a real owner process has it)

    zero = [run_batch(args.episodes, OfflineBackend()) for _ in range(args.runs)]
    wall = statistics.median(r[0] for r in zero)
    calls, prompt_chars = zero[0][1], zero[0][2]
    print(
        f"(a) zero-latency backend: {wall / args.episodes * 1000:.0f} ms pipeline overhead "
        f"per episode ({args.episodes} episodes, median of {args.runs})"
    )
    print(
        f"    LLM calls per episode: {calls / args.episodes:.2f}; "
        f"prompt characters per episode: {prompt_chars / args.episodes:,.0f}"
    )

    slow = [
        run_batch(args.episodes, SlowOffline(args.latency)) for _ in range(max(1, args.runs // 2))
    ]
    wall = statistics.median(r[0] for r in slow)
    calls = slow[0][1]
    print(
        f"(b) {args.latency:.1f} s per call: {calls} calls in {wall:.1f} s wall; "
        f"efficiency {calls * args.latency / wall:.3f} (goal >= 0.95)"
    )


if __name__ == "__main__":
    main()
