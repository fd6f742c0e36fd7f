"""A tag-list input: the chosen items as removable chips and a box to add one more.

Panel has no free-text tag widget, so this pairs a MultiChoice (its options are exactly the
current tags; removing a chip removes the tag) with a TextInput (Enter adds its text).
"""

from __future__ import annotations

import panel as pn
import param


class TagListInput(pn.viewable.Viewer):
    value = param.List(default=[], item_type=str)
    label = param.String(default="")
    pending = param.String(default="")  # typed into the add box, not yet a tag (no doc: tooltip)
    error = param.String(default="", doc="What is wrong with the value; shown beside it.")

    def add(self, text: str | None = None) -> None:
        text = (self.pending if text is None else text).strip()
        if text and text not in self.value:
            self.value = [*self.value, text]
        self.pending = ""

    @param.depends("pending", watch=True)
    def _add_on_enter(self) -> None:
        if self.pending.strip():
            self.add()

    def __panel__(self):
        chips = pn.widgets.MultiChoice(
            label=self.label,
            options=list(self.value),
            value=list(self.value),
            solid=False,
            sizing_mode="stretch_width",
            placeholder="",
        )
        box = pn.widgets.TextInput.from_param(
            self.param.pending, label="", placeholder="입력 후 Enter로 추가", width=220
        )

        def from_chips(event) -> None:
            self.value = list(event.new)

        def to_chips(event) -> None:
            chips.param.update(options=list(event.new), value=list(event.new))

        chips.param.watch(from_chips, "value")
        self.param.watch(to_chips, "value")
        error = pn.pane.Markdown(
            pn.bind(lambda e: f"⚠️ {e}" if e else "", self.param.error),
            css_classes=["nc-field-error"],
            styles={"color": "#b00020"},
            margin=(0, 10),
        )
        return pn.Column(chips, pn.Row(box, error), sizing_mode="stretch_width")
