"""A scripted story for the canon-ledger tests: per episode, the outline, the events (and
which earlier foreshadows it pays off, by description) and the summary the fake LLM answers.

Drafts are one short fixed paragraph (the ledger does not read prose), so a season of
episodes takes seconds. Everything goes through the real pipeline and the real store.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from fake_llm import ScriptedBackend

from novelcraft.backends.offline import purpose_of
from novelcraft.backends.prompt_reading import episode_number

DRAFT = "강도윤은 창밖을 보았다. 서하린이 문을 열었다. 그때, 전화가 울렸다…\n"


def outline(number: int, cast=("강도윤", "서하린"), goals=None, hook=None) -> dict:
    """A distinct outline per episode unless `goals`/`hook` say otherwise."""
    goals = goals or [f"{number}화 {i}번 장면의 고유한 목표 {number * 7 + i}" for i in (1, 2, 3)]
    return {
        "scenes": [
            {
                "scene_number": i + 1,
                "goal": goal,
                "conflict": f"{number}화의 갈등 {number * 13 + i}",
                "twist": None,
                "characters": list(cast),
            }
            for i, goal in enumerate(goals)
        ],
        "ending_hook": hook or f"{number}화 끝의 훅 {number * 31}",
    }


def event(kind: str, description: str, *who: str, due_by: int | None = None) -> dict:
    data = {"event_type": kind, "description": description, "characters_involved": list(who)}
    if due_by is not None:
        data["due_by"] = due_by
    return data


@dataclass
class Story:
    """What the fake answers: `events[n]` (list of events), `payoffs[n]` (descriptions of
    foreshadows paid off in n), `outlines[n]` (a list: one per outline call, last repeats)."""

    events: dict[int, list[dict]] = field(default_factory=dict)
    payoffs: dict[int, list[str]] = field(default_factory=dict)
    outlines: dict[int, list[dict]] = field(default_factory=dict)
    summaries: dict[int, str] = field(default_factory=dict)
    calls: dict[int, int] = field(default_factory=dict)

    def answer(self, prompt: str, schema, options) -> str:
        purpose = purpose_of(prompt)
        number = episode_number(prompt)
        if purpose == "outline":
            seen = self.calls.get(number, 0)
            self.calls[number] = seen + 1
            choices = self.outlines.get(number) or [outline(number)]
            return json.dumps(choices[min(seen, len(choices) - 1)], ensure_ascii=False)
        if purpose == "events":
            listed = dict(
                (m[2].strip(), int(m[1]))
                for m in re.finditer(r"^(\d+): (.*) \(\d+화\)$", prompt, re.M)
            )
            resolved = [listed[d] for d in self.payoffs.get(number, []) if d in listed]
            events = self.events.get(number) or [event("plot", f"{number}화의 사건.")]
            return json.dumps({"events": events, "resolved_foreshadows": resolved})
        if purpose == "summary":
            return self.summaries.get(number, f"{number}화 요약.")
        return DRAFT

    def backend(self) -> ScriptedBackend:
        return ScriptedBackend(default=self.answer)


def run_of(ws, slug, story: Story, **options):
    options.setdefault("with_editor", False)
    options.setdefault("use_retry", False)
    return ws.run(slug, story.backend(), **options)


def prompt_of(ws, slug, number: int) -> str:
    pid = ws.project_id(slug)
    return ws.store.scalar(
        "SELECT generation_prompt FROM episodes WHERE project_id = ? AND episode_number = ?",
        [pid, number],
    )
