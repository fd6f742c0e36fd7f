"""Integration: real owner processes, real queue.sqlite3 and DuckDB files.

A subprocess owner killed with SIGKILL mid-batch and restarted; a local OpenAI-compatible
server that goes down mid-batch and comes back; other processes talking to a running owner
through its HTTP API; a detached worker."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from fake_llm import FakeOpenAIServer, process_alive, wait_until
from workspace_helpers import run_cli_subprocess

from novelcraft.backends.offline import OfflineBackend
from novelcraft.errors import OperationFailed
from novelcraft.jobs.owner import Owner
from novelcraft.settings import BackendSettings
from novelcraft.workspace import Workspace


def _set(ws_dir, section: str, **values) -> None:
    path = ws_dir / "novelcraft.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    out, current = [], None
    for line in lines:
        if line.startswith("["):
            current = line.strip("[]")
        key = line.split("=")[0].strip()
        if current == section and key in values:
            value = values.pop(key)
            line = f"{key} = {value!r}" if not isinstance(value, str) else f'{key} = "{value}"'
            line = line.replace("True", "true").replace("False", "false")
        out.append(line)
    assert not values, f"unknown settings {values}"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


@pytest.fixture
def project_ws(ws_dir, sample_bible_path):
    with Workspace.open(ws_dir, create=True) as ws:
        slug = ws.import_bible(sample_bible_path)
    return ws_dir, slug


def _owner_jobs(ws_dir) -> list:
    """The jobs as the running owner answers over its API ([] while none serves)."""
    from novelcraft.api.record import read_record
    from novelcraft.workspace.remote import RemoteWorkspace

    record = read_record(_paths(ws_dir))
    if record is None:
        return []
    with RemoteWorkspace(_paths(ws_dir), record.url, record.token) as remote:
        try:
            return remote.list_jobs()
        except OperationFailed:
            return []


def _paths(ws_dir):
    from novelcraft.workspace import WorkspacePaths

    return WorkspacePaths(ws_dir)


def _cli(ws_dir, *args):
    return run_cli_subprocess("--workspace", ws_dir, *args)


def test_sigkilled_owner_restarts_and_finishes_every_episode_exactly_once(project_ws):
    ws_dir, slug = project_ws
    _set(ws_dir, "backend", offline_latency=0.15)
    owner = subprocess.Popen(
        [sys.executable, "-m", "novelcraft", "--workspace", str(ws_dir), "generate", slug,
         "--from", "1", "--to", "6"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:

        def mid_batch() -> bool:
            jobs = _owner_jobs(ws_dir)
            return bool(jobs) and 0.3 < jobs[0].progress < 0.6

        assert wait_until(mid_batch, timeout=90), "the owner never got mid-batch"
        os.kill(owner.pid, signal.SIGKILL)
    finally:
        owner.wait(10)
    assert owner.returncode == -signal.SIGKILL

    with Workspace.open(ws_dir) as ws:
        (batch,) = ws.list_jobs()
        assert batch.status == "running"  # as the dead owner left it
        done_before = {e.episode_number: e.revision for e in ws.list_episodes(slug) if e.summary}
    assert 1 <= len(done_before) < 6

    _set(ws_dir, "backend", offline_latency=0.0)
    again = _cli(ws_dir, "generate", slug, "--from", "1", "--to", "6")
    assert again.returncode == 0, again.stderr
    assert "진행 중인 배치에 합류" in again.stderr  # the recovered batch, not a second one

    with Workspace.open(ws_dir) as ws:
        episodes = ws.list_episodes(slug)
        assert [e.episode_number for e in episodes] == [1, 2, 3, 4, 5, 6]
        assert all(e.length > 7000 and e.summary and e.status == "generated" for e in episodes)
        for number, revision in done_before.items():  # finished episodes were not redone
            assert ws.get_episode(slug, number).revision == revision
        drafts = ws.store.rows(
            "SELECT e.episode_number, count(*) AS n FROM episode_versions v JOIN episodes e "
            "ON e.id = v.episode_id WHERE v.kind = 'pass1' GROUP BY 1"
        )
        assert all(row["n"] == 1 for row in drafts) and len(drafts) == 6
        (batch,) = ws.list_jobs()
        assert batch.status == "completed" and batch.attempt == 2
        children = ws.list_jobs(parent=batch.id, limit=None)
        assert all(c.status == "completed" for c in children)
        assert any("재개" in line.message for line in ws.job_logs(batch.id))


def test_backend_outage_mid_batch_waits_and_finishes_without_a_failed_job(project_ws, monkeypatch):
    ws_dir, slug = project_ws
    writer = OfflineBackend(BackendSettings(offline_miss_share=0, offline_explain_share=0.3))
    server = FakeOpenAIServer(writer=lambda prompt: writer.complete(prompt).text)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    _set(ws_dir, "backend", default="openai", model="local-model",
         openai_base_url=server.base_url)  # fmt: skip
    _set(ws_dir, "queue", backoff_initial_seconds=0.2, backoff_max_seconds=1.0,
         outage_patience_seconds=120)  # fmt: skip
    statuses = set()
    try:
        with Workspace.open(ws_dir) as ws, Owner(ws, workers=2) as owner:
            job_id = ws.submit_batch(slug, 1, 3)
            assert wait_until(lambda: ws.list_jobs(parent=job_id)[0].status == "completed", 60)
            server.go_down()
            assert wait_until(lambda: ws.get_job(job_id).status == "waiting", timeout=30)
            time.sleep(3)  # several backoff rounds against a closed port
            statuses.add(ws.get_job(job_id).status)
            server.come_back()
            final = owner.wait(job_id, lambda j: statuses.add(j.status), poll=0.1)
            log = [line.message for line in ws.job_logs(job_id)]
            failed = ws.store.scalar("SELECT count(*) FROM generation_jobs WHERE status='failed'")
            assert ws.count_episodes(slug) == 3
    finally:
        server.close()
    assert final.status == "completed", final.error
    assert "waiting" in statuses and failed == 0
    waits = [m for m in log if m.startswith("백엔드 응답 없음")]
    assert len(waits) >= 2 and any("복구" in m for m in log)


def test_other_processes_reach_a_running_owner_through_its_api(project_ws):
    ws_dir, slug = project_ws
    with Workspace.open(ws_dir) as ws:
        # Slow enough (~70 s for the batch) that it is still running after the CLI processes
        # below have started, however busy the machine; sped up again once it is canceled.
        ws.settings.backend.offline_latency = 3.0
        with Owner(ws, workers=2):
            job_id = ws.submit_batch(slug, 1, 8)
            assert wait_until(lambda: ws.get_job(job_id).status == "running", timeout=30)

            jobs = _owner_jobs(ws_dir)  # served since the owner started: no wait
            assert jobs and jobs[0].id == job_id
            listed = _cli(ws_dir, "jobs", "--json")
            assert listed.returncode == 0, listed.stderr
            assert '"status": "running"' in listed.stdout and job_id in listed.stdout
            one = _cli(ws_dir, "job", job_id[:8])
            assert one.returncode == 0 and job_id in one.stdout
            queued = _cli(ws_dir, "generate", slug, "--from", "9", "--to", "9", "--detach")
            assert queued.returncode == 0, queued.stderr
            second = queued.stdout.strip()
            assert ws.get_job(second).input["first"] == 9
            canceled = _cli(ws_dir, "cancel", job_id)
            assert canceled.returncode == 0, canceled.stderr
            assert wait_until(lambda: ws.get_job(job_id).status == "canceled", timeout=60)
            ws.settings.backend.offline_latency = 0.1
            unknown = _cli(ws_dir, "cancel", "ffffffffffff")
            assert unknown.returncode == 2
            assert "작업 'ffffffffffff'이(가) 없습니다" in unknown.stderr
            again = _cli(ws_dir, "cancel", job_id)
            assert again.returncode == 2 and "이미 끝난 작업입니다 (취소됨)" in again.stderr
            assert wait_until(lambda: ws.get_job(second).status == "completed", timeout=120)


def test_detached_generate_runs_in_a_background_worker(project_ws):
    ws_dir, slug = project_ws
    started = _cli(ws_dir, "generate", slug, "--from", "1", "--to", "2", "--detach")
    assert started.returncode == 0, started.stderr
    job_id = started.stdout.strip()
    pid = int(re.search(r"pid (\d+)", started.stderr).group(1))

    def worker_serves() -> bool:  # an owner like any other: its API named in server.json
        from novelcraft.api.record import read_record

        record = read_record(_paths(ws_dir))
        return record is not None and record.pid == pid

    assert wait_until(worker_serves, timeout=60)
    assert wait_until(lambda: not process_alive(pid), timeout=90)  # it exits once idle
    assert not (ws_dir / "server.json").exists()
    with Workspace.open(ws_dir) as ws:
        assert ws.get_job(job_id).status == "completed"
        assert ws.count_episodes(slug) == 2
    assert "weekly_backup" in (ws_dir / "worker.log").read_text(encoding="utf-8")
