"""Cutting a serial into platform episodes (Munpia, Naver, Kakao) of ~5,500 characters.

Korean platforms sell episodes of 5,000-5,500 characters with spaces; a NovelCraft episode
(7,000-9,000 without spaces, about 9,200-12,000 with) is about two of them. The serial is read
as one stream in episode order and cut at paragraph or scene boundaries (inside a paragraph
only when a paragraph is too long to cut around), so that every piece has at least
`MIN_PIECE_CHARS` and at most target + 10 %, as close to the target as the boundaries allow,
preferring a cut after a hook. Each piece is a list of `Segment`s, exact slices of the source
episodes: joined in order they give back every episode's text, nothing lost or repeated.

A piece's length is what a platform's counter shows for its prose: every character of its
paragraphs, spaces included, without line breaks or scene-break marks.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from novelcraft.metrics.hook import _SIGNALS as HOOK_SIGNALS
from novelcraft.metrics.hook import ending_hook
from novelcraft.metrics.text import is_scene_marker, normalize_text

# Munpia's paid episodes need at least 5,000 characters with spaces; agencies ask for ~5,500.
MIN_PIECE_CHARS = 5000
DEFAULT_TARGET_CHARS = 5500
OVERSHOOT = 0.10

# What a cut costs by the place it falls: an episode's end (every episode ends on a hook) is
# the best place, then a scene change, then a paragraph that ends on a hook signal; cutting
# inside a paragraph is a last resort.
CUT_PENALTY = {
    "episode": 0.0,
    "scene": 0.05,
    "hook": 0.1,
    "paragraph": 0.5,
    "sentence": 3.0,
    "space": 6.0,
    "hard": 20.0,
}
# Weight of the squared relative distance from the target: a cut after a hook 300 characters
# off the target (which also moves the next piece 300 off) still beats a plain paragraph cut
# right on it: 2 * 50 * (300/5500)^2 + 0.1 < 0.5.
DISTANCE_WEIGHT = 50.0
# Fallback cut points inside a paragraph are added when a paragraph is longer than this.
_LONG_PARAGRAPH = 400
_SENTENCE_END = re.compile(r"[.?!…。]+[\"'”’」』)]*\s+")
# The model of a piece's length may be off by the whitespace dropped at a cut inside a
# paragraph; keep that far inside the limits.
_MARGIN = 2


@dataclass(frozen=True)
class SourceEpisode:
    number: int
    title: str
    content: str


@dataclass(frozen=True)
class Segment:
    """content[start:end] of source episode `episode` (normalised text)."""

    episode: int
    start: int
    end: int


@dataclass(frozen=True)
class Piece:
    number: int
    segments: tuple[Segment, ...]
    chars: int
    # Where the piece was cut: a key of CUT_PENALTY, or "end" for the last piece.
    cut: str


@dataclass(frozen=True)
class Split:
    pieces: tuple[Piece, ...]
    min_chars: int
    max_chars: int
    target_chars: int
    # Set when the serial is too short to keep every piece inside the limits (one short
    # piece when the whole text is under the minimum, otherwise longer pieces).
    warning: str = ""


@dataclass(frozen=True)
class _Cut:
    episode_index: int
    offset: int
    chars_before: int  # prose characters from the start of the stream
    kind: str


def max_piece_chars(target: int) -> int:
    return int(target * (1 + OVERSHOOT))


def source_text(episode: SourceEpisode) -> str:
    """The text the segments slice: the episode's content with normalised line breaks."""
    return normalize_text(episode.content)


def _inner_cuts(line: str, start: int) -> list[tuple[int, str]]:
    """Cut points inside one long paragraph: sentence ends, then spaces, then every N chars."""
    points = [(m.end(), "sentence") for m in _SENTENCE_END.finditer(line) if m.end() < len(line)]
    filled: list[tuple[int, str]] = []
    previous = 0
    for position, kind in [*points, (len(line), "")]:
        if position - previous > _LONG_PARAGRAPH:
            spaces = [m.end() for m in re.finditer(r"\s+", line[previous:position])]
            last = previous
            for space in (previous + s for s in spaces):
                if space - last >= _LONG_PARAGRAPH // 2 and space < position:
                    filled.append((space, "space"))
                    last = space
            for hard in range(last + _LONG_PARAGRAPH, position, _LONG_PARAGRAPH):
                filled.append((hard, "hard"))
        if kind:
            filled.append((position, kind))
        previous = position
    return [(start + p, kind) for p, kind in sorted(filled) if 0 < p < len(line)]


def _is_hook(paragraph: str, phrases: Sequence[str]) -> bool:
    """The guard's hook judgement of one paragraph. A paragraph with no signal and no hook
    phrase is never a hook; checking that first skips the analysis for most of them."""
    if not any(s in paragraph for s in HOOK_SIGNALS) and not any(
        p and p in paragraph for p in phrases
    ):
        return False
    return ending_hook(paragraph, phrases)[0]


def prose_chars(text: str) -> int:
    """The platform count of a stretch of text: its paragraphs, without line breaks, the
    blanks around paragraphs and scene markers."""
    return sum(len(line.strip()) for line in text.split("\n") if not is_scene_marker(line))


def segment_text(texts: dict[int, str], segment: Segment) -> str:
    return texts[segment.episode][segment.start : segment.end]


