"""`novelcraft.connect()`: one Workspace interface whoever owns the store (DESIGN §2).

In-process when this process can take the owner lock; otherwise an HTTP client of the live
owner named in `server.json`. A short command may hold the lock for a moment without serving
(`novelcraft projects`), so a busy workspace without a live server is retried for `wait`
seconds before its owner is named in the error.
"""

from __future__ import annotations

import time
from pathlib import Path

from novelcraft.errors import WorkspaceBusy
from novelcraft.workspace.local import Workspace, workspace_root
from novelcraft.workspace.paths import WorkspacePaths

RETRY_EVERY = 0.1


def connect(
    workspace: Path | str | None = None,
    *,
    create: bool = False,
    serve: bool = True,
    wait: float = 10.0,
    command: str | None = None,
):
    """A local Workspace (serving its API and running jobs when `serve`), else a
    RemoteWorkspace over the owner's API."""
    from novelcraft.api.record import read_record
    from novelcraft.workspace.remote import RemoteWorkspace

    paths = WorkspacePaths(workspace_root(workspace))
    deadline = time.monotonic() + wait
    while True:
        try:
            ws = Workspace.open(paths.root, create=create, command=command)
        except WorkspaceBusy:
            record = read_record(paths)
            if record is not None:
                return RemoteWorkspace(paths, record.url, record.token, owner_pid=record.pid)
            if time.monotonic() >= deadline:
                raise
            time.sleep(RETRY_EVERY)
            continue
        if serve:
            try:
                ws.serve()
            except BaseException:
                ws.close()
                raise
        return ws
