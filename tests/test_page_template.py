"""The page template every dashboard session is drawn in (issue 15): the whole page reaches
the Bokeh document, and the document's model graph is walked once, not once per area."""

from __future__ import annotations

from bokeh.document import Document
from bokeh.document.models import DocumentModelManager
from dashboard_helpers import sample_state

from novelcraft.dashboards.app import Shell, setup_extensions


def test_the_page_is_added_to_the_document_in_one_walk(workspace, monkeypatch):
    setup_extensions()
    state = sample_state(workspace, episodes=2, screen="quality")
    template = Shell(state=state).template()
    walks = []
    recompute = DocumentModelManager.recompute

    def counted(self):
        walks.append(self)
        recompute(self)

    monkeypatch.setattr(DocumentModelManager, "recompute", counted)
    document = Document()
    template.server_doc(document)
    assert len(walks) == 1
    names = {type(m).__name__ for m in document.models}
    assert {"Tabs", "GlyphRenderer", "BoxAnnotation"} <= names  # the Quality screen is there
    assert len(document.roots) > 3  # sidebar, main and the template's own areas
