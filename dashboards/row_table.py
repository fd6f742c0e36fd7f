"""A plain table of one page of rows, a click picking a row: what the Episodes screen lists.

Tabulator drew the 25 rows of an Episodes page in ~250 ms of the browser's time (it measures
every row it renders, and again on each resize of the page), a quarter of the screen's load
over a bare Panel page (issue 15). The screen already pages on the server and needs no
sorting, editing or resizing in the browser, so a static HTML table does: the browser lays it
out once. Cells are text, except the columns named in `html_columns`, whose HTML the server
built (the metric badges).
"""

from __future__ import annotations

from typing import ClassVar

import param
from panel.custom import JSComponent


class RowTable(JSComponent):
    columns = param.List(default=[], doc="Column headers, in order.")
    rows = param.List(default=[], doc="One list of cell values per row, in column order.")
    widths = param.Dict(default={}, doc="Pixel width of each column, by header.")
    html_columns = param.List(default=[], doc="Headers whose cells are HTML, not text.")
    selected = param.Integer(default=None, allow_None=True, doc="Index of the picked row.")
    empty_text = param.String(default="표시할 행이 없습니다")

    _esm = """
    export function render({ model, el }) {
      const table = document.createElement("table")
      table.className = "nc-table"
      el.appendChild(table)
      const draw = () => {
        const html = new Set(model.html_columns)
        const head = document.createElement("thead")
        const top = document.createElement("tr")
        for (const name of model.columns) {
          const th = document.createElement("th")
          th.textContent = name
          const width = model.widths[name]
          if (width) { th.style.width = `${width}px` }
          top.appendChild(th)
        }
        head.appendChild(top)
        const body = document.createElement("tbody")
        model.rows.forEach((row, index) => {
          const tr = document.createElement("tr")
          tr.className = "nc-row" + (index === model.selected ? " nc-selected" : "")
          tr.dataset.index = String(index)
          row.forEach((value, column) => {
            const td = document.createElement("td")
            const text = value == null ? "" : String(value)
            if (html.has(model.columns[column])) {
              td.innerHTML = text
            } else {
              td.textContent = text
            }
            tr.appendChild(td)
          })
          body.appendChild(tr)
        })
        if (!model.rows.length) {
          const tr = document.createElement("tr")
          const td = document.createElement("td")
          td.colSpan = Math.max(1, model.columns.length)
          td.className = "nc-empty"
          td.textContent = model.empty_text
          tr.appendChild(td)
          body.appendChild(tr)
        }
        table.replaceChildren(head, body)
      }
      const mark = () => {
        for (const tr of table.querySelectorAll("tr.nc-row")) {
          tr.classList.toggle("nc-selected", Number(tr.dataset.index) === model.selected)
        }
      }
      table.addEventListener("click", (event) => {
        const tr = event.target.closest("tr.nc-row")
        if (tr) { model.selected = Number(tr.dataset.index) }
      })
      draw()
      model.on(["rows", "columns", "widths", "html_columns", "empty_text"], draw)
      model.on("selected", mark)
    }
    """

    _stylesheets: ClassVar[list[str]] = [
        """
        :host { display: block; overflow-x: auto; }
        .nc-table { border-collapse: collapse; table-layout: fixed; font-size: 14px; }
        .nc-table th, .nc-table td {
          border-bottom: 1px solid #ddd; padding: 6px 8px; text-align: left;
          overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
        }
        .nc-table th { background: #f3f3f3; font-weight: 600; border-bottom: 2px solid #ccc; }
        .nc-table tr.nc-row { cursor: pointer; }
        .nc-table tr.nc-row:hover { background: #eef4fb; }
        .nc-table tr.nc-selected, .nc-table tr.nc-selected:hover { background: #cfe2f7; }
        .nc-table td.nc-empty { color: #777; }
        """
    ]
