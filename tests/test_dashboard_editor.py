"""Episode editor: header, tabs, saving with optimistic locking, outline cards, autosave and
generation progress, without a browser."""

from __future__ import annotations

import panel as pn
import pytest
from dashboard_helpers import sample_state, wait_for

from novelcraft.dashboards import editor_tabs
from novelcraft.dashboards.editor import AUTOSAVE_IDLE_SECONDS, EditorScreen
from novelcraft.dashboards.manuscript import Manuscript
from novelcraft.dashboards.metric_badges import METRIC_LABELS
from novelcraft.dashboards.state import AppState
from novelcraft.dashboards.version_diff import diff_html
from novelcraft.jobs.owner import Owner


@pytest.fixture
def screen(workspace):
    return EditorScreen(state=sample_state(workspace, episodes=2, episode=1))


def test_header_shows_episode_status_and_live_count(screen):
    assert screen.header().startswith("### 1화") and "생성 완료" in screen.header()
    screen.draft = "가 나 다\n라"
    assert screen.char_count == 4
    assert "4자" in screen.header() and "저장 안 됨" in screen.header()


def test_validation_tab_shows_every_metric_with_value_and_range(screen):
    html = editor_tabs.validation_html(screen.columns["style_metrics"], screen.state.ws.settings)
    for label in METRIC_LABELS.values():
        assert label in html
    assert html.count("✅") + html.count("⚠️") >= len(METRIC_LABELS)
    assert "7,000–9,000" in html


def test_events_versions_and_context_tabs(screen):
    assert screen.events and "**" in editor_tabs.events_markdown(screen.events)
    assert len(screen.versions) >= 1
    html = editor_tabs.context_html(screen.columns["context_sizes"], 12000)
    assert "세계관" in html and "예산 12,000자" in html


def test_save_makes_a_new_version_and_remeasures(screen):
    versions = len(screen.versions)
    screen.draft = screen.saved_text.replace("###", "***", 1) + "\n\n그때, 문이 열렸다!"
    with Owner(screen.state.ws, workers=1):
        assert screen.save()
        assert screen.message_kind == "success"
        wait_for(lambda: not screen.job_id, poll=screen.poll)
    assert len(screen.versions) == versions + 1
    assert screen.versions[-1].kind == "user"
    assert screen.versions[-1].content == screen.draft
    assert not screen.dirty
    stored = screen.state.ws.get_episode(screen.state.project, 1)
    assert stored.content == screen.draft and stored.status == "edited"


def test_second_tab_saving_the_same_episode_is_refused(workspace):
    first = EditorScreen(state=sample_state(workspace, episodes=1, episode=1))
    second = EditorScreen(state=AppState(ws=workspace, project=first.state.project, episode=1))
    first.draft = first.saved_text + "\n첫 번째 탭의 문장!"
    second.draft = second.saved_text + "\n두 번째 탭의 문장!"
    assert first.save(rederive=False)
    assert second.save(rederive=False) is None
    assert second.message_kind == "danger" and "저장 거부" in second.message
    stored = workspace.get_episode(first.state.project, 1).content
    assert stored.endswith("첫 번째 탭의 문장!")
    assert second.dirty  # the refused text is still in the editor, not lost


def test_an_empty_manuscript_is_not_saved(screen):
    screen.draft = "   "
    assert screen.save(rederive=False) is None
    assert screen.message_kind == "danger"


def test_autosave_waits_for_the_author_to_pause(screen):
    screen.draft = screen.saved_text + "\n자동 저장 문장!"
    edited = screen._edited_at
    assert not screen.maybe_autosave(now=edited + 1)
    assert screen.maybe_autosave(now=edited + AUTOSAVE_IDLE_SECONDS + 0.1)
    assert not screen.dirty and screen.versions[-1].content.endswith("자동 저장 문장!")
    screen.autosave = False
    screen.draft += "더"
    assert not screen.maybe_autosave(now=screen._edited_at + 60)


def test_invalid_outline_names_fields_and_saves_nothing(screen):
    before = screen.state.ws.get_episode(screen.state.project, 1).outline
    form = screen.outline_form
    form.scenes[1]["goal"] = ""
    form.scenes[0]["characters"] = ["없는 인물"]
    form.ending_hook = ""
    screen.save_outline()
    assert "scenes[1].goal" in form.errors and "ending_hook" in form.errors
    assert screen.message_kind == "danger"
    assert screen.state.ws.get_episode(screen.state.project, 1).outline == before
    form.scenes[1]["goal"] = "목표"
    form.ending_hook = "그때 문이 열렸다"
    screen.save_outline()
    assert "scenes[0].characters" in form.errors  # the bible has no such character
    form.scenes[0]["characters"] = []
    screen.save_outline()
    assert form.errors == {}
    saved = screen.state.ws.get_episode(screen.state.project, 1).outline
    assert saved.ending_hook == "그때 문이 열렸다"


def test_outline_scene_count_is_bounded(screen):
    form = screen.outline_form
    while len(form.scenes) < 5:
        form.add_scene()
    form.add_scene()
    assert len(form.scenes) == 5
    for _ in range(3):
        form.remove_scene()
    form.to_outline()
    assert "scenes" in form.errors


