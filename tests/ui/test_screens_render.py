"""Every screen renders in Chromium with no console error; a screenshot of each is written to
tests/ui/artifacts/."""

from __future__ import annotations

import pytest
from conftest import open_screen, shoot

READY = {
    "projects": ".nc-projects-table",
    "bible": "text=관계도",
    "episodes": ".nc-episodes-table",
    "editor": ".nc-editor-header",
    "batch": ".nc-estimate",
    "quality": ".nc-charts .nc-point",
    "jobs": ".nc-jobs-table",
    "canon": ".nc-canon-seasons",
    "settings": ".nc-settings-save",
}


@pytest.mark.parametrize("screen", list(READY))
def test_screen_renders_without_console_errors(page, console, served, screen):
    open_screen(page, served, screen, ready=READY[screen])
    page.wait_for_timeout(500)  # let late models (plots, tables) finish drawing
    assert "Traceback" not in page.content()
    shoot(page, f"screen-{screen}")
    assert console.errors == []


def test_editor_tabs_and_bible_tabs_render(page, console, served):
    open_screen(page, served, "editor", ready=".nc-editor-header")
    for tab in ("원고", "검증", "이벤트", "버전", "컨텍스트"):
        page.locator(".bk-tab", has_text=tab).first.click()
        page.wait_for_timeout(300)
        shoot(page, f"editor-tab-{tab}")
    assert page.locator(".nc-badge").count() == 9
    open_screen(page, served, "bible", ready="text=관계도")
    page.locator(".bk-tab", has_text="인물").first.click()
    page.locator(".nc-save-char").first.wait_for(state="visible")
    shoot(page, "bible-characters")
    page.locator(".bk-tab", has_text="관계도").first.click()
    page.locator("canvas").first.wait_for(state="visible")
    page.wait_for_timeout(500)
    shoot(page, "bible-graph")
    assert console.errors == []


# Screens with Tabulator tables, and how many tables each shows for the served project
# (Quality's guard and baseline tables arrive after its first charts). The Episodes list is a
# plain table that grows with its rows (tests/ui/test_episode_list.py).
TABLES = {"projects": 1, "quality": 2}

_CLIPPED_ROWS = """(table) => {
    const holder = table.querySelector('.tabulator-tableholder');
    const box = holder.getBoundingClientRect();
    const rows = Array.from(table.querySelectorAll('.tabulator-row'));
    return {
        rows: rows.length,
        clipped: rows.filter((r) => {
            const b = r.getBoundingClientRect();
            return b.top < box.top - 1 || b.bottom > box.bottom + 1;
        }).length,
        scrolls: holder.scrollHeight > holder.clientHeight + 1,
    };
}"""


@pytest.mark.parametrize("screen", list(TABLES))
def test_every_table_row_is_in_view_even_with_one_row(page, served, screen):
    """A table sized by a guessed row height hid the single project under its pager; every
    row must lie inside its table, with no scrolling inside the table."""
    open_screen(page, served, screen, ready=READY[screen])
    tables = page.locator(".tabulator")
    expect_count = TABLES[screen]
    tables.nth(expect_count - 1).locator(".tabulator-row").first.wait_for(
        state="visible", timeout=60000
    )
    page.wait_for_timeout(500)
    shoot(page, f"tables-{screen}")
    found = [tables.nth(i).evaluate(_CLIPPED_ROWS) for i in range(tables.count())]
    assert len(found) >= expect_count
    assert all(t["rows"] >= 1 for t in found), found
    assert [t for t in found if t["clipped"] or t["scrolls"]] == [], found


def test_a_burst_of_typing_reaches_the_count_in_a_few_messages(page, console, served):
    """The manuscript box sends what is typed at most every 150 ms, not once per key: the
    header's live count still ends on the last key with nothing else pressed, and 다시
    불러오기 puts back the stored text even though it is the text of the previous load."""
    messages: list[str] = []  # the header frame of each Bokeh message the page sent

    def watch(ws) -> None:
        ws.on("framesent", lambda f: messages.append(f) if "PATCH-DOC" in str(f) else None)

    page.on("websocket", watch)
    open_screen(page, served, "editor", episode=2, ready=".nc-manuscript textarea")
    box = page.locator(".nc-manuscript textarea")
    stored = box.input_value()
    count = page.locator(".nc-editor-header .nc-count")
    before = int(count.inner_text().rstrip("자").replace(",", ""))
    # Nothing is saved: the episode stays as stored for the module's other tests.
    page.locator(".bk-Checkbox", has_text="자동 저장").locator("input").uncheck()
    box.click()
    page.keyboard.press("Control+End")
    syllables = list("그날밤학생회실의불이혼자켜졌다") * 20  # 300 keys, as fast as they go
    sent_before = len(messages)
    for syllable in syllables:
        page.keyboard.insert_text(syllable)
    count.filter(has_text=f"{before + len(syllables):,}자").wait_for(timeout=60000)
    assert box.input_value() == stored + "".join(syllables)
    assert len(messages) - sent_before < len(syllables) / 5, len(messages) - sent_before
    page.locator(".nc-reload button").click()
    count.filter(has_text=f"{before:,}자").wait_for(timeout=60000)
    assert box.input_value() == stored
    assert console.errors == []


def test_clicking_save_right_after_a_burst_saves_its_last_keys(page, served):
    """The keys typed in the last 150 ms, not yet sent, go when the box loses focus to the
    button, before the click: the saved version ends with the last syllable typed. (Last in
    the module: it writes a version of episode 2.)"""
    open_screen(page, served, "editor", episode=2, ready=".nc-manuscript textarea")
    box = page.locator(".nc-manuscript textarea")
    stored = box.input_value()
    box.click()
    page.keyboard.press("Control+End")
    burst = list("그때문이열렸다") * 6
    for syllable in burst:
        page.keyboard.insert_text(syllable)
    page.locator(".nc-save button").click()
    page.locator(".nc-message", has_text="저장했습니다 (수정 번호").wait_for(timeout=60000)
    page.reload()
    page.locator(".nc-manuscript textarea").wait_for()
    assert page.locator(".nc-manuscript textarea").input_value() == stored + "".join(burst)


def test_each_tab_gets_its_own_screen_from_the_reused_page(page, console, served):
    """The page is rendered from the first session's (`reuse_page_sessions`) and each tab's
    own session is built from its own address: two tabs asking for different screens and
    episodes each show theirs, and a reload keeps showing the same one."""
    open_screen(page, served, "quality", ready=".nc-charts .nc-point")
    second = page.context.new_page()
    try:
        open_screen(second, served, "editor", episode=2, ready=".nc-editor-header")
        second.locator(".nc-editor-header", has_text="2화").wait_for(timeout=30000)
        assert second.locator(".nc-charts").count() == 0
        third = page.context.new_page()
        try:
            open_screen(third, served, "episodes", ready=".nc-episodes-table .nc-episode-row")
            assert third.locator(".nc-editor-header").count() == 0
        finally:
            third.close()
        second.reload(wait_until="domcontentloaded")
        second.locator(".nc-editor-header", has_text="2화").wait_for(timeout=30000)
        shoot(second, "reused-page-editor-tab")
    finally:
        second.close()
    # The first tab is still its own Quality screen, live: its metric picker answers.
    assert page.locator(".nc-charts .nc-point").first.is_visible()
    assert console.errors == []
