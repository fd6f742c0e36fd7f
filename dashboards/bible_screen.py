"""Bible screen: synopsis / world / plot editors, the characters with their voice-profile
form (validated inline; an invalid form saves nothing), and the relationship graph."""

from __future__ import annotations

import panel as pn
import param

from novelcraft.dashboards.feedback import Feedback, user_action
from novelcraft.dashboards.relationship_graph import relationship_graph
from novelcraft.dashboards.state import TEXT_LIMIT, AppState
from novelcraft.dashboards.voice_form import VoiceProfileForm
from novelcraft.models import Bible, Character

NEW = "＋ 새 인물"


class BibleScreen(pn.viewable.Viewer, Feedback):
    state = param.ClassSelector(class_=AppState)
    synopsis = param.String(default="")
    worldbuilding = param.String(default="")
    plot_outline = param.String(default="")
    character = param.Selector(default=NEW, objects=[NEW])
    bible = param.ClassSelector(class_=Bible, default=None)

    def __init__(self, **params):
        super().__init__(**params)
        self.form = VoiceProfileForm()
        self.state.param.watch(lambda _e: self.load(), ["project", "projects_changed"])
        self.load()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.bible.characters] if self.bible else []

    def load(self) -> None:
        if not self.state.project:
            self.bible = None
            return
        bible = self.state.ws.get_bible(self.state.project)
        info = bible.project
        self.param.update(
            bible=bible,
            synopsis=info.synopsis,
            worldbuilding=info.worldbuilding,
            plot_outline=info.plot_outline,
        )
        keep = self.character if self.character in self.names else None
        self.param.character.objects = [*self.names, NEW]
        self.character = keep or (self.names[0] if self.names else NEW)
        self._load_character()

    @param.depends("character", watch=True)
    def _load_character(self) -> None:
        if self.bible is None:
            return
        if self.character in self.names:
            self.form.load(self.bible.characters[self.names.index(self.character)])
        else:
            self.form.load(Character(name="새 인물", role="supporting"))

    @user_action
    def save_info(self) -> None:
        info = self.bible.project.model_copy(
            update={
                "synopsis": self.synopsis,
                "worldbuilding": self.worldbuilding,
                "plot_outline": self.plot_outline,
            }
        )
        self._store(self.bible.model_copy(update={"project": info}))
        self.say("시놉시스·세계관·플롯을 저장했습니다")

    @user_action
    def save_character(self) -> None:
        original = self.character if self.character in self.names else None
        others = {n for n in self.names if n != original}
        character = self.form.validate(others)
        if character is None:
            self.say("잘못된 항목이 있어 저장하지 않았습니다 (각 항목 옆 표시 참고)", "danger")
            return
        characters = list(self.bible.characters)
        relationships = list(self.bible.relationships)
        if original is None:
            characters.append(character)
        else:
            characters[self.names.index(original)] = character
            if character.name != original:  # a rename carries its relationships along
                relationships = [
                    r.model_copy(
                        update={
                            "from_": character.name if r.from_ == original else r.from_,
                            "to": character.name if r.to == original else r.to,
                        }
                    )
                    for r in relationships
                ]
        self._store(
            self.bible.model_copy(update={"characters": characters, "relationships": relationships})
        )
        self.character = character.name
        self.say(f"인물 '{character.name}'을(를) 저장했습니다")

    def _store(self, bible: Bible) -> None:
        problems = bible.problems()
        if problems:
            path, message = problems[0]
            self.say(f"저장하지 않았습니다: {'.'.join(map(str, path))}: {message}", "danger")
            return
        self.state.ws.replace_bible(self.state.project, bible)
        self.state.param.trigger("projects_changed")

    def __panel__(self):
        w = pn.widgets
        save_info = w.Button(label="바이블 저장", color="primary")
        save_info.on_click(lambda _e: self.save_info())
        save_char = w.Button(label="인물 저장", color="primary", css_classes=["nc-save-char"])
        save_char.on_click(lambda _e: self.save_character())

        def graph(bible):
            if bible is None:
                return pn.pane.Markdown("프로젝트를 고르세요.")
            return pn.pane.HoloViews(relationship_graph(bible), sizing_mode="stretch_width")

        editors = pn.Column(
            w.TextAreaInput.from_param(
                self.param.synopsis,
                max_length=TEXT_LIMIT,
                label="시놉시스",
                height=140,
                sizing_mode="stretch_width",
            ),
            w.TextAreaInput.from_param(
                self.param.worldbuilding,
                max_length=TEXT_LIMIT,
                label="세계관",
                height=140,
                sizing_mode="stretch_width",
            ),
            w.TextAreaInput.from_param(
                self.param.plot_outline,
                max_length=TEXT_LIMIT,
                label="플롯",
                height=160,
                sizing_mode="stretch_width",
            ),
            save_info,
            sizing_mode="stretch_width",
        )
        characters = pn.Column(
            w.Select.from_param(self.param.character, label="인물"),
            self.form,
            save_char,
            sizing_mode="stretch_width",
        )
        return pn.Column(
            pn.pane.Markdown(
                pn.bind(
                    lambda s: f"## 스토리 바이블 · {self.state.project_title(s)}",
                    self.state.param.project,
                )
            ),
            self.message_pane(),
            pn.Tabs(
                ("작품 설정", editors),
                ("인물", characters),
                ("관계도", pn.bind(graph, self.param.bible)),
                dynamic=True,
            ),
            sizing_mode="stretch_width",
        )
