"""The Workspace interface (DESIGN §2): the folder layout, its owner lock, and the facade."""

from novelcraft.workspace.local import DEFAULT_WORKSPACE, Workspace, workspace_root
from novelcraft.workspace.lock import OwnerLock, describe_owner
from novelcraft.workspace.paths import WorkspacePaths

__all__ = [
    "DEFAULT_WORKSPACE",
    "OwnerLock",
    "Workspace",
    "WorkspacePaths",
    "describe_owner",
    "workspace_root",
]
