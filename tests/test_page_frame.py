"""The page frame every dashboard session is drawn in (issue 15): the whole page is one root of
the Bokeh document, so its model graph is walked once, and the frame holds the sidebar and the
screen."""

from __future__ import annotations

import panel as pn
from bokeh.document import Document
from bokeh.document.models import DocumentModelManager
from dashboard_helpers import sample_state

from novelcraft.dashboards.app import Shell, setup_extensions


def test_the_page_is_added_to_the_document_in_one_walk(workspace, monkeypatch):
    setup_extensions()
    state = sample_state(workspace, episodes=2, screen="quality")
    page = Shell(state=state).page()
    walks = []
    recompute = DocumentModelManager.recompute

    def counted(self):
        walks.append(self)
        recompute(self)

    monkeypatch.setattr(DocumentModelManager, "recompute", counted)
    document = Document()
    pn.panel(page).server_doc(document)
    assert len(walks) == 1
    # One root for the page (Panel adds its Location model beside it).
    assert [type(r).__name__ for r in document.roots if type(r).__name__ != "Location"] == [
        "Column"
    ]
    names = {type(m).__name__ for m in document.models}
    # The Quality screen is there: its tabs and its trend charts (drawn by the browser).
    assert "Tabs" in names and any(name.startswith("TrendChart") for name in names)
    # The sidebar holds the project picker and the navigation beside the screen.
    assert {"CustomSelect", "RadioButtonGroup"} <= names
    labels = [m.text for m in document.models if type(m).__name__ == "HTML" and m.text]
    assert any("NovelCraft" in str(text) for text in labels)
