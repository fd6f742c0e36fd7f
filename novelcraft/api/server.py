"""The API on a loopback port of its own, for owners without a Panel server (DESIGN §2):
a foreground `generate`, the detached worker, a notebook that opened the workspace itself.

Tornado runs on a daemon thread with its own event loop; `start()` returns once the port
listens and `server.json` names it, `stop()` closes the port and removes the file.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application

from novelcraft.api.handlers import ApiContext, api_routes
from novelcraft.api.record import new_token, remove_record, write_record
from novelcraft.errors import OperationFailed

log = logging.getLogger("novelcraft.api")

HOST = "127.0.0.1"
START_TIMEOUT = 60.0
# Above every endpoint's own limit (the largest is an archive import), so those answer 413.
MAX_BODY = 128 * 1024 * 1024


def _quiet_access_log(handler) -> None:
    # A CLI command's stderr is for its own progress; requests are logged at debug level.
    log.debug("%s %s %s", handler.get_status(), handler.request.method, handler.request.uri)


class LoopbackApi:
    def __init__(self, ws, *, kind: str = "owner"):
        self.ws = ws
        self.kind = kind
        self.context = ApiContext(ws=ws, token=new_token())
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    def start(self) -> LoopbackApi:
        self._thread = threading.Thread(target=self._run, name="novelcraft-api", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT):
            raise OperationFailed(f"API 서버가 {START_TIMEOUT:.0f}초 안에 시작되지 않았습니다")
        if self._failure is not None:
            raise OperationFailed(f"{HOST}에서 API를 열 수 없습니다: {self._failure}")
        write_record(self.ws.paths, self.url, self.context.token, self.kind)
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            sockets = bind_sockets(0, HOST)
            app = Application(api_routes(self.context), log_function=_quiet_access_log)
            self._server = HTTPServer(app, max_body_size=MAX_BODY, xheaders=False)
            self._server.add_sockets(sockets)
            self.url = f"http://{HOST}:{sockets[0].getsockname()[1]}"
        except BaseException as exc:  # reported to start() in the calling thread
            self._failure = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    def stop(self) -> None:
        remove_record(self.ws.paths)
        loop, server = self._loop, self._server
        if loop is not None and server is not None and not loop.is_closed():

            def close() -> None:
                server.stop()
                loop.stop()

            loop.call_soon_threadsafe(close)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.context.close()
