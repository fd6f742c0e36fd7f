"""Shows a lost server connection and recovers when the server is back.

Bokeh fires `connection_lost` on the document when the websocket closes. This component then
shows a banner and polls the server's liveness endpoint; once it answers, the page reloads
(the server-side session is gone after a restart, so a fresh page is the honest recovery).
"""

from __future__ import annotations

from panel.custom import JSComponent

LIVENESS_PATH = "/liveness"


class ConnectionWatch(JSComponent):
    _esm = """
    export function render({ model, el }) {
      const banner = document.createElement("div")
      banner.className = "nc-connection-lost"
      banner.style.cssText = "display:none;position:fixed;top:0;left:0;right:0;z-index:10000;" +
        "background:#b00020;color:white;padding:10px 16px;font-size:15px;text-align:center"
      banner.textContent = "서버 연결이 끊겼습니다. 다시 연결을 기다리는 중…"
      document.body.appendChild(banner)
      let timer = null
      const probe = async () => {
        try {
          const res = await fetch("LIVENESS", { cache: "no-store" })
          if (res.ok) {
            banner.textContent = "서버에 다시 연결되었습니다. 새로고침합니다…"
            clearInterval(timer)
            window.location.reload()
          }
        } catch (e) { /* still down */ }
      }
      model.document.on_event("connection_lost", () => {
        banner.style.display = "block"
        if (timer === null) { timer = setInterval(probe, 2000) }
      })
      el.style.display = "none"
    }
    """.replace("LIVENESS", LIVENESS_PATH)
