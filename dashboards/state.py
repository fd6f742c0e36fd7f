"""What the screens of one browser session share: the workspace, the chosen project and
episode, and which screen is showing (synced with the URL, so a link opens a screen)."""

from __future__ import annotations

import time

import param

# Text areas take this many characters (Panel's default, 5,000, would cut an ~11,000-character
# manuscript the moment the author types into it).
TEXT_LIMIT = 200_000

# The backend id of the offline demo writer: its episodes carry a "데모 작가" label.
DEMO_WRITER = "offline"

# Screen key -> its name in the navigation, in navigation order.
SCREENS: dict[str, str] = {
    "projects": "프로젝트",
    "bible": "스토리 바이블",
    "episodes": "회차 목록",
    "editor": "에피소드 에디터",
    "batch": "일괄 생성",
    "quality": "품질",
    "canon": "설정 장부",
    "jobs": "작업",
    "settings": "설정",
}


# How long the project names read from the workspace are reused (another tab's new project
# shows up after at most this long).
NAMES_FOR_S = 1.0


class AppState(param.Parameterized):
    ws = param.Parameter(doc="The in-process novelcraft.workspace.Workspace.")
    screen = param.Selector(default="projects", objects=list(SCREENS))
    project = param.String(default="", doc="Slug of the chosen project ('' for none).")
    episode = param.Integer(default=1, bounds=(1, None))
    projects_changed = param.Event(doc="A project was created, changed or deleted.")
    episodes_changed = param.Event(doc="An episode of the chosen project was saved or deleted.")
    settings_changed = param.Event(doc="The workspace settings (backend, model) were saved.")

    def __init__(self, **params):
        super().__init__(**params)
        self._names: tuple[float, dict[str, str]] | None = None
        # A project just made is chosen before `projects_changed` fires: choosing one reads
        # the names again too.
        self.param.watch(lambda _e: self.forget_names(), ["projects_changed", "project"])

    def slugs(self) -> list[str]:
        return list(self.project_names())

    def project_names(self) -> dict[str, str]:
        """Slug -> the name a person reads (a slug is for URLs). Building a screen asks for
        them several times (picker, title, existence check); they are read once per
        NAMES_FOR_S, and again at once after this session chose or changed a project."""
        now = time.monotonic()
        if self._names is None or now - self._names[0] > NAMES_FOR_S:
            self._names = (now, {p.slug: p.name for p in self.ws.list_projects()})
        return dict(self._names[1])

    def forget_names(self) -> None:
        self._names = None

    def project_title(self, slug: str | None = None) -> str:
        slug = self.project if slug is None else slug
        return self.project_names().get(slug, slug)

    def project_exists(self) -> bool:
        return bool(self.project) and self.project in self.project_names()

    def choose_project(self, slug: str, screen: str | None = None) -> None:
        self.param.update(project=slug, **({"screen": screen} if screen else {}))

    def open_episode(self, number: int) -> None:
        self.param.update(episode=number, screen="editor")

    def ensure_project(self) -> None:
        """Pick the first project when none is chosen. An unknown slug (a stale link) is
        kept, so the screen can say it was not found instead of showing another project."""
        if not self.project:
            slugs = self.slugs()
            self.project = slugs[0] if slugs else ""
