"""A pipeline step reports its progress on the episode job and its batch in one write."""

from __future__ import annotations

import threading
import time

import pytest
from fake_llm import wait_until

from novelcraft.jobs.progress import ProgressWriter
from novelcraft.store import jobs as job_rows


def test_report_progress_sets_each_job_and_leaves_others(workspace, sample_bible_path):
    slug = workspace.import_bible(sample_bible_path)
    batch = workspace.submit_batch(slug, 1, 2)
    first, second = (c.id for c in job_rows.children(workspace.store, batch))
    job_rows.report_progress(workspace.store, "draft", 1, {first: 0.4, batch: 0.2})
    jobs = {j.id: j for j in [job_rows.get(workspace.store, i) for i in (batch, first, second)]}
    assert (jobs[first].step, jobs[first].step_episode, jobs[first].progress) == ("draft", 1, 0.4)
    assert (jobs[batch].step, jobs[batch].step_episode, jobs[batch].progress) == ("draft", 1, 0.2)
    assert jobs[second].step != "draft"
    assert jobs[second].progress == 0.0


def test_report_progress_of_nothing_writes_nothing(workspace):
    job_rows.report_progress(workspace.store, "draft", 1, {})
    assert workspace.store.scalar("SELECT count(*) FROM generation_jobs") == 0


# --- rate-limited writes (jobs.progress) -----------------------------------------------


class _Clock:
    """A clock the test moves; the writer's thread waits on real time only for its wake-ups."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def _writer(interval=0.25, clock=None):
    written = []
    lock = threading.Lock()

    def write(*args):
        with lock:
            written.append(args)

    return ProgressWriter(write, interval=interval, clock=clock or time.monotonic), written


def test_the_first_report_is_written_at_once_and_a_burst_only_by_its_last():
    writer, written = _writer(interval=0.3)
    try:
        writer.report("ep1", "outline", 0.1)
        assert written == [("outline", 0.1)]
        for step in ("draft", "guard", "edit"):
            writer.report("ep1", step, 0.5)
        assert written == [("outline", 0.1)]  # within the interval: waiting
        assert wait_until(lambda: len(written) == 2, timeout=10)
        time.sleep(0.4)
        assert written == [("outline", 0.1), ("edit", 0.5)]
    finally:
        writer.close()


@pytest.fixture
def timed():
    """A writer on a test clock (interval 0.2 s), what it wrote, and a way to move the clock."""
    clock = _Clock()
    writer, written = _writer(interval=0.2, clock=clock)

    def advance(seconds):
        clock.now += seconds
        with writer._cond:  # wake the writer's thread to look at the new time
            writer._cond.notify()

    yield writer, written, advance
    writer.close()


def test_a_waiting_report_is_written_when_nothing_follows_it(timed):
    """A step that then waits minutes for a model must still reach the screens."""
    writer, written, advance = timed
    writer.report("ep1", "outline")
    advance(0.05)
    writer.report("ep1", "draft")
    time.sleep(0.3)
    assert written == [("outline",)]  # the writer's clock has not reached the due time
    advance(0.2)
    assert wait_until(lambda: written == [("outline",), ("draft",)], timeout=10)


def test_discard_drops_what_waits_and_the_next_report_goes_at_once(timed):
    writer, written, advance = timed
    writer.report("ep1", "outline")
    writer.report("ep1", "summary")  # waits
    writer.discard("ep1")  # the episode ended: its final status comes next
    advance(1.0)
    time.sleep(0.2)
    assert written == [("outline",)]
    writer.report("ep1", "outline")  # a later run of the same episode
    assert written == [("outline",), ("outline",)]
    writer.report("ep2", "outline")  # keys do not share an interval
    assert written[-1] == ("outline",) and len(written) == 3


def test_a_batch_writes_fewer_progress_rows_than_steps_and_ends_completed(
    workspace, sample_bible_path
):
    from novelcraft.jobs.owner import Owner

    slug = workspace.import_bible(sample_bible_path)
    with Owner(workspace, workers=1, periodic=False) as owner:
        reports = []
        report = owner.runner.progress.report
        owner.runner.progress.report = lambda *a: (reports.append(a[2]), report(*a))
        job_id = workspace.submit_batch(slug, 1, 4)
        final = owner.wait(job_id, poll=0.05)
        written = owner.runner.progress.written
    assert (final.status, final.step, final.progress) == ("completed", "completed", 1.0)
    assert len(reports) >= 4 * 5  # outline, draft, guard, (edit,) events, summary per episode
    assert 4 <= written < len(reports)
    children = workspace.list_jobs(parent=job_id, limit=None)
    assert [(c.status, c.step) for c in children] == [("completed", "episode_done")] * 4
