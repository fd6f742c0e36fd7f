// The Episodes screen's list with its pager and its actions, drawn as plain DOM inside one
// Panel component (dashboards/episode_list.py). The server owns the state: this module shows
// the params it is sent and sends back what the author asked for, as one-key messages
// ({page: 2}, {open: 7}, {create: 301}, ...) that the server checks before acting on them.
function button(text, kind, onClick) {
  const el = document.createElement("button")
  el.type = "button"
  el.className = `nc-btn nc-btn-${kind}`
  el.textContent = text
  el.addEventListener("click", onClick)
  return el
}

function drawPager(model, bar) {
  const prev = button("◀ 이전", "plain", () => model.send_msg({ page: model.page - 1 }))
  const label = document.createElement("span")
  label.className = "nc-pager-label"
  const next = button("다음 ▶", "plain", () => model.send_msg({ page: model.page + 1 }))
  const sizeBox = document.createElement("label")
  sizeBox.className = "nc-episodes-page-size"
  const size = document.createElement("select")
  size.setAttribute("aria-label", "쪽당 회차 수")
  for (const value of model.page_sizes) {
    const option = document.createElement("option")
    option.value = option.textContent = String(value)
    size.appendChild(option)
  }
  size.addEventListener("change", () => model.send_msg({ page_size: Number(size.value) }))
  sizeBox.appendChild(size)
  bar.append(prev, label, next, sizeBox)
  return () => {
    label.textContent = `${model.page} / ${model.pages} 쪽 · 전체 ${model.total}화`
    prev.disabled = model.page <= 1
    next.disabled = model.page >= model.pages
    size.value = String(model.page_size)
  }
}

function drawActions(model, bar) {
  const open = button("열기", "primary", () => model.send_msg({ open_selected: 0 }))
  const number = document.createElement("input")
  number.type = "number"
  number.min = "1"
  number.className = "nc-new-number"
  number.setAttribute("aria-label", "새 회차 번호")
  const create = button("새 회차", "success", () => {
    const value = Number(number.value)
    // The server says what is wrong with a number; an empty box is not one.
    model.send_msg({ create: Number.isInteger(value) ? value : 0 })
  })
  number.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); create.click() }
  })
  const remove = button("삭제", "danger", () => model.send_msg({ delete: 0 }))
  const picked = document.createElement("span")
  picked.className = "nc-selection-label"
  bar.append(open, number, create, remove, picked)
  return () => {
    // Not while the author is typing a number of their own.
    if (number.getRootNode().activeElement !== number) {
      number.value = String(model.new_number)
    }
    remove.textContent = model.confirm_delete ? "삭제 확인" : "삭제"
    picked.textContent = model.selected ? `선택: ${model.selected}화` : ""
  }
}

export function render({ model, el }) {
  const pager = document.createElement("div")
  pager.className = "nc-episodes-bar"
  const table = document.createElement("table")
  table.className = "nc-episode-list"
  const actions = document.createElement("div")
  actions.className = "nc-episodes-bar nc-episodes-actions"
  el.append(pager, table, actions)
  const showPager = drawPager(model, pager)
  const showActions = drawActions(model, actions)
  const rowOf = new Map()
  const mark = () => {
    for (const [number, tr] of rowOf) {
      const on = number === model.selected
      tr.classList.toggle("nc-selected", on)
      tr.setAttribute("aria-selected", on ? "true" : "false")
    }
    showActions()
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
  model.on(["page", "pages", "total", "page_size"], showPager)
  model.on(["new_number", "confirm_delete"], showActions)
  showPager()
  draw()
}
