"""What the editor's read-only tabs show: validation badges, events, version labels and the
context budget. Plain functions of data, so they are tested without a server."""

from __future__ import annotations

import html

from novelcraft.context import caps
from novelcraft.dashboards.metric_badges import badges
from novelcraft.models import EpisodeEvent, EpisodeVersion

EVENT_LABELS = {
    "plot": "플롯",
    "character_state": "인물 상태",
    "relationship": "관계",
    "foreshadow": "복선",
}
SECTION_LABELS = {
    "rules": "규칙(템플릿)",
    "world": "세계관",
    "voices": "말투 프로파일",
    "summaries": "이전 요약",
    "events": "진행 중 이벤트",
    "character_state": "인물 현황",
    "plot_position": "플롯 위치",
    "outline": "아웃라인",
    "instructions": "사용자 지시",
}
VERSION_KINDS = {
    "pass1": "1패스",
    "pass2": "2패스",
    "user": "작가 수정",
    "revise": "수정 지시",
    "import": "가져오기",
}


def validation_html(measurement: dict | None, settings) -> str:
    if not measurement:
        return "<p>아직 측정한 원고가 없습니다.</p>"
    lines = [
        f'<li class="nc-badge">{html.escape(b.line())}</li>' for b in badges(measurement, settings)
    ]
    guard = measurement.get("guard") or {}
    verdict = "✅ 가드 통과" if measurement.get("passed") else "⚠️ 가드 실패"
    reasons = "".join(f"<li>{html.escape(f['reason'])}</li>" for f in guard.get("failures", []))
    tips = "".join(
        f"<li>{html.escape(w['suggestion'])}</li>" for w in measurement.get("warnings", [])
    )
    out = f'<ul class="nc-badges" style="list-style:none;padding-left:0">{"".join(lines)}</ul>'
    out += f"<p><b>{verdict}</b></p>"
    if reasons:
        out += f"<ul>{reasons}</ul>"
    if tips:
        out += f"<p>교정 제안</p><ul>{tips}</ul>"
    return out


def events_markdown(events: list[EpisodeEvent]) -> str:
    if not events:
        return "이번 화에서 추출된 이벤트가 없습니다."
    rows = []
    for e in events:
        who = f" ({', '.join(e.characters_involved)})" if e.characters_involved else ""
        done = f" — {e.resolved_in_episode}화에서 회수" if e.resolved_in_episode else ""
        rows.append(
            f"- **{EVENT_LABELS.get(e.event_type, e.event_type)}**: {e.description}{who}{done}"
        )
    return "\n".join(rows)


def version_label(v: EpisodeVersion) -> str:
    when = v.created_at.strftime("%m-%d %H:%M:%S") if v.created_at else ""
    return f"v{v.version} · {VERSION_KINDS.get(v.kind, v.kind)} · {when}"


def context_rows(sizes: dict[str, int], budget: int) -> list[dict]:
    """Per section: size, cap and share of the cap used (DESIGN §6, seed §2-2)."""
    limits = caps(budget)
    rows = []
    for name, label in SECTION_LABELS.items():
        used, cap = int(sizes.get(name, 0)), limits.get(name, 0)
        rows.append(
            {
                "section": label,
                "chars": used,
                "cap": cap,
                "over": used > cap,
                "share": used / cap if cap else 0.0,
            }
        )
    return rows


def context_html(sizes: dict[str, int], budget: int) -> str:
    if not sizes:
        return "<p>아직 이 회차의 프롬프트가 만들어지지 않았습니다.</p>"
    bars = []
    for row in context_rows(sizes, budget):
        width = min(100, int(row["share"] * 100))
        colour = "#d1495b" if row["over"] else "#00798c"
        bars.append(
            f'<div style="display:flex;align-items:center;gap:8px;margin:3px 0">'
            f'<span style="width:120px">{row["section"]}</span>'
            f'<span style="flex:1;background:#eee;height:12px"><span style="display:block;'
            f'width:{width}%;height:12px;background:{colour}"></span></span>'
            f'<span style="width:140px;text-align:right">'
            f"{row['chars']:,} / {row['cap']:,}자</span></div>"
        )
    total = int(sizes.get("total", sum(v for k, v in sizes.items() if k != "total")))
    return (
        f'<div class="nc-context">{"".join(bars)}<p>전체 프롬프트 {total:,}자 / 예산 '
        f"{budget:,}자</p></div>"
    )
