"""설정 장부 (canon ledger) screen (DESIGN §13): per season the open / due-soon / overdue /
resolved foreshadows and payoff rate, findings with their episode and quoted line, the
foreshadow timeline, character states, and the author's drop / move-due decisions."""

from __future__ import annotations

import pandas as pd
import panel as pn
import param

from novelcraft.canon.models import CanonReport
from novelcraft.dashboards.canon_labels import FINDING_LABELS, STATUS_LABELS
from novelcraft.dashboards.canon_timeline import foreshadow_timeline
from novelcraft.dashboards.feedback import Feedback, user_action
from novelcraft.dashboards.state import AppState


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def season_rows(report: CanonReport) -> list[dict]:
    return [
        {
            "시즌": f"{s.number} {s.title}".strip(),
            "회차": f"{s.first_episode}~{s.last_episode}",
            "쓴 회차": s.written_episodes,
            "열림": s.open,
            "임박": s.due_soon,
            "기한 지남": s.overdue,
            "회수": s.resolved,
            "늦은 회수": s.resolved_late,
            "포기": s.dropped,
            "회수율": _rate(s.payoff_rate),
            "발견/1만자": "-" if s.findings_per_10k is None else f"{s.findings_per_10k:.2f}",
        }
        for s in report.seasons
    ]


def finding_rows(report: CanonReport) -> list[dict]:
    return [
        {
            "시즌": s.number,
            "회차": f.episode,
            "종류": FINDING_LABELS[f.kind],
            "내용": f.detail,
            "인용": f.quote,
        }
        for s in report.seasons
        for f in s.findings
    ]


def foreshadow_rows(report: CanonReport) -> list[dict]:
    return [
        {
            "ID": f.id,
            "심은 화": f.planted_episode,
            "기한": f.due_episode,
            "상태": STATUS_LABELS[f.status] + (" · 임박" if f.due_soon else ""),
            "회수 화": "" if f.resolved_in_episode is None else f"{f.resolved_in_episode}화",
            "복선": f.description,
        }
        for f in report.foreshadows
    ]


def state_rows(report: CanonReport) -> list[dict]:
    return [
        {
            "인물": s.name,
            "상태": s.condition,
            "관계": " / ".join(s.relationships),
            "진행": " / ".join(s.progressions),
        }
        for s in report.character_states
    ]


class CanonScreen(pn.viewable.Viewer, Feedback):
    state = param.ClassSelector(class_=AppState)
    report = param.ClassSelector(class_=CanonReport, default=None)
    foreshadow = param.Integer(default=None, allow_None=True, doc="고른 복선의 번호")
    due_episode = param.Integer(default=1, bounds=(1, None))

    def __init__(self, **params):
        super().__init__(**params)
        self.state.param.watch(lambda _e: self.refresh(), ["project", "episodes_changed"])
        self.refresh()

    def refresh(self) -> None:
        if not self.state.project:
            self.report = None
            return
        self.report = self.state.ws.canon_report(self.state.project)

    @user_action
    def drop(self) -> None:
        if self.foreshadow is None:
            self.say("포기할 복선의 ID를 고르세요", "warning")
            return
        if self.report is None or self.foreshadow not in {f.id for f in self.report.foreshadows}:
            self.say(f"복선 {self.foreshadow}이(가) 없습니다", "warning")
            return
        f = self.state.ws.drop_foreshadow(self.state.project, self.foreshadow)
        self.refresh()
        self.say(f"복선 {f.id}을(를) 회수하지 않기로 했습니다")

    @user_action
    def move_due(self) -> None:
        if self.foreshadow is None:
            self.say("기한을 옮길 복선의 ID를 고르세요", "warning")
            return
        known = {f.id: f for f in self.report.foreshadows} if self.report else {}
        chosen = known.get(self.foreshadow)
        if chosen is None:
            self.say(f"복선 {self.foreshadow}이(가) 없습니다", "warning")
            return
        if self.due_episode <= chosen.planted_episode:
            self.say(f"기한은 심은 화({chosen.planted_episode}화) 뒤여야 합니다", "warning")
            return
        f = self.state.ws.move_foreshadow_due(self.state.project, self.foreshadow, self.due_episode)
        self.refresh()
        self.say(f"복선 {f.id}의 기한을 {f.due_episode}화로 옮겼습니다")

    def __panel__(self):
        w = pn.widgets

        def table(rows: list[dict], css: str, empty: str):
            if not rows:
                return pn.pane.Markdown(empty)
            return w.Tabulator(
                pd.DataFrame(rows),
                show_index=False,
                disabled=True,
                sizing_mode="stretch_width",
                css_classes=[css],
            )

        def body(report: CanonReport | None):
            if report is None:
                return pn.pane.Markdown("프로젝트를 고르세요.")
            warnings = [
                pn.pane.Alert(text, alert_type="warning", css_classes=["nc-canon-warning"])
                for text in report.warnings
            ]
            timeline = (
                pn.pane.HoloViews(
                    foreshadow_timeline(report.foreshadows), sizing_mode="stretch_width"
                )
                if report.foreshadows
                else pn.pane.Markdown("아직 심은 복선이 없습니다.")
            )
            return pn.Column(
                pn.pane.Markdown(f"{report.as_of_episode}화까지 기준"),
                *warnings,
                "#### 시즌별 장부",
                table(season_rows(report), "nc-canon-seasons", "시즌이 없습니다."),
                "#### 발견 사항",
                table(finding_rows(report), "nc-canon-findings", "발견 사항이 없습니다."),
                timeline,
                "#### 복선",
                table(foreshadow_rows(report), "nc-canon-foreshadows", "복선이 없습니다."),
                "#### 인물 현황",
                table(state_rows(report), "nc-canon-states", "기록된 인물 상태가 없습니다."),
                sizing_mode="stretch_width",
            )

        drop = w.Button(label="복선 포기", css_classes=["nc-canon-drop"])
        drop.on_click(lambda _e: self.drop())
        move = w.Button(label="기한 옮기기", color="primary", css_classes=["nc-canon-move"])
        move.on_click(lambda _e: self.move_due())
        return pn.Column(
            pn.pane.Markdown(pn.bind(lambda s: f"## 설정 장부 · `{s}`", self.state.param.project)),
            self.message_pane(),
            pn.Row(
                w.IntInput.from_param(self.param.foreshadow, name="복선 ID", width=120),
                w.IntInput.from_param(self.param.due_episode, name="새 기한(화)", width=120),
                move,
                drop,
            ),
            pn.bind(body, self.param.report),
            sizing_mode="stretch_width",
        )
