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
