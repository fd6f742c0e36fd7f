"""The canon ledger on the dashboard, without a browser: the 설정 장부 screen, the editor's
impact list with 다시 만들기, the bible screen's 인물 현황 and Quality's voice panel."""

from __future__ import annotations

import holoviews as hv
import pytest
from canon_story import Story, event, run_of

from novelcraft.dashboards.canon_screen import CanonScreen, finding_rows, season_rows
from novelcraft.dashboards.canon_timeline import foreshadow_timeline, timeline_frame
from novelcraft.dashboards.character_state_panel import CharacterStatePanel
from novelcraft.dashboards.edit_impact import EditImpact
from novelcraft.dashboards.state import AppState
from novelcraft.dashboards.voice_distinctiveness_panel import VoiceDistinctivenessPanel
from novelcraft.pipeline import edit_episode, generate_episode

KEY = "지하 금고의 두 번째 열쇠"
USED = "박만석이 금고 번호를 외우고 있다는 사실이 드러나며, 그 번호가 도윤의 기억 속 숫자와 같다"


@pytest.fixture
def story_state(workspace, sample_bible_path):
    slug = workspace.import_bible(sample_bible_path)
    workspace.settings.context.budget_chars = 3000
    story = Story(
        events={
            1: [event("foreshadow", KEY, "강도윤", due_by=2)],
            2: [
                event("plot", USED, "박만석"),
                event("character_state", "강도윤이 손목을 다쳤다", "강도윤"),
            ],
        },
    )
    run = run_of(workspace, slug, story)
    for number in range(1, 5):
        generate_episode(run, number)
    return AppState(ws=workspace, project=slug, episode=2), story, run


def test_the_canon_screen_shows_seasons_findings_timeline_and_states(story_state):
    state, _, _ = story_state
    screen = CanonScreen(state=state)
    assert screen.report.as_of_episode == 4
    first = season_rows(screen.report)[0]
    assert (first["기한 지남"], first["회수율"]) == (1, "0%")
    (finding,) = finding_rows(screen.report)
    assert (finding["종류"], finding["회차"], finding["인용"]) == ("미회수 복선", 1, KEY)
    frame = timeline_frame(screen.report.foreshadows)
    key = frame[frame["description"] == KEY].iloc[0]
    assert (key["planted"], key["due"], key["end"], key["label"]) == (1, 2, 2, "기한 지남")
    assert isinstance(foreshadow_timeline(screen.report.foreshadows), hv.Overlay)
    assert screen.__panel__() is not None


def test_the_canon_screen_drops_and_moves_with_korean_messages(story_state):
    state, _, _ = story_state
    screen = CanonScreen(state=state)
    key = next(f for f in screen.report.foreshadows if f.description == KEY)
    screen.param.update(foreshadow=key.id, due_episode=1)
    screen.move_due()
    assert (screen.message_kind, screen.message) == ("warning", "기한은 심은 화(1화) 뒤여야 합니다")
    screen.due_episode = 9
    screen.move_due()
    assert screen.message == f"복선 {key.id}의 기한을 9화로 옮겼습니다"
    assert next(f for f in screen.report.foreshadows if f.id == key.id).status == "open"
    screen.drop()
    assert next(f for f in screen.report.foreshadows if f.id == key.id).status == "dropped"
    screen.foreshadow = 99999
    screen.drop()
    assert screen.message == "복선 99999이(가) 없습니다"


def test_the_editor_impact_list_names_the_episodes_and_rebuilds_one(story_state):
    state, story, run = story_state
    ws = state.ws
    impact = EditImpact(state=state)
    assert impact.reasons == []
    story.events[2] = [event("character_state", "강도윤이 손목을 다쳤다", "강도윤")]
    second = ws.get_episode(state.project, 2)
    edit_episode(run, 2, second.content + "\n고쳐 썼다.\n", expected_revision=second.revision)
    state.param.trigger("episodes_changed")
    assert impact.episodes == [3, 4]
    assert [r.description for r in impact.reasons] == [USED, USED]
    impact.rebuild(3)
    assert impact.message == "3화 다시 만들기 작업을 등록했습니다"
    job = ws.get_job(impact.job_id)
    assert job.job_type == "batch" and job.status == "queued"
    assert (job.input["first"], job.input["last"], job.input["regenerate"]) == (3, 3, True)


def test_the_bible_screens_character_states(story_state):
    state, _, _ = story_state
    panel = CharacterStatePanel(state=state)
    rows = {r["인물"]: r for r in panel.rows()}
    assert rows["강도윤"]["상태"] == "2화: 강도윤이 손목을 다쳤다"


def test_the_quality_voice_panel_computes_on_request(story_state):
    state, _, _ = story_state
    panel = VoiceDistinctivenessPanel(state=state)
    assert panel.rows() == []
    panel.compute()
    first = panel.rows()[0]
    assert (first["시즌"], first["대사 수"], first["정답률"]) == (1, 0, "-")


def test_saving_a_character_on_the_bible_screen_keeps_its_progressions(workspace, tmp_path):
    from dashboard_helpers import SAMPLE_BIBLE

    from novelcraft.bible import dump_bible, read_bible_file
    from novelcraft.dashboards.bible_screen import BibleScreen
    from novelcraft.models import Progression

    bible = read_bible_file(SAMPLE_BIBLE)
    bible.characters[0].progressions = [Progression(from_episode=4, fact="검사직을 잃었다")]
    path = tmp_path / "b.yaml"
    path.write_text(dump_bible(bible), encoding="utf-8")
    slug = workspace.import_bible(path)
    screen = BibleScreen(state=AppState(ws=workspace, project=slug))
    screen.character = bible.characters[0].name
    screen.form.personality = "더 냉정해졌다"
    screen.save_character()
    saved = workspace.get_bible(slug).characters[0]
    assert saved.personality == "더 냉정해졌다"
    assert saved.progressions == [Progression(from_episode=4, fact="검사직을 잃었다")]
