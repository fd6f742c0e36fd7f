"""Pydantic models: the Story Bible and the rows the store hands out.

Bible models forbid unknown keys: the bible is the author's portable truth, and a misspelt key
must be reported, not dropped. Field order here is the canonical export order (DESIGN §4).
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator

BIBLE_FORMAT = "novelcraft-bible/1"

Role = Literal["main", "supporting", "minor"]
EventType = Literal["plot", "character_state", "relationship", "foreshadow"]
EpisodeStatus = Literal["draft", "outline", "generating", "generated", "edited", "final"]
VersionKind = Literal["pass1", "pass2", "user", "revise", "import"]
JobStatus = Literal["queued", "running", "waiting", "completed", "failed", "canceled"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @model_validator(mode="before")
    @classmethod
    def _null_means_unset(cls, data: object) -> object:
        # In hand-written YAML `appearance:` with nothing after it is null; treat it as left
        # out, so optional fields take their defaults and required ones are reported missing.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


class SpeechStyle(_Strict):
    """A character's voice profile: what they say and how (seed 003 §2-1)."""

    endings: list[str] = Field(default_factory=list)
    banned_endings: list[str] = Field(default_factory=list)
    catchphrases: list[str] = Field(default_factory=list)
    formality: str = ""
    avg_dialogue_length: str = ""
    emotion_style: str = ""


class BehavioralRules(_Strict):
    values: list[str] = Field(default_factory=list)
    never_does: list[str] = Field(default_factory=list)
    conflict_style: str = ""


class Progression(_Strict):
    """A character fact that holds from an episode on (an injury, a new title, a secret
    learned): the context gives it from `from_episode` onward, never before."""

    from_episode: int = Field(ge=1)
    fact: str = Field(min_length=1)


class Character(_Strict):
    name: str = Field(min_length=1)
    role: Role = "main"
    personality: str = ""
    speech_style: SpeechStyle = Field(default_factory=SpeechStyle)
    behavioral_rules: BehavioralRules = Field(default_factory=BehavioralRules)
    appearance: str = ""
    background: str = ""
    relationships: str = ""
    notes: str = ""
    # Optional and additive: a bible without progressions exports exactly as before.
    progressions: list[Progression] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("이름이 비어 있으면 안 됩니다")
        return value


class Season(_Strict):
    number: int = Field(ge=1)
    title: str = ""
    first_episode: int = Field(ge=1)
    last_episode: int = Field(ge=1)
    arc: str = ""

    @model_validator(mode="after")
    def _range_in_order(self) -> Season:
        if self.last_episode < self.first_episode:
            raise ValueError(
                f"last_episode {self.last_episode}이(가) "
                f"first_episode {self.first_episode}보다 앞입니다"
            )
        return self


class Relationship(_Strict):
    # `from` is a Python keyword, so the field is aliased; the bible key stays `from`.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)

    from_: str = Field(alias="from", min_length=1)
    to: str = Field(min_length=1)
    kind: str = Field(min_length=1)
    since_episode: int | None = Field(default=None, ge=1)
    notes: str = ""


class ProjectInfo(_Strict):
    name: str = Field(min_length=1)
    genre: str = ""
    tone: str = ""
    synopsis: str = ""
    worldbuilding: str = ""
    plot_outline: str = ""
    banned_elements: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    notes: str = ""


