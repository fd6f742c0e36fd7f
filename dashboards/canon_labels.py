"""The Korean labels of the canon ledger's screens (statuses, finding kinds, stale reasons)."""

from __future__ import annotations

from novelcraft.canon.phrases import STATUS_LABELS

__all__ = ["FINDING_LABELS", "REASON_LABELS", "STATUS_COLOURS", "STATUS_LABELS"]
STATUS_COLOURS = {
    "open": "#1f77b4",
    "resolved": "#2ca02c",
    "overdue": "#d62728",
    "dropped": "#7f7f7f",
}
FINDING_LABELS = {
    "overdue_foreshadow": "미회수 복선",
    "late_payoff": "늦은 회수",
    "repeated_function": "기능 반복",
    "absent_character": "장기 부재",
}
REASON_LABELS = {"event": "사건", "summary": "요약"}
