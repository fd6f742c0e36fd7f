"""설정 in Chromium: choose the OpenAI-compatible backend pointing at a local test server,
save, test the connection, then generate an episode in the editor and see the job use it."""

from __future__ import annotations

import pytest
from conftest import open_screen, seeded_server, shoot
from fake_llm import FakeOpenAIServer

from novelcraft.backends import get_backend


@pytest.fixture(scope="module")
def model_server():
    offline = get_backend("offline")
    with FakeOpenAIServer(writer=lambda prompt: offline.complete(prompt).text) as server:
        yield server


@pytest.fixture(scope="module")
def settings_server(tmp_path_factory):
    with seeded_server(tmp_path_factory, "settings", 1) as server:
        yield server


def fill(page, selector: str, text: str) -> None:
    box = page.locator(selector).first
    box.fill(text)
    box.press("Tab")


def test_the_next_job_uses_the_backend_chosen_in_settings(page, settings_server, model_server):
    page.set_default_timeout(60000)
    open_screen(page, settings_server, "settings", ready=".nc-settings-save")
    page.get_by_text("OpenAI 호환 API").first.click()
    fill(page, ".nc-set-model input", "")
    page.locator(".nc-error-model", has_text="모델 이름이 필요").wait_for()
    fill(page, ".nc-set-model input", "test-model")
    fill(page, ".nc-set-base_url input", model_server.base_url)
    page.locator(".nc-settings-save button").click()
    page.locator(".nc-message", has_text="다음 작업부터").wait_for()
    page.locator(".nc-settings-check button").click()
    page.locator(".nc-check-line", has_text="연결 성공").wait_for()
    shoot(page, "settings-saved-and-checked")
    assert model_server.requests and model_server.requests[-1].body["model"] == "test-model"
    checked = len(model_server.requests)

    open_screen(page, settings_server, "editor", episode=2, ready=".nc-editor-header")
    page.locator(".nc-generate button").click()
    page.locator(".nc-editor-header", has_text="생성 완료").wait_for(timeout=180000)
    shoot(page, "settings-next-job-used-openai")
    used = model_server.requests[checked:]
    assert len(used) >= 4, "outline, draft, events and summary go to the chosen server"
    assert {r.body["model"] for r in used} == {"test-model"}
    assert len(page.locator(".nc-manuscript textarea").input_value()) > 5000
