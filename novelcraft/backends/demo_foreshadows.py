"""The offline demo writer's foreshadows, so the demo shows the canon ledger working.

Every episode's closing hook is a short-range foreshadow paid off in the next episode. In
every ten episodes the first three also plant a long-range one, due three episodes later:
the first is paid off on time, the second three episodes late, the third never. The plan
reads only the events prompt (its episode number and the open foreshadows it lists).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from novelcraft.backends import prompt_reading as read

DUE_AFTER = 3
# Slot in each ten episodes -> episodes after planting when it is paid off (None: never).
PAYOFF_AFTER = {0: 3, 1: 6, 2: None}


@lru_cache(maxsize=1)
def long_foreshadows() -> list[str]:
    text = resources.files("novelcraft").joinpath("data/demo_foreshadows.yaml").read_text("utf-8")
    return list(yaml.safe_load(text)["long"])


@dataclass
class ForeshadowPlan:
    planted: list[dict] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)


_OPEN = re.compile(r"^(\d+): (.*) \((\d+)화\)$", re.M)


def open_foreshadows(prompt: str) -> list[tuple[int, str, int]]:
    """(id, description, planted episode) of each open foreshadow the prompt lists."""
    text = read.section(prompt, "아직 풀리지 않은 복선")
    return [(int(m[1]), m[2].strip(), int(m[3])) for m in _OPEN.finditer(text)]


def _slot(episode: int) -> int:
    return (episode - 1) % 10


def plan(number: int, prompt: str, cast: list[str]) -> ForeshadowPlan:
    out = ForeshadowPlan()
    long = long_foreshadows()
    for fid, description, planted in open_foreshadows(prompt):
        if description not in long:
            out.resolved.append(fid)  # last episode's hook, paid off now
            continue
        after = PAYOFF_AFTER.get(_slot(planted))
        if after is not None and number - planted >= after:
            out.resolved.append(fid)
    slot = _slot(number)
    if slot in PAYOFF_AFTER:
        index = ((number - 1) // 10 * len(PAYOFF_AFTER) + slot) % len(long)
        out.planted.append(
            {
                "event_type": "foreshadow",
                "description": long[index],
                "characters_involved": cast[:1],
                "due_by": number + DUE_AFTER,
            }
        )
    return out
