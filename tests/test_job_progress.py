"""A pipeline step reports its progress on the episode job and its batch in one write."""

from __future__ import annotations

from novelcraft.store import jobs as job_rows


def test_report_progress_sets_each_job_and_leaves_others(workspace, sample_bible_path):
    slug = workspace.import_bible(sample_bible_path)
    batch = workspace.submit_batch(slug, 1, 2)
    first, second = (c.id for c in job_rows.children(workspace.store, batch))
    job_rows.report_progress(workspace.store, "1화 초고", {first: 0.4, batch: 0.2})
    jobs = {j.id: j for j in [job_rows.get(workspace.store, i) for i in (batch, first, second)]}
    assert (jobs[first].step, jobs[first].progress) == ("1화 초고", 0.4)
    assert (jobs[batch].step, jobs[batch].progress) == ("1화 초고", 0.2)
    assert jobs[second].step != "1화 초고"
    assert jobs[second].progress == 0.0


def test_report_progress_of_nothing_writes_nothing(workspace):
    job_rows.report_progress(workspace.store, "무엇도", {})
    assert workspace.store.scalar("SELECT count(*) FROM generation_jobs") == 0
