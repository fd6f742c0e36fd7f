"""The outline tab: one editable card per scene (goal, conflict, twist, characters, emotion
intensity) and the ending hook, validated like `outline --set` (DESIGN §6); a field at fault
is named beside it and nothing is saved."""

from __future__ import annotations

import panel as pn
import param
from pydantic import ValidationError

from novelcraft.errors import BadInput
from novelcraft.field_problems import problem_text
from novelcraft.models import Outline
from novelcraft.pipeline import check_outline

SCENE_FIELDS = {"goal": "목표", "conflict": "갈등", "twist": "반전"}
MIN_SCENES, MAX_SCENES = 3, 5


def blank_scene(number: int) -> dict:
    return {
        "scene_number": number,
        "goal": "",
        "conflict": "",
        "twist": "",
        "characters": [],
        "emotion_intensity": 5,
    }


class OutlineForm(pn.viewable.Viewer):
    scenes = param.List(default=[], doc="One dict per scene, edited in place by the cards.")
    ending_hook = param.String(default="")
    estimated_word_count = param.Integer(default=8000, bounds=(1, None))
    characters = param.List(default=[], doc="Names the bible allows in a scene.")
    errors = param.Dict(default={}, doc="'scenes[0].goal' or 'ending_hook' -> problem.")
    cards_changed = param.Event(doc="Scenes were added or removed: redraw the cards.")

    def load(self, outline: Outline | None) -> None:
        if outline is None:
            scenes = [blank_scene(i) for i in range(1, MIN_SCENES + 1)]
            self.param.update(scenes=scenes, ending_hook="", errors={})
        else:
            data = outline.model_dump()
            for scene in data["scenes"]:
                scene["twist"] = scene["twist"] or ""
            self.param.update(
                scenes=data["scenes"],
                ending_hook=data["ending_hook"],
                estimated_word_count=data["estimated_word_count"],
                errors={},
            )
        self.param.trigger("cards_changed")

    def add_scene(self) -> None:
        if len(self.scenes) < MAX_SCENES:
            self.scenes = [*self.scenes, blank_scene(len(self.scenes) + 1)]
            self.param.trigger("cards_changed")

    def remove_scene(self) -> None:
        if self.scenes:
            self.scenes = self.scenes[:-1]
            self.param.trigger("cards_changed")

    def to_outline(self, bible=None) -> Outline | None:
        """The outline when valid; else None with `errors` naming each field at fault."""
        data = {
            "scenes": [dict(s, twist=s.get("twist") or None) for s in self.scenes],
            "ending_hook": self.ending_hook.strip(),
            "estimated_word_count": self.estimated_word_count,
        }
        found: dict[str, str] = {}
        for i, scene in enumerate(self.scenes):
            for field, label in (("goal", "목표"), ("conflict", "갈등")):
                if not str(scene.get(field, "")).strip():
                    found[f"scenes[{i}].{field}"] = f"{label}을(를) 입력하세요"
        if not data["ending_hook"]:
            found["ending_hook"] = "엔딩 훅을 입력하세요"
        if not MIN_SCENES <= len(self.scenes) <= MAX_SCENES:
            found["scenes"] = f"장면은 {MIN_SCENES}~{MAX_SCENES}개여야 합니다"
        outline = None
        if not found:
            try:
                outline = Outline.model_validate(data)
                if bible is not None:
                    check_outline(outline, bible)
            except ValidationError as exc:
                for err in exc.errors():
                    loc = err["loc"]
                    key = (
                        f"scenes[{loc[1]}].{loc[2]}"
                        if len(loc) >= 3 and loc[0] == "scenes"
                        else str(loc[0])
                    )
                    found.setdefault(key, problem_text(err))
            except BadInput as exc:
                key, _, message = str(exc).partition(": ")
                found[key] = message
        self.errors = found
        return None if found else outline

    def _error(self, key: str):
        return pn.pane.Markdown(
            pn.bind(lambda e: f"⚠️ {e[key]}" if key in e else "", self.param.errors),
            styles={"color": "#b00020"},
            css_classes=["nc-field-error"],
            margin=(0, 5),
        )

    def _card(self, i: int, scene: dict) -> pn.Card:
        w = pn.widgets
        texts = []
        for field, label in SCENE_FIELDS.items():
            box = w.TextInput(
                label=label, value=scene.get(field) or "", sizing_mode="stretch_width"
            )
            box.param.watch(lambda e, f=field: scene.__setitem__(f, e.new), "value_input")
            texts.append(
                pn.Column(box, self._error(f"scenes[{i}].{field}"), sizing_mode="stretch_width")
            )
        who = w.MultiChoice(
            label="등장인물",
            options=sorted({*self.characters, *scene["characters"]}),
            value=list(scene["characters"]),
            sizing_mode="stretch_width",
        )
        who.param.watch(lambda e: scene.__setitem__("characters", list(e.new)), "value")
        heat = w.IntSlider(
            label="감정 강도", start=1, end=10, value=scene["emotion_intensity"], width=180
        )
        heat.param.watch(lambda e: scene.__setitem__("emotion_intensity", e.new), "value")
        parts = [
            pn.Row(*texts, sizing_mode="stretch_width"),
            pn.Row(
                pn.Column(who, self._error(f"scenes[{i}].characters"), sizing_mode="stretch_width"),
                heat,
                sizing_mode="stretch_width",
            ),
        ]
        return pn.Card(
            *parts,
            title=f"장면 {i + 1}",
            sizing_mode="stretch_width",
            css_classes=["nc-scene-card"],
        )

    def __panel__(self):
        def cards(_changed):
            return pn.Column(
                *(self._card(i, s) for i, s in enumerate(self.scenes)), sizing_mode="stretch_width"
            )

        add = pn.widgets.Button(label="장면 추가", width=100)
        add.on_click(lambda _e: self.add_scene())
        drop = pn.widgets.Button(label="마지막 장면 삭제", width=130)
        drop.on_click(lambda _e: self.remove_scene())
        hook = pn.widgets.TextInput.from_param(
            self.param.ending_hook, label="엔딩 훅", sizing_mode="stretch_width"
        )
        return pn.Column(
            pn.bind(cards, self.param.cards_changed),
            pn.Row(add, drop, self._error("scenes")),
            pn.Row(hook, self._error("ending_hook")),
            sizing_mode="stretch_width",
        )
