"""How the editor screen is laid out (seed 003 §7-3); the state and actions are in editor.py."""

from __future__ import annotations

import panel as pn

from novelcraft.dashboards import editor_tabs as tabs
from novelcraft.dashboards.edit_impact import EditImpact
from novelcraft.dashboards.manuscript import Manuscript
from novelcraft.dashboards.state import DEMO_WRITER, TEXT_LIMIT
from novelcraft.dashboards.version_diff import diff_html


def _button(label: str, action, kind: str = "default", css: str = "") -> pn.widgets.Button:
    button = pn.widgets.Button(label=label, color=kind, css_classes=[css] if css else [])
    button.on_click(lambda _e: action())
    return button


def _versions_tab(screen) -> pn.viewable.Viewable:
    def pickers(versions):
        options = {tabs.version_label(v): v.version for v in versions}
        a = pn.widgets.Select.from_param(screen.param.version_a, label="비교 A", options=options)
        b = pn.widgets.Select.from_param(screen.param.version_b, label="비교 B", options=options)
        return pn.Row(a, b)

    def diff(versions, a, b):
        by_number = {v.version: v for v in versions}
        if a not in by_number or b not in by_number:
            return pn.pane.Markdown("버전이 둘 이상 있어야 비교할 수 있습니다.")
        return pn.pane.HTML(
            diff_html(by_number[a].content, by_number[b].content, f"v{a}", f"v{b}"),
            sizing_mode="stretch_width",
        )

    def listing(versions):
        lines = [
            f"- {tabs.version_label(v)}" + (f" — {v.note}" if v.note else "") for v in versions
        ]
        return pn.pane.Markdown("\n".join(lines) or "버전이 없습니다.", css_classes=["nc-versions"])

    p = screen.param
    return pn.Column(
        pn.bind(listing, p.versions),
        pn.bind(pickers, p.versions),
        pn.bind(diff, p.versions, p.version_a, p.version_b),
        sizing_mode="stretch_width",
    )


def editor_layout(screen) -> pn.viewable.Viewable:
    w, p = pn.widgets, screen.param
    settings = screen.state.ws.settings
    # The text goes to the browser only on a load; while the author types it flows one way,
    # browser to `draft` (manuscript.py says why and how often).
    manuscript = Manuscript(
        on_typed=lambda text: setattr(screen, "draft", text),
        on_save=lambda: screen.save(),
        text=screen.draft,
        max_length=TEXT_LIMIT,
        height=520,
        sizing_mode="stretch_width",
        css_classes=["nc-manuscript"],
    )
    screen.param.watch(lambda _e: manuscript.load(screen.draft), "text_replaced")
    header = pn.pane.Markdown(
        pn.bind(lambda *_: screen.header(), p.episode, p.draft, p.saved_text),
        css_classes=["nc-editor-header"],
    )
    outline_tab = pn.Column(
        screen.outline_form,
        _button("아웃라인 저장", screen.save_outline, "primary", "nc-save-outline"),
        sizing_mode="stretch_width",
    )
    manuscript_tab = pn.Column(
        manuscript,
        pn.Row(
            w.Checkbox.from_param(p.autosave, label="자동 저장"),
            pn.pane.Markdown(pn.bind(lambda t: f"마지막 저장 {t}" if t else "", p.last_saved_at)),
            pn.pane.Markdown("Ctrl+S 저장", styles={"color": "#777"}),
        ),
        sizing_mode="stretch_width",
    )
    validation_tab = pn.pane.HTML(
        pn.bind(lambda c: tabs.validation_html(c.get("style_metrics"), settings), p.columns),
        css_classes=["nc-validation"],
        sizing_mode="stretch_width",
    )
    events_tab = pn.pane.Markdown(
        pn.bind(tabs.events_markdown, p.events), css_classes=["nc-events"]
    )
    context_tab = pn.pane.HTML(
        pn.bind(
            lambda c: tabs.context_html(
                c.get("context_sizes") or {}, settings.context.budget_chars
            ),
            p.columns,
        ),
        sizing_mode="stretch_width",
    )
    demo_banner = pn.pane.Alert(
        "🤖 **데모 작가**가 쓴 회차입니다. 오프라인 데모 작가는 네트워크 없이 흐름을 보여 주는 "
        "규칙 기반 생성기이며 실제 언어 모델이 아닙니다. 실제 모델은 **설정** 화면에서 고르세요.",
        alert_type="warning",
        visible=pn.bind(
            lambda c: (c.get("pipeline") or {}).get("writer") == DEMO_WRITER, p.columns
        ),
        css_classes=["nc-demo-banner"],
        sizing_mode="stretch_width",
    )
    summary = pn.pane.Markdown(
        pn.bind(
            lambda e: f"**요약**: {e.summary}" if e is not None and e.summary else "", p.episode
        )
    )
    instruction = w.TextInput.from_param(
        p.instruction,
        label="수정 지시",
        placeholder="예: 3장면의 대사를 더 짧게",
        sizing_mode="stretch_width",
    )
    back = w.Button(label="◀ 회차 목록", width=110)
    back.on_click(lambda _e: setattr(screen.state, "screen", "episodes"))
    actions = pn.Row(
        _button("아웃라인 생성", screen.plan_outline, css="nc-plan"),
        _button("원고 생성", screen.generate, "success", "nc-generate"),
        _button("요약 생성", screen.summarize, css="nc-summarize"),
        _button("저장", lambda: screen.save(), "primary", "nc-save"),
        _button("다시 불러오기", screen.load, css="nc-reload"),
    )
    # The actions sit above the tabs: the tallest tab (the outline cards) sets their height.
    return pn.Column(
        pn.Row(back, header, sizing_mode="stretch_width"),
        demo_banner,
        screen.message_pane(),
        actions,
        screen.progress,
        pn.Row(instruction, _button("전송", screen.revise, "default", "nc-revise")),
        summary,
        EditImpact(state=screen.state),
        pn.Tabs(
            ("아웃라인", outline_tab),
            ("원고", manuscript_tab),
            ("검증", validation_tab),
            ("이벤트", events_tab),
            ("버전", _versions_tab(screen)),
            ("컨텍스트", context_tab),
            active=1,  # the author comes to write: open on 원고
            dynamic=False,
            sizing_mode="stretch_width",
            css_classes=["nc-editor-tabs"],
        ),
        sizing_mode="stretch_width",
    )
