"""The Episodes screen's list, with its pager and its actions: one page of episodes as a plain
HTML table, the page controls above it and open / new / delete below, all drawn by one small
browser module (`episode_list.js`).

The screen pages through the store itself (25 rows by default), so it needs none of
Tabulator's paging, sorting or virtual rows; Tabulator's own drawing (it measures every row
and redraws on each resize and stylesheet load) made the screen take 0.94 s to draw against
0.81 s with this table (issue 15, 5 loads each, bare page ~0.62 s). The pager and the action
buttons were ten Panel widgets and rows around the table, each a Bokeh view that Chromium built,
styled and measured: drawing them was ~35 ms of the screen's ~0.62 s (bare page 0.50 s).

The server owns the state. The module shows the params it is sent and answers with one-key
messages, which `_handle_msg` checks before it calls the screen: `{"open": n}` (a double
click or Enter on a row), `{"page": n}`, `{"page_size": n}`, `{"open_selected": 0}`,
`{"create": n}` (the number typed beside 새 회차) and `{"delete": 0}`. A click selects a row
(`selected` is synced back); the arrow keys move the selection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import param
from panel.custom import JSComponent

# What the browser may ask for, each with one whole number.
MESSAGES = ("open", "page", "page_size", "open_selected", "create", "delete")


class EpisodeList(JSComponent):
    columns = param.List(default=[], doc="[label, width in px] per column, in order.")
    rows = param.List(default=[], doc="One list of cells per row; the first is the number.")
    html_columns = param.List(default=[], doc="Indexes of cells that hold the app's own HTML.")
    selected = param.Integer(default=None, allow_None=True, doc="Number of the chosen row.")
    empty_text = param.String(default="회차가 없습니다.")
    page = param.Integer(default=1)
    pages = param.Integer(default=1)
    total = param.Integer(default=0, doc="Episodes in all pages.")
    page_size = param.Integer(default=25)
    page_sizes = param.List(default=[10, 25, 50, 100])
    new_number = param.Integer(default=1, doc="Shown beside 새 회차 until the author types.")
    confirm_delete = param.Boolean(default=False, doc="삭제 asks once more.")

    # A plain ES module in a file beside this one: the browser imports it by URL as it is. As
    # an inline `_esm` it was sent in every page's document and compiled by Panel's in-browser
    # TypeScript/JSX compiler on every load (~0.02 s of each Episodes draw, issue 15).
    _bundle = "episode_list.js"

    _stylesheets: ClassVar[list[str]] = [
        """
        :host { display: block; overflow-x: auto; }
        .nc-episodes-bar { display: flex; align-items: center; gap: 10px; margin: 8px 10px; }
        .nc-btn {
          font: inherit; font-size: 12px; padding: 6px 14px; border-radius: 4px;
          border: 1px solid transparent; cursor: pointer; min-height: 31px;
        }
        .nc-btn:disabled { opacity: 0.45; cursor: default; }
        .nc-btn:focus-visible { outline: 2px solid #66afe9; outline-offset: 1px; }
        .nc-btn-plain { background: #f2f2f2; color: #222; min-width: 80px; }
        .nc-btn-plain:hover:enabled { background: #e4e4e4; }
        .nc-btn-primary { background: #0072b5; color: white; }
        .nc-btn-success { background: #5cb85c; color: white; }
        .nc-btn-danger { background: #d9534f; color: white; }
        .nc-btn-primary:hover, .nc-btn-success:hover, .nc-btn-danger:hover {
          filter: brightness(0.92);
        }
        .nc-pager-label, .nc-selection-label { font-size: 12px; color: #222; }
        .nc-episodes-page-size select, .nc-new-number {
          font: inherit; font-size: 14px; height: 31px; padding: 0 6px; border: 1px solid #ccc;
          border-radius: 4px; background: white;
        }
        .nc-episodes-page-size select { width: 72px; }
        .nc-new-number { width: 80px; }
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

    def __init__(self, on_message: Callable[[str, int], object] | None = None, **params):
        super().__init__(**params)
        # A plain callable: kept off the params synced to the browser.
        self._on_message = on_message

    def _handle_msg(self, data) -> None:
        """One request from the browser; anything but one known key with a whole number is
        dropped (the screen checks that the number makes sense)."""
        if not isinstance(data, dict) or len(data) != 1 or self._on_message is None:
            return
        ((kind, value),) = data.items()
        is_number = isinstance(value, int) and not isinstance(value, bool)
        if kind not in MESSAGES or not is_number:
            return
        if kind == "open" and value not in {row[0] for row in self.rows}:
            return
        self._on_message(kind, value)
