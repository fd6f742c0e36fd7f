"""A pipeline step reports its progress on the episode job and its batch in one write."""

from __future__ import annotations

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
