"""What a route declares and what its call receives.

An `Endpoint` names its method and path, its body and response types (the OpenAPI document is
generated from them) and the call that answers it; the call gets a `Request` (the Workspace,
path arguments, checked query arguments, the validated body) and returns a model, plain data
or a `Download`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from novelcraft.api.bodies import MAX_EPISODE
from novelcraft.errors import BadInput


@dataclass(frozen=True)
class Download:
    """A file answer: bytes, their media type and a suggested file name."""

    data: bytes
    content_type: str
    filename: str


class Query:
    """Query arguments, checked: a bad one is a 422 naming the argument."""

    def __init__(self, values: dict[str, str]):
        self.values = values

    def text(self, name: str, default: str | None = None) -> str | None:
        return self.values.get(name, default)

    def choice(self, name: str, options: tuple[str, ...], default: str) -> str:
        value = self.values.get(name, default)
        if value not in options:
            raise BadInput(
                f"{name}: 다음 중 하나여야 합니다: {', '.join(options)} (입력값 {value!r})"
            )
        return value

    def integer(
        self, name: str, default: int | None = None, *, low: int = 0, high: int = 2**31 - 1
    ) -> int | None:
        raw = self.values.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise BadInput(f"{name}: 정수여야 합니다 (입력값 {raw!r})") from None
        if not low <= value <= high:
            raise BadInput(f"{name}: {low}에서 {high} 사이여야 합니다 (입력값 {value})")
        return value

    def flag(self, name: str, default: bool) -> bool:
        raw = self.values.get(name)
        if raw is None:
            return default
        if raw.lower() in ("1", "true", "yes"):
            return True
        if raw.lower() in ("0", "false", "no"):
            return False
        raise BadInput(f"{name}: true 또는 false여야 합니다 (입력값 {raw!r})")


@dataclass
class Request:
    ws: Any
    path: dict[str, str]
    query: Query
    body: Any = None

    @property
    def slug(self) -> str:
        return self.path["slug"]

    @property
    def number(self) -> int:
        raw = self.path["n"]
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_EPISODE:
            raise BadInput(f"n: 회차 번호는 1에서 {MAX_EPISODE} 사이여야 합니다 (입력값 {raw!r})")
        return int(raw)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    call: Callable[[Request], Any]
    body: type[BaseModel] | None = None
    # "json" bodies are validated by `body`; "yaml" and "bytes" arrive as raw bytes.
    body_kind: str = "json"
    response: Any = None
    status: int = 200
    max_body: int = 2 * 1024 * 1024
    query: tuple[str, ...] = field(default_factory=tuple)
