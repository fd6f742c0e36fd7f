"""Projects screen: every project with its episode count and last activity, and the
new-project wizard (concept → bootstrap job, or a Story Bible upload; then a 1화 trial)."""

from __future__ import annotations

import pandas as pd
import panel as pn
import param

from novelcraft.dashboards.feedback import Feedback, user_action
from novelcraft.dashboards.state import AppState
from novelcraft.dashboards.tables import korean_table
from novelcraft.dashboards.wizard import NewProjectWizard

COLUMNS = {
    "name": "이름",
    "slug": "슬러그",
    "genre": "장르",
    "episodes": "회차 수",
    "last_activity": "마지막 활동",
}


class ProjectsScreen(pn.viewable.Viewer, Feedback):
    state = param.ClassSelector(class_=AppState)
    rows = param.List(default=[], doc="ProjectSummary rows, as listed.")
    selected = param.String(default="", doc="Slug of the row the author picked.")

    def __init__(self, **params):
        super().__init__(**params)
        self.wizard = NewProjectWizard(state=self.state)
        self.state.param.watch(lambda _e: self.refresh(), "projects_changed")
        # The sidebar's choice is the selection here too ("선택:" follows it).
        self.state.param.watch(lambda e: setattr(self, "selected", e.new), "project")
        self.refresh()

    def refresh(self) -> None:
        self.rows = self.state.ws.list_projects()
        if self.selected not in {p.slug for p in self.rows}:
            self.selected = self.state.project if self.state.project else ""

    def table(self) -> pd.DataFrame:
        frame = pd.DataFrame(
            [
                {
                    "name": p.name,
                    "slug": p.slug,
                    "genre": p.genre,
                    "episodes": p.episodes,
                    "last_activity": (
                        p.last_activity.strftime("%Y-%m-%d %H:%M") if p.last_activity else ""
                    ),
                }
                for p in self.rows
            ],
            columns=list(COLUMNS),
        )
        return frame.rename(columns=COLUMNS)

    @user_action
    def open_selected(self, screen: str = "episodes") -> None:
        if not self.selected:
            self.say("먼저 표에서 프로젝트를 고르세요", "warning")
            return
        self.state.choose_project(self.selected, screen)

    def poll(self) -> None:
        self.wizard.poll()

    def __panel__(self):
        def render_table(rows):
            widget = korean_table(
                self.table(),
                page_size=10,
                hidden_columns=[COLUMNS["slug"]],  # romanized ids are for URLs and the CLI
                selectable=1,
                selection=[i for i, p in enumerate(rows) if p.slug == self.selected][:1],
                sizing_mode="stretch_width",
                css_classes=["nc-projects-table"],
            )

            def on_select(event):
                if event.new:
                    self.selected = self.rows[event.new[0]].slug

            widget.param.watch(on_select, "selection")
            return widget

        open_episodes = pn.widgets.Button(label="회차 목록 열기", color="primary")
        open_episodes.on_click(lambda _e: self.open_selected("episodes"))
        open_bible = pn.widgets.Button(label="스토리 바이블 열기")
        open_bible.on_click(lambda _e: self.open_selected("bible"))
        empty = pn.pane.Markdown(
            pn.bind(
                lambda r: "" if r else "아직 프로젝트가 없습니다. 아래에서 만드세요.",
                self.param.rows,
            )
        )
        return pn.Column(
            "## 프로젝트",
            self.message_pane(),
            pn.bind(render_table, self.param.rows),
            empty,
            pn.Row(
                open_episodes,
                open_bible,
                pn.pane.Markdown(
                    pn.bind(
                        lambda s: f"선택: **{self.state.project_title(s)}**" if s else "",
                        self.param.selected,
                    )
                ),
            ),
            pn.layout.Divider(),
            self.wizard,
            sizing_mode="stretch_width",
        )
