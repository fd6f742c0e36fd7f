"""What a measurement returns: pydantic models whose field names are the metric names of §7.

`Measurement.to_json()` is the `check --json` / `metrics --json` contract (DESIGN §11): the
metric names, plus `passed`, `warnings` and the `guard` failures that explain `passed`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

GuardCheck = Literal["length", "scene_count", "ending_hook", "banned_endings", "banned_elements"]


class BannedEndingUse(BaseModel):
    ending: str
    line: str


class CharacterVoice(BaseModel):
    """How one character's dialogue matches their voice profile (DESIGN §7.8)."""

    name: str
    allowed_endings: list[str] = Field(default_factory=list)
    lines: int = 0
    allowed_lines: int = 0
    # None when the character has no `endings` in the bible or no attributed line.
    allowed_share: float | None = None
    banned: list[BannedEndingUse] = Field(default_factory=list)
    # The endings actually used, most frequent first (label → lines), for authors and analysts.
    endings: dict[str, int] = Field(default_factory=dict)
    off_voice_lines: list[str] = Field(default_factory=list)


class GuardFailure(BaseModel):
    check: GuardCheck
    reason: str


class GuardResult(BaseModel):
    """The hard checks (DESIGN §6); failing ones are fed back to the LLM for a retry."""

    passed: bool
    failures: list[GuardFailure] = Field(default_factory=list)

    def reasons(self) -> list[str]:
        return [f.reason for f in self.failures]


class StyleWarning(BaseModel):
    """A soft metric outside its range: what the style-correction pass receives."""

    metric: str
    actual: float
    expected: str
    expected_min: float | None = None
    expected_max: float | None = None
    # "major" when the value is far outside the range (half the bound or more).
    severity: Literal["minor", "major"]
    suggestion: str
    character: str | None = None
    examples: list[str] = Field(default_factory=list)


class Measurement(BaseModel):
    length: int
    length_with_spaces: int
    scene_count: int
    ending_hook: bool
    ending_hook_reason: str
    avg_sentence_length: float
    dialogue_ratio: float
    explanation_density: float
    repetition_rate: float
    repeated_4grams: int
    voice: list[CharacterVoice] = Field(default_factory=list)
    guard: GuardResult
    warnings: list[StyleWarning] = Field(default_factory=list)
    passed: bool

    @property
    def voice_score(self) -> float | None:
        """Share of attributed lines in voice, over characters that have endings."""
        judged = [v for v in self.voice if v.allowed_share is not None]
        lines = sum(v.lines for v in judged)
        return sum(v.allowed_lines for v in judged) / lines if lines else None

    @property
    def banned_ending_count(self) -> int:
        return sum(len(v.banned) for v in self.voice)

    def to_json(self) -> dict:
        return self.model_dump(mode="json")
