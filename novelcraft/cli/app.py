"""The root click group and the state every command shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from novelcraft.workspace import workspace_root


@dataclass
class AppContext:
    workspace: Path
    backend: str | None
    model: str | None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--workspace",
    metavar="DIR",
    help="Workspace folder (default: $NOVELCRAFT_HOME, else ./novelcraft-workspace).",
)
@click.option("--backend", type=click.Choice(["offline", "codex", "openai"]), default=None)
@click.option("--model", metavar="M", default=None, help="Model name passed to the backend.")
@click.version_option(package_name="novelcraft")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, backend: str | None, model: str | None):
    """NovelCraft: Korean web-novel writing with an LLM."""
    ctx.obj = AppContext(workspace=workspace_root(workspace), backend=backend, model=model)


pass_app = click.make_pass_decorator(AppContext)
