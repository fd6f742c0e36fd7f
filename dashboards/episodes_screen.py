"""Episodes screen: one page of the project's episodes (number, title, status, length, metric
badges, stale flag) read page by page from the store, with new / open / delete."""

from __future__ import annotations

import math
import re

import pandas as pd
import panel as pn
import param

from novelcraft.dashboards.episode_data import metrics_by_episode
from novelcraft.dashboards.episode_list import EpisodeList
from novelcraft.dashboards.feedback import Feedback, user_action
from novelcraft.dashboards.metric_badges import compact_html
from novelcraft.dashboards.state import DEMO_WRITER, AppState
from novelcraft.labels import episode_status_label

COLUMNS = ["회차", "제목", "상태", "작가", "분량", "검증", "맥락"]
# The badge strip (9 badges) fits in full; a longer title ends in "…" (the whole title shows
# on hover).
WIDTHS = {"회차": 56, "제목": 180, "상태": 84, "작가": 100, "분량": 76, "검증": 470, "맥락": 104}
DEMO_BADGE = "🤖 데모 작가"


def episode_title(episode) -> str:
    """The title, else what the summary says happened first (generated episodes have no
    title until the author gives one)."""
    if episode.title:
        return episode.title
    summary = re.sub(r"^\d+화:\s*", "", episode.summary or "")
    first = re.split(r" / |\. ", summary, maxsplit=1)[0].strip(" .")
    return first[:40] + ("…" if len(first) > 40 else "") if first else "(제목 없음)"


def _length(value) -> str:
    return "" if value is None or pd.isna(value) else f"{int(value):,}"


def list_rows(rows: pd.DataFrame | None) -> list[list]:
    """The cells of `rows` as plain values for the browser (numbers as int, not numpy)."""
    if rows is None or rows.empty:
        return []
    return [
        [int(r[0]), str(r[1]), str(r[2]), str(r[3]), _length(r[4]), str(r[5]), str(r[6])]
        for r in rows.itertuples(index=False)
    ]


