"""The Episodes list in Chromium: a click selects a row, a double click or Enter opens it, the
arrow keys move the selection, the pager pages, and an author's title is shown as text."""

from __future__ import annotations

import pytest
from conftest import Server, open_screen, seeded_workspace, shoot

from novelcraft.dashboards.server import free_port
from novelcraft.workspace import Workspace

HOSTILE_TITLE = '<img src=x onerror="window.__pwned = 1">수상한 제목'


@pytest.fixture(scope="module")
def listed(tmp_path_factory):
    """The sample project with 2 generated and 10 hand-made episodes (one with markup in its
    title)."""
    root = tmp_path_factory.mktemp("episode-list") / "ws"
    slug = seeded_workspace(root, 2)
    with Workspace.open(root) as ws:
        ws.create_episode(slug, 3, title=HOSTILE_TITLE, content="짧은 본문")
        for n in range(4, 13):
            ws.create_episode(slug, n, title=f"{n}화 제목", content="짧은 본문")
    server = Server(root, free_port(), slug=slug).start()
    try:
        yield server
    finally:
        err = server.stop()
    assert server.proc.returncode == 0, err


def rows(page):
    return page.locator(".nc-episodes-table .nc-episode-row")


def test_a_click_selects_and_a_double_click_opens(page, console, listed):
    page.set_default_timeout(60000)
    open_screen(page, listed, "episodes", ready=".nc-episodes-table .nc-episode-row")
    assert rows(page).count() == 12
    third = rows(page).nth(2)
    third.click()
    page.locator("text=선택: 3화").wait_for()
    assert "nc-selected" in third.get_attribute("class")
    assert third.get_attribute("aria-selected") == "true"
    # The author's markup is text: no image element, nothing it tried to run.
    assert HOSTILE_TITLE in third.inner_text()
    assert page.locator(".nc-episodes-table img").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    shoot(page, "episodes-list-selected")
    rows(page).nth(4).dblclick()
    page.locator(".nc-editor-header", has_text="5화").wait_for()
    assert console.errors == []


def test_the_arrow_keys_move_the_selection_and_enter_opens(page, listed):
    page.set_default_timeout(60000)
    open_screen(page, listed, "episodes", ready=".nc-episodes-table .nc-episode-row")
    rows(page).first.click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.locator("text=선택: 3화").wait_for()
    page.keyboard.press("ArrowUp")
    page.locator("text=선택: 2화").wait_for()
    page.keyboard.press("Enter")
    page.locator(".nc-editor-header", has_text="2화").wait_for()


def test_the_pager_shows_the_next_page_of_rows(page, listed):
    page.set_default_timeout(60000)
    open_screen(page, listed, "episodes", ready=".nc-episodes-table .nc-episode-row")
    page.locator(".nc-episodes-page-size select").select_option("10")
    rows(page).nth(10).wait_for(state="detached")
    assert rows(page).count() == 10
    page.get_by_role("button", name="다음 ▶").click()
    page.locator("text=2 / 2 쪽 · 전체 12화").wait_for()
    page.locator(".nc-episodes-table .nc-episode-row[data-number='12']").wait_for()
    assert rows(page).count() == 2
    shoot(page, "episodes-list-page-2")
    # The first row of the new page is chosen, so 열기 opens an episode that is shown.
    page.locator("text=선택: 11화").wait_for()
    page.get_by_role("button", name="열기").click()
    page.locator(".nc-editor-header", has_text="11화").wait_for()


def test_a_new_episode_by_its_typed_number_and_a_delete_that_asks_once_more(page, console, listed):
    """새 회차 makes the episode whose number the author typed and opens it; 삭제 asks again
    (the button reads 삭제 확인) before the row goes. The number box keeps what is typed."""
    page.set_default_timeout(60000)
    open_screen(page, listed, "episodes", ready=".nc-episodes-table .nc-episode-row")
    number = page.get_by_label("새 회차 번호")
    assert number.input_value() == "13"  # the next number after the last episode
    number.fill("")
    number.press_sequentially("20", delay=80)
    page.wait_for_timeout(2500)  # a poll of the server passes while the number is typed
    assert number.input_value() == "20"
    page.get_by_role("button", name="새 회차").click()
    page.locator(".nc-editor-header", has_text="20화").wait_for()
    open_screen(page, listed, "episodes", ready=".nc-episodes-table .nc-episode-row")
    new_row = page.locator(".nc-episodes-table .nc-episode-row[data-number='20']")
    new_row.click()
    page.locator("text=선택: 20화").wait_for()
    page.get_by_role("button", name="삭제").click()
    page.get_by_role("button", name="삭제 확인").wait_for()
    assert new_row.count() == 1  # nothing is deleted on the first click
    shoot(page, "episodes-delete-asks-again")
    page.get_by_role("button", name="삭제 확인").click()
    new_row.wait_for(state="detached")
    page.locator("text=20화를 삭제했습니다").wait_for()
    assert number.input_value() == "13"
    assert console.errors == []
