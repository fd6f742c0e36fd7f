"""The dashboard application: one page per browser session with a sidebar of screens
(DESIGN §9), the project picker, job polling every 2 s and the connection watch.

`make_app(ws)` returns the session factory `novelcraft serve` hands to `pn.serve`; screens
are built the first time they are shown, and the URL (`?screen=editor&project=...&episode=3`)
opens any screen directly.
"""

from __future__ import annotations

import holoviews as hv
import panel as pn
import param

from novelcraft import __version__
from novelcraft.dashboards.batch import BatchScreen
from novelcraft.dashboards.bible_screen import BibleScreen
from novelcraft.dashboards.canon_screen import CanonScreen
from novelcraft.dashboards.connection import watch_connection
from novelcraft.dashboards.editor import EditorScreen
from novelcraft.dashboards.episodes_screen import EpisodesScreen
from novelcraft.dashboards.feedback import describe_error, log
from novelcraft.dashboards.jobs_screen import JobsScreen
from novelcraft.dashboards.page_frame import PageFrame
from novelcraft.dashboards.projects import ProjectsScreen
from novelcraft.dashboards.quality import QualityScreen
from novelcraft.dashboards.settings_form import BACKEND_LABELS
from novelcraft.dashboards.settings_screen import SettingsScreen
from novelcraft.dashboards.state import DEMO_WRITER, SCREENS, AppState

POLL_MS = 2000
SCREEN_CLASSES = {
    "projects": ProjectsScreen,
    "bible": BibleScreen,
    "episodes": EpisodesScreen,
    "editor": EditorScreen,
    "batch": BatchScreen,
    "quality": QualityScreen,
    "canon": CanonScreen,
    "jobs": JobsScreen,
    "settings": SettingsScreen,
}
NEEDS_PROJECT = {"bible", "episodes", "editor", "batch", "quality", "canon"}
CSS = """
.nc-field-error p { color: #b00020; margin: 6px 0 0 0; }
.nc-upload-error p, .nc-upload-error code { color: #b00020; }
.nc-badges li { font-size: 15px; margin: 4px 0; }
"""


def setup_extensions() -> None:
    hv.extension("bokeh", logo=False)
    # Panel's own design, not Bootstrap's: Bootstrap puts its whole stylesheet into the shadow
    # root of every widget, and matching it was a tenth of the time Chromium took to draw the
    # Quality screen (issue 15: 1.20 -> 1.04-1.10 s over 8 loads each, Episodes 0.84 -> 0.79 s).
    pn.extension("tabulator", raw_css=[CSS])


class Shell(param.Parameterized):
    """The frame around the screens: navigation, project picker, polling."""

    state = param.ClassSelector(class_=AppState)

    def __init__(self, **params):
        super().__init__(**params)
        self.screens: dict[str, pn.viewable.Viewer] = {}
        self.state.ensure_project()

    def screen(self, key: str) -> pn.viewable.Viewer:
        if key not in self.screens:
            self.screens[key] = SCREEN_CLASSES[key](state=self.state)
        return self.screens[key]

    def current(self):
        key = self.state.screen
        if key in NEEDS_PROJECT and not self.state.project:
            return pn.pane.Markdown("먼저 **프로젝트** 화면에서 프로젝트를 만들거나 고르세요.")
        if key in NEEDS_PROJECT and not self.state.project_exists():
            return pn.pane.Alert(
                f"프로젝트를 찾을 수 없습니다: `{self.state.project}`. 주소가 오래되었거나 "
                "프로젝트가 삭제되었습니다. 왼쪽에서 프로젝트를 고르세요.",
                alert_type="warning",
                css_classes=["nc-not-found"],
            )
        return self.screen(key)

    def poll(self) -> None:
        """Every screen that watches a job gets to look at it; a failure never stops polling."""
        for screen in list(self.screens.values()):
            if hasattr(screen, "poll"):
                try:
                    screen.poll()
                except Exception:
                    log.exception("poll of %s failed", type(screen).__name__)

    def backend_line(self) -> str:
        backend = self.state.ws.settings.backend
        if backend.default == DEMO_WRITER:
            return "글쓴이: 🤖 **데모 작가** (오프라인, 실제 모델 아님). 바꾸려면 **설정**."
        model = f" · {backend.model}" if backend.model else ""
        return f"글쓴이: {BACKEND_LABELS.get(backend.default, backend.default)}{model}"

    def project_picker(self) -> pn.widgets.Select:
        def options() -> dict[str, str]:
            names = self.state.project_names()
            taken = list(names.values())
            return {
                (name if taken.count(name) == 1 else f"{name} ({slug})"): slug
                for slug, name in names.items()
            }

        picker = pn.widgets.Select(
            label="프로젝트",
            options=options(),
            value=self.state.project if self.state.project_exists() else None,
            width=260,
        )

        def from_picker(event):
            if event.new and event.new != self.state.project:
                self.state.project = event.new

        def to_picker(_event):
            picker.options = options()
            picker.value = self.state.project if self.state.project_exists() else None

        picker.param.watch(from_picker, "value")
        self.state.param.watch(to_picker, ["project", "projects_changed"])
        return picker

    def navigation(self) -> pn.widgets.RadioButtonGroup:
        return pn.widgets.RadioButtonGroup.from_param(
            self.state.param.screen,
            options={label: key for key, label in SCREENS.items()},
            orientation="vertical",
            color="light",
            variant="outline",
            sizing_mode="stretch_width",
            css_classes=["nc-nav"],
        )

    def page(self) -> PageFrame:
        main = pn.panel(
            pn.bind(
                lambda _s, _p: self.current(), self.state.param.screen, self.state.param.project
            ),
            sizing_mode="stretch_width",
        )
        return PageFrame(
            title="NovelCraft",
            sidebar=[
                self.project_picker(),
                self.navigation(),
                pn.pane.Markdown(
                    pn.bind(lambda _e: self.backend_line(), self.state.param.settings_changed),
                    styles={"color": "#777"},
                    css_classes=["nc-backend-line"],
                    sizing_mode="stretch_width",
                ),
                version_footer(),
            ],
            main=[main],
        )


def version_footer() -> pn.pane.Markdown:
    return pn.pane.Markdown(
        f"NovelCraft {__version__}", css_classes=["nc-version"], styles={"color": "#999"}
    )


def stop_quietly(callback) -> None:
    try:
        callback.stop()
    except Exception:  # already stopped with its document
        log.debug("periodic callback was already stopped")


def make_app(ws):
    """The session factory: one AppState and Shell per browser tab."""

    def session():
        try:
            state = AppState(ws=ws)
            if pn.state.location is not None:
                pn.state.location.sync(
                    state, {"screen": "screen", "project": "project", "episode": "episode"}
                )
            shell = Shell(state=state)
            if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
                watch_connection(pn.state.curdoc)
                polling = pn.state.add_periodic_callback(shell.poll, period=POLL_MS)
                # A closed tab stops its polling before anything is pushed to its socket.
                pn.state.on_session_destroyed(lambda _ctx: stop_quietly(polling))
            return shell.page()
        except Exception as exc:  # one line for the author; the traceback goes to the log
            log.exception("dashboard session failed")
            return pn.pane.Alert(describe_error(exc), alert_type="danger")

    return session
