"""Store benchmark: bible import+export, and 3,000 episodes of 8,000 characters.

Prints medians of 5 runs, each on a fresh workspace in a temp dir. Run: `make bench` or
`.venv/bin/python benchmarks/bench_store.py [--runs N] [--episodes N]`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path

from novelcraft.workspace import Workspace

# A paragraph of plain Korean prose, repeated with the episode number so texts differ.
PARAGRAPH = (
    "도윤은 서류철을 덮고 창밖을 보았다. 비가 그칠 기미는 보이지 않았다. "
    "\u201c또 야근이야?\u201d 하린이 보온병을 내밀며 물었다. "
    "그는 대답 대신 고개를 끄덕였다. 책상 위의 사진 속 남자가 웃고 있었다.\n"
)


def episode_text(n: int, target: int = 8000) -> str:
    out, size = [], 0
    while size < target:
        chunk = f"{n}화. " + PARAGRAPH
        out.append(chunk)
        size += sum(1 for c in chunk if not c.isspace())
    return "".join(out)


def bench_bible(bible_path: Path) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp, Workspace.open(Path(tmp), create=True) as ws:
        t0 = time.perf_counter()
        slug = ws.import_bible(bible_path)
        t1 = time.perf_counter()
        ws.export_bible(slug)
        t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def bench_episodes(count: int) -> tuple[float, float, float, int]:
    texts = [episode_text(n) for n in range(1, count + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        with Workspace.open(Path(tmp), create=True) as ws:
            bible = resources.files("novelcraft").joinpath("data/sample_bible.yaml")
            slug = ws.import_bible(Path(str(bible)))
            t0 = time.perf_counter()
            for n, text in enumerate(texts, 1):
                ws.create_episode(slug, n, title=f"{n}화", content=text)
            t1 = time.perf_counter()
            listed = ws.list_episodes(slug)
            t2 = time.perf_counter()
            page = ws.list_episodes(slug, offset=count // 2, limit=50)
            t3 = time.perf_counter()
            assert len(listed) == count and len(page) == min(50, count - count // 2)
        size = (Path(tmp) / "novelcraft.duckdb").stat().st_size
    return t1 - t0, t2 - t1, t3 - t2, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--episodes", type=int, default=3000)
    args = parser.parse_args()
    bible_path = Path(str(resources.files("novelcraft").joinpath("data/sample_bible.yaml")))

    bible_runs = [bench_bible(bible_path) for _ in range(args.runs)]
    imports = statistics.median(r[0] for r in bible_runs)
    exports = statistics.median(r[1] for r in bible_runs)
    print(f"bible import (sample, {bible_path.stat().st_size:,} bytes): {imports * 1000:.1f} ms")
    print(f"bible export: {exports * 1000:.1f} ms")

    runs = [bench_episodes(args.episodes) for _ in range(args.runs)]
    insert = statistics.median(r[0] for r in runs)
    listing = statistics.median(r[1] for r in runs)
    paging = statistics.median(r[2] for r in runs)
    print(
        f"insert {args.episodes:,} episodes of ~8,000 chars: {insert:.2f} s "
        f"({insert / args.episodes * 1000:.2f} ms/episode, one transaction each)"
    )
    print(f"list {args.episodes:,} episodes: {listing * 1000:.1f} ms")
    print(f"list one page of 50: {paging * 1000:.1f} ms")
    print(f"database size: {statistics.median(r[3] for r in runs) / 1e6:.1f} MB")
    print(f"(median of {args.runs} runs)")


if __name__ == "__main__":
    main()
