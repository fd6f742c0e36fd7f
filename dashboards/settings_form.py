"""What the 설정 screen checks before it writes `novelcraft.toml`: one Korean line per field
that is wrong, so the author sees the problem beside the field instead of after a failed job."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

BACKEND_LABELS = {
    "offline": "오프라인 데모 작가 (네트워크 불필요)",
    "codex": "Codex 명령줄",
    "openai": "OpenAI 호환 API (OpenAI, vLLM, Ollama, llama.cpp)",
}
KEY_SOURCE_LABELS = {
    "env": "환경 변수에서 읽기",
    "file": "한 번 입력해 작업 공간에 보관 (권한 0600 파일)",
}
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
MAX_TIMEOUT_SECONDS = 3600
MAX_CONCURRENCY = 32


def _has_control(text: str) -> bool:
    return any(not c.isprintable() for c in text)


def field_errors(values: dict) -> dict[str, str]:
    """Field name -> what is wrong with it (empty when everything can be saved)."""
    errors: dict[str, str] = {}
    backend = values.get("backend")
    if backend not in BACKEND_LABELS:
        errors["backend"] = "알 수 없는 백엔드입니다."
    model = (values.get("model") or "").strip()
    if _has_control(model) or " " in model:
        errors["model"] = "모델 이름에 공백이나 제어 문자를 쓸 수 없습니다."
    elif backend == "openai" and not model:
        errors["model"] = "OpenAI 호환 API는 모델 이름이 필요합니다 (예: gpt-4o-mini, llama3)."
    url = (values.get("base_url") or "").strip()
    if backend == "openai" or url:
        parts = urlsplit(url)
        if _has_control(url) or " " in url:
            errors["base_url"] = "주소에 공백이나 제어 문자를 쓸 수 없습니다."
        elif parts.scheme not in ("http", "https") or not parts.hostname:
            errors["base_url"] = "http:// 또는 https://로 시작하는 주소를 넣으세요."
        else:
            try:
                parts.port  # noqa: B018 - raises on a malformed port
            except ValueError:
                errors["base_url"] = "주소의 포트 번호가 잘못되었습니다."
    if values.get("key_source") not in KEY_SOURCE_LABELS:
        errors["key_source"] = "키를 어디서 읽을지 고르세요."
    elif values.get("key_source") == "env" and not ENV_NAME.fullmatch(values.get("key_env") or ""):
        errors["key_env"] = (
            "환경 변수 이름은 영문자, 숫자, 밑줄만 쓸 수 있습니다 (예: OPENAI_API_KEY)."
        )
    timeout = values.get("timeout")
    if timeout is None or not 0 <= timeout <= MAX_TIMEOUT_SECONDS:
        errors["timeout"] = f"제한 시간은 0(작업별 기본값)에서 {MAX_TIMEOUT_SECONDS}초 사이입니다."
    concurrency = values.get("concurrency")
    if concurrency is None or not 1 <= concurrency <= MAX_CONCURRENCY:
        errors["concurrency"] = f"동시 호출 수는 1에서 {MAX_CONCURRENCY} 사이입니다."
    return errors


def settings_changes(values: dict) -> dict[str, dict]:
    """The form's values as `Workspace.update_settings` changes."""
    backend: dict = {
        "default": values["backend"],
        "model": (values.get("model") or "").strip(),
        "openai_key_source": values["key_source"],
        "call_timeout_seconds": float(values["timeout"]),
        "concurrency": int(values["concurrency"]),
    }
    if (values.get("base_url") or "").strip():
        backend["openai_base_url"] = values["base_url"].strip()
    if values["key_source"] == "env":
        backend["openai_key_env"] = values["key_env"]
    return {"backend": backend}
