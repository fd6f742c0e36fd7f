"""The page frame of every dashboard session: a header bar, the sidebar and the main area, as
one plain Panel layout.

Panel's Bootstrap template drew the same frame with its own stylesheets, a root per area and
the scripts that size them: the frame alone took ~0.25 s more to draw in Chromium (issue 15:
15 loads each, bare page 1.32 s, Bootstrap frame 1.59 s, this frame 1.35 s; on a full screen
the difference was within this machine's noise). One root also means Bokeh walks the
document's models once, not once per area. The widgets have Panel's own design (see
`setup_extensions`), and the sidebar does not collapse as the template's did."""

from __future__ import annotations

import html

import panel as pn

from novelcraft.dashboards.page_reuse import point_stylesheets_here

HEADER_BACKGROUND = "#243b55"
SIDEBAR_WIDTH = 260
TITLE_STYLE = "color: white; font-size: 1.5rem; font-weight: 500; margin: 14px 0"


class PageRoot(pn.Column):
    """The page's one root. Once its models are in the session's document, the stylesheets
    Panel left pointing at its CDN point at this server (see `page_reuse`)."""

    def server_doc(self, doc=None, title=None, location=True):
        doc = super().server_doc(doc, title, location)
        point_stylesheets_here(doc)
        return doc


class PageFrame(pn.viewable.Viewer):
    """Header, sidebar and main area; `sidebar` and `main` are the layouts the screens fill."""

    def __init__(self, *, title: str, sidebar: list, main: list):
        super().__init__()
        self.sidebar = pn.Column(
            *sidebar,
            width=SIDEBAR_WIDTH + 24,  # the widgets' width plus the padding around them
            margin=0,
            css_classes=["nc-sidebar"],
            styles={
                "border-right": "1px solid #e5e5e5",
                "padding": "8px 4px",
                "min-height": "100vh",
            },
        )
        self.main = pn.Column(
            *main, sizing_mode="stretch_width", margin=(0, 16), css_classes=["nc-main"]
        )
        header = pn.pane.HTML(
            f'<h1 style="{TITLE_STYLE}">{html.escape(title)}</h1>',
            css_classes=["nc-header"],
            sizing_mode="stretch_width",
            margin=0,
            styles={"background": HEADER_BACKGROUND, "padding": "0 24px"},
        )
        self._layout = PageRoot(
            header,
            pn.Row(self.sidebar, self.main, sizing_mode="stretch_width", margin=0),
            sizing_mode="stretch_width",
            margin=0,
        )

    def __panel__(self) -> pn.Column:
        return self._layout
