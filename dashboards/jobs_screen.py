"""Jobs screen: every job of the workspace (status, step, progress, error), with cancel."""

from __future__ import annotations

import pandas as pd
import panel as pn
import param

from novelcraft.dashboards.feedback import Feedback, user_action
from novelcraft.dashboards.state import AppState
from novelcraft.dashboards.tables import korean_table
from novelcraft.labels import job_type_label, status_label

COLUMNS = ["작업 번호", "종류", "프로젝트", "회차", "상태", "단계", "진행률", "오류", "생성 시각"]


class JobsScreen(pn.viewable.Viewer, Feedback):
    state = param.ClassSelector(class_=AppState)
    only_project = param.Boolean(default=False)  # only the chosen project's jobs
    show_children = param.Boolean(default=False)  # each episode of a batch too
    jobs = param.List(default=[])
    selected = param.String(default="")

    def __init__(self, **params):
        super().__init__(**params)
        self.refresh()

    @param.depends("only_project", "show_children", watch=True)
    def refresh(self) -> None:
        slug = self.state.project if self.only_project else None
        ws = self.state.ws
        jobs = []
        for job in ws.list_jobs(slug or None, limit=200):  # top-level jobs, newest first
            jobs.append(job)
            if self.show_children and job.job_type == "batch":
                jobs += ws.list_jobs(parent=job.id, limit=None)
        if [(j.id, j.status, j.step, j.progress) for j in jobs] != [
            (j.id, j.status, j.step, j.progress) for j in self.jobs
        ]:
            self.jobs = jobs

    def poll(self) -> None:
        self.refresh()

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                [
                    j.id,
                    job_type_label(j.job_type),
                    j.project_slug or "",
                    j.episode_number or "",
                    status_label(j.status),
                    j.step_label,
                    f"{j.progress * 100:.0f}%",
                    j.error or "",
                    j.created_at.strftime("%m-%d %H:%M:%S") if j.created_at else "",
                ]
                for j in self.jobs
            ],
            columns=COLUMNS,
        )

    @user_action
    def cancel_selected(self) -> None:
        if not self.selected:
            self.say("먼저 표에서 작업을 고르세요", "warning")
            return
        job = self.state.ws.cancel_job(self.selected)
        self.say(
            f"작업 {job.id} 취소를 요청했습니다 ({status_label(job.status)})",
            "warning",
        )
        self.refresh()

    def __panel__(self):
        w = pn.widgets

        def render(jobs):
            table = korean_table(
                self.table(),
                page_size=25,
                selectable=1,
                sizing_mode="stretch_width",
                css_classes=["nc-jobs-table"],
            )

            def on_select(event):
                if event.new:
                    self.selected = jobs[event.new[0]].id

            table.param.watch(on_select, "selection")
            return table

        cancel = w.Button(label="선택한 작업 취소", color="danger")
        cancel.on_click(lambda _e: self.cancel_selected())
        return pn.Column(
            "## 작업",
            self.message_pane(),
            pn.Row(
                w.Checkbox.from_param(self.param.only_project, label="선택한 프로젝트만"),
                w.Checkbox.from_param(self.param.show_children, label="회차별 하위 작업 표시"),
            ),
            pn.bind(render, self.param.jobs),
            pn.pane.Markdown(
                pn.bind(
                    lambda jobs: (
                        ""
                        if jobs
                        else "아직 작업이 없습니다. 회차를 생성하거나 **일괄 생성**을 시작하면 "
                        "작업이 여기에 나타나고, 진행 상황과 오류를 볼 수 있습니다."
                    ),
                    self.param.jobs,
                ),
                css_classes=["nc-jobs-empty"],
            ),
            pn.Row(
                cancel,
                pn.pane.Markdown(
                    pn.bind(lambda s: f"선택: `{s}`" if s else "", self.param.selected)
                ),
            ),
            sizing_mode="stretch_width",
        )
