"""Budgeted context for an episode (seed 003 §2-2): every section capped, nothing overflows.

The draft prompt is about 12,000 characters at most. Each section gets a share of that budget;
within a section the least useful material goes first: the oldest summaries, then events that
involve nobody in this episode's outline (unresolved foreshadows are kept longest). The
section sizes are stored with the episode so the editor can show where the budget went.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from novelcraft.canon import foreshadows as fs
from novelcraft.canon import phrases
from novelcraft.canon.models import Foreshadow
from novelcraft.models import Bible, Character, EpisodeEvent, Outline

# Shares of the budget (seed §2-2). "rules" is the template's own text, "reserve" the slack.
SHARES = {
    "rules": 0.10,
    "world": 0.10,
    "voices": 0.15,
    "character_state": 0.05,
    "summaries": 0.20,
    "events": 0.10,
    "plot_position": 0.05,
    "outline": 0.15,
    "instructions": 0.05,
    "reserve": 0.05,
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
    return "\n".join(lines[i] for i in _fitting(lines, cap))


def _fitting(lines: Sequence[str], cap: int) -> list[int]:
    """Indexes of the lines kept within `cap`, in the order given."""
    kept: list[int] = []
    size = 0
    for index, line in enumerate(lines):
        extra = len(line) + (1 if kept else 0)
        if size + extra > cap:
            continue
        kept.append(index)
        size += extra
    return kept


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
    return select_summaries(previous, cap, keep)[0]


def select_summaries(
    previous: Sequence[tuple[int, str]], cap: int, keep: int = 3
) -> tuple[str, list[int]]:
    """The summaries section and the episodes whose summaries it holds."""
    items = [(n, f"- {n}화: {s.strip()}") for n, s in list(previous)[-keep:] if s.strip()]
    while items and sum(len(x) + 1 for _, x in items) > cap:
        items.pop(0)
    return "\n".join(x for _, x in items), [n for n, _ in items]


def events_section(
    events: Sequence[EpisodeEvent],
    cap: int,
    involved: Sequence[str] = (),
    foreshadows: Mapping[int, Foreshadow] | None = None,
) -> str:
    return select_events(events, cap, involved, foreshadows)[0]


def select_events(
    events: Sequence[EpisodeEvent],
    cap: int,
    involved: Sequence[str] = (),
    foreshadows: Mapping[int, Foreshadow] | None = None,
    notes: Sequence[str] = (),
    due_soon: int = 3,
) -> tuple[str, list[tuple[int, int]]]:
    """Overdue and due-soon foreshadows first (tagged, with a note saying so), then other
    unresolved foreshadows, then events of this episode's characters, newest first. Returns
    the text and the (event id, episode) of every event it kept."""
    wanted = set(involved)
    ledger = foreshadows or {}

    def urgency(e: EpisodeEvent) -> int:
        f = ledger.get(e.id) if e.id is not None else None
        if f is None:
            return 2
        return 0 if f.status == "overdue" else 1 if f.due_soon else 2

    def rank(e: EpisodeEvent) -> tuple:
        open_foreshadow = e.event_type == "foreshadow" and e.resolved_in_episode is None
        f = ledger.get(e.id) if e.id is not None else None
        return (
            urgency(e),
            not open_foreshadow,
            not (wanted & set(e.characters_involved)),
            f.due_episode if f is not None and urgency(e) < 2 else 0,
            -(e.episode_number or 0),
        )

    ordered = sorted(events, key=rank)
    lines = []
    for e in ordered:
        f = ledger.get(e.id) if e.id is not None else None
        label = fs.tag(f) if f is not None else ""
        kind = f"{e.event_type}·{label}" if label else e.event_type
        lines.append(
            f"- [{kind}] {e.episode_number}화: {e.description}"
            + (f" ({', '.join(e.characters_involved)})" if e.characters_involved else "")
        )
    head = list(notes)
    if any(urgency(e) < 2 for e in ordered):
        head.insert(0, phrases.URGENT_NOTE.format(soon=due_soon))
    kept = _fitting(head + lines, cap)
    text = "\n".join((head + lines)[i] for i in kept)
    picked = [ordered[i - len(head)] for i in kept if i >= len(head)]
    return text, [(e.id, e.episode_number or 0) for e in picked if e.id is not None]


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
    # What the context holds from earlier episodes (recorded for the cascade, DESIGN §13).
    included_events: list[tuple[int, int]] = field(default_factory=list)
    included_summaries: list[int] = field(default_factory=list)

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
    foreshadows: Mapping[int, Foreshadow] | None = None,
    character_lines: Sequence[str] = (),
    event_notes: Sequence[str] = (),
    due_soon: int = 3,
) -> EpisodeContext:
    limits = caps(budget)
    involved = [name for scene in (outline.scenes if outline else []) for name in scene.characters]
    info = bible.project
    world = "\n".join(
        f"- {label}: {text.strip()}"
        for label, text in (("시놉시스", info.synopsis), ("세계관", info.worldbuilding))
        if text.strip()
    )
    summary_text, summary_numbers = select_summaries(summaries, limits["summaries"])
    events_text, event_ids = select_events(
        events, limits["events"], involved, foreshadows, event_notes, due_soon
    )
    sections = {
        "world": clip(world, limits["world"]),
        "voices": voice_profiles(bible.characters, limits["voices"], involved),
        "character_state": _take_lines(list(character_lines), limits["character_state"]),
        "summaries": summary_text,
        "events": events_text,
        "plot_position": plot_position(bible, episode_number, limits["plot_position"]),
        "outline": clip(outline_text(outline), limits["outline"]),
        "instructions": clip(instructions.strip(), limits["instructions"]),
    }
    return EpisodeContext(
        budget=budget,
        sections=sections,
        caps=limits,
        included_events=event_ids,
        included_summaries=summary_numbers,
    )
