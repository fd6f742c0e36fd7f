"""The cascade after an author's edit (DESIGN §13): the later episodes whose stored context
used an event or summary the edit changed — exactly those, with the reason."""

from __future__ import annotations

import json

import pytest
from canon_story import Story, event, outline, run_of

from novelcraft.pipeline import edit_episode, generate_episode


def _filler(number: int, i: int) -> dict:
    # Long enough that only three event lines fit the events section of a 3,000 budget.
    text = (
        f"{number}화 {i}번 사건: 골목 끝 창고에서 장부 한 권이 발견되고, "
        f"그 안의 숫자가 서로 맞지 않는다는 사실이 드러난다 {i}"
    )
    return event("plot", text)


REMOVED = (
    "박만석이 정보원의 이름을 끝내 숨기기로 하고, "
    "그 대가로 시장 상인회의 장부를 손에 넣는다는 은밀한 거래를 한다"
)


def _story() -> Story:
    with_manseok = ("강도윤", "박만석")
    story = Story(
        events={n: [_filler(n, i) for i in (1, 2, 3)] for n in range(1, 8)},
        outlines={n: [outline(n, cast=with_manseok)] for n in (4, 6)},
    )
    story.events[3] = [event("plot", REMOVED, "박만석"), _filler(3, 2), _filler(3, 3)]
    return story


@pytest.fixture
def seven(workspace, sample_bible_path):
    slug = workspace.import_bible(sample_bible_path)
    workspace.settings.context.budget_chars = 3000
    story = _story()
    run = run_of(workspace, slug, story)
    for number in range(1, 8):
        generate_episode(run, number)
    return workspace, slug, story, run


def _included(ws, slug, description):
    pid = ws.project_id(slug)
    return [
        n
        for (n,) in ws.store.execute(
            "SELECT DISTINCT c.episode_number FROM context_inclusions c JOIN episode_events e "
            "ON e.id = c.event_id WHERE c.project_id = ? AND e.description = ? ORDER BY 1",
            [pid, description],
        ).fetchall()
    ]


def test_an_edit_that_removes_an_event_lists_exactly_the_episodes_that_used_it(seven):
    ws, slug, story, run = seven
    # Episode 4 used it as one of the three newest events; 6 because 박만석 is in its outline.
    assert _included(ws, slug, REMOVED) == [4, 6]
    story.events[3] = [_filler(3, 2), _filler(3, 3)]
    third = ws.get_episode(slug, 3)
    edit_episode(run, 3, third.content + "\n도윤은 다시 썼다.\n", expected_revision=third.revision)
    reasons = ws.stale_reasons(slug, source_episode=3)
    assert [(r.episode_number, r.kind, r.description) for r in reasons] == [
        (4, "event", REMOVED),
        (6, "event", REMOVED),
    ]
    assert [e.description for e in ws.episode_events(slug, 3)] == [
        _filler(3, 2)["description"],
        _filler(3, 3)["description"],
    ]


def test_unchanged_events_keep_their_rows_so_nothing_is_listed(seven):
    ws, slug, _, run = seven
    before = ws.episode_events(slug, 3)
    third = ws.get_episode(slug, 3)
    edit_episode(run, 3, third.content + "\n한 줄 더.\n", expected_revision=third.revision)
    assert [e.id for e in ws.episode_events(slug, 3)] == [e.id for e in before]
    assert ws.stale_reasons(slug) == []


def test_a_changed_summary_lists_the_episodes_whose_context_held_it(seven):
    ws, slug, story, run = seven
    story.summaries[3] = "3화: 도윤이 장부를 불태운다."
    third = ws.get_episode(slug, 3)
    edit_episode(run, 3, third.content + "\n불길이 올랐다.\n", expected_revision=third.revision)
    reasons = ws.stale_reasons(slug, source_episode=3)
    assert [(r.episode_number, r.kind, r.description) for r in reasons] == [
        (4, "summary", "3화 요약."),
        (5, "summary", "3화 요약."),
        (6, "summary", "3화 요약."),
    ]


def test_episodes_json_says_why_and_regenerating_clears_it(seven, cli, ws_dir):
    ws, slug, story, run = seven
    story.events[3] = [_filler(3, 2), _filler(3, 3)]
    third = ws.get_episode(slug, 3)
    edit_episode(run, 3, third.content + "\n고쳤다.\n", expected_revision=third.revision)
    ws.store.execute(
        "UPDATE episodes SET pipeline = json_object('step', 'outline') "
        "WHERE project_id = ? AND episode_number = 6",
        [ws.project_id(slug)],
    )
    generate_episode(run, 6)  # draft again: a new context, so no reason left for 6
    ws.close()
    listed = json.loads(cli("--workspace", ws_dir, "episodes", slug, "--json").out)
    because = {row["episode_number"]: row["stale_because"] for row in listed}
    assert because[4] == [{"source_episode": 3, "kind": "event", "description": REMOVED}]
    assert because[5] == because[6] == because[7] == [] == because[1]
