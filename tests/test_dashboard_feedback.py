"""A screen's message pane: what the author reads after an action, in its colour, and only
when there is something to read, on the page (the Bokeh model) as well as on the pane."""

from __future__ import annotations

import panel as pn
from bokeh.document import Document

from novelcraft.dashboards.feedback import Feedback, user_action
from novelcraft.errors import NovelcraftError


class Screen(Feedback):
    @user_action
    def act(self, fail: bool):
        if fail:
            raise NovelcraftError("회차 번호가 잘못되었습니다")
        self.say("저장했습니다 (수정 번호 3)")


def _drawn(pane: pn.viewable.Viewable):
    return pane.get_root(Document())


def test_the_message_is_shown_with_its_colour_and_hidden_when_empty():
    screen = Screen()
    model = _drawn(screen.message_pane())
    assert model.visible is False

    screen.act(False)
    assert "저장했습니다 (수정 번호 3)" in model.text
    assert model.visible is True
    assert "alert-success" in model.css_classes

    screen.act(True)
    assert "회차 번호가 잘못되었습니다" in model.text
    assert model.visible is True and "alert-danger" in model.css_classes

    screen.say("")
    assert model.visible is False


def test_every_drawing_of_the_screen_follows_the_same_message():
    screen = Screen()
    first, second = _drawn(screen.message_pane()), _drawn(screen.message_pane())
    screen.say("바뀐 내용이 없어 새 버전을 만들지 않았습니다.", "info")
    for model in (first, second):
        assert "바뀐 내용이 없어" in model.text and model.visible is True
        assert "alert-info" in model.css_classes
