"""The bible screen's 시즌 and 관계 tabs (lists with add and remove forms) and the legend of
the relationship graph; the actions live on BibleScreen."""

from __future__ import annotations

import panel as pn

from novelcraft.dashboards.bible_edits import relationship_label, season_label
from novelcraft.dashboards.relationship_graph import ROLE_COLOURS, ROLE_LABELS


def _button(label: str, action, color: str = "default", css: str = "") -> pn.widgets.Button:
    button = pn.widgets.Button(label=label, color=color, css_classes=[css] if css else [])
    button.on_click(lambda _e: action())
    return button


def seasons_tab(screen) -> pn.viewable.Viewable:
    w, p = pn.widgets, screen.param

    def listing(bible):
        if bible is None or not bible.seasons:
            return pn.pane.Markdown("시즌이 없습니다. 아래에서 추가하세요.")
        return pn.widgets.RadioBoxGroup.from_param(
            p.season_pick,
            options={season_label(s): s.number for s in bible.seasons},
            css_classes=["nc-season-list"],
        )

    return pn.Column(
        pn.bind(listing, p.bible),
        _button("선택한 시즌 지우기", screen.delete_season, "danger", "nc-del-season"),
        pn.layout.Divider(),
        "#### 시즌 추가",
        pn.Row(
            w.IntInput.from_param(p.season_number, name="번호", width=90),
            w.TextInput.from_param(p.season_title, name="제목", width=220),
            w.IntInput.from_param(p.season_first, name="첫 회차", width=110),
            w.IntInput.from_param(p.season_last, name="마지막 회차", width=110),
        ),
        _button("시즌 추가", screen.add_season, "primary", "nc-add-season"),
        sizing_mode="stretch_width",
    )


def relationships_tab(screen) -> pn.viewable.Viewable:
    w, p = pn.widgets, screen.param

    def listing(bible):
        if bible is None or not bible.relationships:
            return pn.pane.Markdown("관계가 없습니다. 아래에서 추가하세요.")
        return pn.widgets.RadioBoxGroup.from_param(
            p.rel_pick,
            options={relationship_label(r): i for i, r in enumerate(bible.relationships)},
            css_classes=["nc-rel-list"],
        )

    return pn.Column(
        pn.bind(listing, p.bible),
        _button("선택한 관계 지우기", screen.delete_relationship, "danger", "nc-del-rel"),
        pn.layout.Divider(),
        "#### 관계 추가",
        pn.Row(
            w.Select.from_param(p.rel_from, name="누가", width=160),
            w.Select.from_param(p.rel_to, name="누구와", width=160),
            w.TextInput.from_param(
                p.rel_kind,
                name="관계",
                placeholder="예: 라이벌",
                width=200,
                css_classes=["nc-rel-kind"],
            ),
            w.IntInput.from_param(p.rel_since, name="시작 회차", width=110),
        ),
        _button("관계 추가", screen.add_relationship, "primary", "nc-add-rel"),
        sizing_mode="stretch_width",
    )


def graph_legend() -> pn.pane.HTML:
    dots = "".join(
        f'<span style="margin-right:14px"><span style="display:inline-block;width:12px;'
        f'height:12px;border-radius:6px;background:{ROLE_COLOURS[role]};margin-right:4px">'
        f"</span>{label}</span>"
        for role, label in ROLE_LABELS.items()
    )
    return pn.pane.HTML(
        f'<div class="nc-graph-legend">범례: {dots}<span>화살표 = 관계의 방향, '
        "선 위 글자 = 관계의 종류</span></div>"
    )
