"""Platform exports (`export --format munpia|naver|kakao`): one plain-text file per platform
episode, numbered continuously, and a manifest mapping each to its source episodes.

The platforms' editors keep the line breaks of pasted text as they are (they do not reflow or
space paragraphs), so every paragraph ends with a hard break and a blank line follows it,
as readers on a phone expect; scene changes become the preset's break line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from novelcraft.errors import BadInput
from novelcraft.metrics.text import is_scene_marker
from novelcraft.platform_split import (
    Piece,
    SourceEpisode,
    Split,
    segment_text,
    source_text,
    split_serial,
)

MANIFEST_FORMAT = "novelcraft-platform-split/1"


@dataclass(frozen=True)
class PlatformPreset:
    key: str
    label: str
    line_break: str
    # The line between scenes; "" leaves an empty line (two blank lines in a row).
    scene_break: str


PRESETS = {
    "munpia": PlatformPreset("munpia", "문피아", "\n", ""),
    "naver": PlatformPreset("naver", "네이버 시리즈", "\r\n", "* * *"),
    "kakao": PlatformPreset("kakao", "카카오페이지", "\r\n", "◇ ◇ ◇"),
}


def _lines(text: str) -> list[str | None]:
    """Paragraphs of a stretch of text; None marks a scene break."""
    out: list[str | None] = []
    for line in text.split("\n"):
        if is_scene_marker(line):
            out.append(None)
        elif line.strip():
            out.append(line.strip())
    return out


def render_piece(piece: Piece, texts: dict[int, str], preset: PlatformPreset) -> str:
    """The piece as the platform takes it; an episode boundary inside it is a scene break."""
    items: list[str | None] = []
    previous_episode = None
    for segment in piece.segments:
        if previous_episode is not None and segment.episode != previous_episode:
            items.append(None)
        items.extend(_lines(segment_text(texts, segment)))
        previous_episode = segment.episode
    # No break at the edges of a piece; no two breaks in a row.
    blocks: list[str] = []
    pending_break = False
    for item in items:
        if item is None:
            pending_break = bool(blocks)
            continue
        if pending_break:
            blocks.append(preset.scene_break)
            pending_break = False
        blocks.append(item)
    gap = preset.line_break * 2
    return gap.join(blocks) + preset.line_break


def piece_file_name(preset: PlatformPreset, piece: Piece) -> str:
    return f"{preset.key}-{piece.number:04d}.txt"


def manifest(split: Split, preset: PlatformPreset, titles: dict[int, str]) -> dict:
    episodes = []
    for piece in split.pieces:
        sources = sorted({s.episode for s in piece.segments})
        episodes.append(
            {
                "platform_episode": piece.number,
                "label": f"{piece.number}화",
                "file": piece_file_name(preset, piece),
                "chars_with_spaces": piece.chars,
                "cut_after": piece.cut,
                "source_episodes": sources,
                "source_titles": [titles.get(n, "") for n in sources],
                "segments": [
                    {"episode": s.episode, "start": s.start, "end": s.end} for s in piece.segments
                ],
            }
        )
    return {
        "format": MANIFEST_FORMAT,
        "platform": preset.key,
        "platform_label": preset.label,
        "min_chars": split.min_chars,
        "target_chars": split.target_chars,
        "max_chars": split.max_chars,
        "warning": split.warning,
        "episodes": episodes,
    }


def manifest_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["platform_episode", "file", "chars_with_spaces", "source_episodes", "cut"])
    for e in data["episodes"]:
        sources = "+".join(str(n) for n in e["source_episodes"])
        writer.writerow(
            [e["platform_episode"], e["file"], e["chars_with_spaces"], sources, e["cut_after"]]
        )
    return out.getvalue()


# What the author is told when the text is too short to keep every limit.
WARNINGS = {
    "short": "경고: 전체 분량이 {first:,}자로 플랫폼 최소 {min_chars:,}자보다 짧아 한 편으로 "
    "내보냈습니다",
    "long": "경고: 원고가 짧아 편마다 {min_chars:,}자 이상을 지키느라 {max_chars:,}자를 넘는 편이 "
    "있습니다 (가장 긴 편 {longest:,}자)",
}


def source_episodes(ws, slug: str) -> list[SourceEpisode]:
    """The project's written episodes in order, read through the Workspace interface."""
    out = []
    for listed in ws.list_episodes(slug):
        episode = ws.get_episode(slug, listed.episode_number)
        if episode.content.strip():
            out.append(SourceEpisode(episode.episode_number, episode.title, episode.content))
    return out


def write_platform_export(ws, slug: str, fmt: str, target: Path) -> Path:
    """The project's platform split into the new folder `target` (see `write_pieces`)."""
    write_pieces(
        source_episodes(ws, slug),
        fmt,
        Path(target),
        target_chars=ws.settings.export.platform_chars,
        hook_phrases=ws.settings.metrics.hook_phrases,
    )
    return Path(target)


def describe_export(target: Path) -> list[str]:
    """Lines for the author about a written platform export: count, lengths, any warning."""
    data = json.loads((Path(target) / "manifest.json").read_text(encoding="utf-8"))
    sizes = [e["chars_with_spaces"] for e in data["episodes"]]
    sources = sorted({n for e in data["episodes"] for n in e["source_episodes"]})
    lines = [
        f"{data['platform_label']}: 원고 {len(sources)}화 → 플랫폼 {len(sizes)}화 "
        f"(편당 {min(sizes):,}~{max(sizes):,}자, 공백 포함, 목표 {data['target_chars']:,}자)"
    ]
    if data["warning"]:
        lines.append(WARNINGS[data["warning"]].format(**data, longest=max(sizes), first=sizes[0]))
    return lines


def write_pieces(
    episodes: list[SourceEpisode],
    preset_key: str,
    target: Path,
    *,
    target_chars: int,
    hook_phrases: list[str],
) -> Split:
    """Write the pieces and the manifest into the folder `target`, all or nothing."""
    preset = PRESETS[preset_key]
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BadInput(f"{target}: 이미 있는 파일이나 비어 있지 않은 폴더 (새 폴더를 지정하세요)")
    if not episodes:
        raise BadInput("내보낼 원고가 없습니다 (작성된 회차가 없음)")
    split = split_serial(episodes, target_chars, hook_phrases=hook_phrases)
    texts = {e.number: source_text(e) for e in episodes}
    data = manifest(split, preset, {e.number: e.title for e in episodes})
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for piece in split.pieces:
            body = render_piece(piece, texts, preset)
            (staging / piece_file_name(preset, piece)).write_bytes(body.encode("utf-8"))
        (staging / "manifest.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (staging / "manifest.csv").write_text(manifest_csv(data), encoding="utf-8")
        if target.exists():
            target.rmdir()  # empty, checked above
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return split
