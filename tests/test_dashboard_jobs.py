"""Jobs screen: every job with status, step, progress and error; cancel."""

from __future__ import annotations

import panel as pn
from dashboard_helpers import sample_state, wait_for

from novelcraft.dashboards.jobs_screen import JobsScreen
from novelcraft.jobs.owner import Owner


def test_lists_jobs_and_cancels_the_selected_one(workspace):
    state = sample_state(workspace)
    queued = workspace.submit_batch(state.project, 1, 4)
    screen = JobsScreen(state=state)
    table = screen.table()
    assert list(table["작업 번호"]) == [queued]
    assert table.iloc[0]["상태"] == "대기 중" and table.iloc[0]["진행률"] == "0%"
    screen.show_children = True
    assert len(screen.jobs) == 5
    screen.show_children = False
    screen.cancel_selected()
    assert screen.message_kind == "warning" and "고르세요" in screen.message
    screen.selected = queued
    screen.cancel_selected()
    assert screen.table().iloc[0]["상태"] == "취소됨"
    screen.cancel_selected()  # already finished: one clear line
    assert screen.message_kind == "danger" and "이미" in screen.message


def test_poll_shows_progress_and_errors(workspace):
    state = sample_state(workspace)
    screen = JobsScreen(state=state, only_project=True)
    with Owner(workspace, workers=1):
        job_id = workspace.submit_batch(state.project, 1, 1)
        wait_for(lambda: workspace.get_job(job_id).finished)
        bad = workspace.submit_rederive(state.project, 1)
        wait_for(lambda: workspace.get_job(bad).finished)
    workspace.delete_episode(state.project, 1)
    screen.poll()
    rows = {row["작업 번호"]: row for _, row in screen.table().iterrows()}
    assert rows[job_id]["상태"] == "완료" and rows[job_id]["진행률"] == "100%"
    assert set(rows) == {job_id, bad}


def test_an_empty_job_list_explains_itself(workspace):
    screen = JobsScreen(state=sample_state(workspace))
    assert screen.jobs == []
    (empty,) = [
        p for p in screen.__panel__().select(pn.pane.Markdown) if "nc-jobs-empty" in p.css_classes
    ]
    assert "아직 작업이 없습니다" in str(empty.object)
