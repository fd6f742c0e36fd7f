"""Keyboard shortcuts of the editor: Ctrl+S (Cmd+S on a Mac) saves instead of the browser's
"save page". The key press travels over the same websocket as the textarea's keystrokes, after
them, so the save sees every character typed before it."""

from __future__ import annotations

import param
from panel.custom import JSComponent


class SaveShortcut(JSComponent):
    presses = param.Integer(default=0, doc="How many times the shortcut was pressed.")

    _esm = """
    export function render({ model, el }) {
      const onKey = (event) => {
        const key = (event.key || "").toLowerCase()
        if ((event.ctrlKey || event.metaKey) && key === "s" && !event.isComposing) {
          event.preventDefault()
          model.send_msg({ save: true })
        }
      }
      document.addEventListener("keydown", onKey, true)
      model.on("remove", () => document.removeEventListener("keydown", onKey, true))
      el.style.display = "none"
    }
    """

    def __init__(self, on_save, **params):
        super().__init__(**params)
        self._on_save = on_save  # a plain callable: kept off the params synced to the browser

    def _handle_msg(self, data) -> None:
        if isinstance(data, dict) and data.get("save"):
            self.presses += 1
            self._on_save()
