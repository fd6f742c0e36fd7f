"""Prompt templates: Jinja2 files, each paired with the pydantic model of its answer.

Templates ship in `prompts/` (in the wheel: the package `novelcraft.prompt_templates`); a
workspace may override any of them by putting a file of the same name in its `prompts/`.
Korean prose lives in the templates, not in Python (CONVENTIONS 8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from pydantic import BaseModel, ConfigDict, Field

from novelcraft.errors import BadInput
from novelcraft.models import Character, EventType, Outline, Relationship, Season


class TextAnswer(BaseModel):
    """A prose answer (manuscript, correction, summary): the text is the answer."""

    text: str


class BootstrapAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    synopsis: str = Field(min_length=1)
    worldbuilding: str = Field(min_length=1)
    characters: list[Character] = Field(min_length=1, max_length=8)
    plot_outline: str = Field(min_length=1)
    # Planned from the episode count in the concept; a model may leave them out.
    seasons: list[Season] = Field(default_factory=list, max_length=20)
    relationships: list[Relationship] = Field(default_factory=list, max_length=40)


class ExtractedEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_type: EventType
    description: str = Field(min_length=1)
    characters_involved: list[str] = Field(default_factory=list)
    # A foreshadow's planned payoff episode, when the model (or the outline) knows it.
    due_by: int | None = Field(default=None, ge=1)


class EventsAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[ExtractedEvent] = Field(min_length=1, max_length=8)
    resolved_foreshadows: list[int] = Field(default_factory=list)


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    answer: type[BaseModel]

    @property
    def filename(self) -> str:
        return f"{self.name}.jinja2"

    @property
    def is_json(self) -> bool:
        return self.answer is not TextAnswer


TEMPLATES: dict[str, PromptTemplate] = {
    t.name: t
    for t in (
        PromptTemplate("bootstrap", BootstrapAnswer),
        PromptTemplate("outline", Outline),
        PromptTemplate("episode", TextAnswer),
        PromptTemplate("style", TextAnswer),
        PromptTemplate("revise", TextAnswer),
        PromptTemplate("summary", TextAnswer),
        PromptTemplate("events", EventsAnswer),
    )
}


def builtin_template_dir() -> Path:
    """The packaged templates; in a source checkout, the repository's `prompts/`."""
    try:
        return Path(str(resources.files("novelcraft.prompt_templates")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / "prompts"


@lru_cache(maxsize=8)
def _environment(override_dir: str | None) -> jinja2.Environment:
    dirs = [override_dir] if override_dir else []
    dirs.append(str(builtin_template_dir()))
    # Overrides may arrive in a restored backup: the sandbox keeps a template from reaching
    # Python objects (`cycler.__init__.__globals__...`); our own templates need nothing more.
    return jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(dirs),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,
    )


def _undefined_text(message: str | None) -> str:
    """Jinja's "'x' is undefined" in Korean; other wording is kept after a Korean lead-in."""
    found = re.fullmatch(r"'(.+)' is undefined", message or "")
    if found:
        return f"변수 {found.group(1)}이(가) 정의되지 않았습니다"
    return f"정의되지 않은 값을 썼습니다 ({message})"


def render(name: str, variables: dict[str, Any], *, override_dir: Path | None = None) -> str:
    """Render template `name`; an override in the workspace's `prompts/` wins."""
    if name not in TEMPLATES:
        raise BadInput(f"알 수 없는 프롬프트 템플릿입니다: {name!r}")
    env = _environment(str(override_dir) if override_dir and override_dir.is_dir() else None)
    try:
        return env.get_template(TEMPLATES[name].filename).render(**variables).strip() + "\n"
    except jinja2.TemplateSyntaxError as exc:
        raise BadInput(f"{exc.filename}:{exc.lineno}: 템플릿 오류: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise BadInput(f"프롬프트 템플릿 {name}: {_undefined_text(exc.message)}") from None
    except jinja2.sandbox.SecurityError as exc:
        raise BadInput(f"프롬프트 템플릿 {name}: 허용되지 않는 동작입니다: {exc}") from None
