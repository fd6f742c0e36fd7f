"""The bible screen's 인물 현황 tab (DESIGN §13): each character's last known condition and
relationships from the episodes' events, and the progressions that hold by now."""

from __future__ import annotations

import pandas as pd
import panel as pn
import param

from novelcraft.dashboards.state import AppState


class CharacterStatePanel(pn.viewable.Viewer):
    state = param.ClassSelector(class_=AppState)
    states = param.List(default=[], doc="CharacterState per character with anything known.")

    def __init__(self, **params):
        super().__init__(**params)
        self.state.param.watch(
            lambda _e: self.refresh(), ["project", "projects_changed", "episodes_changed"]
        )
        self.refresh()

    def refresh(self) -> None:
        self.states = (
            self.state.ws.character_states(self.state.project) if self.state.project else []
        )

    def rows(self) -> list[dict]:
        return [
            {
                "인물": s.name,
                "상태": (f"{s.condition_episode}화: {s.condition}" if s.condition else ""),
                "관계": " / ".join(s.relationships),
                "진행": " / ".join(s.progressions),
            }
            for s in self.states
        ]

    def __panel__(self):
        def table(_states):
            rows = self.rows()
            if not rows:
                return pn.pane.Markdown("아직 기록된 인물 상태가 없습니다.")
            return pn.widgets.Tabulator(
                pd.DataFrame(rows),
                show_index=False,
                disabled=True,
                sizing_mode="stretch_width",
                css_classes=["nc-character-states"],
            )

        return pn.Column(pn.bind(table, self.param.states), sizing_mode="stretch_width")
