"""How long the analysts' frames take: built in the owner (`Workspace.frame`) and fetched from
a running owner's API as one Parquet file (`RemoteWorkspace.frame`), beside the per-episode
JSON rows a client would otherwise page through (`metrics_rows`).

Prints medians of several runs and the remote/local ratio; on a shared machine read the
ratios, not the absolute figures. `--episodes N` (default 6) sets the workspace size.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path

from novelcraft.api.record import read_record
from novelcraft.frame_schema import FRAME_KINDS
from novelcraft.workspace import Workspace
from novelcraft.workspace.remote import RemoteWorkspace

RUNS = 7


def median_ms(fn) -> float:
    fn()  # warm
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        owner = Workspace.open(Path(tmp) / "ws", create=True)
        try:
            bible = str(resources.files("novelcraft") / "data/sample_bible.yaml")
            slug = owner.import_bible(bible)
            owner.generate(slug, 1, args.episodes)
            owner.serve(workers=1)
            record = read_record(owner.paths)
            remote = RemoteWorkspace(owner.paths, record.url, record.token, owner_pid=record.pid)
            try:
                print(f"frames of {args.episodes} episodes, median of {RUNS} runs (busy machine)")
                print(f"{'frame':<8} {'rows':>6} {'local ms':>9} {'remote ms':>10} {'ratio':>6}")
                for kind in FRAME_KINDS:
                    rows = len(owner.frame(kind, slug))
                    local = median_ms(lambda kind=kind: owner.frame(kind, slug))
                    far = median_ms(lambda kind=kind: remote.frame(kind, slug))
                    print(f"{kind:<8} {rows:>6} {local:>9.1f} {far:>10.1f} {far / local:>6.1f}")
                rows_ms = median_ms(lambda: remote.metrics_rows(slug))
                frame_ms = median_ms(lambda: remote.frame("metrics", slug))
                print(f"remote metrics: final rows as JSON {rows_ms:.1f} ms, every measurement "
                      f"as a parquet frame {frame_ms:.1f} ms")  # fmt: skip
            finally:
                remote.close()
        finally:
            owner.close()


if __name__ == "__main__":
    main()
