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


def korean_table(frame, *, page_size: int | None = None, **params) -> pn.widgets.Tabulator:
    """A read-only Tabulator with Korean labels. It gets no fixed height: Tabulator then sizes
    itself to its rows (one page of them, with the pager), so no row is ever clipped whatever
    the theme's row height, and a table of one row still shows that row above the pager."""
    if page_size is not None:
        params.update(pagination="local", page_size=page_size)
    configuration = {"locale": "ko", "langs": {"ko": KOREAN}, **params.pop("configuration", {})}
    return pn.widgets.Tabulator(
        frame,
        show_index=False,
        disabled=True,
        configuration=configuration,
        **params,
    )
