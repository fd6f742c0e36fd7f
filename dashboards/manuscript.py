"""The manuscript box of the editor: a textarea whose text flows one way while the author types.

Bokeh's TextAreaInput sends the whole text to the server on every input event. At ten
milliseconds per key that is a hundred messages of up to 200,000 characters a second, each
re-rendering the header; most of the cost of typing was spent there, on both sides. This box
sends what is typed at most every SEND_INTERVAL_MS: the first key after a pause goes at once (so
the live count follows a person's typing without delay), a burst is sent as it goes and its last
key at most SEND_INTERVAL_MS after it. Whatever is pending goes before anything else can read
`draft`: on blur (a click on 저장 or a tab), before the page is hidden, and in the same message
as Ctrl+S (Cmd+S on a Mac), which this box catches for the whole page.

The server writes the text to the browser only on a load (`text` with a new `generation`);
while the author types it never writes back, so the browser is never set back to older text
(the lost keystrokes of issue 11).
"""

from __future__ import annotations

from typing import ClassVar

import param
from panel.custom import JSComponent

SEND_INTERVAL_MS = 150


class Manuscript(JSComponent):
    text = param.String(default="", doc="The text of the last load, for the browser.")
    generation = param.Integer(default=0, doc="Bumped by each load: the browser takes `text`.")
    max_length = param.Integer(default=None, allow_None=True)
    saves = param.Integer(default=0, doc="How many times the save shortcut was pressed.")
    send_interval_ms = param.Integer(default=SEND_INTERVAL_MS, constant=True)

    # A plain ES module beside this file, imported by URL as it is (not compiled in the
    # browser on every load, see EpisodeList).
    _bundle = "manuscript.js"

    _stylesheets: ClassVar[list[str]] = [
        """
        :host { display: block; }
        .nc-manuscript-box {
          box-sizing: border-box; width: 100%; height: 100%; resize: vertical;
          padding: 8px 10px; border: 1px solid #ccc; border-radius: 4px;
          font: inherit; font-size: 15px; line-height: 1.7; color: inherit;
          background: white;
        }
        .nc-manuscript-box:focus { outline: none; border-color: #66afe9;
          box-shadow: 0 0 0 3px rgba(102, 175, 233, 0.4); }
        """
    ]

    def __init__(self, on_typed, on_save, **params):
        super().__init__(**params)
        # Plain callables: kept off the params synced to the browser.
        self._on_typed = on_typed
        self._on_save = on_save

    def load(self, text: str) -> None:
        """Puts `text` in the browser's box (the one time the server writes it)."""
        self.param.update(text=text, generation=self.generation + 1)

    def _handle_msg(self, data) -> None:
        if not isinstance(data, dict):
            return
        typed = data.get("typed")
        if isinstance(typed, str):
            self._on_typed(typed)
        if data.get("save"):
            self.saves += 1
            self._on_save()
