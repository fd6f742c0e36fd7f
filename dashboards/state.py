"""What the screens of one browser session share: the workspace, the chosen project and
episode, and which screen is showing (synced with the URL, so a link opens a screen)."""

from __future__ import annotations

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


class AppState(param.Parameterized):
    ws = param.Parameter(doc="The in-process novelcraft.workspace.Workspace.")
    screen = param.Selector(default="projects", objects=list(SCREENS))
    project = param.String(default="", doc="Slug of the chosen project ('' for none).")
    episode = param.Integer(default=1, bounds=(1, None))
    projects_changed = param.Event(doc="A project was created, changed or deleted.")
    episodes_changed = param.Event(doc="An episode of the chosen project was saved or deleted.")
    settings_changed = param.Event(doc="The workspace settings (backend, model) were saved.")

    def slugs(self) -> list[str]:
        return [p.slug for p in self.ws.list_projects()]

    def project_names(self) -> dict[str, str]:
        """Slug -> the name a person reads (a slug is for URLs)."""
        return {p.slug: p.name for p in self.ws.list_projects()}

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
