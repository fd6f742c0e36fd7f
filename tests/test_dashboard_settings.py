"""설정 screen without a browser: inline validation, atomic save to novelcraft.toml, the key
kept once in a 0600 file and never shown, the connection test against a local
OpenAI-compatible server, and the next job using what was saved."""

from __future__ import annotations

import stat
import tomllib

import pytest
from dashboard_helpers import sample_state, wait_for
from fake_llm import FakeOpenAIServer

from novelcraft.backends import get_backend
from novelcraft.dashboards.settings_screen import SettingsScreen
from novelcraft.errors import BadInput
from novelcraft.jobs.owner import Owner
from novelcraft.settings import load_settings

SECRET = "sk-test-dash-SECRET-42"


@pytest.fixture
def server(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    offline = get_backend("offline")
    with FakeOpenAIServer(writer=lambda prompt: offline.complete(prompt).text) as server:
        yield server


@pytest.fixture
def screen(workspace):
    return SettingsScreen(state=sample_state(workspace))


def test_fields_are_validated_inline_and_nothing_is_written(screen):
    before = screen.state.ws.paths.settings.read_text(encoding="utf-8")
    screen.param.update(backend="openai", model="", base_url="ftp://x", key_env="NOT A NAME")
    assert set(screen.errors) == {"model", "base_url", "key_env"}
    assert "모델 이름이 필요" in screen.errors["model"]
    screen.param.update(timeout=-1, concurrency=0)
    assert {"timeout", "concurrency"} <= set(screen.errors)
    assert screen.save() is False and screen.message_kind == "danger"
    assert screen.state.ws.paths.settings.read_text(encoding="utf-8") == before
    screen.param.update(
        model="m", base_url="http://127.0.0.1:9/v1", key_env="MY_KEY", timeout=30, concurrency=3
    )
    assert screen.errors == {}


def test_save_writes_the_toml_and_the_workspace_uses_it(screen):
    ws = screen.state.ws
    screen.param.update(
        backend="openai", model="llama3", base_url="http://127.0.0.1:9/v1", key_env="MY_KEY"
    )
    screen.param.update(timeout=45, concurrency=4)
    assert screen.save() is True
    on_disk = load_settings(ws.paths.settings).backend
    assert (on_disk.default, on_disk.model, on_disk.openai_key_env) == (
        "openai",
        "llama3",
        "MY_KEY",
    )
    assert on_disk.call_timeout_seconds == 45 and on_disk.concurrency == 4
    assert ws.settings.backend == on_disk  # the owner reads it for the next job
    backend = ws.backend()
    assert backend.backend_id == "openai" and backend.model == "llama3"
    assert not list(ws.paths.root.glob(".novelcraft.toml.*"))  # no temp file left behind
    tomllib.loads(ws.paths.settings.read_text(encoding="utf-8"))


def test_a_bad_value_through_the_workspace_is_refused_naming_the_key(workspace):
    with pytest.raises(BadInput, match=r"backend\.concurrency"):
        workspace.update_settings({"backend": {"concurrency": 0}})
    with pytest.raises(BadInput, match="알 수 없는 설정 구역입니다"):
        workspace.update_settings({"nope": {}})


def test_the_key_is_kept_in_a_0600_file_and_never_shown(screen, server):
    ws = screen.state.ws
    screen.param.update(
        backend="openai", model="test-model", base_url=server.base_url, key_source="file"
    )
    assert screen.save()
    assert "키 파일이 아직 없습니다" in screen.message
    screen.new_key = SECRET
    screen.save_key()
    assert screen.new_key == "" and screen.has_key
    mode = stat.S_IMODE(ws.paths.api_key.stat().st_mode)
    assert mode == 0o600
    assert SECRET not in ws.paths.settings.read_text(encoding="utf-8")
    shown = " ".join(str(pane.object) for pane in screen.__panel__().select(lambda o: True)
                     if hasattr(pane, "object"))  # fmt: skip
    assert SECRET not in shown and SECRET not in screen.message
    screen.start_check()
    wait_for(lambda: not screen.checking, poll=screen.poll, timeout=60)
    assert screen.check_line.startswith("✅ 연결 성공"), screen.check_line
    assert server.requests[-1].headers["authorization"] == f"Bearer {SECRET}"


def test_connection_test_reports_latency_or_one_korean_line(screen, server):
    screen.param.update(backend="openai", model="test-model", base_url=server.base_url)
    screen.start_check()
    wait_for(lambda: not screen.checking, poll=screen.poll, timeout=60)
    assert screen.check_line.startswith("✅ 연결 성공 (openai · test-model)")
    assert " ms" in screen.check_line
    server.go_down()
    screen.start_check()
    wait_for(lambda: not screen.checking, poll=screen.poll, timeout=60)
    assert screen.check_line.startswith("❌ 연결 실패") and "서버에 연결할 수 없습니다" in (
        screen.check_line
    )
    assert "\n" not in screen.check_line
    server.come_back()


def test_the_next_job_uses_the_saved_backend(workspace, server):
    state = sample_state(workspace)
    screen = SettingsScreen(state=state)
    with Owner(workspace, workers=1):
        screen.param.update(backend="openai", model="test-model", base_url=server.base_url)
        assert screen.save()
        job_id = workspace.submit_episode(state.project, 1)
        wait_for(lambda: workspace.get_job(job_id).finished, timeout=120)
    assert workspace.get_job(job_id).status == "completed"
    assert len(server.requests) >= 4  # outline, draft, events, summary at least
    assert all(r.body["model"] == "test-model" for r in server.requests)


def test_the_key_file_stays_out_of_backups(workspace, tmp_path):
    from novelcraft.backup import write_backup

    workspace.save_api_key(SECRET)
    backup = write_backup(workspace, tmp_path / "backups")
    for path in backup.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    assert not any(p.name == workspace.paths.api_key.name for p in backup.rglob("*"))
    with pytest.raises(BadInput, match="한 줄"):
        workspace.save_api_key("two words")
