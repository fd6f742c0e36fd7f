"""The author's whole path in Chromium: wizard → bootstrap job → 1화 trial → editor with every
metric badge → edit, save, a new version → batch of 5 to 100 % with the log updating → ZIP
with EP001.md…EP005.md."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from conftest import Server, shoot

from novelcraft.dashboards.server import free_port
from novelcraft.workspace import Workspace


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("flow") / "ws"
    Workspace.open(root, create=True).close()
    # A little model latency, so the batch outlasts a few 2-second polls of the page.
    settings = root / "novelcraft.toml"
    text = settings.read_text(encoding="utf-8")
    assert "offline_latency = 0\n" in text
    settings.write_text(text.replace("offline_latency = 0\n", "offline_latency = 0.25\n"))
    server = Server(root, free_port()).start()
    yield server
    err = server.stop()
    assert server.proc.returncode == 0, err


def fill(page, selector: str, text: str) -> None:
    box = page.locator(selector).first
    box.fill(text)
    box.press("Tab")  # Bokeh commits a text input's value on change


def test_wizard_trial_edit_batch_and_zip(page, console, empty_server):
    page.set_default_timeout(60000)
    page.goto(empty_server.url, wait_until="domcontentloaded")
    page.get_by_text("아직 프로젝트가 없습니다").wait_for()
    fill(page, ".nc-name input", "달빛 아래 검객")
    fill(page, ".nc-tone input", "담담하고 빠르게, 매 화 끝은 끊는다")
    fill(page, ".nc-protagonist input", "검을 버린 검객, 무뚝뚝함")
    page.locator(".nc-bootstrap button").click()
    page.get_by_text("프로젝트를 만들었습니다").wait_for()
    shoot(page, "flow-1-bootstrapped")

    page.locator(".nc-trial button").click()
    try:
        page.locator(".nc-editor-header", has_text="생성 완료").wait_for(timeout=120000)
    finally:
        shoot(page, "flow-2-trial")
    page.locator(".bk-tab", has_text="검증").first.click()
    page.locator(".nc-badge").first.wait_for()
    assert page.locator(".nc-badge").count() == 9
    shoot(page, "flow-2-trial-validation")

    page.locator(".bk-tab", has_text="원고").first.click()
    manuscript = page.locator(".nc-manuscript textarea")
    text = manuscript.input_value()
    assert len(text) > 5000
    manuscript.fill(text + "\n\n그때, 누군가 문을 두드렸다!")
    page.locator(".nc-save button").click()
    page.get_by_text("저장했습니다 (수정 번호").wait_for()
    page.locator(".bk-tab", has_text="버전").first.click()
    page.locator(".nc-versions").get_by_text("작가 수정").first.wait_for()
    shoot(page, "flow-3-saved-versions")
    page.reload()  # what was saved is the whole manuscript plus the author's sentence
    page.locator(".bk-tab", has_text="원고").first.click()
    saved = page.locator(".nc-manuscript textarea").input_value()
    assert saved == text + "\n\n그때, 누군가 문을 두드렸다!"

    page.locator(".nc-nav button", has_text="일괄 생성").click()
    fill(page, ".nc-first input", "1")
    fill(page, ".nc-last input", "5")
    page.locator(".nc-estimate").get_by_text("5화").wait_for()
    page.locator(".nc-batch-start button").click()
    log = page.locator(".nc-batch-log textarea")
    sizes, deadline = [], time.monotonic() + 180
    while time.monotonic() < deadline:
        sizes.append(len(log.input_value().splitlines()))
        if page.locator(".nc-batch-percent").inner_text().strip() == "100%":
            break
        page.wait_for_timeout(500)
    assert page.locator(".nc-batch-percent").inner_text().strip() == "100%"
    assert len(set(sizes)) > 2, sizes  # the log grew while the batch ran
    assert "5화: 완료" in log.input_value()
    shoot(page, "flow-4-batch-done")

    with page.expect_download() as download:
        page.locator(".nc-zip button").click()
    data = open(download.value.path(), "rb").read()  # noqa: SIM115
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        episodes = sorted(n for n in zf.namelist() if n.startswith("episodes/"))
    assert episodes == [f"episodes/EP{n:03d}.md" for n in range(1, 6)]
    assert console.errors == []
