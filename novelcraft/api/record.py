"""`server.json`: how other processes find a workspace's owner (DESIGN §2).

Written by the owner once its API listens (pid, URL, token; mode 0600, the token is a
credential), removed on a clean exit. A file whose pid is dead is ignored, so a crashed owner
never sends clients to a port that is gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from datetime import UTC, datetime

from pydantic import BaseModel, ValidationError

from novelcraft.files import write_file_atomically
from novelcraft.workspace.paths import WorkspacePaths

MAX_RECORD_BYTES = 64 * 1024


class ServerRecord(BaseModel):
    pid: int
    url: str
    token: str
    kind: str = "api"
    started_at: str = ""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def write_record(paths: WorkspacePaths, url: str, token: str, kind: str) -> ServerRecord:
    record = ServerRecord(pid=os.getpid(), url=url.rstrip("/") + "/", token=token, kind=kind,
                          started_at=datetime.now(UTC).isoformat(timespec="seconds"))  # fmt: skip
    write_file_atomically(paths.server, record.model_dump_json())
    os.chmod(paths.server, 0o600)
    return record


def remove_record(paths: WorkspacePaths) -> None:
    """Remove server.json if this process wrote it (never another owner's)."""
    record = read_record(paths, live_only=False)
    if record is not None and record.pid == os.getpid():
        paths.server.unlink(missing_ok=True)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_record(paths: WorkspacePaths, *, live_only: bool = True) -> ServerRecord | None:
    try:
        with open(paths.server, "rb") as fh:
            raw = fh.read(MAX_RECORD_BYTES + 1)
    except OSError:
        return None
    if len(raw) > MAX_RECORD_BYTES:
        return None
    with contextlib.suppress(ValueError, ValidationError):
        record = ServerRecord.model_validate(json.loads(raw))
        if live_only and not pid_alive(record.pid):
            return None
        return record
    return None
