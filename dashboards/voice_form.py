"""A character's form: identity, voice profile (endings, banned endings, catchphrases as tag
lists; formality; emotion style) and behavioural rules, validated field by field.

`validate()` fills `errors` (field -> problem); the screen saves only an error-free form.
"""

from __future__ import annotations

import panel as pn
import param
from pydantic import ValidationError

from novelcraft.dashboards.tags import TagListInput
from novelcraft.field_problems import problem_text
from novelcraft.models import BehavioralRules, Character, SpeechStyle

ROLES = {"main": "주연", "supporting": "조연", "minor": "단역"}
FORMALITY = ["", "반말_기본", "존댓말_기본", "하오체", "하게체", "사극체", "혼용"]
FORMALITY_LABELS = {
    "": "(정하지 않음)",
    "반말_기본": "반말 (기본)",
    "존댓말_기본": "존댓말 (기본)",
    "상대에_따라": "상대에 따라",
}


def formality_label(value: str) -> str:
    """How a stored formality reads: `반말_기본` is data, `반말 (기본)` is Korean."""
    return FORMALITY_LABELS.get(value, value.replace("_", " "))


def formality_options(current: str) -> dict[str, str]:
    values = list(dict.fromkeys([*FORMALITY, "상대에_따라", current]))
    return {formality_label(v): v for v in values}


EMOTION_STYLES = ["", "절제형", "폭발형", "냉소형", "유머형", "감성형", "무표정형"]
TAG_FIELDS = ("endings", "banned_endings", "catchphrases", "values", "never_does")
TAG_LABELS = {
    "endings": "어미",
    "banned_endings": "금지 어미",
    "catchphrases": "입버릇",
    "values": "가치관",
    "never_does": "절대 하지 않는 것",
}
MAX_ENDING = 8
MAX_CATCHPHRASE = 30


def _ending_problem(ending: str) -> str | None:
    if any(c.isspace() for c in ending):
        return f"어미 {ending!r}에 공백이 있습니다"
    if len(ending.lstrip("-")) == 0:
        return "빈 어미가 있습니다"
    if len(ending) > MAX_ENDING:
        return f"어미 {ending!r}이(가) {MAX_ENDING}자보다 깁니다"
    return None


class VoiceProfileForm(pn.viewable.Viewer):
    char_name = param.String(default="")
    role = param.Selector(default="main", objects=list(ROLES))
    personality = param.String(default="")
    formality = param.String(default="")
    avg_dialogue_length = param.String(default="")
    emotion_style = param.String(default="")
    conflict_style = param.String(default="")
    errors = param.Dict(default={})

    def __init__(self, **params):
        super().__init__(**params)
        self.tags = {field: TagListInput(label=TAG_LABELS[field]) for field in TAG_FIELDS}
        self._rest: dict = {}

    def load(self, character: Character) -> None:
        style, rules = character.speech_style, character.behavioral_rules
        self.param.update(
            char_name=character.name,
            role=character.role,
            personality=character.personality,
            formality=style.formality,
            avg_dialogue_length=style.avg_dialogue_length,
            emotion_style=style.emotion_style,
            conflict_style=rules.conflict_style,
            errors={},
        )
        for field in TAG_FIELDS:
            source = rules if field in ("values", "never_does") else style
            self.tags[field].param.update(value=list(getattr(source, field)), error="")
        # Fields this form does not edit are kept as they were.
        self._rest = character.model_dump(
            include={"appearance", "background", "relationships", "notes", "progressions"}
        )

    def _field_problems(self, other_names: set[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.char_name.strip():
            found["char_name"] = "이름을 입력하세요"
        elif self.char_name.strip() in other_names:
            found["char_name"] = f"같은 이름의 인물이 이미 있습니다: {self.char_name.strip()}"
        for field in ("endings", "banned_endings"):
            for ending in self.tags[field].value:
                problem = _ending_problem(ending)
                if problem:
                    found[field] = problem
                    break
        overlap = set(self.tags["endings"].value) & set(self.tags["banned_endings"].value)
        if overlap and "banned_endings" not in found:
            found["banned_endings"] = f"허용 어미와 겹칩니다: {', '.join(sorted(overlap))}"
        long = [c for c in self.tags["catchphrases"].value if len(c) > MAX_CATCHPHRASE]
        if long:
            found["catchphrases"] = f"입버릇은 {MAX_CATCHPHRASE}자 이하로: {long[0][:12]}…"
        return found

    def validate(self, other_names: set[str] = frozenset()) -> Character | None:
        """The character when every field is valid; else None with `errors` filled in."""
        found = self._field_problems(set(other_names))
        character = None
        if not found:
            try:
                character = Character(
                    name=self.char_name.strip(),
                    role=self.role,
                    personality=self.personality,
                    speech_style=SpeechStyle(
                        endings=self.tags["endings"].value,
                        banned_endings=self.tags["banned_endings"].value,
                        catchphrases=self.tags["catchphrases"].value,
                        formality=self.formality,
                        avg_dialogue_length=self.avg_dialogue_length,
                        emotion_style=self.emotion_style,
                    ),
                    behavioral_rules=BehavioralRules(
                        values=self.tags["values"].value,
                        never_does=self.tags["never_does"].value,
                        conflict_style=self.conflict_style,
                    ),
                    **self._rest,
                )
            except ValidationError as exc:
                err = exc.errors()[0]
                field = str(err["loc"][-1]) if err["loc"] else "char_name"
                found["char_name" if field == "name" else field] = problem_text(err)
        self.errors = found
        for field in TAG_FIELDS:
            self.tags[field].error = found.get(field, "")
        return None if found else character

    def _error(self, field: str):
        return pn.pane.Markdown(
            pn.bind(lambda e: f"⚠️ {e[field]}" if field in e else "", self.param.errors),
            styles={"color": "#b00020"},
            css_classes=["nc-field-error"],
        )

    def _formality_picker(self) -> pn.widgets.Select:
        """Readable labels over the stored values; a value from an imported bible that is
        not in the list is kept as an option of its own."""
        picker = pn.widgets.Select(
            name="존댓말", options=formality_options(self.formality), value=self.formality
        )

        def to_param(event) -> None:
            self.formality = event.new or ""

        def to_picker(event) -> None:
            picker.options = formality_options(event.new)
            picker.value = event.new

        picker.param.watch(to_param, "value")
        self.param.watch(to_picker, "formality")
        return picker

    def __panel__(self):
        w = pn.widgets
        return pn.Column(
            pn.Row(
                w.TextInput.from_param(self.param.char_name, label="이름"), self._error("char_name")
            ),
            w.Select.from_param(
                self.param.role, label="역할", options={label: key for key, label in ROLES.items()}
            ),
            w.TextInput.from_param(
                self.param.personality, label="성격", sizing_mode="stretch_width"
            ),
            "#### 말투 프로파일",
            self.tags["endings"],
            self.tags["banned_endings"],
            self.tags["catchphrases"],
            pn.Row(
                self._formality_picker(),
                w.AutocompleteInput.from_param(
                    self.param.emotion_style,
                    label="감정 표현",
                    options=EMOTION_STYLES,
                    restrict=False,
                    min_characters=0,
                ),
                w.TextInput.from_param(self.param.avg_dialogue_length, label="대사 길이"),
            ),
            "#### 행동 규칙",
            self.tags["values"],
            self.tags["never_does"],
            w.TextInput.from_param(
                self.param.conflict_style, label="갈등 방식", sizing_mode="stretch_width"
            ),
            sizing_mode="stretch_width",
        )
