"""Tornado handlers for the endpoint table: auth, body limits, `{error, detail}` errors.

Handlers are mounted twice over one code path: on Panel's server in `serve` (its
`extra_patterns`, which Panel's basic auth does NOT protect, so every handler checks auth
itself) and on the loopback server of any other owner (`novelcraft.api.server`).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import ValidationError
from pydantic_core import to_jsonable_python
from tornado.web import HTTPError, RequestHandler

from novelcraft.api import DEADLINE_HEADER, WRITE_METHODS
from novelcraft.api.endpoints import ENDPOINTS
from novelcraft.api.routing import Download, Endpoint, Query, Request
from novelcraft.errors import BadInput, NotFound, NovelcraftError, RevisionConflict
from novelcraft.field_problems import problem_text
from novelcraft.parse_problems import json_error_text

log = logging.getLogger("novelcraft.api")

# Error codes of the `error` field; the remote client maps them back to the same exceptions.
ERROR_CODES = {
    400: "invalid_json", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
    409: "stale_revision", 413: "too_large", 422: "invalid_input", 500: "operation_failed",
}  # fmt: skip


@dataclass
class ApiContext:
    """What every handler needs: the owner's Workspace, its token, the executor."""

    ws: Any
    token: str
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=4, thread_name_prefix="api")
    )

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


class ApiError(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def status_of(exc: BaseException) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, RevisionConflict):
        return 409
    if isinstance(exc, BadInput):
        return 422
    return 500


