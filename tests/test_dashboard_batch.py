"""Batch screen: estimate, start, progress, live log, cancel, refusals, ZIP export."""

from __future__ import annotations

import io
import zipfile

import pytest
from dashboard_helpers import sample_state, wait_for

from novelcraft.dashboards.batch import BatchScreen
from novelcraft.jobs.owner import Owner


@pytest.fixture
def screen(workspace):
    return BatchScreen(state=sample_state(workspace))


def test_estimate_follows_the_parameters(screen):
    assert (screen.first, screen.last) == (1, 5)
    full = screen.estimate
    assert full["episodes"] == 5 and full["calls"] > 0 and full["prompt_chars"] > 0
    screen.with_editor = False
    assert screen.estimate["calls"] < full["calls"]
    screen.last = 10
    assert screen.estimate["episodes"] == 10
    assert "LLM 호출" in screen.estimate_text()


def test_an_empty_range_is_refused_with_its_reason(screen):
    screen.param.update(first=6, last=5)
    assert "error" in screen.estimate and screen.estimate_text().startswith("⚠️")
    screen.start()
    assert screen.message_kind == "danger" and "끝 회차" in screen.message
    assert screen.state.ws.list_jobs() == []


def test_an_overlapping_batch_is_refused_with_its_reason(screen):
    screen.start()  # no consumer runs: the batch stays queued, i.e. active
    first_job = screen.job_id
    assert first_job
    other = BatchScreen(state=screen.state)
    assert other.job_id == first_job  # a second tab follows the active batch
    other.param.update(first=3, last=8)
    other.start()
    assert other.message_kind == "danger" and "겹칩니다" in other.message
    assert other.job_id == first_job
    assert [j.id for j in screen.state.ws.list_jobs() if j.parent_id is None] == [first_job]


def test_batch_runs_to_100_percent_with_a_live_log_and_exports_a_zip(screen):
    screen.param.update(first=1, last=3)
    seen_lines = []
    with Owner(screen.state.ws, workers=1):
        screen.start()

        def finished():
            seen_lines.append(len(screen.log_text.splitlines()))
            return screen.job is not None and screen.job.finished

        wait_for(finished, poll=screen.poll, interval=0.2)
    assert screen.job.status == "completed" and screen.job.progress == pytest.approx(1.0)
    assert screen.message_kind == "success"
    assert "3화: 완료" in screen.log_text
    assert len(set(seen_lines)) > 2  # the log grew while the batch ran
    with zipfile.ZipFile(io.BytesIO(screen.zip_file().getvalue())) as zf:
        names = zf.namelist()
    assert [n for n in names if n.startswith("episodes/")] == [
        "episodes/EP001.md", "episodes/EP002.md", "episodes/EP003.md",
    ]  # fmt: skip


def test_cancel(screen):
    screen.cancel()
    assert screen.message_kind == "warning"
    screen.param.update(first=1, last=20)
    screen.start()
    screen.cancel()
    assert screen.job.status == "canceled"
    assert screen.job_id == ""
