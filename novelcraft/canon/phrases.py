"""The Korean lines the canon ledger puts into prompts and warnings, in one place."""

from __future__ import annotations

# What a foreshadow's status and the source of its due episode are called on every screen.
STATUS_LABELS = {"open": "열림", "resolved": "회수", "overdue": "기한 지남", "dropped": "포기"}
DUE_SOURCE_LABELS = {"answer": "모델 답", "window": "기본 간격", "season": "시즌 끝",
                     "author": "작가 지정"}  # fmt: skip

URGENT_NOTE = (
    "※ 앞쪽의 복선은 회수 기한이 지났거나 {soon}화 안에 다가왔습니다. "
    "이번 화에서 회수하거나 분명히 진전시키세요."
)
OVERDUE_TAG = "기한 지남: {due}화까지"
DUE_SOON_TAG = "{due}화까지 회수"
TOO_MANY_OPEN = "열린 복선이 {count}개로 상한 {cap}개를 넘었습니다. 새 복선보다 회수를 먼저 하세요."
REPEATED_OUTLINE = (
    "{episode}화 아웃라인이 {earlier}화와 같은 기능을 반복합니다 (유사도 {similarity:.2f}). "
    "장면의 목표·갈등·반전과 엔딩 훅을 {earlier}화와 다르게 설계하세요."
)
CONDITION = "상태({episode}화): {text}"
RELATION = "관계({episode}화): {text}"
PROGRESSION = "{episode}화부터: {fact}"
FINDING_OVERDUE = "{planted}화에 심은 복선이 {due}화까지 회수되지 않음"
FINDING_LATE = "{planted}화의 복선을 {due}화 기한보다 늦은 {resolved}화에 회수"
FINDING_REPEAT = "{earlier}화와 같은 기능의 아웃라인 (유사도 {similarity:.2f})"
FINDING_ABSENT = "{name}: {since}화 이후 {gap}화 동안 등장하지 않음"
FINDING_ABSENT_FROM_START = "{name}: 시즌 시작부터 {gap}화 동안 등장하지 않음"