def _validation_detail(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "(body)"
    return f"{where}: {problem_text(err)}"


class ApiHandler(RequestHandler):
    """One path of the table; each HTTP method dispatches to its Endpoint."""

    endpoints: ClassVar[dict[str, Endpoint]] = {}

    def initialize(self, api: ApiContext) -> None:
        self.api = api

    # Panel's app may enable Tornado's own XSRF check; ours runs only for cookie sessions.
    def check_xsrf_cookie(self) -> None:
        return None

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None))[1]
        detail = exc.detail if isinstance(exc, ApiError) else self._reason
        self._send_error(status_code, detail)

    def _send_error(self, status: int, detail: str) -> None:
        self.clear()
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        if status == 401:
            self.set_header("WWW-Authenticate", 'Bearer realm="novelcraft"')
        code = ERROR_CODES.get(status, "error")
        self.finish(json.dumps({"error": code, "detail": detail}, ensure_ascii=False))

    # --- auth -------------------------------------------------------------------------------

    def _authenticate(self) -> None:
        header = self.request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            if hmac.compare_digest(header[7:].strip().encode(), self.api.token.encode()):
                return
            raise ApiError(401, "토큰이 올바르지 않습니다")
        if self.application.settings.get("cookie_secret") and self.get_signed_cookie("user"):
            if self.request.method in WRITE_METHODS:
                try:
                    RequestHandler.check_xsrf_cookie(self)
                except HTTPError:
                    raise ApiError(401, "쿠키 세션의 XSRF 토큰이 없거나 틀렸습니다") from None
            else:
                _ = self.xsrf_token  # sets the `_xsrf` cookie the next write must echo
            return
        raise ApiError(401, "인증이 필요합니다: Authorization: Bearer <token>")

    # --- dispatch ---------------------------------------------------------------------------

    async def _dispatch(self, **path: str) -> None:
        endpoint = self.endpoints.get(self.request.method)
        try:
            self._authenticate()
            if endpoint is None:
                raise ApiError(405, f"이 경로에서는 {self.request.method} 요청을 쓸 수 없습니다")
            body = self._body(endpoint)
            query = Query({k: self.get_query_argument(k) for k in self.request.query_arguments})
            request = Request(ws=self.api.ws, path=path, query=query, body=body)
            if endpoint.path == "/api/openapi.json":
                from novelcraft.api.openapi import openapi_document

                result = openapi_document()
            else:
                loop = asyncio.get_running_loop()
                deadline = self._deadline()
                result = await loop.run_in_executor(
                    self.api.executor, self._call_before, deadline, endpoint, request
                )
        except ApiError as exc:
            self._send_error(exc.status, exc.detail)
            return
        except NovelcraftError as exc:
            self._send_error(status_of(exc), str(exc))
            return
        except Exception:
            log.exception("API %s %s failed", self.request.method, self.request.path)
            self._send_error(500, "서버 내부 오류: 서버 로그를 확인하세요")
            return
        self._send(endpoint, result)

    def _deadline(self) -> float | None:
        """When the client stops waiting for this write (`RemoteWorkspace` sends it)."""
        if self.request.method not in WRITE_METHODS:
            return None
        raw = self.request.headers.get(DEADLINE_HEADER)
        try:
            return float(raw) if raw else None
        except ValueError:
            raise ApiError(400, f"{DEADLINE_HEADER}: 시각이 아닙니다: {raw[:40]!r}") from None

    def _call_before(self, deadline: float | None, endpoint: Endpoint, request: Request) -> Any:
        # Checked on the worker thread, right before the work: a write that waited behind a
        # stopped or busy owner past its deadline was already reported failed to its user.
        if deadline is not None and time.time() > deadline:
            log.warning(
                "dropped %s %s: its client gave up waiting", self.request.method, self.request.path
            )
            raise ApiError(408, "요청이 실행되기 전에 클라이언트가 기다리기를 그만두었습니다")
        return endpoint.call(request)

    def _body(self, endpoint: Endpoint) -> Any:
        declared = self.request.headers.get("Content-Length")
        size = len(self.request.body or b"")
        if (declared and declared.isdigit() and int(declared) > endpoint.max_body) or (
            size > endpoint.max_body
        ):
            raise ApiError(413, f"본문이 {endpoint.max_body}바이트보다 큽니다")
        if endpoint.body_kind in ("bytes", "yaml"):
            if endpoint.method != "GET" and not size:
                raise ApiError(400, "본문이 비어 있습니다")
            return self.request.body
        if endpoint.body is None:
            return None
        try:
            data = json.loads(self.request.body or b"")
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, f"JSON 형식이 잘못되었습니다: {json_error_text(exc)}") from None
        try:
            return endpoint.body.model_validate(data)
        except ValidationError as exc:
            raise ApiError(422, _validation_detail(exc)) from None

    def _send(self, endpoint: Endpoint, result: Any) -> None:
        if isinstance(result, Download):
            self.set_header("Content-Type", result.content_type)
            self.set_header("Content-Disposition", f'attachment; filename="{result.filename}"')
            self.finish(result.data)
            return
        self.set_status(endpoint.status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        payload = to_jsonable_python(result, by_alias=True) if result is not None else None
        self.finish(json.dumps(payload, ensure_ascii=False))

    async def get(self, **path: str) -> None:
        await self._dispatch(**path)

    async def post(self, **path: str) -> None:
        await self._dispatch(**path)

    async def put(self, **path: str) -> None:
        await self._dispatch(**path)

    async def delete(self, **path: str) -> None:
        await self._dispatch(**path)

    async def patch(self, **path: str) -> None:
        await self._dispatch(**path)


class ApiNotFound(ApiHandler):
    """Anything under /api/ no endpoint declares: 401 without auth, else a JSON 404."""

    async def _dispatch(self, **path: str) -> None:
        try:
            self._authenticate()
        except ApiError as exc:
            self._send_error(exc.status, exc.detail)
            return
        self._send_error(404, f"no API route {self.request.path}")


def _pattern(path: str) -> str:
    return re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$"


def api_routes(api: ApiContext) -> list[tuple]:
    """Tornado URL specs for every endpoint, plus the JSON 404 for the rest of /api/."""
    by_path: dict[str, dict[str, Endpoint]] = {}
    for endpoint in ENDPOINTS:
        by_path.setdefault(endpoint.path, {})[endpoint.method] = endpoint
    routes = []
    for path, methods in by_path.items():
        handler = type(f"Api{len(routes)}Handler", (ApiHandler,), {"endpoints": methods})
        routes.append((_pattern(path), handler, {"api": api}))
    routes.append((r"/api/.*", ApiNotFound, {"api": api}))
    return routes
