"""`novelcraft serve`: own the workspace, run its job consumer and serve the dashboard.

The server writes `server.json` (pid, url, token) into the workspace so other processes can
find it (DESIGN §2), removes it on exit, and stops cleanly on Ctrl-C or SIGTERM: the job
consumer stops gracefully (running jobs resume from their checkpoint next time).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
from datetime import UTC, datetime

import click

from novelcraft.cli.app import AppContext, pass_app


def _write_server_file(ws, url: str, host: str, port: int) -> None:
    from novelcraft.files import write_file_atomically

    record = {
        "pid": os.getpid(), "url": url, "token": secrets.token_urlsafe(24), "host": host,
        "port": port, "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }  # fmt: skip
    write_file_atomically(ws.paths.server, json.dumps(record))
    os.chmod(ws.paths.server, 0o600)  # the token is a credential


def run_server(
    app: AppContext,
    *,
    host: str = "127.0.0.1",
    port: int = 5006,
    workers: int | None = None,
    open_browser: bool = True,
    basic_auth: str | None = None,
    oauth_provider: str | None = None,
) -> None:
    """Serve the workspace until interrupted. Refuses an unauthenticated network bind first."""
    from novelcraft.dashboards.server import build_server, check_bind, free_port
    from novelcraft.jobs.owner import Owner
    from novelcraft.workspace import Workspace

    check_bind(host, basic_auth=basic_auth, oauth_provider=oauth_provider)
    port = port or free_port(host)
    ws = Workspace.open(app.workspace, create=True)
    owner = None
    try:
        owner = Owner(ws, workers).start()
        server = build_server(ws, host=host, port=port, show=open_browser,
                              basic_auth=basic_auth, oauth_provider=oauth_provider)  # fmt: skip
        url = f"http://{'localhost' if host in ('127.0.0.1', 'localhost') else host}:{port}/"
        server.start()
        _write_server_file(ws, url, host, port)
        loop = server.io_loop

        def stop(*_args) -> None:
            loop.add_callback_from_signal(loop.stop)

        previous = signal.signal(signal.SIGTERM, stop)
        click.echo(f"NovelCraft 대시보드: {url}  (작업 공간 {ws.paths.root}, 끝내려면 Ctrl-C)")
        try:
            loop.start()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.stop()
        click.echo("대시보드를 멈췄습니다", err=True)
    finally:
        ws.paths.server.unlink(missing_ok=True)
        if owner is not None:
            owner.stop()
        ws.close()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=5006,
    show_default=True,
    help="Port (0: any free port).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Job worker threads (default: queue.workers in novelcraft.toml).",
)
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@click.option(
    "--basic-auth",
    metavar="USER:PASSWORD|FILE",
    default=None,
    help="Require a login (Panel basic auth); needed for a non-loopback --host.",
)
@click.option(
    "--oauth-provider",
    metavar="NAME",
    default=None,
    envvar="PANEL_OAUTH_PROVIDER",
    help="Panel OAuth provider (key/secret via env).",
)
@pass_app
def serve(app: AppContext, host, port, workers, no_browser, basic_auth, oauth_provider):
    """Serve the dashboard and run queued jobs in this process."""
    run_server(app, host=host, port=port, workers=workers, open_browser=not no_browser,
               basic_auth=basic_auth, oauth_provider=oauth_provider)  # fmt: skip


def register(cli: click.Group) -> None:
    cli.add_command(serve)
