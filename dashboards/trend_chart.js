// One trend chart of the Quality screen, drawn as SVG from the marks the server computed
// (dashboards/trend_chart.py): the target band, the human baseline, the season boundaries and
// medians, one point per episode in its season's colour (crossed and outlined in red when out
// of band). Hovering a point shows its numbers; a click opens the episode nearest to it.
const SVG = "http://www.w3.org/2000/svg"
const PAD = { left: 52, right: 14, top: 30, bottom: 38 }

function node(name, attrs, parent) {
  const el = document.createElementNS(SVG, name)
  for (const [key, value] of Object.entries(attrs)) { el.setAttribute(key, String(value)) }
  if (parent) { parent.appendChild(el) }
  return el
}

function label(value) {
  const rounded = Math.round(value * 10) / 10
  return rounded.toLocaleString("ko-KR", { maximumFractionDigits: 1 })
}

export function render({ model, el }) {
  const box = document.createElement("div")
  box.className = "nc-trend"
  const tip = document.createElement("div")
  tip.className = "nc-trend-tip"
  el.append(box, tip)
  let width = 0

  const draw = () => {
    const spec = model.spec || {}
    const height = model.height
    width = Math.max(box.clientWidth || el.clientWidth || 480, 240)
    const [x0, x1] = spec.x_range || [0, 1]
    const [y0, y1] = spec.y_range || [0, 1]
    const plotW = width - PAD.left - PAD.right
    const plotH = height - PAD.top - PAD.bottom
    const sx = (x) => PAD.left + ((x - x0) / (x1 - x0)) * plotW
    const sy = (y) => PAD.top + (1 - (y - y0) / (y1 - y0)) * plotH
    const svg = node("svg", { width, height, role: "img", "aria-label": spec.title || "" })
    const title = node("text", { x: PAD.left, y: 18, class: "nc-trend-title" }, svg)
    title.textContent = spec.title || ""
    const frame = node("g", {}, svg)
    node("rect", { x: PAD.left, y: PAD.top, width: plotW, height: plotH, class: "nc-frame" }, frame)
    if (spec.band) {
      const [low, high] = spec.band
      const top = sy(Math.min(high, y1))
      node("rect", {
        x: PAD.left, y: top, width: plotW, height: Math.max(0, sy(Math.max(low, y0)) - top),
        class: "nc-band",
      }, frame)
    }
    for (const tick of spec.y_ticks || []) {
      const y = sy(tick)
      node("line", { x1: PAD.left, x2: PAD.left + plotW, y1: y, y2: y, class: "nc-grid" }, frame)
      const text = node("text", { x: PAD.left - 6, y: y + 4, class: "nc-ytick" }, svg)
      text.textContent = label(tick)
    }
    for (const tick of spec.x_ticks || []) {
      const x = sx(tick)
      node("line", { x1: x, x2: x, y1: PAD.top, y2: PAD.top + plotH, class: "nc-grid" }, frame)
      const text = node("text", { x, y: PAD.top + plotH + 16, class: "nc-xtick" }, svg)
      text.textContent = String(tick)
    }
    const axis = node("text", { x: PAD.left + plotW / 2, y: height - 4, class: "nc-xlabel" }, svg)
    axis.textContent = spec.x_label || ""
    for (const line of spec.season_lines || []) {
      node("line", {
        x1: sx(line.x0), y1: sy(line.y0), x2: sx(line.x1), y2: sy(line.y1),
        stroke: line.colour, "stroke-width": line.width, "stroke-opacity": line.alpha,
        "stroke-dasharray": line.dash === "dotted" ? "2 3" : "none",
        class: `nc-season-${line.kind}`,
      }, frame)
    }
    if (spec.baseline != null) {
      const y = sy(spec.baseline)
      node("line", { x1: PAD.left, x2: PAD.left + plotW, y1: y, y2: y, class: "nc-baseline" }, frame)
      const text = node("text", { x: PAD.left + 4, y: y - 4, class: "nc-baseline-label" }, frame)
      text.textContent = spec.baseline_text || ""
    }
    const points = spec.points || { episode_number: [] }
    const dots = node("g", { class: "nc-points" }, frame)
    points.episode_number.forEach((number, i) => {
      const out = points.outside[i]
      const cx = sx(number)
      const cy = sy(points.value[i])
      const dot = node("circle", {
        cx, cy, r: out ? 5.5 : 3.5, fill: points.colour[i],
        stroke: out ? "#d62728" : points.colour[i], "stroke-width": out ? 2 : 1,
        class: out ? "nc-point nc-outside" : "nc-point",
        "data-episode": number,
      }, dots)
      dot.dataset.index = String(i)
      if (out) {
        const d = 3.2
        node("path", {
          d: `M${cx - d} ${cy - d}L${cx + d} ${cy + d}M${cx - d} ${cy + d}L${cx + d} ${cy - d}`,
          class: "nc-cross",
        }, dots)
      }
    })
    box.replaceChildren(svg)

    // Hover: the numbers of the point under the pointer. Click: the nearest episode.
    dots.addEventListener("mouseover", (event) => {
      const i = event.target.dataset && event.target.dataset.index
      if (i === undefined) { return }
      const k = Number(i)
      tip.textContent = `${points.episode_number[k]}화 · ${spec.label} ` +
        `${label(points.value[k])}${spec.unit || ""} · ${points.season[k]}`
      const cx = Number(event.target.getAttribute("cx"))
      tip.style.display = "block"
      // Beside the point, on the side with room for it.
      const left = cx + 8 + tip.offsetWidth > width ? cx - 8 - tip.offsetWidth : cx + 8
      tip.style.left = `${Math.max(0, left)}px`
      tip.style.top = `${Number(event.target.getAttribute("cy")) - 28}px`
    })
    dots.addEventListener("mouseout", () => { tip.style.display = "none" })
    svg.addEventListener("click", (event) => {
      const rect = svg.getBoundingClientRect()
      const x = x0 + ((event.clientX - rect.left - PAD.left) / plotW) * (x1 - x0)
      model.send_msg({ x })
    })
  }

  const seen = new ResizeObserver(() => {
    const now = Math.max(box.clientWidth || el.clientWidth || 480, 240)
    if (Math.abs(now - width) > 1) { draw() }
  })
  seen.observe(el)
  model.on("spec", draw)
  model.on("remove", () => seen.disconnect())
  draw()
}
