"""The Codex CLI backend: `codex exec --json` with the prompt on stdin (DESIGN §5).

The binary is looked up once per call through `find_codex` (CONVENTIONS 10). Each call runs in
a fresh empty temp directory with a read-only sandbox and no saved session, in its own process
group, so a timeout or a cancel can kill codex together with everything it started. Offline,
codex waits for the network forever: only our timeout ends it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field

from novelcraft.backends.base import (
    Backend,
    BackendCancelled,
    BackendError,
    BackendMisconfigured,
    BackendOptions,
    BackendTimeout,
    BackendUnavailable,
    Completion,
    ProcessFailed,
    RateLimited,
    register,
)
from novelcraft.parse_problems import os_error_text
from novelcraft.redact import safe_line
from novelcraft.settings import BackendSettings

INSTALL_HINT = "npm install -g @openai/codex"
# How long codex and its children get to exit after SIGTERM before the group gets SIGKILL.
KILL_GRACE_SECONDS = 2.0
# How often a running call looks at its deadline and at the cancel hooks.
POLL_SECONDS = 0.1
DEFAULT_RATE_LIMIT_WAIT = 60.0
# codex exits 2 when clap rejects the command line: the installed codex does not match ours.
USAGE_EXIT_CODE = 2

_RATE_LIMIT = re.compile(r"\b429\b|usage limit|rate limit|rate_limit|too many requests", re.I)
_NETWORK = re.compile(
    r"stream disconnected|error sending request|failed to connect|waiting for network"
    r"|connection refused|connection reset|dns error|failed to lookup address"
    r"|network is unreachable|could not resolve host",
    re.I,
)
_RETRY_IN = re.compile(r"(?:try again|retry)\s+(?:in|after)\s+(.{1,80})", re.I)
_DURATION_PART = re.compile(
    r"(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?"
    r"|d|days?)\b",
    re.I,
)
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def find_codex(binary: str = "codex") -> str:
    """The one place the codex executable is looked up; a readable one-line error if missing."""
    path = shutil.which(binary)
    if path is None:
        raise BackendMisconfigured(
            f"codex가 설치되어 있지 않거나({INSTALL_HINT}) {binary!r}이(가) PATH에 없습니다. "
            "backend.codex_binary를 설정하거나 offline 백엔드를 쓰세요"
        )
    return path


def build_command(
    executable: str, *, workdir: Path, model: str, schema_file: Path | None
) -> list[str]:
    """The exact codex command line; the prompt goes to stdin (`-`), never into argv."""
    argv = [executable, "exec", "--json", "--ephemeral", "--skip-git-repo-check"]
    argv += ["-s", "read-only", "-C", str(workdir)]
    if model:
        argv += ["-m", model]
    if schema_file is not None:
        argv += ["--output-schema", str(schema_file)]
    argv.append("-")
    return argv


def strict_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Make a pydantic JSON schema acceptable to codex, which sends it with `strict: true`.

    Strict structured output wants every object closed (`additionalProperties: false`) with all
    its properties required, and no `default` keywords. Fields that had defaults become
    required; the pydantic model still accepts the answer.
    """

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: walk(value) for key, value in node.items() if key != "default"}
        if isinstance(out.get("properties"), dict):
            # Property *names* are data, not schema keywords: rebuild them untouched by the
            # keyword filter above (a field may be called "default").
            out["properties"] = {name: walk(sub) for name, sub in node["properties"].items()}
            out["required"] = list(out["properties"])
            out["additionalProperties"] = False
        elif out.get("type") == "object" and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out

    return walk(schema)


@dataclass
class CodexEvents:
    """What a codex run reported on stdout."""

    text: str | None = None
    completed: bool = False
    usage: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def parse_events(stdout: str) -> CodexEvents:
    """Read codex's JSONL; lines that are not JSON objects are ignored."""
    events = CodexEvents()
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict):
            continue
        kind = event.get("type")
        if kind == "item.completed":
            item = event.get("item")
            if isinstance(item, dict) and item.get("type") == "agent_message":
                text = item.get("text")
                events.text = text if isinstance(text, str) else ""
        elif kind == "turn.completed":
            events.completed = True
            usage = event.get("usage")
            if isinstance(usage, dict):
                events.usage = {
                    k: v for k, v in usage.items() if isinstance(v, int) and not isinstance(v, bool)
                }
        elif kind == "turn.failed":
            error = event.get("error")
            message = error.get("message") if isinstance(error, dict) else None
            events.failures.append(str(message or "턴이 실패했습니다"))
        elif kind == "error":
            events.failures.append(str(event.get("message") or "error"))
    return events


