"""A damaged queue file is refused on open (one line, exit 2, nothing inserted), and a write
its client gave up on never runs later, even when the owner gets to it afterwards."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from fake_llm import wait_until

from novelcraft.errors import BadInput, OperationFailed
from novelcraft.jobs.queue import open_queue
from novelcraft.workspace import Workspace, WorkspacePaths
from novelcraft.workspace.remote import RemoteWorkspace


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
    assert "queue.sqlite3: 작업 대기열 파일이 손상되었습니다" in result.err
    assert _job_count(root) == before


def test_the_check_runs_on_every_open_of_the_queue(project):
    root, _ = project
    _damage_the_middle(root / "queue.sqlite3")
    with pytest.raises(BadInput, match="손상되었습니다"):
        open_queue(root / "queue.sqlite3")
    with Workspace.open(root) as ws, pytest.raises(BadInput, match="손상되었습니다"):
        ws.tasks  # noqa: B018 (opening the queue is the check)


def test_not_a_database_at_all_is_one_line(tmp_path):
    path = tmp_path / "queue.sqlite3"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(BadInput, match="queue"):
        open_queue(path)


def test_a_healthy_queue_passes(tmp_path):
    huey = open_queue(tmp_path / "queue.sqlite3")
    huey.put("k", "v")
    assert open_queue(tmp_path / "queue.sqlite3").get("k") == "v"


def _serve(root, port):
    proc = subprocess.Popen(
        [sys.executable, "-m", "novelcraft", "--workspace", str(root), "serve", "--port",
         str(port), "--no-browser", "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert wait_until(lambda: (root / "server.json").exists() or proc.poll() is not None, 90)
    assert proc.poll() is None, proc.communicate()
    # Read its stderr as it comes, so a test can wait for a line the owner logs.
    proc.lines = []
    threading.Thread(target=lambda: proc.lines.extend(proc.stderr), daemon=True).start()
    return proc, json.loads((root / "server.json").read_text())


def _stop(proc) -> str:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    time.sleep(0.2)  # let the reader thread take the last lines
    return "".join(proc.lines)


def test_a_write_the_client_gave_up_on_never_runs(project):
    """The owner is stopped (SIGSTOP) while a client submits a batch: the client times out and
    says so; when the owner wakes up and reads the request, it drops it."""
    root, slug = project
    from novelcraft.dashboards.server import free_port

    proc, record = _serve(root, free_port())
    try:
        remote = RemoteWorkspace(
            WorkspacePaths(root), record["url"], record["token"], owner_pid=proc.pid, timeout=2.0
        )
        os.kill(proc.pid, signal.SIGSTOP)
        started = time.monotonic()
        try:
            with pytest.raises(OperationFailed, match="요청을 거두었습니다"):
                remote.submit_batch(slug, 1, 2)
        finally:
            os.kill(proc.pid, signal.SIGCONT)
        assert time.monotonic() - started >= 2.0
        patient = RemoteWorkspace(
            WorkspacePaths(root), record["url"], record["token"], owner_pid=proc.pid
        )
        # The owner reads the stale request as soon as it runs again: it either drops it (and
        # logs so) or, without the deadline, runs it.
        assert wait_until(
            lambda: "gave up waiting" in "".join(proc.lines) or patient.list_jobs(), timeout=60
        )
        assert patient.list_jobs() == []
    finally:
        err = _stop(proc)
    assert "Traceback" not in err


def test_a_write_answered_in_time_still_runs(project):
    root, slug = project
    from novelcraft.dashboards.server import free_port

    proc, record = _serve(root, free_port())
    try:
        remote = RemoteWorkspace(WorkspacePaths(root), record["url"], record["token"])
        job_id = remote.submit_batch(slug, 1, 1)
        assert [j.id for j in remote.list_jobs()] == [job_id]
        remote.cancel_job(job_id)
    finally:
        _stop(proc)
