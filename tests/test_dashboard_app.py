"""The app shell, job progress, badges and `novelcraft serve` (bind check, server.json,
clean exit on SIGTERM)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta

import panel as pn
import pytest
from dashboard_helpers import SAMPLE_BIBLE, sample_state

from novelcraft.dashboards import state as state_module
from novelcraft.dashboards.app import SCREEN_CLASSES, Shell, make_app, setup_extensions
from novelcraft.dashboards.job_progress import STAGES, elapsed_seconds, job_stage, progress_text
from novelcraft.dashboards.metric_badges import badges, compact_html
from novelcraft.dashboards.server import check_bind, free_port, is_loopback
from novelcraft.dashboards.state import AppState
from novelcraft.errors import BadInput
from novelcraft.models import JobInfo


def test_every_screen_builds_its_layout(workspace):
    setup_extensions()
    shell = Shell(state=sample_state(workspace, episodes=1))
    for key in SCREEN_CLASSES:
        shell.state.screen = key
        view = pn.panel(shell.current())
        view.get_root()  # the Bokeh model the browser would draw
    shell.poll()
    assert set(shell.screens) == set(SCREEN_CLASSES)


def test_screens_that_need_a_project_say_so(workspace):
    shell = Shell(state=AppState(ws=workspace, screen="editor"))
    assert "프로젝트" in shell.current().object
    assert make_app(workspace)() is not None


def _job(status="running", step="", progress=0.3, **extra) -> JobInfo:
    return JobInfo(id="j1", job_type="batch", status=status, step=step, progress=progress, **extra)


@pytest.mark.parametrize(
    ("status", "step", "log", "stage"),
    [
        ("queued", "queued", "", "대기"),
        ("running", "outline", "", "1패스"),
        ("running", "draft", "", "1패스"),
        ("running", "guard", "", "검증"),
        ("running", "edit", "", "2패스"),
        ("running", "events", "", "사건"),
        ("running", "summary", "", "요약"),
        ("completed", "completed", "", "완료"),
    ],
)
def test_job_stage_follows_the_pipeline(status, step, log, stage):
    assert STAGES[job_stage(_job(status, step, step_episode=3), log)] == stage


def test_progress_text_shows_elapsed_seconds_and_errors():
    start = datetime.now(UTC) - timedelta(seconds=45)
    job = _job(step="draft", step_episode=3, started_at=start)
    assert 44 <= elapsed_seconds(job) <= 47
    assert "초 경과" in progress_text(job) and "**[1패스]**" in progress_text(job)
    done = _job("completed", started_at=start, completed_at=start + timedelta(seconds=127))
    assert "총 127초" in progress_text(done)
    failed = _job("failed", step="failed", error="backend down")
    assert "backend down" in progress_text(failed)


def test_badges_mark_values_outside_their_range(workspace):
    values = {"length": 6000, "scene_count": 4, "ending_hook": False,
              "ending_hook_reason": "따옴표로 끝남", "avg_sentence_length": 38.2,
              "dialogue_ratio": 0.47, "explanation_density": 0.03, "repetition_rate": 0.02,
              "repeated_4grams": 0, "voice_score": None}  # fmt: skip
    by_metric = {b.metric: b for b in badges(values, workspace.settings)}
    assert by_metric["length"].ok is False and by_metric["length"].value == "6,000자"
    assert by_metric["scene_count"].ok is True
    assert "따옴표로 끝남" in by_metric["ending_hook"].value
    assert by_metric["dialogue_ratio"].line() == "✅ 대화 비율: 47.0% (40%–60%)"
    assert by_metric["voice"].ok is None
    assert "측정 전" in compact_html(None, workspace.settings)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_hosts_need_no_auth(host):
    assert is_loopback(host)
    check_bind(host, basic_auth=None, oauth_provider=None)


def test_a_network_bind_needs_auth():
    with pytest.raises(BadInput, match="루프백 주소가 아닙니다"):
        check_bind("0.0.0.0", basic_auth=None, oauth_provider=None)
    check_bind("0.0.0.0", basic_auth="me:secret-password", oauth_provider=None)
    check_bind("192.168.1.5", basic_auth=None, oauth_provider="github")


def test_serve_refuses_a_network_bind_with_one_line(cli, tmp_path):
    result = cli("--workspace", tmp_path / "ws", "serve", "--host", "0.0.0.0", "--no-browser")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "루프백 주소가 아닙니다" in result.err
    assert not (tmp_path / "ws").exists()


def test_serve_writes_server_json_serves_and_stops_on_sigterm(tmp_path):
    ws, port = tmp_path / "ws", free_port()
    env = dict(os.environ, NOVELCRAFT_HOME=str(ws))
    proc = subprocess.Popen(
        [sys.executable, "-m", "novelcraft", "--workspace", str(ws), "serve", "--port",
         str(port), "--no-browser", "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (ws / "server.json").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        info = json.loads((ws / "server.json").read_text())
        assert info["pid"] == proc.pid and info["url"].endswith(f":{port}/")
        assert len(info["token"]) >= 20
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/liveness", timeout=60) as resp:
            assert resp.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as resp:
            assert "NovelCraft" in resp.read().decode()
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert not (ws / "server.json").exists()


def test_an_unknown_project_in_the_url_is_named_not_shown(workspace):
    state = sample_state(workspace)
    real = state.project
    state.param.update(project="base-font", screen="quality")
    shell = Shell(state=state)
    assert state.project == "base-font"  # not silently swapped for another project
    shown = shell.current()
    assert isinstance(shown, pn.pane.Alert) and "프로젝트를 찾을 수 없습니다" in shown.object
    state.project = real
    assert not isinstance(shell.current(), pn.pane.Alert)
    assert state.project_title() == workspace.get_bible(real).project.name


def test_the_sidebar_names_the_writer_and_follows_settings(workspace):
    shell = Shell(state=sample_state(workspace))
    assert "데모 작가" in shell.backend_line()
    workspace.update_settings({"backend": {"default": "openai", "model": "llama3"}})
    assert "데모 작가" not in shell.backend_line() and "llama3" in shell.backend_line()


def test_a_closed_tab_leaves_no_websocket_traceback():
    import logging

    from tornado.websocket import WebSocketClosedError

    from novelcraft.dashboards.server import quiet_closed_sockets

    quiet_closed_sockets()
    # asyncio logs "Task exception was never retrieved" for a write to a closed socket.
    logger = logging.getLogger("asyncio")
    try:
        raise WebSocketClosedError()
    except WebSocketClosedError:
        record = logger.makeRecord(
            logger.name, logging.ERROR, __file__, 1, "Exception in callback", (), sys.exc_info()
        )
    assert not any(f.filter(record) for f in logger.filters if hasattr(f, "CLOSED"))
    other = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, "real problem", (), None)
    assert all(f.filter(other) for f in logger.filters)


def test_no_widget_carries_an_english_tooltip(workspace):
    """Panel turns a param's `doc` into a widget's "?" tooltip: none may be English."""
    import re

    setup_extensions()
    shell = Shell(state=sample_state(workspace, episodes=1))
    english = {}
    for key in SCREEN_CLASSES:
        shell.state.screen = key
        for widget in pn.panel(shell.current()).select(pn.widgets.Widget):
            text = getattr(widget, "description", None) or ""
            if re.search(r"[A-Za-z]{3,}", str(text)):
                english[f"{key}:{type(widget).__name__}"] = text
    assert english == {}


def test_a_page_reads_the_project_names_once_and_a_new_project_at_once(workspace, monkeypatch):
    setup_extensions()
    state = sample_state(workspace, episodes=1, screen="episodes")
    reads = []
    listed = workspace.list_projects
    monkeypatch.setattr(workspace, "list_projects", lambda: reads.append(1) or listed())
    pn.panel(Shell(state=state).page()).get_root()  # picker, title, existence check
    assert len(reads) == 1
    # A project made in this session and chosen before `projects_changed` fires is found.
    other = workspace.import_bible(SAMPLE_BIBLE, slug="another")
    state.project = other
    assert state.project_exists() and len(reads) == 2
    # One made elsewhere (another tab) shows up once the names are older than NAMES_FOR_S.
    third = workspace.import_bible(SAMPLE_BIBLE, slug="third")
    monkeypatch.setattr(state_module, "NAMES_FOR_S", 0.0)
    assert third in state.project_names()


def test_serving_reuses_the_page_and_warms_each_session(tmp_path):
    """`build_server` turns on Panel's session reuse with 'warm': a tab's page is sent at once
    and its session is built while the browser loads the scripts."""
    from novelcraft.dashboards.server import build_server
    from novelcraft.workspace import Workspace

    pn.config.reuse_sessions = False
    with Workspace.open(tmp_path / "ws", create=True) as ws:
        server = build_server(ws, port=free_port())
        try:
            assert pn.config.reuse_sessions == "warm"
        finally:
            server.stop()
