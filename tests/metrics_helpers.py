"""Shared helpers of the metrics tests: the corpus fixtures and ways to damage a story."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).parent / "fixtures" / "corpus"


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS_DIR.glob("*.txt") if not p.name.endswith(".source.txt"))


def corpus_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def with_long_paragraphs_doubled(text: str, count: int = 3) -> str:
    """The story with its `count` longest paragraphs each repeated right after itself."""
    paragraphs = lines(text)
    longest = sorted(range(len(paragraphs)), key=lambda i: -len(paragraphs[i]))[:count]
    out = []
    for i, paragraph in enumerate(paragraphs):
        out.append(paragraph)
        if i in longest:
            out.append(paragraph)
    return "\n\n".join(out)


def with_sentence_inserted(text: str, sentence: str, times: int) -> str:
    """`sentence` as its own paragraph at `times` places spread over the story."""
    paragraphs = lines(text)
    step = len(paragraphs) // (times + 1)
    for k in range(times, 0, -1):
        paragraphs.insert(k * step, sentence)
    return "\n\n".join(paragraphs)


def episode_from_corpus(min_chars: int = 7500, scenes: int = 4) -> str:
    """Corpus paragraphs (no markers) until `min_chars`, split into `scenes` by ***."""
    paragraphs = []
    for path in corpus_files():
        paragraphs += [p for p in lines(corpus_text(path)) if "🙝" not in p]
    chosen, size = [], 0
    for paragraph in paragraphs:
        chosen.append(paragraph)
        size += len("".join(paragraph.split()))
        if size >= min_chars:
            break
    per_scene = -(-len(chosen) // scenes)
    blocks = ["\n\n".join(chosen[i : i + per_scene]) for i in range(0, len(chosen), per_scene)]
    return "\n\n***\n\n".join(blocks)


@dataclass
class CliRun:
    code: int
    out: str
    err: str


def run_check(capsys, *args: str, stdin: bytes | None = None, monkeypatch=None) -> CliRun:
    """`novelcraft check ...` in-process (Kiwi stays loaded between tests)."""
    from novelcraft.cli import main

    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    capsys.readouterr()
    try:
        main(["check", *args])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return CliRun(code, captured.out, captured.err)
