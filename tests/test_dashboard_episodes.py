"""Episodes screen: paging, badges, stale flag, new / open / delete."""

from __future__ import annotations

import pytest
from dashboard_helpers import sample_state

from novelcraft.dashboards.episodes_screen import EpisodesScreen


@pytest.fixture
def screen(workspace):
    state = sample_state(workspace, episodes=2)
    for n in range(3, 31):
        workspace.create_episode(state.project, n, title=f"{n}화 제목", content="짧은 본문")
    return EpisodesScreen(state=state, page_size=10)


def test_pages_through_the_episodes(screen):
    assert screen.total == 30 and screen.pages == 3
    assert list(screen.rows["회차"]) == list(range(1, 11))
    screen.page = 3
    assert list(screen.rows["회차"]) == list(range(21, 31))
    screen.page_size = 25
    assert screen.page == 2 and list(screen.rows["회차"]) == list(range(26, 31))


def test_rows_show_status_length_badges_and_stale(screen):
    ws, slug = screen.state.ws, screen.state.project
    ws.store.execute(
        "UPDATE episodes SET context_stale = true WHERE episode_number = 2 AND project_id = ?",
        [ws.project_id(slug)],
    )
    screen.refresh()
    first, second, third = (screen.rows.iloc[i] for i in range(3))
    assert first["상태"] == "생성 완료" and first["분량"] == ws.get_episode(slug, 1).length
    for label in ("분량", "장면", "훅", "문장", "대화", "설명", "반복", "상투", "말투"):
        assert label in first["검증"]
    assert "✅" in first["검증"]
    assert "측정 전" in third["검증"]
    assert second["맥락"].startswith("⚠️") and first["맥락"] == ""


def test_new_opens_the_editor_on_the_next_number(screen):
    assert screen.new_number == 31
    screen.create()
    assert screen.state.screen == "editor" and screen.state.episode == 31
    assert screen.state.ws.count_episodes(screen.state.project) == 31


def test_creating_an_existing_number_is_refused(screen):
    screen.new_number = 5
    screen.create()
    assert screen.message_kind == "danger" and "이미 있습니다" in screen.message


def test_open_and_two_step_delete(screen):
    assert screen.selected == 1  # "열기" has an episode that exists from the start
    screen.selected = 4
    screen.open_selected()
    assert screen.state.screen == "editor" and screen.state.episode == 4
    screen.delete_selected()
    assert screen.confirm_delete and screen.state.ws.count_episodes(screen.state.project) == 30
    screen.delete_selected()
    assert screen.state.ws.count_episodes(screen.state.project) == 29
    assert 4 not in list(screen.rows["회차"])


def test_titles_are_filled_and_the_demo_writer_is_badged(screen):
    rows = screen.rows.set_index("회차")
    assert all(title and title != "(제목 없음)" for title in rows["제목"])
    assert list(rows.loc[[1, 2], "작가"]) == ["🤖 데모 작가"] * 2
    assert rows.loc[3, "작가"] == "" and rows.loc[3, "제목"] == "3화 제목"


def test_the_list_shows_the_page_and_follows_the_selection(screen):
    shown = screen.episode_list
    assert [row[0] for row in shown.rows] == list(range(1, 11))
    length = screen.state.ws.get_episode(screen.state.project, 3).length
    assert shown.rows[2][1] == "3화 제목" and shown.rows[2][4] == f"{length:,}"
    assert shown.columns[0] == ["회차", 56] and shown.html_columns == [5]
    screen.page = 2
    assert [row[0] for row in shown.rows] == list(range(11, 21)) and shown.selected == 11
    shown.selected = 14  # a click in the browser
    assert screen.selected == 14
    screen.confirm_delete = True
    shown.selected = 15
    assert screen.selected == 15 and not screen.confirm_delete  # a new pick asks again


def test_a_double_click_in_the_list_opens_that_episode(screen):
    screen.episode_list._handle_msg({"open": 7})
    assert screen.state.screen == "editor" and screen.state.episode == 7 and screen.selected == 7


@pytest.mark.parametrize(
    "message",
    [{"open": 99}, {"open": "7"}, {"open": True}, [7], None, {"open": 7, "page": 2},
     {"close": 1}, {"page": 2.5}, {"create": None}],
)  # fmt: skip
def test_a_message_the_list_should_not_send_does_nothing(screen, message):
    before = screen.state.ws.count_episodes(screen.state.project)
    screen.episode_list._handle_msg(message)
    assert screen.state.screen != "editor" and screen.page == 1
    assert screen.state.ws.count_episodes(screen.state.project) == before


def test_the_pager_in_the_list_pages_and_shows_where_it_is(screen):
    shown = screen.episode_list
    assert (shown.page, shown.pages, shown.total, shown.page_size) == (1, 3, 30, 10)
    assert shown.page_sizes == [10, 25, 50, 100]
    shown._handle_msg({"page": 2})
    assert screen.page == 2 and [row[0] for row in shown.rows] == list(range(11, 21))
    shown._handle_msg({"page": 0})  # 이전 on the first page, sent anyway
    assert screen.page == 1 and shown.page == 1
    shown._handle_msg({"page": 9})
    assert screen.page == 3 and shown.page == 3
    shown._handle_msg({"page_size": 7})  # not one of the sizes offered
    assert screen.page_size == 10
    shown._handle_msg({"page_size": 25})
    assert (shown.page_size, shown.pages, shown.page) == (25, 2, 2)


def test_the_actions_in_the_list_open_create_and_delete(screen):
    shown = screen.episode_list
    assert shown.new_number == 31 and shown.selected == 1
    shown.selected = 3  # a click on a row
    shown._handle_msg({"delete": 0})
    assert shown.confirm_delete  # the button now reads 삭제 확인
    shown._handle_msg({"delete": 0})
    ws, slug = screen.state.ws, screen.state.project
    assert 3 not in [row[0] for row in shown.rows] and not shown.confirm_delete
    shown._handle_msg({"create": 0})  # an empty or broken number box
    assert screen.message_kind == "warning" and "1 이상" in screen.message
    assert ws.count_episodes(slug) == 29
    shown._handle_msg({"create": 3})  # the number the author typed
    assert ws.get_episode(slug, 3).episode_number == 3
    assert (screen.state.screen, screen.state.episode) == ("editor", 3)
    screen.state.screen = "episodes"
    shown.selected = 5
    shown._handle_msg({"open_selected": 0})
    assert (screen.state.screen, screen.state.episode) == ("editor", 5)


def test_badge_titles_are_escaped():
    from novelcraft.dashboards.metric_badges import compact_html
    from novelcraft.settings import Settings

    strip = compact_html({"ending_hook": False, "ending_hook_reason": '"><b>x'}, Settings())
    assert "<b>" not in strip and "&quot;&gt;&lt;b&gt;x" in strip