def _cuts(texts: Sequence[str], hook_phrases: Sequence[str], inner_from: int) -> list[_Cut]:
    """Every place the stream may be cut, in order, with the prose length before it; inside
    paragraphs longer than `inner_from` too."""
    cuts = [_Cut(0, 0, 0, "start")]
    chars = 0
    for index, text in enumerate(texts):
        if index > 0 and chars > cuts[-1].chars_before:
            cuts.append(_Cut(index, 0, chars, "episode"))
        offset = 0
        previous: str | None = None  # the last paragraph of this episode so far
        after_scene = False
        for line in text.split("\n"):
            line_start, offset = offset, offset + len(line) + 1
            if not line.strip():
                continue
            marker = is_scene_marker(line)
            if marker or after_scene:
                kind = "scene"
            elif previous is None:
                kind = ""
            else:
                kind = "hook" if _is_hook(previous, hook_phrases) else "paragraph"
            if kind and chars > cuts[-1].chars_before:
                cuts.append(_Cut(index, line_start, chars, kind))
            after_scene = marker
            if marker:
                continue
            body = line.strip()
            if len(body) > inner_from:
                lead = len(line) - len(line.lstrip())
                for position, inner in _inner_cuts(body, lead):
                    inside = len(body[: position - lead].rstrip())
                    cuts.append(_Cut(index, line_start + position, chars + inside, inner))
            chars += len(body)
            previous = body
    cuts.append(_Cut(len(texts), 0, chars, "end"))
    return cuts


def _cost(length: int, target: int) -> float:
    return DISTANCE_WEIGHT * ((length - target) / target) ** 2


def _best_path(cuts: list[_Cut], low: int, high: int, target: int) -> list[int] | None:
    """Indices of the cheapest cuts from the start to the end, every piece in [low, high]."""
    positions = [c.chars_before for c in cuts]
    best: list[float | None] = [None] * len(cuts)
    back = [0] * len(cuts)
    best[0] = 0.0
    for i in range(1, len(cuts)):
        here = positions[i]
        first = bisect.bisect_left(positions, here - high, 0, i)
        last = bisect.bisect_right(positions, here - low, 0, i)
        penalty = CUT_PENALTY.get(cuts[i].kind, 0.0)
        for j in range(first, last):
            if best[j] is None:
                continue
            total = best[j] + _cost(here - positions[j], target) + penalty
            if best[i] is None or total < best[i]:
                best[i], back[i] = total, j
    if best[-1] is None:
        return None
    path, i = [len(cuts) - 1], len(cuts) - 1
    while i:
        i = back[i]
        path.append(i)
    return path[::-1]


def _segments(
    episodes: Sequence[SourceEpisode], texts: Sequence[str], a: _Cut, b: _Cut
) -> tuple[Segment, ...]:
    segments = []
    for index in range(a.episode_index, min(b.episode_index, len(episodes) - 1) + 1):
        start = a.offset if index == a.episode_index else 0
        end = b.offset if index == b.episode_index else len(texts[index])
        if end > start:
            segments.append(Segment(episodes[index].number, start, end))
    return tuple(segments)


def split_serial(
    episodes: Sequence[SourceEpisode],
    target: int = DEFAULT_TARGET_CHARS,
    *,
    hook_phrases: Sequence[str] = (),
) -> Split:
    """Cut the episodes (in order) into platform pieces near `target` characters each."""
    if target < MIN_PIECE_CHARS:
        raise ValueError(f"target {target} is under the platform minimum {MIN_PIECE_CHARS}")
    high = max_piece_chars(target)
    texts = [source_text(e) for e in episodes]
    cuts = _cuts(texts, hook_phrases, _LONG_PARAGRAPH)
    total = cuts[-1].chars_before
    if total == 0:
        return Split((), MIN_PIECE_CHARS, high, target)
    if total < MIN_PIECE_CHARS + _MARGIN:
        path = [0, len(cuts) - 1]  # the serial as one piece
    else:
        path = _best_path(cuts, MIN_PIECE_CHARS + _MARGIN, high - _MARGIN, target)
        if path is None:
            # The paragraphs fall badly for this total: allow cuts between sentences as well.
            cuts = _cuts(texts, hook_phrases, 0)
            path = _best_path(cuts, MIN_PIECE_CHARS + _MARGIN, high - _MARGIN, target)
        relaxed = high
        while path is None:
            # Too little text to cut into pieces inside the limits (e.g. one 9,000-character
            # episode): never go under the minimum, let pieces grow past the maximum instead.
            relaxed = int(relaxed * 1.25) + 1
            if relaxed >= total:
                path = [0, len(cuts) - 1]
                break
            path = _best_path(cuts, MIN_PIECE_CHARS + _MARGIN, relaxed, target)
    by_number = {e.number: text for e, text in zip(episodes, texts, strict=True)}
    pieces = []
    for n, (i, j) in enumerate(itertools.pairwise(path), start=1):
        segments = _segments(episodes, texts, cuts[i], cuts[j])
        chars = sum(prose_chars(segment_text(by_number, s)) for s in segments)
        pieces.append(Piece(n, segments, chars, cuts[j].kind))
    sizes = [p.chars for p in pieces]
    warning = "short" if min(sizes) < MIN_PIECE_CHARS else "long" if max(sizes) > high else ""
    return Split(tuple(pieces), MIN_PIECE_CHARS, high, target, warning)
