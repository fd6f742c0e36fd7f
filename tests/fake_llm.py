"""Fake LLMs for tests: a scripted backend, a local OpenAI-compatible server, a fake codex.

Nothing here is a builtin: `ScriptedBackend` is registered as "fake" only inside
`registered_fake()`, the server listens on 127.0.0.1 for one test, and the fake codex
executable (tests/fakes/codex) is put first on PATH by `FakeCodex`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from novelcraft.backends.base import (
    REGISTRY,
    Backend,
    BackendOptions,
    BackendTimeout,
    Completion,
)
from novelcraft.settings import BackendSettings

FAKES_DIR = Path(__file__).parent / "fakes"
FAKE_CODEX = FAKES_DIR / "codex"


# --- the scripted backend -------------------------------------------------------------------


@dataclass(frozen=True)
class Hang:
    """A scripted step that answers after `seconds`, or times out like a real backend when
    `seconds` is None or longer than the call's timeout."""

    seconds: float | None = None
    text: str = "late answer"


@dataclass
class FakeCall:
    prompt: str
    schema: dict[str, Any] | None
    options: BackendOptions


ScriptItem = str | Completion | BaseException | Hang | Callable[..., Any]


class ScriptedBackend(Backend):
    """Answers from a script: strings, Completions, exceptions (raised), Hang, or callables
    `(prompt, schema, options) -> str | Completion`. Records every call it gets."""

    backend_id = "fake"
    label = "scripted fake (tests only)"
    supports_schema = True

    def __init__(
        self,
        settings: BackendSettings | None = None,
        *,
        model: str | None = None,
        script: list[ScriptItem] | tuple[ScriptItem, ...] = (),
        default: ScriptItem | None = None,
        supports_schema: bool | None = None,
    ):
        super().__init__(settings, model=model or "fake-model")
        self.script: list[ScriptItem] = list(script)
        self.default = default
        if supports_schema is not None:
            self.supports_schema = supports_schema
        self.calls: list[FakeCall] = []
        self._lock = threading.Lock()
        self._released = threading.Event()

    @property
    def prompts(self) -> list[str]:
        return [call.prompt for call in self.calls]

    def add(self, *items: ScriptItem) -> None:
        with self._lock:
            self.script.extend(items)

    def release(self) -> None:
        """End every Hang at once (teardown)."""
        self._released.set()

    def execute(
        self, prompt: str, *, schema: dict[str, Any] | None, options: BackendOptions
    ) -> str | Completion:
        with self._lock:
            self.calls.append(FakeCall(prompt, schema, options))
            if self.script:
                item = self.script.pop(0)
            elif self.default is not None:
                item = self.default
            else:
                raise AssertionError(f"fake backend: nothing scripted for call {len(self.calls)}")
        if isinstance(item, Hang):
            if item.seconds is None or item.seconds > options.timeout:
                self._released.wait(options.timeout)
                raise BackendTimeout(f"fake: no answer within {options.timeout:g} s")
            self._released.wait(item.seconds)
            return item.text
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, str | Completion):
            return item
        return item(prompt, schema, options)


@contextlib.contextmanager
def registered_fake() -> Iterator[type[ScriptedBackend]]:
    """Register ScriptedBackend as "fake" for the duration of a test, then restore REGISTRY."""
    previous = REGISTRY.get("fake")
    REGISTRY["fake"] = ScriptedBackend
    try:
        yield ScriptedBackend
    finally:
        if previous is None:
            REGISTRY.pop("fake", None)
        else:
            REGISTRY["fake"] = previous


# --- a local OpenAI-compatible server -------------------------------------------------------


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes


