"""The rows a project archive carries, one pydantic model per table (`data/<table>.jsonl`).

An archive is a file someone sent the author, so its rows are hostile input: a row may only
name the columns its model declares (`extra="forbid"`), every value is checked against the
column's type and range before it reaches DuckDB, and the column names of the INSERT come from
these models, never from the file. Export writes exactly these columns, so an archive made by
this version always re-imports.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from novelcraft.models import EpisodeStatus, EventType, VersionKind

# DuckDB INTEGER is 32-bit: a larger number would fail inside the INSERT, not here.
INT32_MAX = 2**31 - 1
# No manuscript, prompt or note comes near this; a longer value is not one of ours.
MAX_TEXT = 2_000_000
MAX_SHORT_TEXT = 10_000


def _json_text(value: Any) -> str | None:
    """A JSON column: a JSON string as exported, or the structure itself; stored as text."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            raise ValueError("올바른 JSON 텍스트가 아닙니다") from None
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    raise ValueError(f"JSON 텍스트, 객체 또는 목록이어야 합니다 ({type(value).__name__}이 아님)")


def _naive_utc(value: Any) -> Any:
    """TIMESTAMP columns hold naive UTC; an offset in the file is converted, not rejected."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("ISO 형식의 시각이 아닙니다") from None
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


JsonText = Annotated[str | None, BeforeValidator(_json_text)]
Timestamp = Annotated[datetime, BeforeValidator(_naive_utc)]
Int32 = Annotated[int, Field(ge=0, le=INT32_MAX)]
Number = Annotated[int, Field(ge=1, le=INT32_MAX)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
ShortText = Annotated[str, Field(max_length=MAX_SHORT_TEXT)]
Real = Annotated[float, Field(allow_inf_nan=False)]


class ArchiveRow(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)

    table: ClassVar[str]

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        return tuple(cls.model_fields)

    def values(self) -> list[Any]:
        return [getattr(self, name) for name in self.columns()]


class EpisodeRow(ArchiveRow):
    table: ClassVar[str] = "episodes"

    episode_number: Number
    title: ShortText = ""
    status: EpisodeStatus = "draft"
    outline: JsonText = None
    content: Text = ""
    summary: Text = ""
    length: Int32 = 0
    style_metrics: JsonText = None
    generation_prompt: Text | None = None
    user_notes: Text = ""
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    revision: Int32 = 0
    context_stale: bool = False
    context_sizes: JsonText = None
    passed: bool | None = None
    pipeline: JsonText = None


class VersionRow(ArchiveRow):
    table: ClassVar[str] = "episode_versions"

    episode_number: Number  # re-linked to the new episode id, not a column
    version: Number
    kind: VersionKind
    content: Text
    note: ShortText = ""
    created_at: Timestamp | None = None


class EventRow(ArchiveRow):
    table: ClassVar[str] = "episode_events"

    episode_number: Number
    event_type: EventType
    description: Text
    characters_involved: JsonText = "[]"
    resolved_in_episode: Number | None = None
    created_at: Timestamp | None = None
    # The canon ledger (m008): a foreshadow's due episode, where it came from, the author's drop.
    due_episode: Number | None = None
    due_source: Literal["answer", "window", "season", "author"] | None = None
    dropped: bool = False


class MetricRow(ArchiveRow):
    table: ClassVar[str] = "episode_metrics"

    episode_number: Number
    stage: Annotated[str, Field(pattern=r"^(pass1|final)$")]
    attempt: Number = 1
    length: Int32
    length_with_spaces: Int32
    scene_count: Int32
    ending_hook: bool
    avg_sentence_length: Real
    dialogue_ratio: Real
    explanation_density: Real
    repetition_rate: Real
    repeated_4grams: Int32
    voice_score: Real | None = None
    banned_endings: Int32 = 0
    passed: bool
    warnings: JsonText = "[]"
    measured_at: Timestamp | None = None


class RelationshipRow(ArchiveRow):
    table: ClassVar[str] = "relationships"

    position: Int32
    from_name: ShortText
    to_name: ShortText
    kind: ShortText
    since_episode: Number | None = None
    notes: Text = ""
    # Bible relationships travel in bible.yaml; only derived ones are rows of their own.
    source: Literal["extracted"] = "extracted"


# In the order they are written and re-imported (episodes first: the others point at them).
ROW_MODELS: dict[str, type[ArchiveRow]] = {
    m.table: m for m in (EpisodeRow, VersionRow, EventRow, MetricRow, RelationshipRow)
}
# Archive fields that re-link a row instead of being stored in a column of its own table.
LINK_FIELDS = {"episode_versions": ("episode_number",)}
# Each kind's natural key inside one project: a second row with the same key is a conflict.
UNIQUE_KEYS: dict[str, tuple[str, ...]] = {
    "episodes": ("episode_number",),
    "episode_versions": ("episode_number", "version"),
    "episode_metrics": ("episode_number", "stage", "attempt"),
}


def stored_columns(model: type[ArchiveRow]) -> tuple[str, ...]:
    links = LINK_FIELDS.get(model.table, ())
    return tuple(c for c in model.columns() if c not in links)


class ArchiveManifest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    format: str
    novelcraft_version: ShortText = ""
    slug: Annotated[str, Field(max_length=200)] = "project"
