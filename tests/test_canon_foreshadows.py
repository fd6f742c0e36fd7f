"""Foreshadows in the canon ledger: due episodes, statuses, alerts in the context, the author's
drop and move — one season planted and paid off on time, late and never (DESIGN §13)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from canon_story import Story, event, prompt_of, run_of

from novelcraft.bible import read_bible_file
from novelcraft.canon.foreshadows import due_episode
from novelcraft.errors import BadInput, NotFound
from novelcraft.models import Season
from novelcraft.pipeline import generate_episode, rederive

A = "서랍 속 낡은 열쇠는 어느 문을 여는가"
B = "백운결의 수첩에 적힌 일곱 번째 이름"
C = "방화 현장에서 사라진 감시 카메라 원본"
D = "하린이 숨긴 아버지의 재판 기록"
E = "구치소 면회 기록에 남은 낯선 서명"


def test_due_episode_comes_from_the_answer_else_the_window_capped_at_the_season():
    seasons = [Season(number=1, first_episode=1, last_episode=8)]
    assert due_episode(2, 5, window=30, seasons=seasons) == (5, "answer")
    assert due_episode(2, None, window=4, seasons=seasons) == (6, "window")
    assert due_episode(5, None, window=30, seasons=seasons) == (8, "season")
    # A due_by that is not after the planting episode is ignored.
    assert due_episode(5, 5, window=2, seasons=seasons) == (7, "window")
    # Planted in the season's last episode: it carries over (the window applies).
    assert due_episode(8, None, window=3, seasons=seasons) == (11, "window")
    assert due_episode(3, None, window=30) == (33, "window")


def _story() -> Story:
    return Story(
        events={
            1: [
                event("plot", "도윤이 검사실에 첫 출근한다.", "강도윤"),
                event("foreshadow", A, "강도윤", due_by=3),
                event("foreshadow", B, "백운결"),
                event("foreshadow", C, "서하린", due_by=4),
            ],
            2: [event("foreshadow", D, "서하린")],
            5: [event("foreshadow", E, "강도윤")],
        },
        payoffs={3: [A], 6: [C], 7: [D]},
    )


@pytest.fixture
def season(workspace, sample_bible_path):
    bible = read_bible_file(sample_bible_path)
    bible.seasons = [
        Season(number=1, title="첫 시즌", first_episode=1, last_episode=8),
        Season(number=2, title="둘째 시즌", first_episode=9, last_episode=20),
    ]
    slug = workspace.create_project(bible)
    canon = workspace.settings.canon
    canon.foreshadow_window, canon.max_open_foreshadows = 5, 1
    run = run_of(workspace, slug, _story())
    for number in range(1, 9):
        generate_episode(run, number)
    return workspace, slug, run


def _by_description(foreshadows):
    return {f.description: f for f in foreshadows}


def test_statuses_on_time_late_and_never(season):
    ws, slug, _ = season
    report = ws.canon_report(slug)
    assert report.as_of_episode == 8
    found = _by_description(report.foreshadows)
    assert {d: (f.status, f.due_episode, f.due_source, f.resolved_in_episode, f.late)
            for d, f in found.items()} == {
        A: ("resolved", 3, "answer", 3, False),
        B: ("overdue", 6, "window", None, False),
        C: ("resolved", 4, "answer", 6, True),
        D: ("resolved", 7, "window", 7, False),
        E: ("overdue", 8, "season", None, False),
    }  # fmt: skip
    first, second = report.seasons
    assert (first.open, first.due_soon, first.overdue, first.resolved, first.resolved_late) == (
        0, 0, 2, 3, 1,
    )  # fmt: skip
    assert first.dropped == 0 and first.payoff_rate == pytest.approx(3 / 5)
    assert [(f.kind, f.episode, f.quote) for f in first.findings] == [
        ("overdue_foreshadow", 1, B),
        ("overdue_foreshadow", 5, E),
        ("late_payoff", 6, C),
    ]
    assert first.findings_per_10k == pytest.approx(3 / first.characters * 10_000, abs=1e-3)
    assert second.written_episodes == 0 and second.payoff_rate is None
    assert report.warnings == [
        "열린 복선이 2개로 상한 1개를 넘었습니다. 새 복선보다 회수를 먼저 하세요."
    ]


def test_the_context_puts_overdue_and_due_soon_first_and_says_so(season):
    ws, slug, _ = season
    seventh = prompt_of(ws, slug, 7)
    assert "회수 기한이 지났거나 3화 안에 다가왔습니다" in seventh
    overdue = seventh.index(f"[foreshadow·기한 지남: 6화까지] 1화: {B}")
    due_now = seventh.index(f"[foreshadow·7화까지 회수] 2화: {D}")
    due_next = seventh.index(f"[foreshadow·8화까지 회수] 5화: {E}")
    assert overdue < due_now < due_next < seventh.index("[plot] 1화:")
    assert C not in seventh and A not in seventh, "paid-off foreshadows leave the context"
    # Episode 2 was written before anything was due soon (A is due in 3: within 3 -> soon).
    second = prompt_of(ws, slug, 2)
    assert f"[foreshadow·3화까지 회수] 1화: {A}" in second
    assert f"[foreshadow] 1화: {B}" in second, "B (due 6) is neither overdue nor due soon in 2"


def test_a_warning_when_the_open_count_passes_the_cap(season):
    ws, slug, _ = season
    assert "열린 복선이 3개로 상한 1개를 넘었습니다" in prompt_of(ws, slug, 2)
    assert "열린 복선이 4개로 상한 1개를 넘었습니다" in prompt_of(ws, slug, 3)
    assert "열린 복선이 3개로 상한 1개를 넘었습니다" in prompt_of(ws, slug, 4)


def test_the_author_drops_one_and_moves_another_and_both_survive_rederiving(season):
    ws, slug, run = season
    found = _by_description(ws.foreshadows(slug))
    dropped = ws.drop_foreshadow(slug, found[B].id)
    moved = ws.move_foreshadow_due(slug, found[E].id, 12)
    assert (dropped.status, moved.status, moved.due_episode, moved.due_source) == (
        "dropped", "open", 12, "author",
    )  # fmt: skip
    assert moved.due_soon is True  # 12 is within 3 of the next episode (9)
    rederive(run, 1)
    rederive(run, 5)
    after = _by_description(ws.foreshadows(slug))
    assert after[B].id == found[B].id and after[B].status == "dropped"
    assert (after[E].id, after[E].due_episode, after[E].status) == (found[E].id, 12, "open")
    first = ws.canon_report(slug).seasons[0]
    assert (first.overdue, first.dropped, first.open, first.payoff_rate) == (0, 1, 1, 1.0)
    ninth = run.context(9).sections["events"]
    assert B not in ninth, "a dropped foreshadow leaves the context"
    assert f"[foreshadow·12화까지 회수] 5화: {E}" in ninth
    ws.drop_foreshadow(slug, found[B].id, False)
    assert _by_description(ws.foreshadows(slug))[B].status == "overdue"


def test_bad_foreshadow_decisions_are_refused(season):
    ws, slug, _ = season
    found = _by_description(ws.foreshadows(slug))
    with pytest.raises(BadInput, match="1화보다 뒤여야 합니다"):
        ws.move_foreshadow_due(slug, found[B].id, 1)
    plot_id = ws.store.scalar("SELECT id FROM episode_events WHERE event_type = 'plot' LIMIT 1")
    with pytest.raises(NotFound, match=f"복선 {plot_id}이\\(가\\) 없습니다"):
        ws.drop_foreshadow(slug, plot_id)


# (due of the thread planted in n, the threads offered): due in planting order, the ten due
# soonest (planted 1-10) and the ten newest (17-26), while 11-16 wait their turn; due in reverse,
# the newest are also the ones due soonest, and each is offered once.
_UNPAID_LAYOUTS = [
    (lambda n: n + 50, [*range(1, 11), *range(17, 27)]),
    (lambda n: 100 - n, list(range(17, 27))),
]


@pytest.mark.parametrize(("due_of", "expected"), _UNPAID_LAYOUTS, ids=["in-order", "reversed"])
def test_the_events_prompt_offers_new_hooks_even_after_many_unpaid_threads(
    workspace, sample_bible_path, due_of, expected
):
    """26 unpaid threads (a long serial piles them up) must not hide the newest ones from the
    events prompt, nor the ones due soonest."""
    slug = workspace.import_bible(sample_bible_path)
    story = Story(
        events={
            n: [event("foreshadow", f"{n}화에 심은 실마리", due_by=due_of(n))] for n in range(1, 27)
        }
    )
    run = run_of(workspace, slug, story)
    for number in range(1, 28):
        generate_episode(run, number)
    events_prompt = next(
        c.prompt for c in reversed(run.backend.calls) if "이벤트를 추출" in c.prompt
    )
    listed = events_prompt.split("## 아직 풀리지 않은 복선")[1].split("##")[0]
    offered = [int(n) for n in re.findall(r"^\d+: (\d+)화에 심은 실마리", listed, re.M)]
    # Oldest first, as the prompt lists them.
    assert offered == expected


def test_the_foreshadows_frame_is_the_ledger_row_by_row(season):
    """The analyst's frame (DESIGN §14) says what the report says, and the payoff summary
    counts it per season as the report does."""
    from novelcraft import analysis

    ws, slug, _ = season
    report = ws.canon_report(slug)
    frame = analysis.foreshadows_frame(ws, slug)
    by_id = frame.set_index("foreshadow_id")
    assert sorted(by_id.index) == sorted(f.id for f in report.foreshadows)
    for f in report.foreshadows:
        row = by_id.loc[f.id]
        assert (row["episode"], row["description"], row["due_episode"], row["due_source"],
                row["status"], bool(row["late"]), row["as_of_episode"]) == (
            f.planted_episode, f.description, f.due_episode, f.due_source, f.status, f.late, 8,
        )  # fmt: skip
        assert (None if pd.isna(row["resolved_episode"]) else row["resolved_episode"]) == (
            f.resolved_in_episode
        )
    gaps = frame.set_index("description")["episodes_to_payoff"]
    assert (gaps[A], gaps[C], gaps[D]) == (2, 5, 5) and pd.isna(gaps[B])
    assert set(frame["season_label"]) == {"시즌 1"} and set(frame["season_title"]) == {"첫 시즌"}
    assert frame.set_index("description").loc[A, "characters"] == "강도윤"

    (row,) = analysis.foreshadow_payoff_by_season(frame).to_dict("records")
    assert {k: row[k] for k in ("planted", "resolved", "resolved_late", "overdue", "open",
                                "dropped", "median_episodes_to_payoff")} == {
        "planted": 5, "resolved": 3, "resolved_late": 1, "overdue": 2, "open": 0,
        "dropped": 0, "median_episodes_to_payoff": 5.0,
    }  # fmt: skip
    assert row["payoff_rate"] == pytest.approx(report.seasons[0].payoff_rate)

    ws.drop_foreshadow(slug, _by_description(report.foreshadows)[B].id)
    after = analysis.foreshadows_frame(ws, slug)
    assert after.set_index("description").loc[B, "status"] == "dropped"
    (row,) = analysis.foreshadow_payoff_by_season(after).to_dict("records")
    assert (row["dropped"], row["overdue"]) == (1, 1)
    assert row["payoff_rate"] == pytest.approx(ws.canon_report(slug).seasons[0].payoff_rate)
    shown = analysis.labelled(after)
    assert {"복선 번호", "상태", "회수 기한", "기한 근거"} <= set(shown.columns)
    assert set(shown["상태"]) == {"회수", "기한 지남", "포기"}
