"""The honest demo writer: it keeps the author's cast (and invents none beside it), writes
from the project's own world, plans seasons and relationships from the planned episode count,
revises by doing what the instruction asks, and says on every episode that it is a demo."""

from __future__ import annotations

import itertools
import random
import re

from dashboard_helpers import sample_state

from novelcraft.backends import get_backend
from novelcraft.backends.demo_cast import read_cast, read_protagonist, split_outside_parentheses
from novelcraft.backends.demo_revise import apply
from novelcraft.backends.prompt_reading import Voice
from novelcraft.dashboards.editor import EditorScreen
from novelcraft.dashboards.episodes_screen import DEMO_BADGE, EpisodesScreen
from novelcraft.pipeline import bootstrap_bible

SCHOOL = {
    "name": "학생회실의 불",
    "genre": "미스터리/스릴러",
    "tone": "서늘하고 빠르게",
    "protagonist": "한서윤(학생회장, 냉정함)",
    "supporting": "도재현(전학생, 비밀이 많음), 오민지(부회장, 수다스러움)",
    "banned_elements": "",
    "notes": "",
    "references": "",
    "episodes": 60,
}


def test_commas_inside_parentheses_do_not_split_characters():
    assert split_outside_parentheses("가(나, 다), 라") == ["가(나, 다)", "라"]
    cast = read_cast(SCHOOL["supporting"])
    assert [(c.name, c.description) for c in cast] == [
        ("도재현", "전학생, 비밀이 많음"),
        ("오민지", "부회장, 수다스러움"),
    ]
    assert read_protagonist("검을 버린 검객, 무뚝뚝함").name == ""


def test_bootstrap_keeps_the_typed_cast_and_plans_seasons_and_relationships():
    bible = bootstrap_bible(get_backend("offline"), SCHOOL)
    assert [c.name for c in bible.characters] == ["한서윤", "도재현", "오민지"]
    assert bible.characters[1].personality == "전학생, 비밀이 많음"
    spans = [(s.first_episode, s.last_episode) for s in bible.seasons]
    assert spans[0][0] == 1 and spans[-1][1] == 60 and len(spans) >= 2
    assert all(b[0] == a[1] + 1 for a, b in itertools.pairwise(spans))
    assert {(r.from_, r.to) for r in bible.relationships} == {
        ("한서윤", "도재현"),
        ("한서윤", "오민지"),
    }
    assert "학생회실" in bible.project.worldbuilding  # a school, not the prosecutor template
    assert "검사" not in bible.project.synopsis


def test_episodes_are_written_in_the_projects_own_places(workspace):
    bible = bootstrap_bible(get_backend("offline"), SCHOOL)
    slug = workspace.create_project(bible)
    workspace.generate(slug, 1, 1, workspace.backend("offline"))
    text = workspace.get_episode(slug, 1).content
    places = re.search(r"주요 장소: ([^.\n]+)", bible.project.worldbuilding).group(1).split(", ")
    assert sum(text.count(p) for p in places) >= 5
    for generic in ("법정 앞 계단", "경찰서 로비", "기록 보관실"):
        assert generic not in text
    names = {c.name for c in bible.characters}
    spoken = set(re.findall(r"([가-힣]{3})[은는이가] ", text)) & {"한지후", "오세린", "마동철"}
    assert not spoken, f"invented characters appear: {spoken}"
    assert sum(text.count(n) for n in names) > 10


def test_revise_does_what_the_instruction_says_and_never_pastes_it():
    text = (
        '첫 장면. 한서윤은 창밖을 보았다.\n\n"하나다. 둘이다. 셋이다." 도재현이 말했다.\n\n###\n\n'
        '둘째 장면. "넷이다. 다섯이다."\n\n###\n\n셋째 장면은 조용했던 것이다. 끝.'
    )
    voices = [Voice(name="한서윤"), Voice(name="도재현")]
    rng = random.Random(1)
    shorter = apply(text, "2장면의 대사를 더 짧게", voices, rng)
    assert '"넷이다."' in shorter and '"하나다. 둘이다. 셋이다."' in shorter
    renamed = apply(text, "도재현을 도지환으로 바꿔", voices, rng)
    assert "도지환" in renamed and "도재현" not in renamed
    for instruction in ("2장면의 대사를 더 짧게", "분위기를 더 무겁게", "엔딩을 더 긴장감 있게"):
        assert instruction not in apply(text, instruction, voices, rng)
    assert apply(text, "엔딩을 더 긴장감 있게", voices, rng) != text


def test_demo_episodes_carry_a_banner_and_a_badge(workspace):
    state = sample_state(workspace, episodes=2, episode=1)
    editor = EditorScreen(state=state)
    assert editor.columns["pipeline"]["writer"] == "offline"
    (banner,) = [
        p
        for p in editor.__panel__().select(
            lambda o: "nc-demo-banner" in getattr(o, "css_classes", [])
        )
    ]
    assert banner.visible and "데모 작가" in banner.object
    table = EpisodesScreen(state=state).rows
    assert list(table["작가"]) == [DEMO_BADGE, DEMO_BADGE]
