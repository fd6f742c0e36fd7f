"""Recompute the human baseline shipped as novelcraft/data/human_baseline.json.

    .venv/bin/python scripts/compute_baseline.py [CORPUS_DIR] [-o OUTPUT]

CORPUS_DIR defaults to ../shared/corpus when it exists, else tests/fixtures/corpus (a copy of
the same stories, so the baseline can be rebuilt from a plain clone). Run it again whenever a
metric's definition changes; tests/test_metrics_baseline.py fails until you do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from novelcraft.metrics.baseline import compute_baseline  # noqa: E402


def default_corpus() -> Path:
    shared = ROOT.parent / "shared" / "corpus"
    return shared if shared.is_dir() else ROOT / "tests" / "fixtures" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=None)
    parser.add_argument(
        "-o", "--output", type=Path, default=ROOT / "novelcraft" / "data" / "human_baseline.json"
    )
    args = parser.parse_args()
    corpus = args.corpus or default_corpus()
    baseline = compute_baseline(corpus)
    if not baseline.stories:
        sys.exit(f"compute_baseline: no *.txt stories in {corpus}")
    args.output.write_text(baseline.model_dump_json(indent=2) + "\n", encoding="utf-8")
    print(f"{len(baseline.stories)} stories from {corpus} -> {args.output}")
    for name, value in baseline.median.items():
        print(f"  {name:22} {value:g}")


if __name__ == "__main__":
    main()
