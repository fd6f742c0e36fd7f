"""Batch screen (week-5 seed D29/D31): run parameters (from/to, with-editor, use-retry), the
estimate of LLM calls and prompt size before starting, progress bar, live log, cancel, and the
ZIP download of the project export."""

from __future__ import annotations

import io

import panel as pn
import param

from novelcraft.dashboards.feedback import Feedback, user_action
from novelcraft.dashboards.state import TEXT_LIMIT, AppState
from novelcraft.errors import NovelcraftError
from novelcraft.export import archive_bytes
from novelcraft.labels import status_label

LOG_LINES = 400


class BatchScreen(pn.viewable.Viewer, Feedback):
    state = param.ClassSelector(class_=AppState)
    first = param.Integer(default=1, bounds=(1, None))
    last = param.Integer(default=5, bounds=(1, None))
    with_editor = param.Boolean(default=True)
    use_retry = param.Boolean(default=True)
    estimate = param.Dict(default={}, doc="episodes, calls, prompt_chars; or {'error': ...}.")
    job_id = param.String(default="")
    job = param.Parameter(default=None)
    log_text = param.String(default="")
    last_log_id = param.Integer(default=0)

    def __init__(self, **params):
        super().__init__(**params)
        self.state.param.watch(lambda _e: self._project_changed(), "project")
        self._project_changed()

    def _project_changed(self) -> None:
        self.param.update(job_id="", job=None, log_text="", last_log_id=0)
        if self.state.project:
            done = self.state.ws.count_episodes(self.state.project)
            self.param.update(first=done + 1, last=done + 5)
            self._resume()
        self.update_estimate()

    def _resume(self) -> None:
        for job in self.state.ws.list_jobs(self.state.project, limit=50):
            if job.job_type == "batch" and not job.finished and job.parent_id is None:
                self.job_id = job.id
                self.poll()
                return

    @param.depends("first", "last", "with_editor", "use_retry", watch=True)
    def update_estimate(self) -> None:
        if not self.state.project:
            self.estimate = {}
            return
        try:
            self.estimate = self.state.ws.estimate_batch(
                self.state.project,
                self.first,
                self.last,
                with_editor=self.with_editor,
                use_retry=self.use_retry,
            )
        except NovelcraftError as exc:
            self.estimate = {"error": str(exc)}

    def estimate_text(self) -> str:
        e = self.estimate
        if not e:
            return ""
        if "error" in e:
            return f"⚠️ {e['error']}"
        return (
            f"예상: {e['episodes']}화 · LLM 호출 약 {e['calls']:,}회 · "
            f"프롬프트 약 {e['prompt_chars']:,}자"
        )

    @user_action
    def start(self) -> None:
        # An overlap with an active batch is refused by the engine with its reason.
        self.job_id = self.state.ws.submit_batch(
            self.state.project,
            self.first,
            self.last,
            with_editor=self.with_editor,
            use_retry=self.use_retry,
            attach=False,
        )
        self.param.update(log_text="", last_log_id=0)
        self.say(f"{self.first}~{self.last}화 배치를 등록했습니다 ({self.job_id})", "info")
        self.poll()

    @user_action
    def cancel(self) -> None:
        if not self.job_id:
            self.say("취소할 배치가 없습니다", "warning")
            return
        self.state.ws.cancel_job(self.job_id)
        self.say("취소를 요청했습니다", "warning")
        self.poll()

    def poll(self) -> None:
        if not self.job_id:
            return
        ws = self.state.ws
        job = ws.get_job(self.job_id)
        new = ws.job_logs(self.job_id, after_id=self.last_log_id)
        if new:
            lines = (self.log_text.splitlines() if self.log_text else []) + [
                f"{entry.ts:%H:%M:%S} {'!' if entry.level != 'info' else ' '} {entry.message}"
                for entry in new
            ]
            self.param.update(log_text="\n".join(lines[-LOG_LINES:]), last_log_id=new[-1].id)
        self.job = job
        if job.finished:
            self.job_id = ""
            self.state.param.trigger("episodes_changed")
            kind = "success" if job.status == "completed" else "danger"
            self.say(
                f"배치 {status_label(job.status)}" + (f": {job.error}" if job.error else ""),
                kind,
            )

    def zip_file(self) -> io.BytesIO:
        return io.BytesIO(archive_bytes(self.state.ws, self.state.project))

    def __panel__(self):
        w, p = pn.widgets, self.param

        def bar(job):
            value = 0 if job is None else round(job.progress * 100)
            if job is not None and job.status == "completed":
                value = 100
            status = "" if job is None else f"{status_label(job.status)} · {job.step_label}"
            return pn.Column(
                pn.indicators.Progress(
                    value=value,
                    max=100,
                    sizing_mode="stretch_width",
                    height=20,
                    css_classes=["nc-batch-progress"],
                ),
                pn.pane.Markdown(f"<span class='nc-batch-percent'>{value}%</span> {status}"),
                sizing_mode="stretch_width",
            )

        start = w.Button(label="배치 시작", color="primary", css_classes=["nc-batch-start"])
        start.on_click(lambda _e: self.start())
        cancel = w.Button(label="취소", color="danger", css_classes=["nc-batch-cancel"])
        cancel.on_click(lambda _e: self.cancel())
        download = w.FileDownload(
            callback=self.zip_file,
            label="ZIP 다운로드",
            color="success",
            filename=f"{self.state.project or 'project'}.zip",
            css_classes=["nc-zip"],
        )
        self.state.param.watch(lambda e: setattr(download, "filename", f"{e.new}.zip"), "project")
        log = w.TextAreaInput.from_param(
            p.log_text,
            label="실시간 로그",
            max_length=TEXT_LIMIT,
            disabled=True,
            height=260,
            sizing_mode="stretch_width",
            css_classes=["nc-batch-log"],
        )
        return pn.Column(
            pn.pane.Markdown(
                pn.bind(
                    lambda s: f"## 일괄 생성 · {self.state.project_title(s)}",
                    self.state.param.project,
                )
            ),
            self.message_pane(),
            pn.Row(
                w.IntInput.from_param(
                    p.first, label="시작 회차", width=120, css_classes=["nc-first"]
                ),
                w.IntInput.from_param(p.last, label="끝 회차", width=120, css_classes=["nc-last"]),
                w.Checkbox.from_param(p.with_editor, label="2패스 교정"),
                w.Checkbox.from_param(p.use_retry, label="가드 실패 시 재시도"),
            ),
            pn.pane.Markdown(
                pn.bind(lambda _e: self.estimate_text(), p.estimate), css_classes=["nc-estimate"]
            ),
            pn.Row(start, cancel, download),
            pn.bind(bar, p.job),
            log,
            sizing_mode="stretch_width",
        )