def test_generating_a_new_episode_shows_step_progress_to_done(workspace):
    state = sample_state(workspace, episodes=1, episode=2)
    screen = EditorScreen(state=state)
    assert screen.episode is None and screen.header().startswith("### 2화")
    stages = set()
    with Owner(workspace, workers=1):
        screen.generate()
        assert screen.job_id

        def done():
            if screen.progress.job is not None:
                stages.add(screen.progress.job.status)
            return not screen.job_id

        wait_for(done, poll=screen.poll, interval=0.05)
    assert screen.progress.percent == 100 and "완료" in screen.message
    assert screen.episode is not None and screen.episode.length > 0
    assert screen.columns["style_metrics"]


def test_revision_instruction_and_refusals(workspace):
    screen = EditorScreen(state=sample_state(workspace, episodes=1, episode=1))
    screen.draft += "고침"
    screen.instruction = "대사를 줄여"
    screen.revise()
    assert screen.message_kind == "warning" and not screen.job_id  # unsaved edits first
    screen.draft = screen.saved_text
    screen.instruction = " "
    screen.revise()
    assert screen.message_kind == "danger"
    screen.instruction = "대사를 더 짧게"
    with Owner(workspace, workers=1):
        screen.revise()
        revision = screen.revision
        wait_for(lambda: not screen.job_id, poll=screen.poll)
    assert screen.revision > revision and screen.versions[-1].kind == "revise"


def manuscript_widget(view) -> Manuscript:
    (found,) = view.select(Manuscript)
    assert "nc-manuscript" in found.css_classes
    return found


def type_into(widget: Manuscript, text: str, save: bool = False) -> None:
    """What the browser's box sends: the whole text as typed, with the save shortcut's flag."""
    widget._handle_msg({"typed": text, "save": True} if save else {"typed": text})


def test_typing_never_writes_the_text_back_to_the_browser(screen):
    """The root of the lost keystrokes: every keystroke that reached the server was written
    back into the widget's value, which resets the browser's textarea to older text."""
    widget = manuscript_widget(screen.__panel__())
    written: list[str] = []
    widget.param.watch(lambda e: written.append(e.name), ["text", "generation"])
    typed = screen.saved_text
    for syllable in ["그", "날", " ", "밤", ",", " ", "a", "b"]:
        typed += syllable
        type_into(widget, typed)
        assert screen.draft == typed
    screen.maybe_autosave(now=10**9)  # autosave fires mid-typing
    assert screen.last_saved_at and screen.saved_text == typed
    type_into(widget, typed + "!")
    assert written == [] and screen.draft == typed + "!"


def test_a_load_is_the_one_time_the_text_goes_to_the_browser(screen):
    widget = manuscript_widget(screen.__panel__())
    type_into(widget, screen.saved_text + " 덧붙임")
    generation = widget.generation
    screen.load()  # 다시 불러오기: the same text as the last load, so `generation` must move
    assert widget.text == screen.saved_text and screen.draft == screen.saved_text
    assert widget.generation == generation + 1
    screen.state.episode = 2
    assert widget.text == screen.state.ws.get_episode(screen.state.project, 2).content


def test_saving_unchanged_text_makes_no_version(screen):
    versions = len(screen.versions)
    assert screen.save() is False
    assert "바뀐 내용이 없어" in screen.message
    assert len(screen.state.ws.episode_versions(screen.state.project, 1)) == versions


def test_ctrl_s_saves_the_text_sent_with_it(screen):
    widget = manuscript_widget(screen.__panel__())
    with Owner(screen.state.ws, workers=1):
        type_into(widget, screen.saved_text + "\n\n그때, 문이 열렸다!", save=True)
        assert screen.message.startswith("저장했습니다") and widget.saves == 1
        wait_for(lambda: not screen.job_id, poll=screen.poll)
    assert screen.versions[-1].content.endswith("그때, 문이 열렸다!")


def test_editor_opens_on_the_manuscript_tab(screen):
    (tabs,) = [t for t in screen.__panel__().select(pn.Tabs) if "nc-editor-tabs" in t.css_classes]
    assert tabs._names[tabs.active] == "원고"


def test_diff_marks_insertions_and_deletions_inline_with_korean_labels():
    old = "첫 문단.\n둘째 문단은 길다.\n셋\n넷\n다섯\n여섯\n일곱"
    new = "첫 문단.\n둘째 문단은 아주 길다.\n셋\n넷\n다섯\n여섯\n일곱\n새 문단!"
    html = diff_html(old, new, "v1", "v2")
    assert '<ins class="nc-ins"' in html and ">아주 </ins>" in html
    assert "새 문단!</ins>" in html
    assert "바뀌지 않은 문단" in html and "추가된 글" in html and "삭제된 글" in html
    assert "@@" not in html and "+++" not in html
    removed = diff_html("하나\n둘", "하나", "v1", "v2")
    assert ">둘</del>" in removed and "삭제 1자" in removed
    assert "같습니다" in diff_html("같은 글", "같은 글")
