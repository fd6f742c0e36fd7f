"""The dashboard server of `novelcraft serve`, plus one bare Panel page, for bench_dashboard.py.

    python benchmarks/dashboard_server.py WORKSPACE PORT

It does what `serve` does (opens the workspace, starts the job owner, serves `make_app` with
the same extensions and options) and also serves `/bare`: a Panel page with one line of text
and nothing of NovelCraft, the yardstick the screens are compared with, and `/framed`: the same
text inside the app's page frame, the frame every screen is drawn in. All come from this
one process, so the comparison shares its load, its Tornado loop and its JS bundles. It writes
`bench-server.json` (pid, port) into the workspace once it listens; SIGTERM stops it.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import panel as pn

from novelcraft.dashboards.app import make_app, setup_extensions
from novelcraft.dashboards.page_frame import PageFrame
from novelcraft.dashboards.page_reuse import reuse_page_sessions
from novelcraft.jobs.owner import Owner
from novelcraft.workspace import Workspace

BARE_TEXT = "빈 페이지"


def bare_page():
    return pn.Column(pn.pane.Markdown(BARE_TEXT, css_classes=["nc-bare"]))


def framed_page():
    """The bare text inside the app's page frame (header, sidebar): the part of every
    screen's time that is the frame, not the screen."""
    return PageFrame(title="NovelCraft", sidebar=[pn.pane.Markdown(BARE_TEXT)], main=[bare_page()])


def main() -> None:
    root, port = Path(sys.argv[1]), int(sys.argv[2])
    ws = Workspace.open(root)
    owner = Owner(ws).start()
    try:
        setup_extensions()
        reuse_page_sessions()
        origins = [f"127.0.0.1:{port}", f"localhost:{port}"]
        server = pn.serve(
            {"/": make_app(ws), "/bare": bare_page, "/framed": framed_page},
            address="127.0.0.1", port=port,
            show=False, start=False, threaded=False, liveness=True, title="NovelCraft",
            websocket_origin=origins,
        )  # fmt: skip
        server.start()
        (root / "bench-server.json").write_text(json.dumps({"pid": os.getpid(), "port": port}))
        loop = server.io_loop
        signal.signal(signal.SIGTERM, lambda *_: loop.add_callback_from_signal(loop.stop))
        loop.start()
        server.stop()
    finally:
        owner.stop()
        ws.close()


if __name__ == "__main__":
    main()