def seconds_to_wait(message: str) -> float | None:
    """Read "try again in 2 hours 5 minutes" / "retry after 30s" from a message, if present."""
    match = _RETRY_IN.search(message)
    if not match:
        return None
    total = 0.0
    found = False
    for number, unit in _DURATION_PART.findall(match.group(1)):
        unit = unit.lower()
        key = "ms" if unit.startswith("ms") or unit.startswith("milli") else unit[0]
        total += float(number) * _UNIT_SECONDS[key]
        found = True
    return total if found else None


def classify_failure(messages: list[str], *, prefix: str = "codex") -> BackendError:
    """Turn codex's failure messages into the error the retry policy understands."""
    last = messages[-1]
    for message in messages:
        if _RATE_LIMIT.search(message):
            wait = seconds_to_wait(message)
            return RateLimited(
                f"{prefix}: 요청 한도를 넘었습니다: {_one_line(message)}",
                retry_after=wait if wait is not None else DEFAULT_RATE_LIMIT_WAIT,
            )
    for message in messages:
        if _NETWORK.search(message):
            return BackendUnavailable(
                f"{prefix}: 서비스에 연결할 수 없습니다: {_one_line(message)}"
            )
    return ProcessFailed(f"{prefix}: {_one_line(last)}")


def _one_line(text: str, limit: int = 300) -> str:
    # codex may print its key (OPENAI_API_KEY/CODEX_API_KEY) or headers: mask, then cut.
    return safe_line(text, limit)


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return _one_line(lines[-1]) if lines else ""


