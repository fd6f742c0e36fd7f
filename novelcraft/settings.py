"""Workspace settings: `novelcraft.toml`, every key with a default.

Settings are pydantic models with `extra="forbid"` so a misspelt key is reported instead of
silently ignored. `render_settings_toml` writes the defaults for `novelcraft init`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from novelcraft.errors import BadInput


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GenerationSettings(_Section):
    target_length: int = 8000
    min_length: int = 7000
    max_length: int = 9000
    min_scenes: int = 3
    max_retries: int = 2
    with_editor: bool = True
    # The edit pass may not move the length more than this share (DESIGN §6).
    edit_max_length_change: float = 0.15


class MetricSettings(_Section):
    avg_sentence_length_min: float = 15.0
    avg_sentence_length_max: float = 35.0
    dialogue_ratio_min: float = 0.40
    dialogue_ratio_max: float = 0.60
    explanation_density_max: float = 0.05
    repetition_rate_max: float = 0.03
    repetition_span: int = 12
    repeated_4grams_max: int = 0
    voice_allowed_share_min: float = 0.5
    # Fewer attributed lines than this say too little about a voice to warn about it.
    voice_min_lines: int = 3
    hook_phrases: list[str] = Field(
        default_factory=lambda: ["그때", "순간", "하지만", "그런데", "설마", "누군가", "정체"]
    )


class BackendSettings(_Section):
    default: str = "offline"
    model: str = ""
    concurrency: int = Field(default=2, ge=1, le=32)
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_key_env: str = "OPENAI_API_KEY"
    # Where the key comes from: the variable named above, or the workspace's key file
    # (entered once in the 설정 screen; never in DuckDB, backups, exports or logs).
    openai_key_source: Literal["env", "file"] = "env"
    # Seconds one LLM call may take; 0 keeps the per-task defaults (seed 003 §11-2).
    call_timeout_seconds: float = Field(default=0, ge=0)
    codex_binary: str = "codex"
    # The offline demo writer: share of first drafts that miss the length range (exercises the
    # guard and retry, as real models do) and that slip into explanatory narration.
    offline_miss_share: float = Field(default=0.15, ge=0, le=1)
    offline_explain_share: float = Field(default=0.3, ge=0, le=1)
    # Seconds the offline writer waits per call, to rehearse a real model's pace.
    offline_latency: float = Field(default=0, ge=0)


class ContextSettings(_Section):
    budget_chars: int = 12000


class QueueSettings(_Section):
    workers: int = Field(default=2, ge=1, le=32)
    # A job waits out a backend outage this long before it fails (DESIGN §8).
    outage_patience_seconds: float = Field(default=600, ge=0)
    backoff_initial_seconds: float = Field(default=2, gt=0)
    backoff_max_seconds: float = Field(default=60, gt=0)
    # A running job whose heartbeat is older than this belongs to a dead owner.
    heartbeat_stale_seconds: float = Field(default=120, gt=0)


class BackupSettings(_Section):
    # Weekly on Sunday at 03:00 local time by default (week-5 seed, D34); 0 = Sunday.
    enabled: bool = True
    day_of_week: int = Field(default=0, ge=0, le=6)
    hour: int = Field(default=3, ge=0, le=23)
    minute: int = Field(default=0, ge=0, le=59)
    keep: int = Field(default=4, ge=1)


class Settings(_Section):
    generation: GenerationSettings = Field(default_factory=GenerationSettings)
    metrics: MetricSettings = Field(default_factory=MetricSettings)
    backend: BackendSettings = Field(default_factory=BackendSettings)
    context: ContextSettings = Field(default_factory=ContextSettings)
    queue: QueueSettings = Field(default_factory=QueueSettings)
    backup: BackupSettings = Field(default_factory=BackupSettings)


def load_settings(path: Path) -> Settings:
    """Read `novelcraft.toml`; a missing file means all defaults."""
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: invalid TOML: {exc}") from None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        raise BadInput(f"{path}: {key}: {err['msg']}") from None


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
