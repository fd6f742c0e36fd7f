"""What the canon ledger hands out: pydantic models, so the local and the remote Workspace
return the same types and the report serializes as it is."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ForeshadowStatus = Literal["open", "resolved", "overdue", "dropped"]
DueSource = Literal["answer", "window", "season", "author"]
FindingKind = Literal["overdue_foreshadow", "late_payoff", "repeated_function", "absent_character"]


class Foreshadow(BaseModel):
    """One planted foreshadow and where it stands as of episode `as_of`."""

    id: int
    planted_episode: int
    description: str
    characters: list[str] = Field(default_factory=list)
    due_episode: int
    due_source: DueSource = "window"
    resolved_in_episode: int | None = None
    dropped: bool = False
    status: ForeshadowStatus = "open"
    # Resolved after its due episode.
    late: bool = False
    # Open and due within `canon.due_soon_episodes` of `as_of`.
    due_soon: bool = False


class CharacterState(BaseModel):
    """The last known condition and relationships of a character before an episode."""

    name: str
    condition: str = ""
    condition_episode: int | None = None
    relationships: list[str] = Field(default_factory=list)
    progressions: list[str] = Field(default_factory=list)


class RepeatedFunction(BaseModel):
    """An outline too similar to an earlier one (seed 003 §13, mode collapse)."""

    episode: int
    earlier_episode: int
    similarity: float
    quote: str = ""


class Finding(BaseModel):
    kind: FindingKind
    episode: int
    quote: str
    detail: str = ""


class SeasonLedger(BaseModel):
    number: int
    title: str = ""
    first_episode: int
    last_episode: int
    written_episodes: int = 0
    characters: int = Field(0, description="Characters (no whitespace) written in the season.")
    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    resolved: int = 0
    resolved_late: int = 0
    dropped: int = 0
    payoff_rate: float | None = None
    repeated_functions: list[RepeatedFunction] = Field(default_factory=list)
    absent_characters: list[str] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    findings_per_10k: float | None = None


class CanonReport(BaseModel):
    """`novelcraft canon SLUG --json`, `GET /api/projects/{slug}/canon`, the 설정 장부 screen."""

    slug: str
    as_of_episode: int
    seasons: list[SeasonLedger]
    foreshadows: list[Foreshadow]
    character_states: list[CharacterState]
    warnings: list[str] = Field(default_factory=list)


class StaleReason(BaseModel):
    """Why a later episode's context is out of date after an edit of `source_episode`."""

    episode_number: int
    source_episode: int
    kind: Literal["event", "summary"]
    description: str


class OutlineWarning(BaseModel):
    """The repeated-function check of one outline before drafting."""

    episode: int
    earlier_episode: int
    similarity: float
    threshold: float


class VoiceDistinctiveness(BaseModel):
    """Per season: how often the speaker of an attributed line is named right from the
    characters' ending profiles alone (leave-one-out), against chance."""

    season: int
    lines: int
    speakers: int
    accuracy: float | None = None
    chance: float | None = None
    per_character: dict[str, float] = Field(default_factory=dict)