class EpisodesScreen(pn.viewable.Viewer, Feedback):
    state = param.ClassSelector(class_=AppState)
    page = param.Integer(default=1, bounds=(1, None))
    page_size = param.Selector(default=25, objects=[10, 25, 50, 100])
    total = param.Integer(default=0)
    rows = param.DataFrame(default=None)
    selected = param.Integer(default=None, allow_None=True, doc="Episode number picked.")
    new_number = param.Integer(default=1, bounds=(1, None))
    confirm_delete = param.Boolean(default=False)

    def __init__(self, **params):
        super().__init__(**params)
        self.episode_list = EpisodeList(
            on_message=self.handle,
            columns=[[name, WIDTHS[name]] for name in COLUMNS],
            html_columns=[COLUMNS.index("검증")],
            page_sizes=list(self.param.page_size.objects),
            css_classes=["nc-episodes-table"],
            sizing_mode="stretch_width",
        )
        shown = self.episode_list
        self.param.watch(lambda e: setattr(shown, "rows", list_rows(e.new)), "rows")
        self.param.watch(self._show, ["selected", "page", "page_size", "total", "new_number",
                                      "confirm_delete"])  # fmt: skip
        shown.param.watch(self._picked, "selected")
        self.state.param.watch(lambda _e: self.refresh(reset=True), "project")
        self.state.param.watch(lambda _e: self.refresh(), "episodes_changed")
        self.refresh()
        self._show()

    def _show(self, *_events) -> None:
        """What the list shows beside its rows follows the screen."""
        self.episode_list.param.update(
            selected=self.selected, page=self.page, pages=self.pages, total=self.total,
            page_size=self.page_size, new_number=self.new_number,
            confirm_delete=self.confirm_delete,
        )  # fmt: skip

    def handle(self, kind: str, number: int) -> None:
        """A request from the list in the browser (`EpisodeList._handle_msg` checked its shape)."""
        if kind == "open":
            self.open_number(number)
        elif kind == "page":
            self.page = min(max(number, 1), self.pages)
        elif kind == "page_size" and number in self.param.page_size.objects:
            self.page_size = number
        elif kind == "open_selected":
            self.open_selected()
        elif kind == "create":
            self.create(number)
        elif kind == "delete":
            self.delete_selected()

    def _picked(self, event) -> None:
        """A row clicked (or moved to with the arrow keys) in the browser."""
        if event.new is not None and event.new != self.selected:
            self.param.update(selected=event.new, confirm_delete=False)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @param.depends("page", "page_size", watch=True)
    def refresh(self, reset: bool = False) -> None:
        slug = self.state.project
        if reset:
            self.selected = None
        if not slug:
            self.param.update(total=0, rows=pd.DataFrame(columns=COLUMNS))
            return
        ws = self.state.ws
        self.total = ws.count_episodes(slug)
        if self.page > self.pages:
            self.page = self.pages  # re-enters refresh through the watcher
            return
        episodes = ws.list_episodes(
            slug, offset=(self.page - 1) * self.page_size, limit=self.page_size
        )
        span = (episodes[0].episode_number, episodes[-1].episode_number) if episodes else (1, 0)
        measured = metrics_by_episode(ws, slug, *span) if episodes else {}
        writers = ws.episode_writers(slug, *span) if episodes else {}
        self.rows = pd.DataFrame(
            [
                [
                    e.episode_number,
                    episode_title(e),
                    episode_status_label(e.status),
                    DEMO_BADGE if writers.get(e.episode_number) == DEMO_WRITER else "",
                    e.length,
                    compact_html(measured.get(e.episode_number), ws.settings),
                    "⚠️ 갱신 필요" if e.context_stale else "",
                ]
                for e in episodes
            ],
            columns=COLUMNS,
        )
        numbers = [e.episode_number for e in episodes]
        if self.selected not in numbers:  # "열기" opens an episode that exists
            chosen = self.state.episode if self.state.episode in numbers else None
            self.selected = chosen or (numbers[0] if numbers else None)
        self.new_number = ws.last_episode_number(slug) + 1

    @user_action
    def open_selected(self) -> None:
        if self.selected is None:
            self.say("먼저 표에서 회차를 고르세요", "warning")
            return
        self.state.open_episode(self.selected)

    @user_action
    def open_number(self, number: int) -> None:
        """A double click or Enter on a row of the list."""
        self.param.update(selected=number, confirm_delete=False)
        self.state.open_episode(number)

    @user_action
    def create(self, number: int | None = None) -> None:
        """Create episode `number` (the number typed beside 새 회차, else the next one)."""
        if number is not None and number < 1:
            self.say("새 회차 번호는 1 이상의 정수여야 합니다", "warning")
            return
        number = self.new_number if number is None else number
        self.state.ws.create_episode(self.state.project, number)
        self.state.param.trigger("episodes_changed")
        self.state.open_episode(number)

    @user_action
    def delete_selected(self) -> None:
        if self.selected is None:
            self.say("먼저 표에서 회차를 고르세요", "warning")
            return
        if not self.confirm_delete:
            self.confirm_delete = True
            self.say(f"{self.selected}화를 삭제하려면 '삭제 확인'을 누르세요", "warning")
            return
        number = self.selected
        self.state.ws.delete_episode(self.state.project, number)
        self.param.update(confirm_delete=False, selected=None)
        self.state.param.trigger("episodes_changed")
        self.say(f"{number}화를 삭제했습니다")

    def __panel__(self):
        # The pager and the actions are drawn by the list itself (one view, not ten).
        return pn.Column(
            pn.pane.Markdown(
                pn.bind(
                    lambda s: f"## 회차 목록 · {self.state.project_title(s)}",
                    self.state.param.project,
                )
            ),
            self.message_pane(),
            self.episode_list,
            sizing_mode="stretch_width",
        )
