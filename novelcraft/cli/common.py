"""What several command modules share: reaching the workspace through `connect()`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from novelcraft.cli.app import AppContext
from novelcraft.workspace.connect import connect


@contextmanager
def open_workspace(app: AppContext, *, create: bool = False) -> Iterator:
    """The local Workspace when no other process owns it, else the owner's RemoteWorkspace.

    A command holds a local store only as long as it runs; commands that run a job become
    the owner for that time (see `novelcraft.cli.follow`)."""
    ws = connect(app.workspace, create=create, serve=False)
    try:
        yield ws
    finally:
        ws.close()
