"""Bible screen: synopsis / world / plot editors, the characters with their voice-profile
form (validated inline; an invalid form saves nothing), and the relationship graph."""

from __future__ import annotations

import panel as pn
import param

from novelcraft.dashboards import bible_edits as edits
from novelcraft.dashboards import bible_lists
from novelcraft.dashboards.character_state_panel import CharacterStatePanel
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
    # The season and relationship forms.
    season_number = param.Integer(default=1, bounds=(1, None))
    season_title = param.String(default="")
    season_first = param.Integer(default=1, bounds=(1, None))
    season_last = param.Integer(default=25, bounds=(1, None))
    season_pick = param.Integer(default=None, allow_None=True)
    rel_from = param.Selector(default=None, objects=[], allow_None=True)
    rel_to = param.Selector(default=None, objects=[], allow_None=True)
    rel_kind = param.String(default="")
    rel_since = param.Integer(default=1, bounds=(1, None))
    rel_pick = param.Integer(default=None, allow_None=True)

    def __init__(self, **params):
        super().__init__(**params)
        self.form = VoiceProfileForm()
        self.character_states = CharacterStatePanel(state=self.state)
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
        self.param.rel_from.objects = self.names
        self.param.rel_to.objects = self.names
        if self.names:
            self.param.update(
                rel_from=self.rel_from if self.rel_from in self.names else self.names[0],
                rel_to=self.rel_to if self.rel_to in self.names else self.names[-1],
            )
        last = max((s.last_episode for s in bible.seasons), default=0)
        self.param.update(
            season_number=max((s.number for s in bible.seasons), default=0) + 1,
            season_first=last + 1,
            season_last=last + 25,
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

    @user_action
    def delete_character(self) -> None:
        if self.character not in self.names:
            self.say("지울 인물을 고르세요", "warning")
            return
        name = self.character
        bible, dropped = edits.remove_character(self.bible, name)
        if self._store(bible):
            also = f" (관계 {dropped}개도 함께 지움)" if dropped else ""
            self.say(f"인물 '{name}'을(를) 지웠습니다{also}")

    @user_action
    def add_season(self) -> None:
        number = self.season_number
        bible = edits.add_season(
            self.bible, number, self.season_title, self.season_first, self.season_last
        )
        if self._store(bible):
            self.season_title = ""
            self.say(f"시즌 {number}을(를) 추가했습니다")

    @user_action
    def delete_season(self) -> None:
        if self.season_pick is None:
            self.say("지울 시즌을 고르세요", "warning")
            return
        number = self.season_pick
        if self._store(edits.remove_season(self.bible, number)):
            self.season_pick = None
            self.say(f"시즌 {number}을(를) 지웠습니다")

    @user_action
    def add_relationship(self) -> None:
        bible = edits.add_relationship(
            self.bible, self.rel_from or "", self.rel_to or "", self.rel_kind, self.rel_since
        )
        if self._store(bible):
            self.rel_kind = ""
            self.say(f"관계를 추가했습니다: {edits.relationship_label(bible.relationships[-1])}")

    @user_action
    def delete_relationship(self) -> None:
        if self.rel_pick is None:
            self.say("지울 관계를 고르세요", "warning")
            return
        label = edits.relationship_label(self.bible.relationships[self.rel_pick])
        if self._store(edits.remove_relationship(self.bible, self.rel_pick)):
            self.rel_pick = None
            self.say(f"관계를 지웠습니다: {label}")

    def _store(self, bible: Bible) -> bool:
        problems = bible.problems()
        if problems:
            path, message = problems[0]
            self.say(f"저장하지 않았습니다: {'.'.join(map(str, path))}: {message}", "danger")
            return False
        self.state.ws.replace_bible(self.state.project, bible)
        self.state.param.trigger("projects_changed")
        return True

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
        delete_char = w.Button(label="이 인물 지우기", color="danger", css_classes=["nc-del-char"])
        delete_char.on_click(lambda _e: self.delete_character())
        characters = pn.Column(
            pn.Row(
                w.Select.from_param(self.param.character, label="인물 (＋ 새 인물로 추가)"),
                delete_char,
            ),
            self.form,
            save_char,
            sizing_mode="stretch_width",
        )
        seasons = bible_lists.seasons_tab(self)
        relations = bible_lists.relationships_tab(self)
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
                ("시즌", seasons),
                ("관계", relations),
                ("관계도", pn.Column(pn.bind(graph, self.param.bible), bible_lists.graph_legend())),
                ("인물 현황", self.character_states),
                dynamic=True,
            ),
            sizing_mode="stretch_width",
        )
