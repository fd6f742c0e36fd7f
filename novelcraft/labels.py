"""The one table of Korean labels for job steps and statuses (CONVENTIONS §16).

A job's step is stored as machine data, a step key plus the episode it is on
(`("draft", 12)`); the CLI and the dashboard render it with `step_label`, and nothing parses a
label back.
"""

from __future__ import annotations

STEP_LABELS = {
    "queued": "대기 중",
    "requeued": "재시작 대기",
    "outline": "아웃라인",
    "draft": "1패스 초고",
    "guard": "가드 검증",
    "edit": "2패스 교정",
    "events": "사건 추출",
    "summary": "요약",
    "episode_done": "완료",
    "bootstrap": "바이블 생성",
    "completed": "완료",
    "failed": "실패",
    "canceled": "취소됨",
    "batch_stopped": "배치 중단",
}

# One table for the CLI and every screen (jobs, batch progress, the wizard).
JOB_STATUS_LABELS = {
    "queued": "대기 중",
    "running": "실행 중",
    "waiting": "백엔드 대기 중",
    "completed": "완료",
    "failed": "실패",
    "canceled": "취소됨",
}


def step_label(step: str | None, episode: int | None = None) -> str:
    """`("draft", 12)` → "12화 1패스 초고"; an unknown key is shown as it is."""
    label = STEP_LABELS.get(step or "", step or "")
    return f"{episode}화 {label}" if episode else label


def status_label(status: str) -> str:
    return JOB_STATUS_LABELS.get(status, status)


EPISODE_STATUS_LABELS = {
    "draft": "초안",
    "outline": "아웃라인",
    "generating": "생성 중",
    "generated": "생성 완료",
    "edited": "수정됨",
    "final": "완성",
}


def episode_status_label(status: str) -> str:
    return EPISODE_STATUS_LABELS.get(status, status)


JOB_TYPE_LABELS = {
    "batch": "배치",
    "episode": "회차",
    "bootstrap": "부트스트랩",
    "outline": "아웃라인",
    "revise": "수정 지시",
    "rederive": "사건·요약",
}


def job_type_label(job_type: str) -> str:
    return JOB_TYPE_LABELS.get(job_type, job_type)
