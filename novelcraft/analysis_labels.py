"""What a person sees in the analysis notebooks: Korean names for metrics, columns, LLM
tasks, guard checks and stages (identifiers stay English in the frames themselves)."""

from __future__ import annotations

import pandas as pd

from novelcraft.canon.phrases import DUE_SOURCE_LABELS, STATUS_LABELS

# The metrics a notebook charts, in chart order, with the label a person sees.
METRIC_LABELS: dict[str, str] = {
    "length": "분량 (자)",
    "scene_count": "장면 수",
    "avg_sentence_length": "평균 문장 길이",
    "dialogue_ratio": "대화 비율",
    "explanation_density": "설명체 밀도",
    "repetition_rate": "반복률",
    "repeated_4grams": "상투 4-gram",
    "voice_score": "말투 일치율",
}
NO_SEASON = "시즌 외"
# Column headings a person sees when a notebook shows a table (`labelled`).
COLUMN_LABELS: dict[str, str] = {
    "project": "작품", "season": "시즌", "season_label": "시즌", "season_title": "시즌 제목",
    "episode": "회차", "stage": "단계", "attempt": "시도", "metric": "지표 키", "label": "지표",
    "episodes": "회차 수", "median": "중앙값", "band_min": "목표 하한", "band_max": "목표 상한",
    "in_band": "목표 안", "human_median": "사람 글 중앙값", "warnings": "경고 수",
    "out_of_band": "목표 밖 지표 수", "metrics": "목표 밖 지표", "passed": "가드 통과",
    "link": "대시보드", "first_pass_rate": "첫 초고 통과율", "guard_fail_rate": "가드 실패율",
    "retry_rate": "재시도 비율", "retry_success_rate": "재시도 성공률",
    "avg_length": "평균 분량", "check": "검사", "failed_first": "첫 초고 실패",
    "fixed_by_retry": "재시도로 해결", "calls": "호출 수", "failed": "실패 호출",
    "prompt_chars": "프롬프트 글자", "output_chars": "응답 글자", "seconds": "시간(초)",
    "calls_per_episode": "회차당 호출", "seconds_per_episode": "회차당 시간(초)",
    "character": "인물", "lines": "대사 수", "mean_share": "허용 어미 비율(평균)",
    "drift": "후반-전반 변화", "below_min": "기준 미달 회차", "banned": "금지 어미",
    "allowed_share": "허용 어미 비율", "banned_endings": "금지 어미", "top_ending": "최다 어미",
    "error_kind": "오류 종류", "purpose": "작업",
    "foreshadow_id": "복선 번호", "description": "내용", "characters": "인물",
    "due_episode": "회수 기한", "due_source": "기한 근거", "status": "상태",
    "resolved_episode": "회수 회차", "late": "늦은 회수", "due_soon": "기한 임박",
    "episodes_to_payoff": "회수까지 회차", "as_of_episode": "기준 회차", "planted": "심은 복선",
    "resolved": "회수", "resolved_late": "늦은 회수", "overdue": "기한 지남", "open": "열림",
    "dropped": "포기", "payoff_rate": "회수율",
    "median_episodes_to_payoff": "회수까지 회차(중앙값)",
}  # fmt: skip
# What each LLM task and guard check is called on screen.
PURPOSE_LABELS = {"outline": "아웃라인", "draft": "초고", "style": "문체 교정", "events": "이벤트",
                  "summary": "요약", "revise": "수정", "bootstrap": "바이블 생성"}  # fmt: skip
CHECK_LABELS = {"length": "분량", "scene_count": "장면 수", "ending_hook": "엔딩 훅",
                "banned_endings": "금지 어미", "banned_elements": "금지 요소"}  # fmt: skip
STAGE_LABELS = {"pass1": "초고", "final": "최종"}


def labelled(table: pd.DataFrame) -> pd.DataFrame:
    """The table with Korean column headings (and task, check and stage names) for display."""
    out = table.copy()
    for column, names in (("purpose", PURPOSE_LABELS), ("check", CHECK_LABELS),
                          ("stage", STAGE_LABELS), ("status", STATUS_LABELS),
                          ("due_source", DUE_SOURCE_LABELS)):  # fmt: skip
        if column in out:
            out[column] = out[column].map(lambda v, names=names: names.get(v, v))
    return out.rename(columns={**COLUMN_LABELS, **METRIC_LABELS})
