"""Serving the dashboard: a Bokeh/Panel server over one in-process Workspace (DESIGN §2, §9).

`build_server` only builds it (the caller starts it and runs the IO loop), so the CLI, the
browser tests and the benchmark all serve the same app the same way.
"""

from __future__ import annotations

import ipaddress
import logging
import socket

import panel as pn
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError

from novelcraft.auth import Users, cookie_secret
from novelcraft.dashboards.app import make_app, setup_extensions
from novelcraft.dashboards.login import HashedBasicAuthProvider
from novelcraft.dashboards.page_reuse import reuse_page_sessions
from novelcraft.errors import BadInput

LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, *, basic_auth, oauth_provider: str | None) -> None:
    """A non-loopback bind exposes the workspace: refuse it without authentication."""
    if not is_loopback(host) and not (basic_auth or oauth_provider):
        raise BadInput(
            f"--host {host}은(는) 루프백 주소가 아닙니다. 네트워크에 열기 전에 "
            "--basic-auth-file FILE 또는 --basic-auth USER:PASSWORD를 주세요 "
            "(또는 OAuth를 설정하세요)"
        )


class _ClosedSocketFilter(logging.Filter):
    """A browser tab that closes while the server pushes an update is normal, not an error:
    drop the WebSocketClosedError / StreamClosedError tracebacks Tornado and Bokeh log then."""

    CLOSED = (WebSocketClosedError, StreamClosedError)

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, self.CLOSED):
            return False
        return "WebSocketClosedError" not in record.getMessage()


def quiet_closed_sockets() -> None:
    loggers = (
        "asyncio",
        "tornado.application",
        "tornado.general",
        "bokeh",
        "bokeh.server",
        "panel",
    )
    for name in loggers:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _ClosedSocketFilter) for f in logger.filters):
            logger.addFilter(_ClosedSocketFilter())


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def build_server(
    ws,
    *,
    host: str = "127.0.0.1",
    port: int = 5006,
    show: bool = False,
    basic_auth: Users | None = None,
    oauth_provider: str | None = None,
    extra_patterns: list | None = None,
):
    """The (not yet started) server; `server.io_loop.start()` runs it.

    `basic_auth` is the users who may log in (hashed passwords, see `novelcraft.auth`); the
    session cookie is signed with the workspace's own secret, which the HTTP API shares.
    `extra_patterns` are Tornado routes served beside the app (the JSON API; they check auth
    themselves)."""
    check_bind(host, basic_auth=basic_auth, oauth_provider=oauth_provider)
    setup_extensions()
    reuse_page_sessions()
    quiet_closed_sockets()
    origins = [f"{host}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"]
    auth = {}
    if basic_auth:
        auth = {
            "auth_provider": HashedBasicAuthProvider(basic_auth),
            "cookie_secret": cookie_secret(ws.paths),
        }
    elif oauth_provider:
        auth = {"oauth_provider": oauth_provider, "cookie_secret": cookie_secret(ws.paths)}
    return pn.serve(
        {"/": make_app(ws)}, address=host, port=port, show=show, start=False,
        threaded=False, liveness=True, title="NovelCraft", websocket_origin=origins,
        extra_patterns=extra_patterns or [],
        verbose=False,  # `serve` prints the one URL itself
        **auth,
    )  # fmt: skip
