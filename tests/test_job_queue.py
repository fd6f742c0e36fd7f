"""The job queue in one process: a real embedded huey consumer on a real queue.sqlite3 and a
real DuckDB store; the offline writer (with a per-call latency where timing matters)."""

from __future__ import annotations

import itertools
import time
from datetime import datetime, timedelta

import pytest
from fake_llm import wait_until

from novelcraft.errors import BadInput, NotFound
from novelcraft.jobs.owner import Owner
from novelcraft.store import jobs as job_rows


@pytest.fixture
def project(workspace, sample_bible_path):
    return workspace.import_bible(sample_bible_path)


def _intervals(ws, job_id):
    job = ws.get_job(job_id)
    return job.started_at, job.completed_at


def test_batch_runs_every_episode_in_order_with_progress_and_log(workspace, project):
    with Owner(workspace, workers=2) as owner:
        job_id = workspace.submit_batch(project, 1, 3)
        seen = []
        final = owner.wait(job_id, lambda j: seen.append(j.progress), poll=0.05)
    assert final.status == "completed" and final.progress == 1.0
    assert final.output == {"episodes": 3, "passed": 3}
    assert seen == sorted(seen)  # progress never goes backwards
    children = workspace.list_jobs(parent=job_id, limit=None)
    assert [c.episode_number for c in children] == [1, 2, 3]
    assert all(c.status == "completed" for c in children)
    # Children ran strictly in order.
    assert all(a.completed_at <= b.started_at for a, b in itertools.pairwise(children))
    messages = [line.message for line in workspace.job_logs(job_id)]
    assert messages.index("1화: 완료") < messages.index("2화: 완료") < messages.index("3화: 완료")
    assert [e.episode_number for e in workspace.list_episodes(project)] == [1, 2, 3]
    # Every LLM call is attributed to the episode job that made it.
    calls = workspace.store.scalar(
        "SELECT count(*) FROM llm_calls WHERE job_id LIKE ? || '.%'", [job_id]
    )
    assert calls >= 3 * 4


def test_a_range_inside_an_active_batch_attaches_instead_of_duplicating(workspace, project):
    first = workspace.submit_batch(project, 1, 4)
    assert workspace.submit_batch(project, 2, 3) == first
    assert len(workspace.list_jobs(project)) == 1
    with pytest.raises(BadInput, match="겹칩니다"):
        workspace.submit_batch(project, 3, 6, attach=False)
    # Partly overlapping: a second batch, which must wait for the first.
    second = workspace.submit_batch(project, 3, 6)
    assert second != first
    with Owner(workspace, workers=2) as owner:
        owner.wait(second, poll=0.05)
        owner.wait(first, poll=0.05)
    a_end = _intervals(workspace, first)[1]
    b_start = _intervals(workspace, second)[0]
    assert a_end <= b_start  # serialized on one project, in submission order
    numbers = [e.episode_number for e in workspace.list_episodes(project)]
    assert numbers == [1, 2, 3, 4, 5, 6]
    # Episodes 3 and 4 were written once, by the first batch; the second skipped them.
    drafts = workspace.store.rows(
        "SELECT e.episode_number, count(*) AS n FROM episode_versions v JOIN episodes e "
        "ON e.id = v.episode_id WHERE v.kind = 'pass1' GROUP BY 1 ORDER BY 1"
    )
    assert all(row["n"] == 1 for row in drafts)


def test_two_projects_run_at_the_same_time(workspace, sample_bible_path):
    workspace.settings.backend.offline_latency = 0.05
    a = workspace.import_bible(sample_bible_path)
    b = workspace.import_bible(sample_bible_path)
    with Owner(workspace, workers=2) as owner:
        ja = workspace.submit_batch(a, 1, 2)
        jb = workspace.submit_batch(b, 1, 2)
        owner.wait(ja, poll=0.05)
        owner.wait(jb, poll=0.05)
    (a0, a1), (b0, b1) = _intervals(workspace, ja), _intervals(workspace, jb)
    assert a0 < b1 and b0 < a1  # the two batches overlapped in time
    assert workspace.count_episodes(a) == workspace.count_episodes(b) == 2


