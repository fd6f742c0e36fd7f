"""A damaged queue file is refused on open (one line, exit 2, nothing inserted), and a request
its client gave up on never runs later."""

from __future__ import annotations

import os
import sqlite3
import time

import pytest
from fake_llm import wait_until

from novelcraft.errors import BadInput, OperationFailed
from novelcraft.jobs import control
from novelcraft.jobs.owner import Owner
from novelcraft.jobs.queue import open_queue
from novelcraft.workspace import Workspace, WorkspacePaths


def _job_count(root) -> int:
    with Workspace.open(root) as ws:
        return ws.store.scalar("SELECT count(*) FROM generation_jobs")


@pytest.fixture
def project(tmp_path, sample_bible_path):
    root = tmp_path / "ws"
    with Workspace.open(root, create=True) as ws:
        slug = ws.import_bible(sample_bible_path)
        # Enough queue rows to spread the file over several pages.
        huey = ws.tasks.huey
        for i in range(200):
            huey.put(f"filler-{i}", "x" * 200)
    return root, slug


def _damage_the_middle(path) -> None:
    size = path.stat().st_size
    assert size > 3 * 4096
    with path.open("r+b") as fh:
        fh.seek(size // 2)
        fh.write(os.urandom(3000))


def test_a_queue_damaged_in_the_middle_is_refused_and_nothing_inserted(project, cli):
    root, slug = project
    queue = root / "queue.sqlite3"
    _damage_the_middle(queue)
    before = _job_count(root)
    result = cli("--workspace", root, "generate", slug, "--from", "1", "--to", "3", "--detach")
    assert result.code == 2, result.err
    assert result.err.strip().splitlines() == [result.err.strip()]
    assert "queue.sqlite3: the job queue file is damaged" in result.err
    assert _job_count(root) == before


def test_the_check_runs_on_every_open_of_the_queue(project):
    root, _ = project
    _damage_the_middle(root / "queue.sqlite3")
    with pytest.raises(BadInput, match="damaged"):
        open_queue(root / "queue.sqlite3")
    with pytest.raises(BadInput, match="damaged"):
        control.read_status(WorkspacePaths(root), wait=0)


def test_not_a_database_at_all_is_one_line(tmp_path):
    path = tmp_path / "queue.sqlite3"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(BadInput, match="queue"):
        open_queue(path)


def test_a_healthy_queue_passes(tmp_path):
    huey = open_queue(tmp_path / "queue.sqlite3")
    huey.put("k", "v")
    assert open_queue(tmp_path / "queue.sqlite3").get("k") == "v"


def _pending_requests(root) -> int:
    con = sqlite3.connect(root / "queue.sqlite3")
    try:
        return con.execute(
            "SELECT count(*) FROM task WHERE queue = ?", [control.CONTROL_QUEUE]
        ).fetchone()[0]
    finally:
        con.close()


def test_a_request_the_client_gave_up_on_never_runs(project):
    root, slug = project
    paths = WorkspacePaths(root)
    payload = {"slug": slug, "first": 1, "last": 2}
    started = time.monotonic()
    with pytest.raises(OperationFailed, match="withdrawn"):
        control.request(paths, "submit_batch", payload, timeout=1.5)  # nobody owns it yet
    assert time.monotonic() - started >= 1.5
    assert _pending_requests(root) == 1
    with Workspace.open(root) as ws, Owner(ws, workers=1, periodic=False):
        # The owner's monitor takes the stale request off the queue and drops it.
        assert wait_until(lambda: _pending_requests(root) == 0, timeout=30)
        assert ws.list_jobs() == []


def test_a_request_answered_in_time_still_runs(project):
    root, slug = project
    with Workspace.open(root) as ws, Owner(ws, workers=1, periodic=False):
        reply = control.request(
            WorkspacePaths(root), "submit_batch", {"slug": slug, "first": 1, "last": 1}, timeout=30
        )
        assert [j.id for j in ws.list_jobs()] == [reply["job_id"]]
        ws.cancel_job(reply["job_id"])
