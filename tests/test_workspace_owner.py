"""The single-owner rule (DESIGN §2): a second would-be writer is told who owns the store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from workspace_helpers import run_cli_subprocess

from novelcraft.errors import WorkspaceBusy
from novelcraft.workspace import Workspace

HOLDER = textwrap.dedent(
    """
    import sys, time
    from novelcraft.workspace import Workspace
    ws = Workspace.open(sys.argv[1], create=True, command="novelcraft serve")
    print("ready", flush=True)
    time.sleep(120)
    """
)


@pytest.fixture
def owner_process(ws_dir):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(ws_dir)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "ready"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=60)


def test_second_process_gets_one_line_naming_the_owner(owner_process, ws_dir):
    env = {**os.environ, "NOVELCRAFT_HOME": str(ws_dir)}
    result = run_cli_subprocess("projects", env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"다른 프로세스가 쓰고 있습니다 (pid {owner_process.pid}" in lines[0]
    assert "novelcraft serve" in lines[0]
    assert str(ws_dir) in lines[0]


def test_write_commands_are_refused_too(owner_process, ws_dir, sample_bible_path):
    result = run_cli_subprocess("--workspace", ws_dir, "bible", "import", sample_bible_path)
    assert result.returncode == 2
    assert f"pid {owner_process.pid}" in result.stderr


def test_lock_is_released_when_the_owner_is_killed(owner_process, ws_dir):
    owner_process.send_signal(signal.SIGKILL)
    owner_process.wait(timeout=60)
    with Workspace.open(ws_dir) as ws:
        assert ws.list_projects() == []


def test_a_second_open_in_the_same_process_is_refused(workspace, ws_dir):
    with pytest.raises(WorkspaceBusy, match=f"pid {os.getpid()}"):
        Workspace.open(ws_dir)


def test_closing_hands_the_workspace_back(ws_dir):
    Workspace.open(ws_dir, create=True).close()
    with Workspace.open(ws_dir) as ws:
        assert ws.paths.database.exists()


def test_missing_workspace_is_bad_input(cli, tmp_path):
    result = cli("--workspace", tmp_path / "nowhere", "projects")
    assert result.code == 2
    assert "작업 공간이 없습니다" in result.err and "novelcraft init" in result.err
    assert not (tmp_path / "nowhere").exists()
