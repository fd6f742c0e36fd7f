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
    "quality": ".nc-charts canvas",
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