def _error_line(text: str) -> str:
    """clap's usage errors start with "error:" and end with usage help: keep the error."""
    for line in text.splitlines():
        if line.strip().lower().startswith("error"):
            return _one_line(line)
    return _last_line(text)


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _leader_exited(proc: subprocess.Popen[bytes]) -> bool:
    """True once the leader has exited, without reaping it: a zombie leader keeps the process
    group id reserved, so the SIGKILL that follows cannot reach an unrelated group."""
    if proc.returncode is not None:
        return True
    try:
        return os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def stop_process_group(proc: subprocess.Popen[bytes], grace: float = KILL_GRACE_SECONDS) -> None:
    """SIGTERM the whole group, give it `grace` seconds, then SIGKILL whatever is left."""
    pgid = proc.pid  # start_new_session=True: the leader's pid is the group id
    _signal_group(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while not _leader_exited(proc) and time.monotonic() < deadline:
        time.sleep(0.02)
    _signal_group(pgid, signal.SIGKILL)


class CodexOptions(BackendOptions):
    model_config = ConfigDict(extra="forbid")

    # Polled while codex runs; True kills the process group and raises BackendCancelled.
    should_stop: Callable[[], bool] | None = Field(default=None, exclude=True)


def _feed(fd: int, data: bytes) -> None:
    """Write the prompt to codex's stdin and close it (EOF ends the prompt)."""
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except OSError:
        pass  # codex exited or was killed before it read everything: nothing left to do
    finally:
        os.close(fd)


@dataclass
class _Run:
    proc: subprocess.Popen[bytes]
    cancelled: threading.Event = field(default_factory=threading.Event)


@register
class CodexBackend(Backend):
    backend_id = "codex"
    label = "Codex 명령줄 도구 (`codex exec`)"
    supports_schema = True
    Options = CodexOptions

    def __init__(self, settings: BackendSettings | None = None, *, model=None, key_file=None):
        super().__init__(settings, model=model, key_file=key_file)
        self._lock = threading.Lock()
        self._running: list[_Run] = []

    def preflight(self) -> None:
        find_codex(self.settings.codex_binary)

    def kill_running(self) -> int:
        """Cancel every codex process this backend is running (from any thread).

        Each running call kills its process group within POLL_SECONDS and raises
        BackendCancelled. Returns how many calls were cancelled.
        """
        with self._lock:
            runs = list(self._running)
        for run in runs:
            run.cancelled.set()
        return len(runs)

    def execute(
        self, prompt: str, *, schema: dict[str, Any] | None, options: BackendOptions
    ) -> Completion:
        executable = find_codex(self.settings.codex_binary)
        should_stop = getattr(options, "should_stop", None)
        with tempfile.TemporaryDirectory(prefix="novelcraft-codex-") as tmp:
            workdir = Path(tmp) / "work"
            workdir.mkdir()
            schema_file = None
            if schema is not None:
                schema_file = Path(tmp) / "answer.schema.json"
                schema_file.write_text(
                    json.dumps(strict_json_schema(schema), ensure_ascii=False), encoding="utf-8"
                )
            argv = build_command(
                executable, workdir=workdir, model=self.model, schema_file=schema_file
            )
            returncode, stdout, stderr = self._run(
                argv, prompt.encode("utf-8"), options.timeout, should_stop
            )
        return self._answer(returncode, stdout, stderr)

    def _run(
        self,
        argv: list[str],
        data: bytes,
        timeout: float,
        should_stop: Callable[[], bool] | None,
    ) -> tuple[int, str, str]:
        # The prompt goes through a pipe of our own, written by a thread: communicate() with a
        # timeout cannot be retried with its input (CPython stops writing stdin after the
        # first TimeoutExpired), so a prompt larger than what codex reads within one poll
        # would never arrive whole and both sides would wait for ever.
        read_end, write_end = os.pipe()
        try:
            proc = subprocess.Popen(
                argv,
                stdin=read_end,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            os.close(write_end)
            raise BackendMisconfigured(
                f"codex: {argv[0]}을(를) 실행할 수 없습니다: {os_error_text(exc)}"
            ) from None
        finally:
            os.close(read_end)
        feeder = threading.Thread(
            target=_feed, args=(write_end, data), name="codex-stdin", daemon=True
        )
        feeder.start()
        run = _Run(proc)
        with self._lock:
            self._running.append(run)
        stopped: str | None = None
        try:
            deadline = time.monotonic() + timeout
            while True:
                if run.cancelled.is_set() or (should_stop is not None and should_stop()):
                    stopped = "cancelled"
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    stopped = "timeout"
                    break
                try:
                    out, err = proc.communicate(timeout=min(POLL_SECONDS, remaining))
                    break
                except subprocess.TimeoutExpired:
                    pass  # retrying communicate() loses no output
            if stopped is not None:
                stop_process_group(proc)
                out, err = self._drain(proc)
        finally:
            # Whatever happened, nothing codex started may outlive the call.
            _signal_group(proc.pid, signal.SIGKILL)
            if proc.returncode is None:
                proc.kill()
                proc.wait()
            with self._lock:
                self._running.remove(run)
            # The group is dead, so the pipe's reader is gone and the writer stops at once.
            feeder.join(KILL_GRACE_SECONDS)
        stdout = out.decode("utf-8", "replace")
        stderr = err.decode("utf-8", "replace")
        if stopped == "cancelled":
            raise BackendCancelled("codex: 요청에 따라 멈췄습니다")
        if stopped == "timeout":
            raise self._timeout_error(timeout, stdout, stderr)
        return proc.returncode, stdout, stderr

    @staticmethod
    def _drain(proc: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
        try:
            return proc.communicate(timeout=KILL_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            # Something outside the group still holds the pipes: give up on the output.
            for pipe in (proc.stdin, proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()
            proc.kill()
            proc.wait()
            return b"", b""

    @staticmethod
    def _timeout_error(timeout: float, stdout: str, stderr: str) -> BackendError:
        events = parse_events(stdout)
        seen = [*events.failures, *stderr.splitlines()]
        network = [message for message in seen if _NETWORK.search(message)]
        if network:
            return BackendUnavailable(
                f"codex: 서비스에 연결할 수 없어 {timeout:g}초 뒤 멈췄습니다: "
                f"{_one_line(network[-1])}"
            )
        return BackendTimeout(f"codex: {timeout:g}초 안에 답이 없어 프로세스 그룹을 끝냈습니다")

    @staticmethod
    def _answer(returncode: int, stdout: str, stderr: str) -> Completion:
        events = parse_events(stdout)
        if returncode == 0 and events.completed:
            return Completion(text=events.text or "", usage=events.usage)
        if events.failures:
            raise classify_failure(events.failures)
        if returncode == USAGE_EXIT_CODE:
            raise BackendMisconfigured(
                "codex가 명령줄을 거부했습니다 "
                f"(종료 코드 2, codex를 업데이트하세요: {INSTALL_HINT}): "
                f"{_error_line(stderr) or '메시지 없음'}"
            )
        if returncode != 0:
            detail = _last_line(stderr)
            if detail and (_RATE_LIMIT.search(detail) or _NETWORK.search(detail)):
                raise classify_failure([detail])
            raise ProcessFailed(
                f"codex가 종료 코드 {returncode}로 끝났습니다: {detail or '메시지 없음'}"
            )
        raise ProcessFailed("codex가 턴을 마치지 않고 끝났습니다 (turn.completed 이벤트 없음)")
