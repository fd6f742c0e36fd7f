"""The guard: hard checks a draft must pass, or it is drafted again (DESIGN §6).

Each failure carries a Korean reason written as an instruction, because the reasons are fed
back to the LLM verbatim in the retry prompt.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from novelcraft.metrics import messages
from novelcraft.metrics.results import CharacterVoice, GuardFailure, GuardResult
from novelcraft.settings import GenerationSettings


def banned_element_failures(text: str, banned_elements: Sequence[str]) -> list[GuardFailure]:
    """A banned element (from the bible) anywhere in the text, dialogue included."""
    failures = []
    for raw in banned_elements:
        element = unicodedata.normalize("NFC", raw).strip()
        if not element:
            continue
        found = list(re.finditer(re.escape(element), text, re.IGNORECASE))
        if found:
            first = found[0]
            context = text[max(0, first.start() - 15) : first.end() + 15].replace("\n", " ")
            reason = messages.GUARD_BANNED_ELEMENT.format(
                element=element, count=len(found), context=context.strip()
            )
            failures.append(GuardFailure(check="banned_elements", reason=reason))
    return failures


def guard(
    *,
    text: str,
    length: int,
    scene_count: int,
    ending_hook: bool,
    ending_hook_reason: str,
    voice: Sequence[CharacterVoice],
    banned_elements: Sequence[str],
    generation: GenerationSettings,
) -> GuardResult:
    """Every hard check, each failure with its reason; `text` is the normalised manuscript."""
    failures: list[GuardFailure] = []
    low, high = generation.min_length, generation.max_length
    if length < low:
        reason = messages.GUARD_TOO_SHORT.format(
            actual=length, min=low, max=high, missing=low - length
        )
        failures.append(GuardFailure(check="length", reason=reason))
    elif length > high:
        reason = messages.GUARD_TOO_LONG.format(
            actual=length, min=low, max=high, excess=length - high
        )
        failures.append(GuardFailure(check="length", reason=reason))
    if scene_count < generation.min_scenes:
        reason = messages.GUARD_SCENES.format(actual=scene_count, min=generation.min_scenes)
        failures.append(GuardFailure(check="scene_count", reason=reason))
    if not ending_hook:
        failures.append(GuardFailure(check="ending_hook", reason=ending_hook_reason))
    for character in voice:
        for use in character.banned:
            reason = messages.GUARD_BANNED_ENDING.format(
                name=character.name, ending=use.ending, line=use.line
            )
            failures.append(GuardFailure(check="banned_endings", reason=reason))
    failures += banned_element_failures(text, banned_elements)
    return GuardResult(passed=not failures, failures=failures)
