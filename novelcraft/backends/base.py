"""The LLM backend contract: prompt in, text out, nothing else (DESIGN §5).

A backend subclass sets a few class attributes and implements one method, `execute`. The base
class owns the public `complete`: option validation, bounded concurrency and timing. Backends
never touch the store; the caller records every call in `llm_calls` (CONVENTIONS 1, 3).
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from novelcraft.errors import BadInput
from novelcraft.field_problems import problem_text
from novelcraft.redact import redact
from novelcraft.settings import BackendSettings


class Completion(BaseModel):
    text: str
    usage: dict[str, int] = Field(default_factory=dict)
    duration: float = 0.0
    backend: str = ""
    model: str = ""


class BackendError(Exception):
    """A call failed. `retryable` says whether the same call may succeed if tried again."""

    kind = "error"
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None):
        # Whoever builds the message, no credential from the environment survives into it.
        super().__init__(redact(message))
        self.retry_after = retry_after


class BackendTimeout(BackendError):
    kind = "timeout"


class EmptyAnswer(BackendError):
    kind = "empty"


class InvalidAnswer(BackendError):
    """The answer is not the JSON the task asked for (retried with the error fed back)."""

    kind = "invalid"


class ProcessFailed(BackendError):
    """A backend process exited non-zero or reported a failed turn."""

    kind = "exit"


class RateLimited(BackendError):
    kind = "rate_limit"


class BackendUnavailable(BackendError):
    """The service cannot be reached (refused, DNS, network down): an outage, not a bad call."""

    kind = "unavailable"


class BackendCancelled(BackendError):
    """The caller asked the call to stop (a cancelled job); a running process was killed."""

    kind = "cancelled"
    retryable = False


class RequestRejected(BackendError):
    """The service refused this request (an HTTP 4xx other than auth or rate limit)."""

    kind = "rejected"
    retryable = False


class BackendMisconfigured(BackendError):
    """Nothing to retry: the binary is missing, a key is not set, an option is wrong."""

    kind = "config"
    retryable = False


class BackendOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout: float = Field(default=300.0, gt=0)
    # What the call is for (bootstrap, outline, draft, style, revise, summary, events);
    # deterministic backends use it to pick their answer, others only for logs.
    purpose: str = ""


class Backend(ABC):
    backend_id: ClassVar[str]
    label: ClassVar[str] = ""
    supports_schema: ClassVar[bool] = False
    needs_key: ClassVar[bool] = False
    key_env_var: ClassVar[str | None] = None
    Options: ClassVar[type[BackendOptions]] = BackendOptions

    def __init__(
        self,
        settings: BackendSettings | None = None,
        *,
        model: str | None = None,
        key_file: Path | None = None,
    ):
        self.settings = settings or BackendSettings()
        # The workspace's key file, for backends that take a key (read at call time).
        self.key_file = key_file
        self.model = model or self.settings.model or self.default_model()
        self._slots = threading.BoundedSemaphore(max(1, self.settings.concurrency))

    def default_model(self) -> str:
        return ""

    def answers_at_once(self) -> bool:
        """True when a call returns in moments (an in-process writer without simulated
        latency): the pipeline need not commit what it deferred before such a call, as nobody
        waits during it; its rows land with the step's checkpoint a moment later."""
        return False

    def preflight(self) -> None:
        """Raise BackendMisconfigured if calls cannot work at all (checked when a job is
        submitted, so a missing binary is bad input rather than a failed job)."""
        return None  # most backends can only find out by calling

    def complete(
        self,
        prompt: str,
        *,
        schema: dict[str, Any] | None = None,
        options: dict[str, Any] | BackendOptions | None = None,
    ) -> Completion:
        """Run one call; raise a BackendError subclass on failure."""
        if isinstance(options, BackendOptions):
            opts = options
        else:
            try:
                opts = self.Options(**(options or {}))
            except ValidationError as exc:
                err = exc.errors()[0]
                raise BackendMisconfigured(
                    f"{self.backend_id}: 옵션 {'.'.join(map(str, err['loc']))}: {problem_text(err)}"
                ) from None
        with self._slots:
            start = time.monotonic()
            result = self.execute(prompt, schema=schema, options=opts)
            duration = time.monotonic() - start
        if isinstance(result, str):
            result = Completion(text=result)
        if not result.text.strip():
            raise EmptyAnswer(f"{self.backend_id}: 빈 답이 왔습니다")
        return result.model_copy(
            update={"duration": duration, "backend": self.backend_id, "model": self.model}
        )

    @abstractmethod
    def execute(
        self, prompt: str, *, schema: dict[str, Any] | None, options: BackendOptions
    ) -> str | Completion:
        """Send the prompt, return the answer text (or a Completion with usage)."""


REGISTRY: dict[str, type[Backend]] = {}


def register(cls: type[Backend]) -> type[Backend]:
    REGISTRY[cls.backend_id] = cls
    return cls


def get_backend(
    name: str,
    settings: BackendSettings | None = None,
    *,
    model: str | None = None,
    key_file: Path | None = None,
) -> Backend:
    from novelcraft.backends import load_builtin_backends

    load_builtin_backends()
    try:
        cls = REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise BadInput(f"알 수 없는 백엔드입니다: {name!r} (가능한 값: {known})") from None
    if cls.needs_key:
        return cls(settings, model=model, key_file=key_file)
    return cls(settings, model=model)
