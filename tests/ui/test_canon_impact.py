"""The cascade in Chromium: after an author's edit of 1화 changed its summary, the editor of
1화 lists the later episodes whose context used it, and 다시 만들기 queues one of them."""

from __future__ import annotations

import pytest
from conftest import SAMPLE_BIBLE, Server, open_screen, shoot

from novelcraft.dashboards.server import free_port
from novelcraft.pipeline import edit_episode
from novelcraft.workspace import Workspace


@pytest.fixture(scope="module")
def edited_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("impact") / "ws"
    with Workspace.open(root, create=True) as ws:
        slug = ws.import_bible(SAMPLE_BIBLE)
        ws.generate(slug, 1, 3, ws.backend("offline"))
        first = ws.get_episode(slug, 1)
        paragraphs = first.content.rstrip("\n").split("\n\n")
        paragraphs[-1] = "그때, 창고 문이 안쪽에서 잠겼다. 누군가 먼저 와 있었다…"
        run = ws.run(slug, ws.backend("offline"))
        edit_episode(run, 1, "\n\n".join(paragraphs) + "\n", expected_revision=first.revision)
        affected = sorted({r.episode_number for r in ws.stale_reasons(slug, source_episode=1)})
    assert affected == [2, 3], "1화's summary is in the context of 2화 and 3화"
    server = Server(root, free_port(), slug=slug).start()
    yield server
    err = server.stop()
    assert server.proc.returncode == 0, err


def test_the_editor_lists_the_impact_and_rebuilds_one(page, console, edited_server):
    open_screen(page, edited_server, "editor", episode=1, ready=".nc-impact")
    # Panel renders inside shadow roots: read text with locators, not inner_text.
    page.get_by_text("이 회차 수정의 영향: 2개 회차").wait_for()
    shoot(page, "editor-impact")
    assert page.get_by_text("맥락에 쓰인").count() == 2
    assert page.locator(".nc-rebuild-2 button").is_visible()
    assert page.locator(".nc-rebuild-3 button").is_visible()
    page.locator(".nc-rebuild-2 button").click()
    page.get_by_text("2화 다시 만들기 작업을 등록했습니다").wait_for(timeout=30000)
    assert console.errors == []
