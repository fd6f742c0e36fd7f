"""OpenAI-compatible chat completions: OpenAI, vLLM, Ollama, llama.cpp server (DESIGN §5).

Base URL, model and the name of the key's environment variable are settings, not subclasses.
The key is read from that variable at call time. When the variable is unset no Authorization
header is sent: local servers need none, and a server that does need one answers 401/403,
which is reported naming the variable. The key itself never appears in a message.
"""

from __future__ import annotations

import datetime
import email.utils
import functools
import json
import os
import re
import time
from typing import Any

import httpx

from novelcraft.backends.base import (
    Backend,
    BackendError,
    BackendMisconfigured,
    BackendOptions,
    BackendTimeout,
    BackendUnavailable,
    Completion,
    ProcessFailed,
    RateLimited,
    RequestRejected,
    register,
)
from novelcraft.redact import redact, safe_line
from novelcraft.settings import BackendSettings

DEFAULT_RATE_LIMIT_WAIT = 60.0
CONNECT_TIMEOUT = 10.0
_SCHEMA_NAME = re.compile(r"[^A-Za-z0-9_-]+")


# Building a TLS context (reading the CA bundle) costs ~40 ms of CPU; a batch makes hundreds
# of calls, so the context httpx would build for each client is built once.
@functools.cache
def _tls_context():
    return httpx.create_ssl_context()


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000": UTC with no claim about local time
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def response_format(schema: dict[str, Any]) -> dict[str, Any]:
    name = _SCHEMA_NAME.sub("_", str(schema.get("title") or "answer"))[:64] or "answer"
    return {
        "type": "json_schema",
        "json_schema": {"name": name, "schema": schema, "strict": False},
    }


