"""What a screen tells the author after an action: one line, never a traceback.

Every button handler of a screen is wrapped in `user_action`: an engine error (bad input, a
lost save race, a missing project) becomes the screen's message; anything else is logged with
its traceback on the server and shown as one line.
"""

from __future__ import annotations

import functools
import logging

import panel as pn
import param

from novelcraft.errors import NovelcraftError, RevisionConflict

log = logging.getLogger("novelcraft.dashboards")

KINDS = ["info", "success", "warning", "danger"]


def describe_error(exc: BaseException) -> str:
    """The one line an author sees for an error raised by the engine."""
    if isinstance(exc, RevisionConflict):
        return (
            "저장 거부: 다른 탭이나 작업이 이 회차를 먼저 저장했습니다. "
            "덮어쓰지 않았습니다 — 다시 불러온 뒤 수정 내용을 다시 적용하세요."
        )
    if isinstance(exc, NovelcraftError):
        return f"오류: {exc}"
    return f"내부 오류: {type(exc).__name__}: {exc}"


class Feedback(param.Parameterized):
    """A screen's last message and its kind (colour)."""

    message = param.String(default="", doc="The last thing the screen told the author.")
    message_kind = param.Selector(default="info", objects=KINDS)

    def say(self, text: str, kind: str = "success") -> None:
        # One update: the pane sees the text and its colour together, never a mix of the two.
        self.param.update(message_kind=kind, message=text)

    def fail(self, exc: BaseException) -> None:
        if not isinstance(exc, NovelcraftError):
            log.exception("dashboard action failed", exc_info=exc)
        self.say(describe_error(exc), "danger")

    def message_pane(self) -> pn.viewable.Viewable:
        # One Alert per drawing of the screen, its text, colour and visibility set in one step
        # (a CI run once left a message on the page hidden, likely because the pane, rebuilt per
        # change, was patched in place in steps; it did not recur, so the cause is not proven).
        alert = pn.pane.Alert(
            self.message,
            alert_type=self.message_kind,
            visible=bool(self.message),
            css_classes=["nc-message"],
        )

        def show(*_events) -> None:
            alert.param.update(
                object=self.message, alert_type=self.message_kind, visible=bool(self.message)
            )

        self.param.watch(show, ["message", "message_kind"])
        return alert


def user_action(method):
    """Run a screen action; report any failure as the screen's message."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            self.fail(exc)
            return None

    return wrapper
