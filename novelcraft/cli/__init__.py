"""Command-line entry point: every failure is one line on stderr and an exit code (DESIGN §11)."""

from __future__ import annotations

import os
import sys

import click

from novelcraft.cli import (
    auth_cmds,
    bible_cmds,
    canon_cmds,
    check_cmd,
    episode_cmds,
    generate_cmds,
    job_cmds,
    report_cmds,
    serve_cmd,
    workspace_cmds,
)
from novelcraft.cli.app import cli
from novelcraft.errors import NovelcraftError
from novelcraft.log_redaction import redact_logging

for module in (
    workspace_cmds,
    bible_cmds,
    episode_cmds,
    generate_cmds,
    job_cmds,
    report_cmds,
    canon_cmds,
    check_cmd,
    serve_cmd,
    auth_cmds,
):
    module.register(cli)


def _fail(message: str, code: int) -> None:
    click.echo(f"novelcraft: 오류: {message}", err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    # Everything this process writes (the store's WAL, the queue, exports, backups) is the
    # author's alone; the umask covers files created after Workspace.open's own chmod.
    previous_umask = os.umask(0o077)
    redact_logging()
    try:
        _run(argv)
    finally:
        os.umask(previous_umask)


def _run(argv: list[str] | None) -> None:
    from novelcraft.backends.base import BackendError

    try:
        code = cli.main(args=argv, prog_name="novelcraft", standalone_mode=False)
    except NovelcraftError as exc:
        _fail(str(exc), exc.exit_code)
    except BackendError as exc:
        # A misconfigured backend (no codex binary, no key) is the user's to fix.
        _fail(str(exc), 1 if exc.retryable else 2)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        sys.exit(2)
    except click.UsageError as exc:
        _fail(exc.format_message().splitlines()[0], 2)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except click.exceptions.Abort:
        _fail("중단했습니다", 1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _fail("사용자가 중단했습니다", 130)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:  # a bug: still one line, never a traceback
        _fail(f"내부 오류(버그): {type(exc).__name__}: {exc}", 1)
    sys.exit(code if isinstance(code, int) else 0)
