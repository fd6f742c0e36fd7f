"""Job commands in-process: jobs/job/cancel output, and every bad input of the queue issue
(one line, exit 2, nothing enqueued)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from novelcraft.workspace import Workspace


@pytest.fixture
def slug(cli, sample_bible_path):
    result = cli("bible", "import", sample_bible_path)
    assert result.code == 0
    return result.out.strip()


def _home() -> Path:
    return Path(os.environ["NOVELCRAFT_HOME"])


def _nothing_enqueued() -> None:
    with Workspace.open(_home()) as ws:
        assert ws.store.scalar("SELECT count(*) FROM generation_jobs") == 0
        queue = ws.paths.queue
    if queue.exists() and queue.stat().st_size:
        with sqlite3.connect(queue) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            if "task" in tables:
                assert db.execute("SELECT count(*) FROM task").fetchone()[0] == 0


def _one_line_exit_2(result, needle: str) -> None:
    assert result.code == 2, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("novelcraft: 오류:"), result.err
    assert needle in lines[0], lines[0]
    assert "Traceback" not in result.err


def test_jobs_and_job_show_a_finished_batch(cli, slug):
    assert cli("generate", slug, "--from", "1", "--to", "2").code == 0
    listed = json.loads(cli("jobs", "--json").out)
    assert len(listed) == 1
    brief = listed[0]
    assert set(brief) >= {"id", "job_type", "status", "step", "progress", "error"}
    assert brief["status"] == "completed" and brief["progress"] == 1 and brief["project"] == slug
    assert json.loads(cli("jobs", slug, "--json").out) == listed
    detail = json.loads(cli("job", brief["id"][:6], "--json").out)
    assert [c["episode_number"] for c in detail["children"]] == [1, 2]
    assert "2화: 완료" in "\n".join(detail["log"])
    table = cli("jobs").out
    assert "완료" in table and brief["id"] in table
    text = cli("job", brief["id"]).out
    assert "진행률: 100%" in text and "완료 2" in text


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--from", "5", "--to", "2"], "시작 회차(--from 5)가 끝 회차(--to 2)보다 큽니다"),
        (["--from", "0", "--to", "2"], "1 이상이어야 합니다"),
        (["--from", "1", "--to", "2", "--workers", "0"], "--workers"),
    ],
)
def test_generate_bad_arguments(cli, slug, args, needle):
    _one_line_exit_2(cli("generate", slug, *args), needle)
    _nothing_enqueued()


def test_generate_unknown_project(cli, slug):
    _one_line_exit_2(cli("generate", "no-such-novel", "--from", "1", "--to", "2"), "no-such-novel")
    _nothing_enqueued()


def test_corrupt_queue_file_is_refused(cli, slug):
    (_home() / "queue.sqlite3").write_bytes(b"this is not a database, just noise " * 200)
    _one_line_exit_2(cli("generate", slug, "--from", "1", "--to", "2"), "queue.sqlite3")
    with Workspace.open(_home()) as ws:
        assert ws.store.scalar("SELECT count(*) FROM generation_jobs") == 0


def test_locked_queue_file_is_refused(cli, slug, monkeypatch):
    import novelcraft.jobs.queue as queue_module

    monkeypatch.setattr(queue_module, "BUSY_TIMEOUT", 0.3)
    holder = sqlite3.connect(_home() / "queue.sqlite3", isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        _one_line_exit_2(cli("generate", slug, "--from", "1", "--to", "2"), "locked")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _nothing_enqueued()


def test_cancel_unknown_and_finished_jobs(cli, slug):
    _one_line_exit_2(cli("cancel", "0123456789"), "작업 '0123456789'이(가) 없습니다")
    _one_line_exit_2(cli("job", "0123456789"), "작업 '0123456789'이(가) 없습니다")
    assert cli("generate", slug, "--from", "1", "--to", "1").code == 0
    job_id = json.loads(cli("jobs", "--json").out)[0]["id"]
    _one_line_exit_2(cli("cancel", job_id), "이미 끝난 작업입니다 (완료)")


def test_cancel_a_queued_detached_job(cli, slug, monkeypatch):
    import novelcraft.cli.generate_cmds as generate_cmds

    monkeypatch.setattr(generate_cmds, "_spawn_worker", lambda app, workers: 0)
    queued = cli("generate", slug, "--from", "1", "--to", "3", "--detach")
    assert queued.code == 0, queued.err
    job_id = queued.out.strip()
    assert json.loads(cli("job", job_id, "--json").out)["status"] == "queued"
    result = cli("cancel", job_id)
    assert result.code == 0 and "취소됨" in result.out
    detail = json.loads(cli("job", job_id, "--json").out)
    assert detail["status"] == "canceled"
    assert {c["status"] for c in detail["children"]} == {"canceled"}
