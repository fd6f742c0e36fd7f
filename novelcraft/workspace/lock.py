"""The workspace folder and its single owner (DESIGN §2, §3).

DuckDB lets one process open a database read-write, and its own lock error is a traceback with
no hint of who holds it. So the owner takes an advisory `flock` on `owner.lock` first and writes
who it is there; a second would-be owner reads that and gets one line naming the owner. The OS
drops the lock when the owner dies, so a crashed owner never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
from datetime import UTC, datetime

from novelcraft.errors import WorkspaceBusy
from novelcraft.workspace.paths import WorkspacePaths


def describe_owner(paths: WorkspacePaths) -> str:
    """Who holds the workspace, from what the owner wrote down (pid, command, server URL)."""
    info: dict = {}
    with contextlib.suppress(OSError, ValueError):
        info = json.loads(paths.lock.read_text(encoding="utf-8") or "{}")
    parts = [f"pid {info.get('pid', '?')}"]
    if info.get("command"):
        parts.append(f"`{info['command']}` 실행 중")
    try:
        server = json.loads(paths.server.read_text(encoding="utf-8"))
        if server.get("url") and server.get("pid") == info.get("pid"):
            parts.append(f"{server['url']}에서 서비스 중")
    except (OSError, ValueError):
        pass
    return ", ".join(parts)


class OwnerLock:
    """An exclusive, process-wide claim on a workspace, released on close or process death."""

    def __init__(self, paths: WorkspacePaths):
        self.paths = paths
        self._fd: int | None = None

    def acquire(self, command: str | None = None) -> OwnerLock:
        fd = os.open(self.paths.lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise WorkspaceBusy(
                f"작업 공간 {self.paths.root}을(를) 다른 프로세스가 쓰고 있습니다 "
                f"({describe_owner(self.paths)}). 그 프로세스를 멈추거나 그 서버를 통해 쓰세요"
            ) from None
        record = {
            "pid": os.getpid(),
            "command": command or " ".join(["novelcraft", *sys.argv[1:]])[:200],
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None
