"""The episode editor (seed 003 §7-3), the core screen: header with the live character count;
tabs outline / manuscript / validation / events / versions / context; a revision instruction
box; outline, manuscript, summary and save buttons; the progress of a running job.

Saves carry the revision the author loaded: a save that lost the race with another tab or a
job is refused (RevisionConflict), never written over the other text.
"""

from __future__ import annotations

import time

import panel as pn
import param

from novelcraft.dashboards.editor_layout import editor_layout
from novelcraft.dashboards.episode_data import episode_columns, save_author_edit
from novelcraft.dashboards.feedback import Feedback, user_action
from novelcraft.dashboards.job_progress import JobProgress
from novelcraft.dashboards.outline_form import OutlineForm
from novelcraft.dashboards.state import AppState
from novelcraft.errors import NotFound
from novelcraft.labels import episode_status_label, status_label
from novelcraft.models import Episode
from novelcraft.store.episodes import text_length

AUTOSAVE_IDLE_SECONDS = 5.0


class EditorScreen(pn.viewable.Viewer, Feedback):
    state = param.ClassSelector(class_=AppState)
    episode = param.ClassSelector(class_=Episode, default=None)
    draft = param.String(default="", doc="The manuscript as typed, live.")
    saved_text = param.String(default="")
    revision = param.Integer(default=0, doc="The revision the author's text is based on.")
    columns = param.Dict(default={}, doc="style_metrics, context_sizes, pipeline.")
    events = param.List(default=[])
    versions = param.List(default=[])
    version_a = param.Integer(default=None, allow_None=True)
    version_b = param.Integer(default=None, allow_None=True)
    instruction = param.String(default="")
    autosave = param.Boolean(default=True)
    job_id = param.String(default="")
    last_saved_at = param.String(default="")
    text_replaced = param.Event(
        doc="The server replaced the manuscript (a load): the only time the text is sent to the "
        "browser. While the author types, text flows one way only, browser to `draft`."
    )

    def __init__(self, **params):
        super().__init__(**params)
        self.outline_form = OutlineForm()
        self.progress = JobProgress()
        self._edited_at = 0.0
        self.state.param.watch(lambda _e: self.load(), ["project", "episode"])
        self.load()

    # --- loading --------------------------------------------------------------------------

    @property
    def number(self) -> int:
        return self.state.episode

    @property
    def dirty(self) -> bool:
        return self.episode is not None and self.draft != self.saved_text

    @property
    def char_count(self) -> int:
        return text_length(self.draft)

    def load(self) -> None:
        slug, ws = self.state.project, self.state.ws
        self.job_id = ""
        if not slug:
            self.episode = None
            return
        try:
            episode = ws.get_episode(slug, self.number)
        except NotFound:
            episode = None
        self.outline_form.characters = [c.name for c in ws.get_bible(slug).characters]
        self.outline_form.load(episode.outline if episode else None)
        if episode is None:
            self.param.update(
                episode=None,
                draft="",
                saved_text="",
                revision=0,
                columns={},
                events=[],
                versions=[],
            )
            self.param.trigger("text_replaced")
            return
        versions = ws.episode_versions(slug, self.number)
        self.param.update(
            episode=episode,
            draft=episode.content,
            saved_text=episode.content,
            revision=episode.revision,
            columns=episode_columns(ws, slug, self.number),
            events=ws.episode_events(slug, self.number),
            versions=versions,
            version_a=versions[-2].version if len(versions) > 1 else None,
            version_b=versions[-1].version if versions else None,
        )
        self.param.trigger("text_replaced")
        self._resume_job()

    def _resume_job(self) -> None:
        for job in self.state.ws.list_jobs(self.state.project, limit=50):
            if job.finished or job.parent_id is not None:
                continue
            covers = job.episode_number == self.number or (
                job.job_type == "batch"
                and job.input.get("first", 0) <= self.number <= job.input.get("last", 0)
            )
            if covers:
                self.job_id = job.id
                self.poll()
                return

    @param.depends("draft", watch=True)
    def _note_edit(self) -> None:
        self._edited_at = time.monotonic()

    # --- saving ---------------------------------------------------------------------------

    @user_action
    def save(self, *, rederive: bool = True) -> bool:
        if self.episode is None:
            self.say("저장할 회차가 없습니다. 먼저 원고를 생성하세요.", "warning")
            return False
        if not self.dirty:
            if rederive:
                self.say("바뀐 내용이 없어 새 버전을 만들지 않았습니다.", "info")
            return False
        slug = self.state.project
        saved = save_author_edit(
            self.state.ws, slug, self.number, self.draft, expected_revision=self.revision
        )
        self.param.update(
            episode=saved,
            saved_text=saved.content,
            revision=saved.revision,
            last_saved_at=time.strftime("%H:%M:%S"),
        )
        self._reload_side_tabs()
        self.state.param.trigger("episodes_changed")
        if rederive:
            self._watch(self.state.ws.submit_rederive(slug, self.number))
            self.say(f"저장했습니다 (수정 번호 {saved.revision}). 사건·요약을 다시 추출합니다.")
        else:
            self.say(
                f"자동 저장했습니다 ({self.last_saved_at}, 수정 번호 {saved.revision})", "info"
            )
        return True

    def _reload_side_tabs(self) -> None:
        ws, slug = self.state.ws, self.state.project
        versions = ws.episode_versions(slug, self.number)
        self.param.update(
            columns=episode_columns(ws, slug, self.number),
            versions=versions,
            events=ws.episode_events(slug, self.number),
            version_a=versions[-2].version if len(versions) > 1 else None,
            version_b=versions[-1].version if versions else None,
        )

    def maybe_autosave(self, now: float | None = None) -> bool:
        """Save a dirty manuscript once the author stopped typing for a few seconds."""
        now = time.monotonic() if now is None else now
        if not (self.autosave and self.dirty and not self.job_id):
            return False
        if now - self._edited_at < AUTOSAVE_IDLE_SECONDS:
            return False
        return bool(self.save(rederive=False))

    @user_action
    def save_outline(self) -> None:
        outline = self.outline_form.to_outline(self.state.ws.get_bible(self.state.project))
        if outline is None:
            self.say("아웃라인에 잘못된 항목이 있어 저장하지 않았습니다", "danger")
            return
        ws = self.state.ws
        ws.save_outline(self.state.project, self.number, outline)
        self.load()
        self.state.param.trigger("episodes_changed")
        self.say("아웃라인을 저장했습니다")

    # --- jobs -----------------------------------------------------------------------------

    def _watch(self, job_id: str) -> None:
        self.job_id = job_id
        self.poll()

    @user_action
    def plan_outline(self) -> None:
        self._watch(self.state.ws.submit_outline(self.state.project, self.number, force=True))
        self.say("아웃라인 생성 작업을 등록했습니다", "info")

    @user_action
    def generate(self) -> None:
        regenerate = self.episode is not None and bool(self.episode.content)
        self._watch(
            self.state.ws.submit_episode(self.state.project, self.number, regenerate=regenerate)
        )
        self.say("원고 생성 작업을 등록했습니다", "info")

    @user_action
    def summarize(self) -> None:
        self._watch(self.state.ws.submit_rederive(self.state.project, self.number))
        self.say("사건·요약 생성 작업을 등록했습니다", "info")

    @user_action
    def revise(self) -> None:
        if self.dirty:
            self.say("저장하지 않은 수정이 있습니다. 먼저 저장하세요.", "warning")
            return
        self._watch(self.state.ws.submit_revise(self.state.project, self.number, self.instruction))
        self.instruction = ""
        self.say("수정 지시 작업을 등록했습니다", "info")

    def poll(self) -> None:
        if not self.job_id:
            self.maybe_autosave()
            return
        ws = self.state.ws
        job = ws.get_job(self.job_id)
        logs = ws.job_logs(self.job_id, last=1)
        self.progress.param.update(job=job, last_log=logs[-1].message if logs else "")
        if not job.finished:
            return
        self.job_id = ""
        if job.status != "completed":
            status = status_label(job.status)
            self.say(f"작업이 끝나지 못했습니다 ({status}): {job.error or ''}", "danger")
        if self.dirty:
            self.say(
                "작업이 끝났지만 저장하지 않은 수정이 있어 원고를 다시 불러오지 않았습니다",
                "warning",
            )
            self._reload_side_tabs()
            return
        self.load()
        self.state.param.trigger("episodes_changed")
        if job.status == "completed":
            self.say("작업이 완료되었습니다", "success")

    # --- layout ---------------------------------------------------------------------------

    def header(self) -> str:
        if self.episode is None:
            return f"### {self.number}화 · 아직 원고 없음"
        title = f": {self.episode.title}" if self.episode.title else ""
        status = episode_status_label(self.episode.status)
        dirty = " · ✏️ 저장 안 됨" if self.dirty else ""
        stale = " · ⚠️ 앞 회차 수정으로 맥락 갱신 필요" if self.episode.context_stale else ""
        return (
            f"### {self.number}화{title} │ 상태: {status} │ "
            f"<span class='nc-count'>{self.char_count:,}자</span>{dirty}{stale}"
        )

    def __panel__(self):
        return editor_layout(self)
