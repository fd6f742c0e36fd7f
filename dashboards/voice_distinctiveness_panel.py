"""Quality screen's voice-distinctiveness panel (seed §15): per season, how often a
leave-one-out classifier names the right speaker from ending profiles, against chance.
Computed on request: it reads every attributed line with Kiwi."""

from __future__ import annotations

import pandas as pd
import panel as pn
import param

from novelcraft.dashboards.feedback import Feedback, user_action
from novelcraft.dashboards.state import AppState


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


class VoiceDistinctivenessPanel(pn.viewable.Viewer, Feedback):
    state = param.ClassSelector(class_=AppState)
    results = param.List(default=[], doc="VoiceDistinctiveness per season.")

    def __init__(self, **params):
        super().__init__(**params)
        self.state.param.watch(lambda _e: setattr(self, "results", []), "project")

    @user_action
    def compute(self) -> None:
        self.results = self.state.ws.voice_distinctiveness(self.state.project)

    def rows(self) -> list[dict]:
        return [
            {
                "시즌": r.season,
                "대사 수": r.lines,
                "화자 수": r.speakers,
                "정답률": _share(r.accuracy),
                "우연 기준": _share(r.chance),
                "인물별": ", ".join(f"{k} {_share(v)}" for k, v in r.per_character.items()),
            }
            for r in self.results
        ]

    def __panel__(self):
        button = pn.widgets.Button(label="목소리 구별도 계산", css_classes=["nc-voice-compute"])
        button.on_click(lambda _e: self.compute())

        def table(_results):
            rows = self.rows()
            if not rows:
                return pn.pane.Markdown(
                    "대사만 보고 화자를 맞히는 비율입니다. 버튼을 눌러 계산하세요."
                )
            return pn.widgets.Tabulator(
                pd.DataFrame(rows), show_index=False, disabled=True, css_classes=["nc-voice-table"]
            )

        return pn.Column(
            "#### 목소리 구별도",
            button,
            self.message_pane(),
            pn.bind(table, self.param.results),
            sizing_mode="stretch_width",
        )
