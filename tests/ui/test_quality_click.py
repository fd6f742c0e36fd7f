"""Quality in Chromium: the charts come first with their legend, and clicking a point on a
chart opens that episode in the editor."""

from __future__ import annotations

from conftest import open_screen, shoot

# Where on the page the last point of the first chart is: Bokeh's own scales turn its data
# coordinates into pixels of the plot's canvas.
POINT_ON_PAGE = """
() => {
  for (const view of Bokeh.index.query(v => v.frame !== undefined && v.renderer_views)) {
    for (const rv of view.renderer_views.values()) {
      const data = rv.model.data_source && rv.model.data_source.data
      if (!data || !data.episode_number || !data.value) continue
      const i = data.episode_number.length - 1
      const box = view.el.getBoundingClientRect()
      return {
        episode: Number(data.episode_number[i]),
        x: box.left + view.frame.x_scale.compute(Number(data.episode_number[i])),
        y: box.top + view.frame.y_scale.compute(Number(data.value[i])),
      }
    }
  }
  return null
}
"""

PLOTS_DRAWN = "(n) => Array.from(Bokeh.index.query(v => v.frame !== undefined)).length >= n"


def test_clicking_a_chart_point_opens_that_episode(page, console, served):
    page.set_default_timeout(60000)
    open_screen(page, served, "quality", ready=".nc-charts canvas")
    page.locator(".nc-chart-legend").first.wait_for()
    # The first row of charts comes with the page, the second right after it is drawn.
    page.wait_for_function(PLOTS_DRAWN, arg=4, timeout=60000)
    page.wait_for_timeout(1500)  # let Bokeh lay the plots out
    shoot(page, "quality-charts-first")
    point = page.evaluate(POINT_ON_PAGE)
    assert point is not None, "no chart point found"
    page.mouse.click(point["x"], point["y"])
    header = page.locator(".nc-editor-header", has_text=f"{point['episode']}화")
    header.wait_for(timeout=30000)
    assert page.url.endswith(f"episode={point['episode']}") or "screen=editor" in page.url
    shoot(page, "quality-click-opened-editor")


def test_the_tables_and_the_voice_panel_arrive_below_the_charts(page, console, served):
    """Sent after the first charts are drawn: the guard and baseline tables, and the voice
    distinctiveness panel, whose button computes the table."""
    page.set_default_timeout(60000)
    open_screen(page, served, "quality", ready=".nc-charts canvas")
    page.locator(".nc-guard-table .tabulator-row").first.wait_for()
    page.locator(".nc-baseline-table .tabulator-row").first.wait_for()
    page.locator(".nc-voice-compute button").click()
    page.locator(".nc-voice-table .tabulator-row").first.wait_for()
    first_row = page.locator(".nc-voice-table .tabulator-row").first.inner_text()
    assert "1" in first_row and "%" in first_row, first_row
    shoot(page, "quality-voice-table")
    assert console.errors == []
