"""NovelCraft: write long Korean web novels with an LLM."""

__version__ = "0.1.0"


def connect(workspace=None, *, create: bool = False, serve: bool = True, wait: float = 10.0):
    """The one Workspace interface every front end uses (DESIGN §2): in-process when this
    process can own the store (then it serves the API and runs jobs until closed, unless
    `serve=False`), else an HTTP client of the owner that holds it."""
    from novelcraft.workspace.connect import connect as _connect

    return _connect(workspace, create=create, serve=serve, wait=wait)