@register
class OpenAIBackend(Backend):
    backend_id = "openai"
    label = "OpenAI 호환 API (`/v1/chat/completions`)"
    supports_schema = True
    needs_key = True
    key_env_var = "OPENAI_API_KEY"

    def __init__(self, settings: BackendSettings | None = None, *, model=None, key_file=None):
        super().__init__(settings, model=model, key_file=key_file)
        self.key_env_var = self.settings.openai_key_env
        self.base_url = self.settings.openai_base_url.rstrip("/")

    def preflight(self) -> None:
        if not self.model:
            raise BackendMisconfigured(
                "openai: 모델이 정해지지 않았습니다 (novelcraft.toml의 backend.model 또는 --model)"
            )

    def api_key(self) -> str:
        if self.settings.openai_key_source == "file":
            if self.key_file is None or not self.key_file.is_file():
                raise BackendMisconfigured(
                    "openai: 키를 작업 공간 키 파일에서 읽도록 했지만 저장된 키가 없습니다"
                )
            return self.key_file.read_text(encoding="utf-8").strip()
        return os.environ.get(self.key_env_var or "", "")

    @property
    def url(self) -> str:
        return f"{self.base_url}/chat/completions"

    def execute(
        self, prompt: str, *, schema: dict[str, Any] | None, options: BackendOptions
    ) -> Completion:
        if not self.model:
            raise BackendMisconfigured(
                "openai: 모델이 정해지지 않았습니다 (novelcraft.toml의 backend.model 또는 --model)"
            )
        key = self.api_key()
        try:
            return self._call(prompt, schema, options, key)
        except BackendError as exc:
            # Servers sometimes echo the request back; the details were masked before they were
            # cut (`_detail`), and this catches a key in any other part of the message.
            masked = redact(str(exc), [key])
            if masked != str(exc):
                raise type(exc)(masked, retry_after=exc.retry_after) from None
            raise

    def _call(
        self, prompt: str, schema: dict[str, Any] | None, options: BackendOptions, key: str
    ) -> Completion:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "user", "content": prompt}],
        }
        if schema is not None:
            body["response_format"] = response_format(schema)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        timeout = httpx.Timeout(options.timeout, connect=min(CONNECT_TIMEOUT, options.timeout))
        try:
            with httpx.Client(timeout=timeout, verify=_tls_context()) as client:
                response = client.post(self.url, json=body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise BackendUnavailable(
                f"openai: {self.base_url}에 연결할 수 없습니다: {_connect_reason(exc)}"
            ) from None
        except httpx.TimeoutException:
            raise BackendTimeout(
                f"openai: {self.base_url}에서 {options.timeout:g}초 안에 답이 없습니다"
            ) from None
        except httpx.TransportError as exc:
            raise ProcessFailed(
                f"openai: {self.base_url} 연결에 실패했습니다: {type(exc).__name__}: {exc}"
            ) from None
        return self._answer(response, key)

    def _answer(self, response: httpx.Response, key: str = "") -> Completion:
        status = response.status_code
        if status == 429:
            wait = parse_retry_after(response.headers.get("retry-after"))
            if wait is None and response.headers.get("retry-after-ms"):
                wait = (parse_retry_after(response.headers.get("retry-after-ms")) or 0) / 1000
            raise RateLimited(
                f"openai: 요청 한도를 넘었습니다 (HTTP 429): {_detail(response, key)}",
                retry_after=DEFAULT_RATE_LIMIT_WAIT if wait is None else wait,
            )
        if status in (401, 403):
            state = "설정되어 있음" if os.environ.get(self.key_env_var or "") else "설정되지 않음"
            raise BackendMisconfigured(
                f"openai: {self.base_url}이(가) 요청을 거부했습니다 (HTTP {status}). "
                f"${self.key_env_var}의 API 키를 확인하세요 ({state})"
            )
        if status == 404:
            raise BackendMisconfigured(
                f"openai: {self.url}이(가) 404로 답했습니다 (backend.openai_base_url과 모델 "
                f"{self.model!r}을(를) 확인하세요): {_detail(response, key)}"
            )
        if status >= 500:
            raise ProcessFailed(f"openai: 모델 서버 오류 (HTTP {status}): {_detail(response, key)}")
        if status >= 400:
            raise RequestRejected(
                f"openai: 요청이 거부되었습니다 (HTTP {status}): {_detail(response, key)}"
            )
        if status >= 300:
            raise ProcessFailed(f"openai: 예상하지 못한 응답 상태입니다 (HTTP {status})")
        try:
            data = response.json()
        except (ValueError, UnicodeDecodeError):
            raise ProcessFailed(
                f"openai: 응답이 올바른 JSON이 아닙니다 ({len(response.content)}바이트, "
                "잘렸을 수 있음)"
            ) from None
        try:
            message = data["choices"][0]["message"]
        except (KeyError, IndexError, TypeError):
            raise ProcessFailed("openai: 응답에 choices[0].message가 없습니다") from None
        content = message.get("content") if isinstance(message, dict) else None
        return Completion(text=content if isinstance(content, str) else "", usage=_usage(data))


def _usage(data: dict[str, Any]) -> dict[str, int]:
    raw = data.get("usage")
    if not isinstance(raw, dict):
        return {}
    usage = {k: v for k, v in raw.items() if isinstance(v, int) and not isinstance(v, bool)}
    # One vocabulary across backends (codex reports input_tokens/output_tokens).
    if "prompt_tokens" in usage:
        usage["input_tokens"] = usage["prompt_tokens"]
    if "completion_tokens" in usage:
        usage["output_tokens"] = usage["completion_tokens"]
    return usage


def _connect_reason(exc: Exception) -> str:
    """httpx's connect failures in Korean where we can tell which one it is."""
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, httpx.ConnectTimeout):
        return "연결 시간이 지났습니다"
    if "refused" in lowered:
        return "연결이 거부되었습니다 (서버가 켜져 있는지 확인하세요)"
    if "name or service not known" in lowered or "nodename" in lowered or "getaddrinfo" in lowered:
        return "주소를 찾을 수 없습니다"
    return text


def _detail(response: httpx.Response, key: str = "", limit: int = 300) -> str:
    text = response.text
    try:
        error = json.loads(text).get("error")
        if isinstance(error, dict) and error.get("message"):
            text = str(error["message"])
        elif isinstance(error, str):
            text = error
    except (ValueError, AttributeError):
        pass
    # Mask first, then cut: a key crossing the cut would otherwise be stored half-masked.
    return safe_line(text, limit, [key]) or "메시지 없음"
