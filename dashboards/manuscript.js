export function render({ model, el }) {
  const box = document.createElement("textarea")
  box.className = "nc-manuscript-box"
  box.spellcheck = false
  if (model.max_length != null) { box.maxLength = model.max_length }
  box.value = model.text
  el.appendChild(box)
  let timer = null
  let sentAt = 0
  let sent = box.value
  // Every message carries the whole text, so a save never depends on an earlier one.
  const send = (extra) => {
    if (timer !== null) { clearTimeout(timer); timer = null }
    sentAt = Date.now()
    sent = box.value
    model.send_msg(Object.assign({ typed: sent }, extra))
  }
  const flush = () => {
    if (timer !== null || box.value !== sent) { send() }
  }
  box.addEventListener("input", () => {
    if (timer !== null) { return }
    const wait = model.send_interval_ms - (Date.now() - sentAt)
    if (wait <= 0) { flush() } else { timer = setTimeout(flush, wait) }
  })
  box.addEventListener("blur", flush)
  const onHide = () => flush()
  window.addEventListener("pagehide", onHide)
  const onKey = (event) => {
    const key = (event.key || "").toLowerCase()
    if ((event.ctrlKey || event.metaKey) && key === "s" && !event.isComposing) {
      event.preventDefault()
      send({ save: true })
    }
  }
  document.addEventListener("keydown", onKey, true)
  const take = () => {
    if (timer !== null) { clearTimeout(timer); timer = null }
    box.value = model.text
    sent = box.value
  }
  model.on("generation", take)
  model.on("text", take)
  model.on("remove", () => {
    flush()
    document.removeEventListener("keydown", onKey, true)
    window.removeEventListener("pagehide", onHide)
  })
}