class Bible(_Strict):
    """The Story Bible. Cross-field rules name the offending item by its path."""

    format: str = BIBLE_FORMAT
    project: ProjectInfo
    seasons: list[Season] = Field(default_factory=list)
    characters: list[Character] = Field(default_factory=list)
    relationships: list[Relationship] = Field(default_factory=list)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value != BIBLE_FORMAT:
            raise ValueError(f"지원하지 않는 형식입니다: {value!r} ({BIBLE_FORMAT!r}이어야 합니다)")
        return value

    def problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Cross-item rules pydantic cannot express per field: (path, message) pairs."""
        found: list[tuple[tuple[str | int, ...], str]] = []
        seen: dict[str, int] = {}
        for i, ch in enumerate(self.characters):
            if ch.name in seen:
                found.append((("characters", i, "name"), f"인물 이름 {ch.name!r}이(가) 중복됩니다"))
            seen.setdefault(ch.name, i)
        ordered = sorted(enumerate(self.seasons), key=lambda p: p[1].first_episode)
        for (_, prev), (j, cur) in itertools.pairwise(ordered):
            if cur.first_episode <= prev.last_episode:
                found.append(
                    (
                        ("seasons", j, "first_episode"),
                        f"시즌 {cur.number}({cur.first_episode}-{cur.last_episode}화)이(가) "
                        f"시즌 {prev.number}({prev.first_episode}-{prev.last_episode}화)와 "
                        "겹칩니다",
                    )
                )
        numbers: set[int] = set()
        for i, season in enumerate(self.seasons):
            if season.number in numbers:
                found.append(
                    (("seasons", i, "number"), f"시즌 번호 {season.number}이(가) 중복됩니다")
                )
            numbers.add(season.number)
        for i, rel in enumerate(self.relationships):
            for key, name in (("from", rel.from_), ("to", rel.to)):
                if name not in seen:
                    found.append(
                        (("relationships", i, key), f"인물 목록에 없는 {name!r}을(를) 가리킵니다")
                    )
        return found


# --- rows handed out by the store -------------------------------------------------------


class ProjectSummary(BaseModel):
    id: int
    slug: str
    name: str
    genre: str
    episodes: int
    last_activity: datetime | None = None


class Scene(_Strict):
    scene_number: int = Field(ge=1)
    goal: str = Field(min_length=1)
    conflict: str = Field(min_length=1)
    twist: str | None = None
    characters: list[str] = Field(default_factory=list)
    emotion_intensity: int = Field(default=5, ge=1, le=10)


class Outline(_Strict):
    scenes: list[Scene] = Field(min_length=3, max_length=5)
    ending_hook: str = Field(min_length=1)
    estimated_word_count: int = Field(default=8000, ge=1)


class Episode(BaseModel):
    id: int
    project_id: int
    episode_number: int
    title: str = ""
    status: EpisodeStatus = "draft"
    outline: Outline | None = None
    content: str = ""
    summary: str = ""
    length: int = 0
    revision: int = 0
    context_stale: bool = False
    passed: bool | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class EpisodeVersion(BaseModel):
    id: int
    episode_id: int
    version: int
    kind: VersionKind
    content: str
    note: str = ""
    created_at: datetime | None = None


class EpisodeEvent(BaseModel):
    id: int | None = None
    event_type: EventType
    description: str = Field(min_length=1)
    characters_involved: list[str] = Field(default_factory=list)
    resolved_in_episode: int | None = None
    episode_number: int | None = None


class MetricsRow(BaseModel):
    """One flat measurement (DESIGN §3 `episode_metrics`): what charts and notebooks read."""

    episode_number: int
    stage: Literal["pass1", "final"]
    attempt: int = 1
    length: int
    length_with_spaces: int
    scene_count: int
    ending_hook: bool
    avg_sentence_length: float
    dialogue_ratio: float
    explanation_density: float
    repetition_rate: float
    repeated_4grams: int
    voice_score: float | None = None
    banned_endings: int = 0
    passed: bool
    warnings: list[dict] = Field(default_factory=list)


FINISHED: tuple[str, ...] = ("completed", "failed", "canceled")
ACTIVE: tuple[str, ...] = ("queued", "running", "waiting")


class JobInfo(BaseModel):
    """One row of `generation_jobs`, as the CLI, the dashboard and the API show it."""

    id: str
    job_type: str
    status: JobStatus = "queued"
    step: str = ""  # a key of novelcraft.labels.STEP_LABELS
    step_episode: int | None = None
    progress: float = 0.0
    error: str | None = None
    project_id: int | None = None
    project_slug: str | None = None
    episode_number: int | None = None
    parent_id: str | None = None
    input: dict = Field(default_factory=dict)
    output: dict | None = None
    attempt: int = 0
    cancel_requested: bool = False
    heartbeat_at: datetime | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @computed_field
    @property
    def step_label(self) -> str:
        """The Korean label of the step (novelcraft.labels); sent along, never parsed back."""
        from novelcraft.labels import step_label

        return step_label(self.step, self.step_episode)

    def brief(self) -> dict:
        """The `jobs --json` / `job --json` shape of DESIGN §11 plus what a reader needs."""
        return {
            "id": self.id, "job_type": self.job_type, "status": self.status, "step": self.step,
            "step_episode": self.step_episode, "step_label": self.step_label,
            "progress": round(self.progress, 4), "error": self.error,
            "project": self.project_slug, "episode_number": self.episode_number,
            "parent_id": self.parent_id,
        }  # fmt: skip


class JobLog(BaseModel):
    id: int
    ts: datetime
    level: str
    message: str
