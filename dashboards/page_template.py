"""The page frame of every dashboard session: Panel's Bootstrap template, with its roots added
to the Bokeh document in one batch.

The template adds each of its areas (sidebar items, main, modal, ...) as a separate document
root, and Bokeh walks every model of the document again after each one. With a screen of a
few hundred models that walk was the largest single cost of opening a page (issue 15); under
`freeze` Bokeh walks the finished document once."""

from __future__ import annotations

import panel as pn
from panel.io.document import create_doc_if_none_exists


class ShellTemplate(pn.template.BootstrapTemplate):
    def _init_doc(self, doc=None, comm=None, title=None, notebook=False, location=True):
        document = create_doc_if_none_exists(doc or pn.state.curdoc)
        with document.models.freeze():
            return super()._init_doc(document, comm, title, notebook, location)
