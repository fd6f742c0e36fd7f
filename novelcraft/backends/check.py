"""The 설정 screen's "연결 시험": one short prompt to a backend, timed, reported in one line.

A check never raises for a backend failure: the author gets the kind of failure in Korean and
the backend's own one-line detail, so a wrong URL and a wrong key read differently."""

from __future__ import annotations

import time

from pydantic import BaseModel

from novelcraft.backends.base import Backend, BackendError

CHECK_PROMPT = "연결 시험입니다. '확인'이라고 한 단어로만 답하세요."
CHECK_TIMEOUT = 30.0
ANSWER_PREVIEW = 80

FAILURE_LABELS = {
    "timeout": "제한 시간 안에 답이 없습니다",
    "empty": "빈 답이 왔습니다",
    "invalid": "알아볼 수 없는 답이 왔습니다",
    "exit": "백엔드 실행이 실패했습니다",
    "rate_limit": "요청 한도에 걸렸습니다",
    "unavailable": "서버에 연결할 수 없습니다",
    "cancelled": "시험이 중단되었습니다",
    "rejected": "요청이 거부되었습니다",
    "config": "설정이 부족합니다",
    "auth": "인증에 실패했습니다 (키 확인)",
}


class BackendCheck(BaseModel):
    ok: bool
    backend: str
    model: str
    latency_ms: float
    answer: str = ""
    error: str = ""

    def line(self) -> str:
        """What the screen shows: latency and the start of the answer, or the failure."""
        who = f"{self.backend} · {self.model}" if self.model else self.backend
        if self.ok:
            return f"✅ 연결 성공 ({who}): {self.latency_ms:,.0f} ms — 답: {self.answer}"
        return f"❌ 연결 실패 ({who}): {self.error}"


def check_backend(backend: Backend, timeout: float = CHECK_TIMEOUT) -> BackendCheck:
    start = time.monotonic()
    try:
        backend.preflight()
        completion = backend.complete(
            CHECK_PROMPT, options={"timeout": timeout, "purpose": "check"}
        )
    except BackendError as exc:
        label = FAILURE_LABELS.get(exc.kind, "호출이 실패했습니다")
        detail = str(exc).splitlines()[0] if str(exc) else ""
        return BackendCheck(
            ok=False,
            backend=backend.backend_id,
            model=backend.model,
            latency_ms=(time.monotonic() - start) * 1000,
            error=f"{label}: {detail}" if detail else label,
        )
    answer = " ".join(completion.text.split())
    return BackendCheck(
        ok=True,
        backend=backend.backend_id,
        model=backend.model,
        latency_ms=(time.monotonic() - start) * 1000,
        answer=answer[:ANSWER_PREVIEW] + ("…" if len(answer) > ANSWER_PREVIEW else ""),
    )
