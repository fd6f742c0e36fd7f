"""`novelcraft serve`: own the workspace, run its job consumer and serve the dashboard.

The server writes `server.json` (pid, url, token) into the workspace so other processes can
find it (DESIGN §2), removes it on exit, and stops cleanly on Ctrl-C or SIGTERM: the job
consumer stops gracefully (running jobs resume from their checkpoint next time).
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from novelcraft.auth import Users
from novelcraft.cli.app import AppContext, pass_app

# Job threads are CPU-bound Python (writer, metrics) and hold the GIL for the whole default
# 5 ms slice; a request hops between the event loop and an executor thread several times, so
# a shorter slice lets reads answer in milliseconds while a batch runs (bench_api.py).
API_SWITCH_INTERVAL = 0.001


def run_server(
    app: AppContext,
    *,
    host: str = "127.0.0.1",
    port: int = 5006,
    workers: int | None = None,
    open_browser: bool = True,
    basic_auth: Users | None = None,
    oauth_provider: str | None = None,
) -> None:
    """Serve the workspace until interrupted. Refuses an unauthenticated network bind first."""
    from novelcraft.api.handlers import ApiContext, api_routes
    from novelcraft.api.record import new_token, remove_record, write_record
    from novelcraft.dashboards.server import build_server, check_bind, free_port
    from novelcraft.log_redaction import redact_logging
    from novelcraft.workspace import Workspace

    check_bind(host, basic_auth=basic_auth, oauth_provider=oauth_provider)
    port = port or free_port(host)
    sys.setswitchinterval(API_SWITCH_INTERVAL)
    ws = Workspace.open(app.workspace, create=True)
    api = None
    try:
        # The API rides on Panel's server here (its extra_patterns), not on a port of its own.
        ws.serve(workers, serve_api=False)
        api = ApiContext(ws=ws, token=new_token())
        server = build_server(ws, host=host, port=port, show=open_browser,
                              basic_auth=basic_auth, oauth_provider=oauth_provider,
                              extra_patterns=api_routes(api))  # fmt: skip
        redact_logging("bokeh", "tornado")  # Panel's handlers exist once it is imported
        url = f"http://{'localhost' if host in ('127.0.0.1', 'localhost') else host}:{port}/"
        server.start()
        write_record(ws.paths, f"http://{_client_host(host)}:{port}", api.token, "serve")
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
        remove_record(ws.paths)
        if api is not None:
            api.close()
        ws.close()


def _client_host(host: str) -> str:
    """Where a local client reaches the server: loopback for a loopback or wildcard bind."""
    if host in ("0.0.0.0", "::", "", "localhost"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


@click.command(help="대시보드를 열고 대기 중인 작업을 이 프로세스에서 실행합니다.")
@click.option("--host", default="127.0.0.1", show_default=True, help="열 주소.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=5006,
    show_default=True,
    help="포트 (0: 비어 있는 아무 포트).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="작업 스레드 수 (기본값: novelcraft.toml의 queue.workers).",
)
@click.option("--no-browser", is_flag=True, help="브라우저를 열지 않습니다.")
@click.option(
    "--basic-auth",
    metavar="USER:PASSWORD",
    default=None,
    help="이 사용자 한 명으로 로그인해야 합니다 (--basic-auth-file도 참고).",
)
@click.option(
    "--basic-auth-file",
    metavar="FILE",
    type=click.Path(path_type=Path),
    default=None,
    help="FILE에 있는 사용자로 로그인해야 합니다 (`novelcraft auth add USER`).",
)
@click.option(
    "--oauth-provider",
    metavar="NAME",
    default=None,
    envvar="PANEL_OAUTH_PROVIDER",
    help="Panel OAuth 제공자 (키와 비밀값은 환경 변수로).",
)
@pass_app
def serve(
    app: AppContext, host, port, workers, no_browser, basic_auth, basic_auth_file, oauth_provider
):
    """Serve the dashboard and run queued jobs in this process."""
    users = login_users(basic_auth, basic_auth_file)
    run_server(app, host=host, port=port, workers=workers, open_browser=not no_browser,
               basic_auth=users, oauth_provider=oauth_provider)  # fmt: skip


def login_users(spec: str | None, path: Path | None) -> Users | None:
    """The users of `--basic-auth USER:PASSWORD` and/or `--basic-auth-file FILE`."""
    from novelcraft.auth import load_users

    if spec is None and path is None:
        return None
    hashes = load_users(path).hashes() if path is not None else {}
    if spec is not None:
        hashes.update(Users.single(spec).hashes())
    return Users(hashes)


def register(cli: click.Group) -> None:
    cli.add_command(serve)
