"""Budgeted context for an episode (seed 003 §2-2): every section capped, nothing overflows.

The draft prompt is about 12,000 characters at most. Each section gets a share of that budget;
within a section the least useful material goes first: the oldest summaries, then events that
involve nobody in this episode's outline (unresolved foreshadows are kept longest). The
section sizes are stored with the episode so the editor can show where the budget went.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from novelcraft.models import Bible, Character, EpisodeEvent, Outline

# Shares of the budget (seed §2-2). "rules" is the template's own text, "reserve" the slack.
SHARES = {
    "rules": 0.10,
    "world": 0.10,
    "voices": 0.15,
    "summaries": 0.20,
    "events": 0.10,
    "plot_position": 0.05,
    "outline": 0.15,
    "instructions": 0.05,
    "reserve": 0.10,
}
ELLIPSIS = "…"


def caps(budget: int) -> dict[str, int]:
    return {name: int(budget * share) for name, share in SHARES.items()}


def clip(text: str, cap: int) -> str:
    """Cut at the last line (else sentence) boundary that fits, and mark the cut."""
    if len(text) <= cap:
        return text
    room = max(0, cap - len(ELLIPSIS))
    head = text[:room]
    for sep in ("\n", ". ", "다. "):
        at = head.rfind(sep)
        if at > room // 2:
            head = head[: at + len(sep)].rstrip()
            break
    return head + ELLIPSIS


def _take_lines(lines: Sequence[str], cap: int) -> str:
    """Keep whole lines in order of priority until the cap; the caller orders them."""
    kept: list[str] = []
    size = 0
    for line in lines:
        extra = len(line) + (1 if kept else 0)
        if size + extra > cap:
            continue
        kept.append(line)
        size += extra
    return "\n".join(kept)


def voice_profile(character: Character) -> str:
    style, rules = character.speech_style, character.behavioral_rules
    lines = [f"### {character.name} ({character.role})"]
    if character.personality:
        lines.append(f"- 성격: {character.personality}")
    if style.endings:
        lines.append(f"- 말투 어미: {', '.join(style.endings)}")
    if style.banned_endings:
        lines.append(f"- 금지 어미: {', '.join(style.banned_endings)}")
    if style.catchphrases:
        lines.append(f"- 입버릇: {', '.join(style.catchphrases)}")
    if style.formality:
        lines.append(f"- 존댓말: {style.formality}")
    if style.emotion_style:
        lines.append(f"- 감정 표현: {style.emotion_style}")
    if rules.never_does:
        lines.append(f"- 절대 하지 않는 것: {', '.join(rules.never_does)}")
    if rules.conflict_style:
        lines.append(f"- 갈등 방식: {rules.conflict_style}")
    return "\n".join(lines)


def voice_profiles(characters: Sequence[Character], cap: int, first: Sequence[str] = ()) -> str:
    """Profiles of the characters in this episode first; others while room remains."""
    ordered = sorted(characters, key=lambda c: (c.name not in first, c.role != "main"))
    blocks, size = [], 0
    for character in ordered:
        block = voice_profile(character)
        if size + len(block) + 2 > cap:
            # The name line and endings matter most; keep those when the whole block won't fit.
            block = "\n".join(block.splitlines()[:3])
            if size + len(block) + 2 > cap:
                continue
        blocks.append(block)
        size += len(block) + 2
    return "\n\n".join(blocks)


def summaries_section(previous: Sequence[tuple[int, str]], cap: int, keep: int = 3) -> str:
    """The last `keep` summaries, oldest dropped first when they do not fit."""
    lines = [f"- {n}화: {s.strip()}" for n, s in list(previous)[-keep:] if s.strip()]
    while lines and sum(len(x) + 1 for x in lines) > cap:
        lines.pop(0)
    return "\n".join(lines)


def events_section(events: Sequence[EpisodeEvent], cap: int, involved: Sequence[str] = ()) -> str:
    """Unresolved foreshadows first, then events of this episode's characters, newest first."""
    wanted = set(involved)

    def rank(e: EpisodeEvent) -> tuple:
        open_foreshadow = e.event_type == "foreshadow" and e.resolved_in_episode is None
        return (
            not open_foreshadow,
            not (wanted & set(e.characters_involved)),
            -(e.episode_number or 0),
        )

    lines = [
        f"- [{e.event_type}] {e.episode_number}화: {e.description}"
        + (f" ({', '.join(e.characters_involved)})" if e.characters_involved else "")
        for e in sorted(events, key=rank)
    ]
    return _take_lines(lines, cap)


_RANGE = re.compile(r"(\d+)\s*[~\-–]\s*(\d+)\s*화")


def plot_position(bible: Bible, episode_number: int, cap: int) -> str:
    parts = [f"{episode_number}화"]
    for season in bible.seasons:
        if season.first_episode <= episode_number <= season.last_episode:
            parts.append(
                f"시즌 {season.number} 〈{season.title}〉 {season.first_episode}~"
                f"{season.last_episode}화 중 {episode_number - season.first_episode + 1}번째"
            )
            if season.arc:
                parts.append(f"시즌 아크: {season.arc}")
    for line in bible.project.plot_outline.splitlines():
        match = _RANGE.search(line)
        if match and int(match.group(1)) <= episode_number <= int(match.group(2)):
            parts.append(f"플롯: {line.strip()}")
    return clip("\n".join(parts), cap)


def outline_text(outline: Outline | None) -> str:
    if outline is None:
        return ""
    return json.dumps(outline.model_dump(), ensure_ascii=False, indent=1)


@dataclass
class EpisodeContext:
    budget: int
    sections: dict[str, str]
    caps: dict[str, int]
    sizes: dict[str, int] = field(default_factory=dict)

    def measure(self, prompt: str) -> dict[str, int]:
        """Record the final sizes; whatever the sections do not explain is the template."""
        self.sizes = {name: len(text) for name, text in self.sections.items()}
        self.sizes["rules"] = len(prompt) - sum(self.sizes.values())
        self.sizes["total"] = len(prompt)
        return self.sizes


def assemble(
    bible: Bible,
    episode_number: int,
    *,
    budget: int,
    outline: Outline | None = None,
    summaries: Sequence[tuple[int, str]] = (),
    events: Sequence[EpisodeEvent] = (),
    instructions: str = "",
) -> EpisodeContext:
    limits = caps(budget)
    involved = [name for scene in (outline.scenes if outline else []) for name in scene.characters]
    info = bible.project
    world = "\n".join(
        f"- {label}: {text.strip()}"
        for label, text in (("시놉시스", info.synopsis), ("세계관", info.worldbuilding))
        if text.strip()
    )
    sections = {
        "world": clip(world, limits["world"]),
        "voices": voice_profiles(bible.characters, limits["voices"], involved),
        "summaries": summaries_section(summaries, limits["summaries"]),
        "events": events_section(events, limits["events"], involved),
        "plot_position": plot_position(bible, episode_number, limits["plot_position"]),
        "outline": clip(outline_text(outline), limits["outline"]),
        "instructions": clip(instructions.strip(), limits["instructions"]),
    }
    return EpisodeContext(budget=budget, sections=sections, caps=limits)
