"""Quality in Chromium: the charts come first with their legend, and clicking a point on a
chart opens that episode in the editor."""

from __future__ import annotations

from conftest import open_screen, shoot


def test_clicking_a_chart_point_opens_that_episode(page, console, served):
    page.set_default_timeout(60000)
    open_screen(page, served, "quality", ready=".nc-charts .nc-point")
    page.locator(".nc-chart-legend").first.wait_for()
    # The first row of charts comes with the page, the second right after it is drawn (each
    # chart draws inside its own shadow root, which Playwright's locators reach into).
    charts = page.locator(".nc-charts .nc-trend-chart")
    charts.nth(3).locator(".nc-point").first.wait_for(timeout=60000)
    shoot(page, "quality-charts-first")
    # The last point of the first chart, and the episode the chart wrote beside it.
    dot = charts.first.locator(".nc-point").last
    box = dot.bounding_box()
    assert box is not None, "no chart point found"
    point = {
        "episode": int(dot.get_attribute("data-episode")),
        "x": box["x"] + box["width"] / 2,
        "y": box["y"] + box["height"] / 2,
    }
    # Hovering the point shows its episode and value beside it.
    page.mouse.move(point["x"], point["y"])
    tip = charts.first.locator(".nc-trend-tip")
    tip.wait_for(state="visible", timeout=10000)
    assert tip.inner_text().startswith(f"{point['episode']}화"), tip.inner_text()
    shoot(page, "quality-point-hover")
    page.mouse.click(point["x"], point["y"])
    header = page.locator(".nc-editor-header", has_text=f"{point['episode']}화")
    header.wait_for(timeout=30000)
    assert page.url.endswith(f"episode={point['episode']}") or "screen=editor" in page.url
    shoot(page, "quality-click-opened-editor")


def test_the_tables_and_the_voice_panel_arrive_below_the_charts(page, console, served):
    """Sent after the first charts are drawn: the guard and baseline tables, and the voice
    distinctiveness panel, whose button computes the table."""
    page.set_default_timeout(60000)
    open_screen(page, served, "quality", ready=".nc-charts .nc-point")
    page.locator(".nc-guard-table .tabulator-row").first.wait_for()
    page.locator(".nc-baseline-table .tabulator-row").first.wait_for()
    page.locator(".nc-voice-compute button").click()
    page.locator(".nc-voice-table .tabulator-row").first.wait_for()
    first_row = page.locator(".nc-voice-table .tabulator-row").first.inner_text()
    assert "1" in first_row and "%" in first_row, first_row
    shoot(page, "quality-voice-table")
    assert console.errors == []


def test_the_season_comparison_tab_draws_its_box_plots(page, console, served):
    """The second tab compares seasons as HoloViews box plots, built when it is first opened."""
    page.set_default_timeout(60000)
    open_screen(page, served, "quality", ready=".nc-charts .nc-point")
    page.locator(".bk-tab", has_text="시즌 비교").first.click()
    page.locator(".nc-season-boxes canvas").first.wait_for(state="visible")
    page.wait_for_timeout(500)  # let Bokeh paint the boxes
    shoot(page, "quality-season-comparison")
    assert console.errors == []