def test_cancel_mid_episode_keeps_what_was_saved(workspace, project):
    workspace.settings.backend.offline_latency = 0.2
    with Owner(workspace, workers=1) as owner:
        job_id = workspace.submit_batch(project, 1, 3)
        assert wait_until(lambda: workspace.get_job(job_id).step_episode == 2, timeout=60)
        assert wait_until(lambda: workspace.get_job(job_id).step == "draft", timeout=30)
        assert workspace.get_job(job_id).step_label == "2화 1패스 초고"
        canceled = workspace.cancel_job(job_id[:8])
        assert canceled.cancel_requested
        final = owner.wait(job_id, poll=0.05)
        calls_at_end = workspace.store.scalar("SELECT count(*) FROM llm_calls")
        time.sleep(0.5)
        assert workspace.store.scalar("SELECT count(*) FROM llm_calls") == calls_at_end
    assert final.status == "canceled"
    statuses = [c.status for c in workspace.list_jobs(parent=job_id, limit=None)]
    assert statuses == ["completed", "canceled", "canceled"]
    first = workspace.get_episode(project, 1)
    assert first.content and first.summary  # the finished episode stays whole
    second = workspace.get_episode(project, 2)
    assert second.outline is not None  # its outline was saved before the cancel and stays
    assert any("취소" in line.message for line in workspace.job_logs(job_id))
    with pytest.raises(BadInput, match=r"이미 끝난 작업입니다 \(취소됨\)"):
        workspace.cancel_job(job_id)


def test_cancel_of_a_queued_job_ends_it_at_once(workspace, project):
    job_id = workspace.submit_batch(project, 1, 2)
    assert workspace.cancel_job(job_id).status == "canceled"
    with Owner(workspace, workers=1):
        time.sleep(1.0)
    assert workspace.count_episodes(project) == 0
    with pytest.raises(NotFound):
        workspace.cancel_job("ffffffffff")


def test_orphaned_job_is_requeued_on_start_and_resumes_at_its_checkpoint(workspace, project):
    """What a SIGKILLed owner leaves: a running job, no huey task, an episode half done."""
    job_id = workspace.submit_batch(project, 1, 2)
    workspace.tasks.huey.flush()  # huey deleted the task when the dead owner dequeued it
    from novelcraft.pipeline import plan_outline

    plan_outline(workspace.run(project), 1)  # the dead owner got as far as episode 1's outline
    job_rows.claim(workspace.store, job_id)
    child = workspace.list_jobs(parent=job_id, limit=None)[0]
    job_rows.claim(workspace.store, child.id)
    outline_before = workspace.get_episode(project, 1).outline
    with Owner(workspace, workers=1) as owner:
        assert owner.recovered == [job_id]
        final = owner.wait(job_id, poll=0.05)
    assert final.status == "completed" and final.attempt == 2
    assert workspace.get_episode(project, 1).outline == outline_before  # resumed, not redone
    assert workspace.count_episodes(project) == 2
    assert any("재개" in line.message for line in workspace.job_logs(job_id))


def test_an_episode_finish_claims_the_next_episode_in_the_same_commit(workspace, project):
    job_id = workspace.submit_batch(project, 1, 3)
    first, second, third = (c.id for c in workspace.list_jobs(parent=job_id, limit=None))
    store = workspace.store
    assert job_rows.claim(store, first)
    result = {"length": 1, "passed": True}
    assert job_rows.finish_episode(store, first, result, job_id, 1 / 3, 1, claim_next=second)
    jobs = {j.id: j for j in workspace.list_jobs(parent=job_id, limit=None)}
    assert [jobs[i].status for i in (first, second, third)] == ["completed", "running", "queued"]
    assert jobs[second].started_at == jobs[first].completed_at  # one transaction, one now()
    # A cancel takes the queued third out of the queue: the finish of the second cannot claim it.
    workspace.cancel_job(job_id)
    assert not job_rows.finish_episode(store, second, result, job_id, 2 / 3, 2, claim_next=third)
    assert workspace.get_job(third).status == "canceled"


def test_a_job_whose_worker_died_is_requeued_once_its_heartbeat_is_stale(workspace, project):
    workspace.settings.queue.heartbeat_stale_seconds = 1
    with Owner(workspace, workers=1) as owner:
        job_id = workspace.submit_batch(project, 1, 1, attach=False)
        owner.wait(job_id, poll=0.05)
        # A job marked running by nobody in this process (its thread is gone).
        lost = workspace.submit_outline(project, 2)
        owner.wait(lost, poll=0.05)
        workspace.store.execute(
            "UPDATE generation_jobs SET status = 'running', completed_at = NULL, "
            "heartbeat_at = now() - INTERVAL 10 SECOND WHERE id = ?",
            [lost],
        )
        assert wait_until(lambda: workspace.get_job(lost).status == "completed", timeout=60)
    assert workspace.get_job(lost).attempt == 2


