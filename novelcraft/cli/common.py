"""What several command modules share: opening the workspace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from novelcraft.cli.app import AppContext
from novelcraft.workspace import Workspace


@contextmanager
def open_workspace(app: AppContext, *, create: bool = False) -> Iterator[Workspace]:
    ws = Workspace.open(app.workspace, create=create)
    try:
        yield ws
    finally:
        ws.close()
