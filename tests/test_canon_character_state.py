"""Character state and progressions (DESIGN §13): the last known condition and relationships
from events, and the bible's progressions, reach the context from their episode on."""

from __future__ import annotations

from canon_story import Story, event, prompt_of, run_of

from novelcraft.bible import dump_bible, parse_bible, read_bible_file
from novelcraft.models import Progression
from novelcraft.pipeline import generate_episode

CAST = "왼팔에 깁스를 했다"
SUSPENDED = "검사직에서 정직 처분을 받았다"
HURT = "강도윤이 창고 화재에서 왼쪽 어깨를 다쳤다"
ALLIES = "서하린과 강도윤이 임시 동맹을 맺는다"


def _bible_text(sample_bible_path) -> str:
    bible = read_bible_file(sample_bible_path)
    bible.characters[0].progressions = [
        Progression(from_episode=3, fact=CAST),
        Progression(from_episode=5, fact=SUSPENDED),
    ]
    return dump_bible(bible)


def test_a_bible_with_progressions_round_trips_through_the_store(
    workspace, sample_bible_path, tmp_path
):
    text = _bible_text(sample_bible_path)
    assert "progressions:\n" in text and "from_episode: 3" in text
    assert dump_bible(parse_bible(text)) == text
    path = tmp_path / "with-progressions.yaml"
    path.write_text(text, encoding="utf-8")
    slug = workspace.import_bible(path)
    assert workspace.export_bible(slug) == text
    # The sample bible (no progressions) still exports byte for byte.
    plain = workspace.import_bible(sample_bible_path, slug="plain")
    assert workspace.export_bible(plain) == sample_bible_path.read_text(encoding="utf-8")


def test_progressions_reach_the_context_from_their_episode_on(
    workspace, sample_bible_path, tmp_path
):
    path = tmp_path / "b.yaml"
    path.write_text(_bible_text(sample_bible_path), encoding="utf-8")
    slug = workspace.import_bible(path)
    run = run_of(workspace, slug, Story())
    sections = {n: run.context(n).sections["character_state"] for n in range(1, 7)}
    assert [CAST in sections[n] for n in range(1, 7)] == [False, False, True, True, True, True]
    assert [SUSPENDED in sections[n] for n in range(1, 7)] == [False] * 4 + [True, True]
    assert sections[5].startswith("- 강도윤: 3화부터: 왼팔에 깁스를 했다 / 5화부터: ")
    for number in range(1, 5):
        generate_episode(run, number)
    assert CAST not in prompt_of(workspace, slug, 2)
    assert f"3화부터: {CAST}" in prompt_of(workspace, slug, 3)
    assert f"3화부터: {CAST}" in prompt_of(workspace, slug, 4)


def test_state_and_relationship_events_become_the_characters_state(workspace, sample_bible_path):
    slug = workspace.import_bible(sample_bible_path)
    story = Story(
        events={
            2: [
                event("character_state", HURT, "강도윤"),
                event("relationship", ALLIES, "서하린", "강도윤"),
            ],
            4: [event("character_state", "강도윤의 어깨가 나았다", "강도윤")],
        }
    )
    run = run_of(workspace, slug, story)
    for number in range(1, 6):
        generate_episode(run, number)
    third = prompt_of(workspace, slug, 3)
    assert f"- 강도윤: 상태(2화): {HURT} / 관계(2화): {ALLIES}" in third
    assert f"- 서하린: 관계(2화): {ALLIES}" in third
    fifth = prompt_of(workspace, slug, 5)
    assert (
        "상태(4화): 강도윤의 어깨가 나았다" in fifth
        and HURT not in fifth.split("## 인물 현황")[1].split("##")[0]
    )
    states = {s.name: s for s in workspace.character_states(slug)}
    assert (states["강도윤"].condition, states["강도윤"].condition_episode) == (
        "강도윤의 어깨가 나았다",
        4,
    )
    assert set(states) == {"강도윤", "서하린"}
    before_four = {s.name: s.condition for s in workspace.character_states(slug, before_episode=4)}
    assert before_four["강도윤"] == HURT
