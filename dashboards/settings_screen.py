"""설정 screen: which model writes (backend, model, base URL, where the key comes from, call
timeout, concurrency), a connection test, and the key entered once.

Saving writes `novelcraft.toml` atomically through `Workspace.update_settings`; the running
owner builds each job's backend from the new settings, so the next job uses them. The key is
kept in the workspace's 0600 key file, never shown again, never in DuckDB, backups or logs.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import panel as pn
import param

from novelcraft.dashboards.feedback import Feedback, user_action
from novelcraft.dashboards.settings_form import (
    BACKEND_LABELS,
    KEY_SOURCE_LABELS,
    field_errors,
    settings_changes,
)
from novelcraft.dashboards.state import AppState

FIELDS = ("backend", "model", "base_url", "key_source", "key_env", "timeout", "concurrency")
# The connection test runs off the server's event loop; one at a time per screen.
_CHECKS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="nc-backend-check")


class SettingsScreen(pn.viewable.Viewer, Feedback):
    state = param.ClassSelector(class_=AppState)
    backend = param.Selector(default="offline", objects=list(BACKEND_LABELS))
    model = param.String(default="")
    base_url = param.String(default="")
    key_source = param.Selector(default="env", objects=list(KEY_SOURCE_LABELS))
    key_env = param.String(default="OPENAI_API_KEY")
    # No `doc=` on fields shown as widgets: Panel turns a doc into an (English) tooltip.
    new_key = param.String(default="")  # a key being entered; cleared once saved
    timeout = param.Number(default=0)  # seconds per LLM call; 0 = per-task defaults
    concurrency = param.Integer(default=2)
    errors = param.Dict(default={}, doc="Field -> what is wrong with it.")
    has_key = param.Boolean(default=False)
    check_line = param.String(default="", doc="The last connection test, in one line.")
    checking = param.Boolean(default=False)

    def __init__(self, **params):
        super().__init__(**params)
        self._check: Future | None = None
        self.load()

    def load(self) -> None:
        b = self.state.ws.settings.backend
        self.param.update(
            backend=b.default if b.default in BACKEND_LABELS else "offline",
            model=b.model,
            base_url=b.openai_base_url,
            key_source=b.openai_key_source,
            key_env=b.openai_key_env,
            timeout=b.call_timeout_seconds,
            concurrency=b.concurrency,
            has_key=self.state.ws.has_api_key(),
            errors={},
        )

    def values(self) -> dict:
        return {name: getattr(self, name) for name in FIELDS}

    @param.depends(*FIELDS, watch=True)
    def validate(self) -> bool:
        self.errors = field_errors(self.values())
        return not self.errors

    @user_action
    def save(self) -> bool:
        if not self.validate():
            self.say("고칠 항목이 있어 저장하지 않았습니다.", "danger")
            return False
        self.state.ws.update_settings(settings_changes(self.values()))
        self.state.param.trigger("settings_changed")
        if self.key_source == "file" and not self.has_key:
            self.say("저장했습니다. 키 파일이 아직 없습니다: 아래에서 키를 입력하세요.", "warning")
        else:
            self.say("저장했습니다. 다음 작업부터 이 설정으로 씁니다.")
        return True

    @user_action
    def save_key(self) -> None:
        self.state.ws.save_api_key(self.new_key)
        self.param.update(new_key="", has_key=True)
        self.say("키를 저장했습니다. 다시 표시하지 않습니다.")

    @user_action
    def start_check(self) -> None:
        """Test the backend as the form stands (saved or not)."""
        if not self.validate():
            self.say("고칠 항목이 있어 시험하지 않았습니다.", "danger")
            return
        if self._check is not None and not self._check.done():
            return
        backend = self.state.ws.settings.backend.model_copy(
            update=settings_changes(self.values())["backend"]
        )
        self.param.update(checking=True, check_line="⏳ 연결을 시험하는 중…")
        self._check = _CHECKS.submit(self.state.ws.check_backend, backend)

    def poll(self) -> None:
        if self._check is None or not self._check.done():
            return
        check, self._check = self._check, None
        try:
            line = check.result().line()
        except Exception as exc:  # a broken setting, not a failed call: still one line
            line = f"❌ 연결 시험을 못 했습니다: {exc}"
        self.param.update(checking=False, check_line=line)

    def __panel__(self):
        w, p = pn.widgets, self.param

        def error_for(name: str):
            return pn.pane.Markdown(
                pn.bind(lambda e: e.get(name, ""), p.errors),
                css_classes=["nc-field-error", f"nc-error-{name}"],
                margin=(0, 10),
            )

        def field(widget, name: str):
            return pn.Column(widget, error_for(name), css_classes=[f"nc-set-{name}"])

        key_line = pn.pane.Markdown(
            pn.bind(
                lambda has: (
                    "🔒 저장된 키가 있습니다 (표시하지 않음)." if has else "저장된 키가 없습니다."
                ),
                p.has_key,
            ),
            css_classes=["nc-key-state"],
        )
        save = w.Button(label="저장", color="primary", css_classes=["nc-settings-save"])
        save.on_click(lambda _e: self.save())
        check = w.Button(label="연결 시험", css_classes=["nc-settings-check"])
        check.on_click(lambda _e: self.start_check())
        save_key = w.Button(label="키 저장", css_classes=["nc-key-save"])
        save_key.on_click(lambda _e: self.save_key())
        return pn.Column(
            "## 설정",
            "어떤 모델이 글을 쓸지 정합니다. 저장하면 다음 작업부터 적용됩니다.",
            self.message_pane(),
            field(
                w.RadioBoxGroup.from_param(
                    p.backend, options={v: k for k, v in BACKEND_LABELS.items()}, inline=False
                ),
                "backend",
            ),
            field(
                w.TextInput.from_param(
                    p.model, name="모델", placeholder="예: gpt-4o-mini", width=360
                ),
                "model",
            ),
            field(
                w.TextInput.from_param(
                    p.base_url,
                    name="API 주소 (OpenAI 호환)",
                    placeholder="http://127.0.0.1:8000/v1",
                    width=480,
                ),
                "base_url",
            ),
            field(
                w.Select.from_param(
                    p.key_source,
                    name="API 키",
                    options={v: k for k, v in KEY_SOURCE_LABELS.items()},
                    width=480,
                ),
                "key_source",
            ),
            field(
                w.TextInput.from_param(p.key_env, name="키 환경 변수 이름", width=360),
                "key_env",
            ),
            pn.Row(
                w.PasswordInput.from_param(
                    p.new_key, name="키 입력 (한 번만)", width=360, css_classes=["nc-key-input"]
                ),
                save_key,
            ),
            key_line,
            pn.Row(
                field(
                    w.FloatInput.from_param(
                        p.timeout, name="호출 제한 시간 (초, 0 = 작업별 기본값)", width=240
                    ),
                    "timeout",
                ),
                field(
                    w.IntInput.from_param(p.concurrency, name="동시 호출 수", width=160),
                    "concurrency",
                ),
            ),
            pn.Row(save, check),
            pn.pane.Markdown(p.check_line, css_classes=["nc-check-line"]),
            sizing_mode="stretch_width",
        )
