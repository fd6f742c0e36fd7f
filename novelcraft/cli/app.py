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


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    help="NovelCraft: LLM으로 한국어 웹소설을 씁니다.",
)
@click.option(
    "--workspace",
    metavar="DIR",
    help="작업 공간 폴더 (기본값: $NOVELCRAFT_HOME, 없으면 ./novelcraft-workspace).",
)
@click.option(
    "--backend",
    type=click.Choice(["offline", "codex", "openai"]),
    default=None,
    help="이번 실행에 쓸 LLM 백엔드 (기본값: novelcraft.toml의 backend.default).",
)
@click.option("--model", metavar="M", default=None, help="백엔드에 넘길 모델 이름.")
@click.version_option(package_name="novelcraft")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, backend: str | None, model: str | None):
    """NovelCraft: Korean web-novel writing with an LLM."""
    ctx.obj = AppContext(workspace=workspace_root(workspace), backend=backend, model=model)


pass_app = click.make_pass_decorator(AppContext)
