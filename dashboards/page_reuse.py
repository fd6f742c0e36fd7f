"""A tab's page is sent at once and its session is built while the browser loads the scripts.

Every screen is the same page: one plain Panel page whose roots the session's document fills
over the websocket. So the page is rendered from the first session's (Panel's session reuse;
that session is kept for the life of the server) and, with 'warm', the tab's own session is
built as soon as its page is sent: the 0.1-0.25 s a screen takes to build overlaps the ~0.4 s
the browser takes to run Bokeh's and Panel's scripts (issue 15). The query string still
reaches the tab's own session, which reads its screen from it.

Panel points a document's stylesheets at this server when it renders the document's own page;
a session built for a reused page never has its page rendered, and its widgets would ask the
CDN for their CSS (offline: not at all). So each new session's document is told where the
stylesheets are before anything is built in it, and the page frame points the few models
Panel builds without asking (its Divider, for one) here once they are in the document.
"""

from __future__ import annotations

import panel as pn
from panel.io.resources import CDN_DIST, LOCAL_DIST, patch_model_css, use_cdn

_HOOKED = False


def reuse_page_sessions() -> None:
    global _HOOKED
    pn.config.reuse_sessions = "warm"
    if not _HOOKED:
        pn.state.on_session_created(_stylesheets_here)
        _HOOKED = True


def _stylesheets_here(_session_context) -> None:
    doc = pn.state.curdoc
    if doc is not None:
        doc.template_variables.setdefault("dist_url", dist_url())


def dist_url() -> str:
    """Where this server's copy of Panel's stylesheets is, as Panel says it for a page served
    at the top level (every NovelCraft app is)."""
    return CDN_DIST if use_cdn() else LOCAL_DIST


def point_stylesheets_here(doc) -> None:
    """Every stylesheet of `doc` that points at Panel's CDN now points at this server."""
    if doc is None or doc.session_context is None:
        return
    url = doc.template_variables.get("dist_url") or dist_url()
    for root in doc.roots:
        patch_model_css(root, dist_url=url)
