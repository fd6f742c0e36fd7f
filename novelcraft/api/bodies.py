"""Request and response bodies of the HTTP API (DESIGN §10), validated by pydantic.

Every request body forbids unknown fields, so a typo is a 422 naming the field rather than a
silently ignored option.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from novelcraft.models import Bible
from novelcraft.settings import BackendSettings

MAX_EPISODE = 100_000


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ErrorBody(BaseModel):
    error: str
    detail: str


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str
    pid: int
    workspace: str


class ProjectCreate(Body):
    bible: Bible
    slug: str | None = None


class EpisodeCreate(Body):
    episode_number: int = Field(ge=1, le=MAX_EPISODE)
    title: str = ""


class EpisodeSave(Body):
    content: str = Field(max_length=200_000)
    revision: int = Field(ge=0)


class LastEpisode(BaseModel):
    episode_number: int


class BackendChoice(Body):
    backend: str | None = None
    model: str | None = None


class GenerateBootstrap(BackendChoice):
    name: str = Field(min_length=1)
    genre: str = Field(min_length=1)
    tone: str = Field(min_length=1)
    protagonist: str = Field(min_length=1)
    supporting: str = ""
    banned_elements: list[str] = Field(default_factory=list)
    notes: str = ""


class EpisodeTarget(BackendChoice):
    project: str = Field(min_length=1)
    episode_number: int = Field(ge=1, le=MAX_EPISODE)


class GenerateOutline(EpisodeTarget):
    force: bool = False


class GenerateEpisode(EpisodeTarget):
    regenerate: bool = False
    with_editor: bool = True
    use_retry: bool = True


class GenerateRevise(EpisodeTarget):
    instruction: str = Field(min_length=1, max_length=4000)


class GenerateSummary(EpisodeTarget):
    pass


class GenerateBatch(BackendChoice):
    project: str = Field(min_length=1)
    first: int = Field(alias="from", ge=1, le=MAX_EPISODE)
    last: int = Field(alias="to", ge=1, le=MAX_EPISODE)
    with_editor: bool = True
    use_retry: bool = True
    regenerate: bool = False


class JobAccepted(BaseModel):
    job_id: str
    status: str = "queued"
    attached: bool = False


class JobResult(BaseModel):
    id: str
    status: str
    finished: bool
    output: dict | None = None
    error: str | None = None


class BackupRequest(Body):
    dest: str | None = None


class PathResult(BaseModel):
    path: str


class SlugResult(BaseModel):
    slug: str


class ForeshadowDecision(Body):
    """The author's call on one foreshadow: drop it (or take that back), or move its due."""

    dropped: bool | None = None
    due_episode: int | None = Field(default=None, ge=1, le=MAX_EPISODE)


class SettingsChange(Body):
    """`{section: {key: value}}` applied to the workspace's settings (validated as a whole)."""

    changes: dict[str, dict[str, Any]]


class ApiKeyBody(Body):
    key: str = Field(min_length=1, max_length=4096)


class ApiKeyPresence(BaseModel):
    """Whether the workspace holds a key file; the key itself never leaves the owner."""

    present: bool


class BackendCheckRequest(Body):
    backend: BackendSettings | None = None
