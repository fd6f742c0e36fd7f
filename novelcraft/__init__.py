"""NovelCraft: write long Korean web novels with an LLM."""

__version__ = "1.0.0rc1"


def connect(workspace=None, *, create: bool = False):
    """Open a workspace through the one interface every front end uses (DESIGN §2)."""
    from novelcraft.workspace import Workspace

    return Workspace.open(workspace, create=create)
