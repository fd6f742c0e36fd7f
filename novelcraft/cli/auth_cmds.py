"""`novelcraft auth`: the users who may log in to a served dashboard (hashed passwords only).

A password is read from a hidden prompt, or from stdin with `--password-stdin`; never from the
command line, where every local user could read it in the process list.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from novelcraft.auth import USERS_FILE, add_user, load_users, remove_user
from novelcraft.cli.app import AppContext, pass_app
from novelcraft.errors import BadInput


def _users_file(app: AppContext, path: Path | None) -> Path:
    return path if path is not None else app.workspace / USERS_FILE


_FILE_OPTION = click.option(
    "--file",
    "path",
    type=click.Path(path_type=Path),
    default=None,
    help=f"사용자 파일 (기본값: 작업 공간의 {USERS_FILE}).",
)


@click.group(help="대시보드 로그인 사용자를 관리합니다 (`serve --basic-auth-file`용).")
def auth() -> None:
    """Manage dashboard login users (for `serve --basic-auth-file`)."""


@auth.command(
    "add", help="사용자 USER를 추가하거나 새 비밀번호를 정합니다. 사용자 파일 경로를 출력합니다."
)
@click.argument("user")
@_FILE_OPTION
@click.option("--password-stdin", is_flag=True, help="비밀번호를 표준 입력에서 읽습니다.")
@pass_app
def add(app: AppContext, user: str, path: Path | None, password_stdin: bool) -> None:
    """Add USER (or set a new password); prints the users file."""
    target = _users_file(app, path)
    if not target.parent.is_dir():
        raise BadInput(f"{target.parent}: 폴더가 없습니다")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("비밀번호", hide_input=True, confirmation_prompt="비밀번호 확인")
    new = add_user(target, user, password)
    click.echo(str(target))
    click.echo(f"사용자 {user}을(를) {'추가' if new else '갱신'}했습니다", err=True)


@auth.command("remove", help="사용자 파일에서 USER를 지웁니다.")
@click.argument("user")
@_FILE_OPTION
@pass_app
def remove(app: AppContext, user: str, path: Path | None) -> None:
    """Remove USER from the users file."""
    remove_user(_users_file(app, path), user)


@auth.command("list", help="사용자 파일의 사용자 이름을 보여 줍니다 (해시는 보여 주지 않음).")
@_FILE_OPTION
@pass_app
def list_users(app: AppContext, path: Path | None) -> None:
    """The user names in the users file (never their hashes)."""
    for name in load_users(_users_file(app, path)).names:
        click.echo(name)


def register(cli: click.Group) -> None:
    cli.add_command(auth)
