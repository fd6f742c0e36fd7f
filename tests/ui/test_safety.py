"""What must never go wrong in the browser: a broken bible upload creates nothing, a second
tab cannot overwrite the first one's save, and a lost server connection is shown and
recovered from."""

from __future__ import annotations

import pytest
from conftest import Server, open_screen, seeded_workspace, shoot

from novelcraft.dashboards.server import free_port

BROKEN = b"format: novelcraft-bible/1\nproject:\n  name: [unclosed\n"


def test_broken_bible_upload_shows_the_error_line_and_creates_nothing(page, console, served):
    open_screen(page, served, "projects", ready=".nc-projects-table")
    rows = page.locator(".nc-projects-table .tabulator-row")
    before = rows.count()
    page.locator(".bk-tab", has_text="스토리 바이블 업로드").first.click()
    page.locator(".nc-upload input[type=file]").set_input_files(
        files=[{"name": "broken.yaml", "mimeType": "text/yaml", "buffer": BROKEN}]
    )
    page.locator(".nc-import button").click()
    error = page.locator(".nc-upload-error", has_text="broken.yaml:4: YAML 형식이 잘못되었습니다")
    error.wait_for(timeout=60000)
    shoot(page, "safety-broken-upload")
    assert rows.count() == before
    page.reload()
    page.locator(".nc-projects-table").wait_for()
    assert page.locator(".nc-projects-table .tabulator-row").count() == before
    assert console.errors == []


def test_second_tab_saving_the_same_episode_is_refused(page, served):
    other = page.context.new_page()
    for tab, words in ((page, "첫 번째 탭"), (other, "두 번째 탭")):
        open_screen(tab, served, "editor", episode=2, ready=".nc-editor-header")
        tab.locator(".bk-tab", has_text="원고").first.click()
        # Only the saves by hand race: an autosave (after 5 s idle, which a busy machine
        # reaches while the other tab loads) would decide which tab saves first.
        tab.locator(".bk-Checkbox", has_text="자동 저장").locator("input").uncheck()
        box = tab.locator(".nc-manuscript textarea")
        box.fill(box.input_value() + f"\n\n{words}에서 고친 문장!")
    # The author goes back to the first tab to save there, then to the second.
    page.bring_to_front()
    page.locator(".nc-save button").click()
    page.locator(".nc-message", has_text="저장했습니다 (수정 번호").wait_for(timeout=60000)
    other.bring_to_front()
    other.locator(".nc-save button").click()
    other.get_by_text("저장 거부").first.wait_for(timeout=60000)
    shoot(other, "safety-second-tab-refused")
    other.locator(".bk-tab", has_text="원고").first.click()
    assert "두 번째 탭" in other.locator(".nc-manuscript textarea").input_value()  # kept
    other.close()
    open_screen(page, served, "editor", episode=2, ready=".nc-editor-header")
    page.locator(".bk-tab", has_text="원고").first.click()
    text = page.locator(".nc-manuscript textarea").input_value()
    assert "첫 번째 탭" in text and "두 번째 탭" not in text


@pytest.fixture
def restartable(tmp_path):
    root = tmp_path / "ws"
    server = Server(root, free_port(), slug=seeded_workspace(root, 0))
    yield server.start()
    server.stop()


def test_lost_connection_is_shown_and_the_page_recovers(page, restartable):
    open_screen(page, restartable, "projects", ready=".nc-projects-table")
    banner = page.locator(".nc-connection-lost")
    assert not banner.is_visible()
    restartable.stop()
    banner.wait_for(state="visible", timeout=60000)
    assert "연결이 끊겼습니다" in banner.inner_text()
    shoot(page, "safety-connection-lost")
    restartable.start()
    page.locator(".nc-projects-table").wait_for(timeout=60000)
    page.wait_for_function(
        "() => !document.querySelector('.nc-connection-lost') || "
        "document.querySelector('.nc-connection-lost').style.display === 'none'"
    )