@dataclass
class FakeOpenAIServer:
    """Chat completions on 127.0.0.1 (port 0) in a thread. Steps are dicts, one per request:
    {"mode": "ok", "text": ...}, {"mode": "empty"}, {"mode": "hang"},
    {"mode": "rate_limit", "retry_after": "7"}, {"mode": "status", "status": 500, "body": ...},
    {"mode": "truncated"}, {"mode": "raw", "status": 200, "body": "..."}."""

    default_text: str = "fake openai answer"
    # When set, an "ok" step without text answers with writer(prompt) (e.g. the demo writer).
    writer: Callable[[str], str] | None = None
    steps: deque[dict[str, Any]] = field(default_factory=deque)
    requests: list[ReceivedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._start(0)

    def _start(self, port: int) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._port = self._server.server_address[1]
        # Join request threads on close so no test leaves a thread behind.
        self._server.daemon_threads = False
        self._server.block_on_close = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/v1"

    def go_down(self) -> None:
        """Stop listening: clients get 'connection refused', as in a real outage."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def come_back(self) -> None:
        self._start(self._port)

    def queue(self, *steps: dict[str, Any]) -> None:
        with self._lock:
            self.steps.extend(steps)

    def next_step(self) -> dict[str, Any]:
        with self._lock:
            return self.steps.popleft() if self.steps else {"mode": "ok"}

    def record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> FakeOpenAIServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _chat_payload(model: str, text: str, prompt: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": len(prompt),
            "completion_tokens": len(text),
            "total_tokens": len(prompt) + len(text),
            "prompt_tokens_details": {"cached_tokens": 0},
        },
    }


def _handler_for(fake: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            headers = {k.lower(): v for k, v in self.headers.items()}
            fake.record(ReceivedRequest(self.path, headers, body, raw))
            step = fake.next_step()
            mode = step.get("mode", "ok")
            if mode == "hang":
                fake._release.wait(30)
                self.close_connection = True
                return
            model = body.get("model", "") if isinstance(body, dict) else ""
            try:
                prompt = body["messages"][0]["content"]
            except (KeyError, IndexError, TypeError):
                prompt = ""
            status, extra = 200, {}
            if mode in ("ok", "empty", "truncated"):
                default = fake.writer(prompt) if fake.writer else fake.default_text
                text = "" if mode == "empty" else step.get("text", default)
                payload = json.dumps(_chat_payload(model, text, prompt), ensure_ascii=False)
                data = payload.encode("utf-8")
                if mode == "truncated":
                    data = data[: len(data) // 2]
            elif mode == "rate_limit":
                status = 429
                if step.get("retry_after") is not None:
                    extra["Retry-After"] = str(step["retry_after"])
                data = json.dumps({"error": {"message": "Rate limit reached"}}).encode()
            else:  # "status" or "raw"
                status = step.get("status", 500)
                data = str(step.get("body", "")).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

    return Handler


# --- the fake codex executable --------------------------------------------------------------


class FakeCodex:
    """Puts tests/fakes/codex first on PATH; steps (dicts, see the script's docstring) are
    consumed one per run; every run is logged (argv, stdin, schema, pids)."""

    def __init__(self, tmp_path: Path, monkeypatch: Any):
        assert os.access(FAKE_CODEX, os.X_OK), f"{FAKE_CODEX} must be executable (chmod +x)"
        self.log_path = tmp_path / "codex-runs.jsonl"
        self.script_path = tmp_path / "codex-script.json"
        self.script_path.write_text("[]", encoding="utf-8")
        # The fake's `#!/usr/bin/env python3` finds this interpreter first.
        path = os.pathsep.join([str(FAKES_DIR), str(Path(sys.executable).parent)])
        monkeypatch.setenv("PATH", path + os.pathsep + os.environ.get("PATH", ""))
        monkeypatch.setenv("FAKE_CODEX_LOG", str(self.log_path))
        monkeypatch.setenv("FAKE_CODEX_SCRIPT", str(self.script_path))
        monkeypatch.delenv("FAKE_CODEX_MODE", raising=False)

    def queue(self, *steps: dict[str, Any]) -> None:
        current = json.loads(self.script_path.read_text(encoding="utf-8"))
        self.script_path.write_text(json.dumps([*current, *steps]), encoding="utf-8")

    def runs(self) -> list[dict[str, Any]]:
        if not self.log_path.exists():
            return []
        lines = self.log_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def leftovers(self) -> list[int]:
        """Live processes from any run: members of its process group, or its child."""
        left: set[int] = set()
        for run in self.runs():
            left.update(live_group_members(run["pgid"]))
            for pid in (run["pid"], run.get("child_pid")):
                if pid is not None and process_alive(pid):
                    left.add(pid)
        return sorted(left)


# --- processes and threads ------------------------------------------------------------------


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, process group) from /proc, or None when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[2])


def process_alive(pid: int) -> bool:
    """A zombie waiting for init to reap it counts as gone: it runs nothing."""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def live_group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[1] == pgid and stat[0] != "Z":
                members.append(int(entry.name))
    return members


# Waits for something that should happen soon: generous, since the machine may be busy; a
# passing test returns as soon as the condition holds.
def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def new_threads(before: set[threading.Thread], timeout: float = 30.0) -> list[threading.Thread]:
    """Threads started since `before` that are still running after `timeout`."""

    def extra() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t not in before and t.is_alive()]

    wait_until(lambda: not extra(), timeout)
    return extra()
