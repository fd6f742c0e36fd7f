"""Tables as the author reads them: Tabulator with its pagination and empty-table text in
Korean (Tabulator's own labels are English), rows never clipped."""

from __future__ import annotations

import panel as pn

# Tabulator's locale strings (its `langs` option): the pager, page size and empty-table text.
KOREAN = {
    "pagination": {
        "page_size": "쪽당 행",
        "page_title": "쪽 보기",
        "first": "처음",
        "first_title": "첫 쪽",
        "last": "마지막",
        "last_title": "마지막 쪽",
        "prev": "이전",
        "prev_title": "이전 쪽",
        "next": "다음",
        "next_title": "다음 쪽",
        "all": "전체",
        "counter": {"showing": "표시", "of": "/", "rows": "행", "pages": "쪽"},
    },
    "data": {"loading": "불러오는 중", "error": "오류"},
}
ROW_HEIGHT = 38
HEADER_HEIGHT = 44
PAGER_HEIGHT = 46


def korean_table(frame, *, page_size: int | None = None, **params) -> pn.widgets.Tabulator:
    """A read-only Tabulator with Korean labels; tall enough for its rows (or one page)."""
    rows = len(frame) if frame is not None else 0
    if page_size is not None:
        params.update(pagination="local", page_size=page_size)
        visible = min(max(rows, 1), page_size)
        height = HEADER_HEIGHT + ROW_HEIGHT * visible + (PAGER_HEIGHT if rows > page_size else 0)
    else:
        height = HEADER_HEIGHT + ROW_HEIGHT * max(rows, 1)
    params.setdefault("height", height + 10)
    configuration = {"locale": "ko", "langs": {"ko": KOREAN}, **params.pop("configuration", {})}
    return pn.widgets.Tabulator(
        frame,
        show_index=False,
        disabled=True,
        configuration=configuration,
        **params,
    )
