"""The editor's impact list (DESIGN §13 cascade): after an edit of this episode re-derived its
events and summary, the later episodes whose context used what changed, each with the reason
and a "다시 만들기" button that regenerates it."""

from __future__ import annotations

import panel as pn
import param

from novelcraft.dashboards.canon_labels import REASON_LABELS
from novelcraft.dashboards.feedback import Feedback, user_action
from novelcraft.dashboards.state import AppState


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


class EditImpact(pn.viewable.Viewer, Feedback):
    state = param.ClassSelector(class_=AppState)
    reasons = param.List(default=[], doc="StaleReasons caused by an edit of this episode.")
    job_id = param.String(default="", doc="The last 다시 만들기 job queued here.")

    def __init__(self, **params):
        super().__init__(**params)
        self.state.param.watch(
            lambda _e: self.refresh(), ["project", "episode", "episodes_changed"]
        )
        self.refresh()

    def refresh(self) -> None:
        if not self.state.project:
            self.reasons = []
            return
        self.reasons = self.state.ws.stale_reasons(
            self.state.project, source_episode=self.state.episode
        )

    @property
    def episodes(self) -> list[int]:
        return sorted({r.episode_number for r in self.reasons})

    @user_action
    def rebuild(self, number: int) -> None:
        self.job_id = self.state.ws.submit_episode(self.state.project, number, regenerate=True)
        self.say(f"{number}화 다시 만들기 작업을 등록했습니다", "info")

    def __panel__(self):
        def listing(reasons):
            if not reasons:
                return pn.Column()
            rows = [
                pn.pane.Markdown(
                    f"#### ⚠️ 이 회차 수정의 영향: {len(self.episodes)}개 회차",
                    css_classes=["nc-impact-title"],
                )
            ]
            for number in self.episodes:
                why = [
                    f"{REASON_LABELS[r.kind]} “{_short(r.description)}”"
                    for r in reasons
                    if r.episode_number == number
                ]
                button = pn.widgets.Button(
                    label="다시 만들기", width=110, css_classes=[f"nc-rebuild-{number}"]
                )
                button.on_click(lambda _e, n=number: self.rebuild(n))
                text = pn.pane.Markdown(
                    f"**{number}화** — 맥락에 쓰인 " + ", ".join(why), sizing_mode="stretch_width"
                )
                # The button first: a long reason must not push it out of view.
                rows.append(pn.Row(button, text, sizing_mode="stretch_width"))
            return pn.Column(*rows, css_classes=["nc-impact"], sizing_mode="stretch_width")

        return pn.Column(
            self.message_pane(), pn.bind(listing, self.param.reasons), sizing_mode="stretch_width"
        )