def test_supervisor_restarts_a_dead_worker_thread(workspace, project):
    with Owner(workspace, workers=2) as owner:
        huey = owner.tasks.huey  # the consumer's own queue instance

        @huey.task(name="die")
        def die():
            raise SystemExit("worker thread killed")

        die()
        assert wait_until(lambda: owner.consumer.alive_workers() < 2, timeout=60)
        assert wait_until(lambda: owner.consumer.alive_workers() == 2, timeout=60)
        job_id = workspace.submit_batch(project, 1, 1)
        assert owner.wait(job_id, poll=0.05).status == "completed"


def test_owner_stop_puts_a_running_batch_back_in_the_queue(workspace, project):
    workspace.settings.backend.offline_latency = 0.1
    owner = Owner(workspace, workers=1).start()
    job_id = workspace.submit_batch(project, 1, 3)
    assert wait_until(lambda: workspace.get_job(job_id).status == "running", timeout=30)
    owner.stop()
    job = workspace.get_job(job_id)
    assert job.status == "queued" and not job.cancel_requested
    workspace.settings.backend.offline_latency = 0
    with Owner(workspace, workers=1) as again:
        assert again.wait(job_id, poll=0.05).status == "completed"
    assert workspace.count_episodes(project) == 3


def test_outline_revise_rederive_and_bootstrap_jobs(workspace, project):
    with Owner(workspace, workers=2) as owner:
        outline = workspace.submit_outline(project, 1)
        assert owner.wait(outline, poll=0.05).output["scenes"] >= 3
        batch = workspace.submit_episode(project, 1)
        owner.wait(batch, poll=0.05)
        before = workspace.get_episode(project, 1).revision
        revise = workspace.submit_revise(project, 1, "대사를 더 짧게")
        assert owner.wait(revise, poll=0.05).status == "completed"
        assert workspace.get_episode(project, 1).revision > before
        assert owner.wait(workspace.submit_rederive(project, 1), poll=0.05).status == "completed"
        again = workspace.submit_episode(project, 1, regenerate=True)
        owner.wait(again, poll=0.05)
        concept = {"name": "새 소설", "genre": "판타지", "tone": "밝음", "protagonist": "소년"}
        boot = owner.wait(workspace.submit_bootstrap(concept), poll=0.05)
    assert boot.status == "completed", boot.error
    assert boot.output["slug"] in {p.slug for p in workspace.list_projects()}
    kinds = [v.kind for v in workspace.episode_versions(project, 1)]
    assert kinds.count("pass1") == 2  # regenerate drafted the episode a second time
    with pytest.raises(BadInput):
        workspace.submit_revise(project, 1, "  ")
    with pytest.raises(NotFound):
        workspace.submit_rederive(project, 99)


def test_estimate_uses_the_pipeline_shape_then_history(workspace, project):
    blank = workspace.estimate_batch(project, 1, 10)
    assert blank["episodes"] == 10 and not blank["from_history"]
    assert 40 <= blank["calls"] <= 60 and blank["prompt_chars"] > 10 * 30_000
    lean = workspace.estimate_batch(project, 1, 10, with_editor=False, use_retry=False)
    assert lean["calls"] < blank["calls"]
    with Owner(workspace, workers=1) as owner:
        owner.wait(workspace.submit_batch(project, 1, 2), poll=0.05)
    learned = workspace.estimate_batch(project, 3, 12)
    assert learned["from_history"] and 30 <= learned["calls"] <= 70


def test_weekly_backup_schedule_and_pruning(workspace, project):
    from novelcraft.jobs.tasks import register_backup

    made = []
    task = register_backup(workspace.tasks.huey, workspace.settings.backup, lambda: made.append(1))
    sunday = datetime(2026, 11, 22, 3, 0)
    assert sunday.weekday() == 6  # Python's Sunday
    assert task.s().validate_datetime(sunday)
    assert not task.s().validate_datetime(sunday + timedelta(hours=1))
    assert not task.s().validate_datetime(sunday + timedelta(days=1))
    owner = Owner(workspace, workers=1, periodic=False)
    workspace.settings.backup.keep = 2
    for _ in range(3):
        owner.scheduled_backup()
    kept = sorted(p.name for p in workspace.paths.backups.iterdir())
    assert len(kept) == 2


@pytest.mark.parametrize("bad", [(0, 3), (5, 2), (-1, 1)])
def test_bad_ranges_enqueue_nothing(workspace, project, bad):
    with pytest.raises(BadInput):
        workspace.submit_batch(project, *bad)
    assert workspace.list_jobs() == []
    assert workspace.tasks.huey.pending_count() == 0


def test_unknown_project_enqueues_nothing(workspace):
    with pytest.raises(NotFound):
        workspace.submit_batch("no-such-novel", 1, 2)
    assert workspace.list_jobs() == []
