"""Workspace settings: `novelcraft.toml`, every key with a default.

Settings are pydantic models with `extra="forbid"` so a misspelt key is reported instead of
silently ignored. `render_settings_toml` writes the defaults for `novelcraft init`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from novelcraft.errors import BadInput
from novelcraft.field_problems import problem_text
from novelcraft.parse_problems import toml_problem


class SettingProblem(ValueError):
    """A value that contradicts another key of its section: names the key it is about."""

    def __init__(self, key: str, problem: str):
        super().__init__(problem)
        self.key = key


def _ordered(section: BaseModel, low: str, high: str) -> None:
    lo, hi = getattr(section, low), getattr(section, high)
    if lo > hi:
        raise SettingProblem(low, f"{high}보다 크면 안 됩니다 ({lo} > {hi})")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GenerationSettings(_Section):
    target_length: int = Field(default=8000, ge=1)
    min_length: int = Field(default=7000, ge=1)
    max_length: int = Field(default=9000, ge=1)
    min_scenes: int = Field(default=3, ge=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    with_editor: bool = True
    # The edit pass may not move the length more than this share (DESIGN §6).
    edit_max_length_change: float = Field(default=0.15, ge=0, le=1)

    @model_validator(mode="after")
    def _range(self) -> GenerationSettings:
        _ordered(self, "min_length", "max_length")
        return self


class MetricSettings(_Section):
    avg_sentence_length_min: float = Field(default=15.0, ge=0)
    avg_sentence_length_max: float = Field(default=35.0, gt=0)
    dialogue_ratio_min: float = Field(default=0.40, ge=0, le=1)
    dialogue_ratio_max: float = Field(default=0.60, ge=0, le=1)
    explanation_density_max: float = Field(default=0.05, ge=0, le=1)
    repetition_rate_max: float = Field(default=0.03, ge=0, le=1)
    repetition_span: int = Field(default=12, ge=2)
    repeated_4grams_max: int = Field(default=0, ge=0)
    voice_allowed_share_min: float = Field(default=0.5, ge=0, le=1)
    # Fewer attributed lines than this say too little about a voice to warn about it.
    voice_min_lines: int = Field(default=3, ge=0)
    hook_phrases: list[str] = Field(
        default_factory=lambda: ["그때", "순간", "하지만", "그런데", "설마", "누군가", "정체"]
    )

    @model_validator(mode="after")
    def _ranges(self) -> MetricSettings:
        _ordered(self, "avg_sentence_length_min", "avg_sentence_length_max")
        _ordered(self, "dialogue_ratio_min", "dialogue_ratio_max")
        return self


class BackendSettings(_Section):
    default: str = Field(default="offline", min_length=1)
    model: str = ""
    concurrency: int = Field(default=2, ge=1, le=32)
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_key_env: str = Field(default="OPENAI_API_KEY", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    # Where the key comes from: the variable named above, or the workspace's key file
    # (entered once in the 설정 screen; never in DuckDB, backups, exports or logs).
    openai_key_source: Literal["env", "file"] = "env"
    # Seconds one LLM call may take; 0 keeps the per-task defaults (seed 003 §11-2).
    call_timeout_seconds: float = Field(default=0, ge=0)
    codex_binary: str = Field(default="codex", min_length=1)
    # The offline demo writer: share of first drafts that miss the length range (exercises the
    # guard and retry, as real models do) and that slip into explanatory narration.
    offline_miss_share: float = Field(default=0.15, ge=0, le=1)
    offline_explain_share: float = Field(default=0.3, ge=0, le=1)
    # Seconds the offline writer waits per call, to rehearse a real model's pace.
    offline_latency: float = Field(default=0, ge=0)

    @field_validator("openai_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("http:// 또는 https:// URL이어야 합니다")
        return value


class ContextSettings(_Section):
    # The template's fixed rules alone take several hundred characters (DESIGN §6).
    budget_chars: int = Field(default=12000, ge=1000, le=1_000_000)


class QueueSettings(_Section):
    workers: int = Field(default=2, ge=1, le=32)
    # A job waits out a backend outage this long before it fails (DESIGN §8).
    outage_patience_seconds: float = Field(default=600, ge=0)
    backoff_initial_seconds: float = Field(default=2, gt=0)
    backoff_max_seconds: float = Field(default=60, gt=0)
    # A running job whose heartbeat is older than this belongs to a dead owner.
    heartbeat_stale_seconds: float = Field(default=120, gt=0)

    @model_validator(mode="after")
    def _backoff(self) -> QueueSettings:
        _ordered(self, "backoff_initial_seconds", "backoff_max_seconds")
        return self


class BackupSettings(_Section):
    # Weekly on Sunday at 03:00 local time by default (week-5 seed, D34); 0 = Sunday.
    enabled: bool = True
    day_of_week: int = Field(default=0, ge=0, le=6)
    hour: int = Field(default=3, ge=0, le=23)
    minute: int = Field(default=0, ge=0, le=59)
    keep: int = Field(default=4, ge=1)


class CanonSettings(_Section):
    """The canon ledger (DESIGN §13): foreshadow due dates, repeated functions, absences."""

    # A foreshadow with no due episode in the events answer is due this many episodes later
    # (capped at the last episode of its season).
    foreshadow_window: int = Field(default=30, ge=1)
    # More open foreshadows than this and the context and the report warn.
    max_open_foreshadows: int = Field(default=12, ge=1)
    # Open foreshadows due within this many episodes are put first, with the overdue ones.
    due_soon_episodes: int = Field(default=3, ge=0)
    # A main or supporting character unseen for more episodes than this is reported absent.
    absence_window: int = Field(default=20, ge=1)
    # An outline is compared with this many earlier outlines before drafting.
    repeat_window: int = Field(default=10, ge=1, le=200)
    # Similarity (0-1, character trigram cosine) above which an outline repeats an earlier one.
    repeat_threshold: float = Field(default=0.8, gt=0, le=1)
    # warn: log and report; retry: ask for a new outline with the warning fed back.
    repeat_action: Literal["warn", "retry"] = "retry"


class ExportSettings(_Section):
    # Platform episodes (`export --format munpia|naver|kakao`): characters with spaces per
    # piece; Munpia's paid minimum is 5,000, agencies recommend about 5,500.
    platform_chars: int = Field(default=5500, ge=5000, le=20000)


class Settings(_Section):
    generation: GenerationSettings = Field(default_factory=GenerationSettings)
    metrics: MetricSettings = Field(default_factory=MetricSettings)
    backend: BackendSettings = Field(default_factory=BackendSettings)
    context: ContextSettings = Field(default_factory=ContextSettings)
    queue: QueueSettings = Field(default_factory=QueueSettings)
    backup: BackupSettings = Field(default_factory=BackupSettings)
    canon: CanonSettings = Field(default_factory=CanonSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)


def load_settings(path: Path) -> Settings:
    """Read `novelcraft.toml`; a missing file means all defaults.

    A bad value is refused here, at load, as `novelcraft.toml:LINE: key: problem`."""
    if not path.exists():
        return Settings()
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: UTF-8 텍스트가 아닙니다 ({exc.start}번째 바이트)") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: TOML 형식이 잘못되었습니다: {toml_problem(str(exc))}") from None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(str(p) for p in err["loc"])
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, SettingProblem):
            loc = (*loc, cause.key)
        message = problem_text(err)
        raise BadInput(f"{path}:{key_line(text, loc)}: {'.'.join(loc)}: {message}") from None


_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\- \"]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*\"?([A-Za-z0-9_\-]+)\"?\s*=")


def key_line(text: str, loc: tuple[str, ...]) -> int:
    """The line that sets `section.key` (else the section's header, else 1): tomllib keeps
    no positions, and settings files are flat tables of simple keys."""
    section, key = (loc[0], loc[1]) if len(loc) > 1 else (None, loc[0] if loc else None)
    current: str | None = None
    header = 0
    for number, line in enumerate(text.splitlines(), start=1):
        table = _TABLE.match(line)
        if table:
            current = table.group(1).replace('"', "").replace(" ", "")
            if current == section:
                header = number
            continue
        found = _KEY.match(line)
        if found and current == section and found.group(1) == key:
            return number
    return header or 1


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def render_settings_toml(settings: Settings | None = None) -> str:
    settings = settings or Settings()
    lines = ["# NovelCraft workspace settings. Every key is optional; these are the defaults."]
    for section, model in settings:
        lines.append("")
        lines.append(f"[{section}]")
        for key, value in model:
            lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def write_settings(path: Path, settings: Settings) -> None:
    """Write `novelcraft.toml` atomically: a reader sees the old file or the new one."""
    from novelcraft.files import write_file_atomically

    write_file_atomically(path, render_settings_toml(settings))
