"""The new-project wizard (week-5 seed D29): a concept form that runs bootstrap as a job with
visible progress, or a Story Bible upload; then a "1화 생성" trial of the new project."""

from __future__ import annotations

import panel as pn
import param

from novelcraft.bible import MAX_BIBLE_BYTES, decode_text, parse_bible
from novelcraft.dashboards.feedback import Feedback, user_action
from novelcraft.dashboards.job_progress import JobProgress
from novelcraft.dashboards.state import TEXT_LIMIT, AppState
from novelcraft.dashboards.tags import TagListInput
from novelcraft.errors import BadInput
from novelcraft.labels import status_label

GENRES = [
    "현대판타지",
    "판타지",
    "무협",
    "로맨스",
    "로맨스판타지",
    "회귀/빙의",
    "SF",
    "미스터리/스릴러",
    "드라마",
    "라이트노벨",
]
REQUIRED = {"project_name": "작품 이름", "tone": "톤", "protagonist": "주인공"}


class NewProjectWizard(pn.viewable.Viewer, Feedback):
    state = param.ClassSelector(class_=AppState)
    project_name = param.String(default="")
    genre = param.Selector(default=GENRES[0], objects=GENRES)
    tone = param.String(default="")
    protagonist = param.String(default="")
    supporting = param.String(default="")
    notes = param.String(default="")
    # Seed 003 §2-1 plans 50 episodes; the demo writer splits them into seasons.
    planned_episodes = param.Integer(default=50, bounds=(1, 1000))
    errors = param.Dict(default={}, doc="Field -> what is wrong with it (shown beside it).")
    upload = param.Bytes(default=None, doc="The uploaded Story Bible file.")
    upload_name = param.String(default="")
    upload_error = param.String(default="")
    job_id = param.String(default="", doc="The bootstrap or trial job being watched.")
    job = param.Parameter(default=None)
    created = param.String(default="", doc="Slug of the project this wizard created.")
    trial_job = param.Boolean(default=False, doc="The watched job is the 1화 trial.")

    def __init__(self, **params):
        super().__init__(**params)
        self.banned = TagListInput(label="금지 요소")
        self.progress = JobProgress()

    # --- concept → bootstrap job --------------------------------------------------------

    def concept(self) -> dict:
        banned = list(self.banned.value)
        return {
            "name": self.project_name.strip(),
            "genre": self.genre,
            "tone": self.tone.strip(),
            "protagonist": self.protagonist.strip(),
            "supporting": self.supporting.strip(),
            "banned_elements": ", ".join(banned),
            "banned_list": banned,
            "notes": self.notes.strip(),
            "references": "",
            "episodes": self.planned_episodes,
        }

    def validate(self) -> bool:
        self.errors = {
            field: f"{label}을(를) 입력하세요"
            for field, label in REQUIRED.items()
            if not getattr(self, field).strip()
        }
        return not self.errors

    @user_action
    def start_bootstrap(self) -> None:
        if not self.validate():
            self.say("빈 필수 항목이 있어 시작하지 않았습니다", "warning")
            return
        self._watch(self.state.ws.submit_bootstrap(self.concept()), trial=False)
        self.say("부트스트랩 작업을 등록했습니다", "info")

    # --- Story Bible upload ---------------------------------------------------------------

    @user_action
    def import_upload(self) -> None:
        self.upload_error = ""
        try:
            slug = self._import(self.upload, self.upload_name or "bible.yaml")
        except BadInput as exc:
            self.upload_error = str(exc)
            self.say("업로드한 파일을 가져오지 못했습니다. 아무것도 만들지 않았습니다.", "danger")
            return
        self._created(slug)

    def _import(self, data: bytes | None, name: str) -> str:
        if not data:
            raise BadInput("먼저 스토리 바이블 파일(YAML)을 고르세요")
        if len(data) > MAX_BIBLE_BYTES:
            raise BadInput(f"{name}: {len(data):,}바이트는 바이블로 보기에 너무 큽니다")
        bible = parse_bible(decode_text(data, name), name)
        return self.state.ws.create_project(bible)

    # --- jobs ---------------------------------------------------------------------------

    def _watch(self, job_id: str, *, trial: bool) -> None:
        self.trial_job = trial
        self.job_id = job_id
        self.poll()

    def _created(self, slug: str) -> None:
        self.created = slug
        self.state.choose_project(slug)
        self.state.param.trigger("projects_changed")
        self.say(f"프로젝트를 만들었습니다: {slug}. 이제 1화를 시험 생성해 보세요.", "success")

    @user_action
    def start_trial(self) -> None:
        slug = self.created or self.state.project
        if not slug:
            self.say("먼저 프로젝트를 만드세요", "warning")
            return
        self._watch(self.state.ws.submit_episode(slug, 1), trial=True)
        self.say("1화 생성 작업을 등록했습니다", "info")

    def poll(self) -> None:
        if not self.job_id:
            return
        job = self.state.ws.get_job(self.job_id)
        logs = self.state.ws.job_logs(self.job_id, last=1)
        self.job = job
        self.progress.param.update(job=job, last_log=logs[-1].message if logs else "")
        if not job.finished:
            return
        self.job_id = ""
        if job.status != "completed":
            status = status_label(job.status)
            self.say(f"작업이 끝나지 못했습니다 ({status}): {job.error or ''}", "danger")
        elif self.trial_job:
            self.state.param.trigger("episodes_changed")
            self.state.open_episode(1)
        else:
            self._created((job.output or {}).get("slug", ""))

    # --- layout -------------------------------------------------------------------------

    def _field(self, name: str, widget) -> pn.viewable.Viewable:
        error = pn.pane.Markdown(
            pn.bind(lambda e: f"⚠️ {e[name]}" if name in e else "", self.param.errors),
            styles={"color": "#b00020"},
            css_classes=["nc-field-error"],
        )
        return pn.Row(widget, error)

    def __panel__(self):
        w = pn.widgets
        form = pn.Column(
            self._field(
                "project_name",
                w.TextInput.from_param(
                    self.param.project_name, label="작품 이름", css_classes=["nc-name"]
                ),
            ),
            w.Select.from_param(self.param.genre, label="장르"),
            self._field(
                "tone", w.TextInput.from_param(self.param.tone, label="톤", css_classes=["nc-tone"])
            ),
            self._field(
                "protagonist",
                w.TextInput.from_param(
                    self.param.protagonist, label="주인공", css_classes=["nc-protagonist"]
                ),
            ),
            w.TextInput.from_param(
                self.param.supporting,
                label="조연 (쉼표로 구분, 괄호 안 설명 가능)",
                placeholder="예: 도재현(전학생, 비밀이 많음), 오민지(부회장, 수다스러움)",
                sizing_mode="stretch_width",
                css_classes=["nc-supporting"],
            ),
            w.IntInput.from_param(
                self.param.planned_episodes,
                label="계획 회차 수",
                start=1,
                end=1000,
                width=160,
                css_classes=["nc-planned"],
            ),
            self.banned,
            w.TextAreaInput.from_param(
                self.param.notes, label="메모", height=80, max_length=TEXT_LIMIT
            ),
        )
        go = w.Button(label="부트스트랩 시작", color="primary", css_classes=["nc-bootstrap"])
        go.on_click(lambda _e: self.start_bootstrap())
        upload = w.FileInput(
            accept=".yaml,.yml,.txt", label="스토리 바이블", css_classes=["nc-upload"]
        )

        def take_file(_event) -> None:
            self.param.update(upload=upload.value, upload_name=upload.filename or "")

        upload.param.watch(take_file, "value")
        do_import = w.Button(label="바이블 가져오기", color="primary", css_classes=["nc-import"])
        do_import.on_click(lambda _e: self.import_upload())
        upload_error = pn.pane.Markdown(
            pn.bind(lambda e: f"⚠️ `{e}`" if e else "", self.param.upload_error),
            styles={"color": "#b00020"},
            css_classes=["nc-upload-error"],
        )
        trial = w.Button(label="1화 생성", color="success", css_classes=["nc-trial"])
        trial.on_click(lambda _e: self.start_trial())
        return pn.Column(
            "### 새 프로젝트",
            self.message_pane(),
            pn.Tabs(
                ("컨셉으로 시작", pn.Column(form, go)),
                ("스토리 바이블 업로드", pn.Column(upload, do_import, upload_error)),
                dynamic=False,
            ),
            self.progress,
            pn.Row(trial, pn.pane.Markdown("새 프로젝트의 1화를 시험 생성합니다.")),
            sizing_mode="stretch_width",
        )
