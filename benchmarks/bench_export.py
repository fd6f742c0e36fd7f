"""Export benchmark: the platform split and the EPUB build for serials of 60 and 300 episodes.

Episodes are made of the offline demo writer's manuscripts (~10,500 characters with spaces,
`###` scenes), so the cut points are those of a real demo project. Prints medians of N runs
and the cost per source episode; 300 / 60 shows how each grows with the serial's length.
Run: `make bench` or `.venv/bin/python benchmarks/bench_export.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import statistics
import time

from novelcraft.backends.offline import OfflineBackend
from novelcraft.bible import parse_bible
from novelcraft.cli.workspace_cmds import sample_bible_text
from novelcraft.export_epub import build_epub
from novelcraft.platform_split import SourceEpisode, split_serial


def demo_manuscripts(count: int) -> list[SourceEpisode]:
    """`count` episodes cycling through a few manuscripts of the offline writer."""
    writer = OfflineBackend()
    texts = []
    for n in range(1, 6):
        prompt = f"{n}화를 작성하세요.\n"
        texts.append(writer.complete(prompt, options={"purpose": "draft"}).text)
    return [SourceEpisode(n, "", texts[n % len(texts)]) for n in range(1, count + 1)]


def median_seconds(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bible = parse_bible(sample_bible_text(), "sample_bible.yaml")
    results = {}
    for count in (60, 300):
        episodes = demo_manuscripts(count)
        split = split_serial(episodes)
        pieces = len(split.pieces)
        results[count] = (
            median_seconds(args.runs, lambda e=episodes: split_serial(e)),
            median_seconds(args.runs, lambda e=episodes: build_epub(bible, e, book_id="bench")),
        )
        cut, epub = results[count]
        print(
            f"{count:>3} episodes -> {pieces} platform pieces: split {cut * 1000:.0f} ms "
            f"({cut / count * 1000:.1f} ms/episode), epub {epub * 1000:.0f} ms "
            f"({epub / count * 1000:.1f} ms/episode)  [median of {args.runs}]"
        )
    for index, name in enumerate(("split", "epub")):
        ratio = results[300][index] / results[60][index]
        print(f"{name}: 300/60 episodes = {ratio:.1f}x time for 5x text")


if __name__ == "__main__":
    main()
