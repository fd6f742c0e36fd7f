"""Projects screen and new-project wizard, without a browser."""

from __future__ import annotations

import pytest
from dashboard_helpers import SAMPLE_BIBLE, sample_state, wait_for

from novelcraft.dashboards.projects import ProjectsScreen
from novelcraft.dashboards.state import AppState
from novelcraft.jobs.owner import Owner


@pytest.fixture
def screen(workspace):
    state = sample_state(workspace, episodes=2)
    return ProjectsScreen(state=state)


def test_lists_projects_with_episode_counts_and_activity(screen):
    table = screen.table()
    assert list(table.columns) == ["이름", "슬러그", "장르", "회차 수", "마지막 활동"]
    assert table.iloc[0]["회차 수"] == 2
    assert table.iloc[0]["마지막 활동"]
    screen.selected = table.iloc[0]["슬러그"]
    screen.open_selected("bible")
    assert screen.state.screen == "bible"


def test_open_without_selection_says_so(workspace):
    screen = ProjectsScreen(state=AppState(ws=workspace))
    screen.open_selected()
    assert screen.message_kind == "warning" and "프로젝트" in screen.message


def test_concept_form_names_each_missing_field_and_starts_nothing(screen):
    wizard = screen.wizard
    wizard.param.update(project_name="", tone="  ", protagonist="")
    wizard.start_bootstrap()
    assert set(wizard.errors) == {"project_name", "tone", "protagonist"}
    assert wizard.job_id == ""
    assert screen.state.ws.list_jobs() == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b"format: novelcraft-bible/1\nproject:\n  name: [unclosed\n",
            "broken.yaml:4: YAML 형식이 잘못되었습니다",
        ),
        (b"\x00\x01\x02PNG", "바이너리 데이터"),
        (b"x" * (3 * 1024 * 1024), "너무 큽니다"),
        (b"format: novelcraft-bible/1\nproject:\n  name: a\n  colour: red\n", "broken.yaml:4"),
    ],
)
def test_broken_upload_shows_its_error_line_and_creates_nothing(workspace, data, expected):
    screen = ProjectsScreen(state=AppState(ws=workspace))
    wizard = screen.wizard
    wizard.param.update(upload=data, upload_name="broken.yaml")
    wizard.import_upload()
    assert expected in wizard.upload_error
    assert "\n" not in wizard.upload_error and "Traceback" not in wizard.upload_error
    assert wizard.message_kind == "danger"
    assert workspace.list_projects() == []


def test_valid_upload_creates_the_project_and_selects_it(workspace):
    state = AppState(ws=workspace)
    screen = ProjectsScreen(state=state)
    screen.wizard.param.update(upload=SAMPLE_BIBLE.read_bytes(), upload_name="sample.yaml")
    screen.wizard.import_upload()
    assert screen.wizard.upload_error == ""
    slugs = [p.slug for p in workspace.list_projects()]
    assert slugs == [screen.wizard.created] and state.project == slugs[0]
    assert [p.slug for p in screen.rows] == slugs  # the list refreshed itself


def test_bootstrap_job_then_trial_episode_opens_the_editor(workspace):
    state = AppState(ws=workspace)
    screen = ProjectsScreen(state=state)
    wizard = screen.wizard
    wizard.param.update(project_name="달빛 검객", genre="무협", tone="담담하고 빠르게",
                        protagonist="검을 버린 검객")  # fmt: skip
    wizard.banned.add("환생")
    with Owner(workspace, workers=1):
        wizard.start_bootstrap()
        assert wizard.job_id and wizard.progress.job is not None
        wait_for(lambda: wizard.created, poll=screen.poll)
        assert state.project == wizard.created
        bible = workspace.get_bible(wizard.created)
        assert bible.project.name == "달빛 검객" and bible.project.banned_elements == ["환생"]
        wizard.start_trial()
        wait_for(lambda: state.screen == "editor", poll=screen.poll)
    assert wizard.progress.percent == 100
    assert state.episode == 1
    assert workspace.get_episode(wizard.created, 1).content


def test_wizard_keeps_every_typed_supporting_character_and_plans_seasons(workspace):
    state = AppState(ws=workspace)
    screen = ProjectsScreen(state=state)
    wizard = screen.wizard
    assert wizard.planned_episodes == 50  # seed 003 §2-1
    wizard.param.update(
        project_name="학생회실의 불", genre="미스터리/스릴러", tone="서늘하게",
        protagonist="한서윤(학생회장, 냉정함)",
        supporting="도재현(전학생, 비밀이 많음), 오민지(부회장, 수다스러움)",
        planned_episodes=80,
    )  # fmt: skip
    with Owner(workspace, workers=1):
        wizard.start_bootstrap()
        wait_for(lambda: wizard.created, poll=screen.poll)
    bible = workspace.get_bible(wizard.created)
    assert [c.name for c in bible.characters] == ["한서윤", "도재현", "오민지"]
    assert bible.seasons[0].first_episode == 1 and bible.seasons[-1].last_episode == 80
    assert {r.to for r in bible.relationships} == {"도재현", "오민지"}
    assert screen.selected == wizard.created  # "선택:" follows the sidebar's project
