"""The Episodes screen's list: one page of episodes as a plain HTML table drawn by a small
browser module.

The screen pages through the store itself (25 rows by default), so it needs none of
Tabulator's paging, sorting or virtual rows; Tabulator's own drawing (it measures every row
and redraws on each resize and stylesheet load) made the screen take 0.94 s to draw against
0.81 s with this table (issue 15, 5 loads each, bare page ~0.62 s). This table is drawn once
per page of rows. A click selects a row; a double click, or Enter on the focused row, opens it;
the arrow keys move the selection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import param
from panel.custom import JSComponent


class EpisodeList(JSComponent):
    columns = param.List(default=[], doc="[label, width in px] per column, in order.")
    rows = param.List(default=[], doc="One list of cells per row; the first is the number.")
    html_columns = param.List(default=[], doc="Indexes of cells that hold the app's own HTML.")
    selected = param.Integer(default=None, allow_None=True, doc="Number of the chosen row.")
    empty_text = param.String(default="회차가 없습니다.")

    # A plain ES module in a file beside this one: the browser imports it by URL as it is. As
    # an inline `_esm` it was sent in every page's document and compiled by Panel's in-browser
    # TypeScript/JSX compiler on every load (~0.02 s of each Episodes draw, issue 15).
    _bundle = "episode_list.js"

    _stylesheets: ClassVar[list[str]] = [
        """
        :host { display: block; overflow-x: auto; }
        .nc-episode-list { border-collapse: collapse; table-layout: fixed; font-size: 14px; }
        .nc-episode-list th, .nc-episode-list td {
          padding: 6px 8px; border-bottom: 1px solid #e5e5e5; text-align: left;
          white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
        }
        .nc-episode-list th { background: #f4f6f8; font-weight: 600; }
        .nc-episode-row { cursor: pointer; }
        .nc-episode-row:hover { background: #f2f7fd; }
        .nc-episode-row:focus { outline: 2px solid #66afe9; outline-offset: -2px; }
        .nc-episode-row.nc-selected { background: #dbe9fb; }
        .nc-empty { color: #777; }
        """
    ]

    def __init__(self, on_open: Callable[[int], object] | None = None, **params):
        super().__init__(**params)
        # A plain callable: kept off the params synced to the browser.
        self._on_open = on_open

    def _handle_msg(self, data) -> None:
        if not isinstance(data, dict):
            return
        number = data.get("open")
        shown = {row[0] for row in self.rows}
        is_number = isinstance(number, int) and not isinstance(number, bool)
        if is_number and number in shown and self._on_open is not None:
            self._on_open(number)
