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

    _esm = """
    export function render({ model, el }) {
      const table = document.createElement("table")
      table.className = "nc-episode-list"
      el.appendChild(table)
      const rowOf = new Map()
      const mark = () => {
        for (const [number, tr] of rowOf) {
          const on = number === model.selected
          tr.classList.toggle("nc-selected", on)
          tr.setAttribute("aria-selected", on ? "true" : "false")
        }
      }
      const choose = (number, focus) => {
        model.selected = number
        mark()
        if (focus) { rowOf.get(number)?.focus() }
      }
      const draw = () => {
        table.replaceChildren()
        rowOf.clear()
        const group = document.createElement("colgroup")
        const head = document.createElement("tr")
        // A fixed layout needs the table's width: then every column keeps its own.
        table.style.width = model.columns.reduce((sum, [, width]) => sum + width, 0) + "px"
        for (const [label, width] of model.columns) {
          const col = document.createElement("col")
          col.style.width = width + "px"
          group.appendChild(col)
          const th = document.createElement("th")
          th.textContent = label
          head.appendChild(th)
        }
        const thead = document.createElement("thead")
        thead.appendChild(head)
        const body = document.createElement("tbody")
        const html = new Set(model.html_columns)
        for (const cells of model.rows) {
          const number = cells[0]
          const tr = document.createElement("tr")
          tr.className = "nc-episode-row"
          tr.tabIndex = 0
          tr.dataset.number = String(number)
          cells.forEach((value, i) => {
            const td = document.createElement("td")
            // Only the badge strip is HTML, made by the app; titles are the author's text.
            if (html.has(i)) {
              td.innerHTML = value
            } else {
              td.textContent = td.title = String(value)
            }
            tr.appendChild(td)
          })
          rowOf.set(number, tr)
          body.appendChild(tr)
        }
        if (!model.rows.length) {
          const tr = document.createElement("tr")
          const td = document.createElement("td")
          td.colSpan = model.columns.length || 1
          td.className = "nc-empty"
          td.textContent = model.empty_text
          tr.appendChild(td)
          body.appendChild(tr)
        }
        table.append(group, thead, body)
        mark()
      }
      const numberOf = (event) => {
        const tr = event.target.closest("tr.nc-episode-row")
        return tr ? Number(tr.dataset.number) : null
      }
      table.addEventListener("click", (event) => {
        const number = numberOf(event)
        if (number !== null) { choose(number, false) }
      })
      table.addEventListener("dblclick", (event) => {
        const number = numberOf(event)
        if (number !== null) { choose(number, false); model.send_msg({ open: number }) }
      })
      table.addEventListener("keydown", (event) => {
        const number = numberOf(event)
        if (number === null) { return }
        const numbers = [...rowOf.keys()]
        const at = numbers.indexOf(number)
        if (event.key === "Enter") {
          event.preventDefault()
          choose(number, false)
          model.send_msg({ open: number })
        } else if (event.key === " ") {
          event.preventDefault()
          choose(number, false)
        } else if (event.key === "ArrowDown" && at + 1 < numbers.length) {
          event.preventDefault()
          choose(numbers[at + 1], true)
        } else if (event.key === "ArrowUp" && at > 0) {
          event.preventDefault()
          choose(numbers[at - 1], true)
        }
      })
      model.on("rows", draw)
      model.on("columns", draw)
      model.on("selected", mark)
      draw()
    }
    """

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
