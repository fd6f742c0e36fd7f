"""Serving the dashboard: a Bokeh/Panel server over one in-process Workspace (DESIGN §2, §9).

`build_server` only builds it (the caller starts it and runs the IO loop), so the CLI, the
browser tests and the benchmark all serve the same app the same way.
"""

from __future__ import annotations

import ipaddress
import logging
import socket

import panel as pn
from panel.io.resources import LOCAL_DIST, use_cdn
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError

from novelcraft.auth import Users, cookie_secret
from novelcraft.dashboards.app import make_app, setup_extensions
from novelcraft.dashboards.login import HashedBasicAuthProvider
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


def reuse_page_sessions() -> None:
    """Send a tab its page at once and build its session while the browser loads the scripts.

    Every screen is the same page: one plain Panel page whose roots the session's document
    fills over the websocket. So the page is rendered from the first session's (Panel's session
    reuse; that session is kept for the life of the server) and, with 'warm', the tab's own
    session is built as soon as its page is sent: the ~0.1-0.25 s a screen takes to build
    overlaps the ~0.4 s the browser takes to run Bokeh's and Panel's scripts (issue 15). The
    query string still reaches the tab's own session, which reads its screen from it."""
    global _STYLESHEETS_LOCAL
    pn.config.reuse_sessions = "warm"
    if not _STYLESHEETS_LOCAL:
        pn.state.on_session_created(_local_stylesheets)
        _STYLESHEETS_LOCAL = True


_STYLESHEETS_LOCAL = False


def _local_stylesheets(_session_context) -> None:
    """Panel points a document's stylesheets at this server once it renders the document's
    own page; a session built for a reused page has none, and its widgets would ask the CDN
    for their CSS (offline: not at all). The apps are served at the top level, so the path
    is the one Panel gives a top-level page."""
    doc = pn.state.curdoc
    if doc is not None and not use_cdn():
        doc.template_variables.setdefault("dist_url", LOCAL_DIST)


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
