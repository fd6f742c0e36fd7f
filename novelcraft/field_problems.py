"""Korean text for pydantic validation errors, so a bad field reads like the rest of the UI.

pydantic's own messages are English; every place that turns a `ValidationError` into a
`BadInput` line goes through `problem_text` so the user sees one Korean sentence.
"""

from __future__ import annotations

from typing import Any

MAX_SHOWN = 80


def shown_value(value: Any, limit: int = MAX_SHOWN) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ctx(err: dict, key: str) -> Any:
    return (err.get("ctx") or {}).get(key)


def _plain(err: dict) -> str | None:
    kind = err.get("type", "")
    ctx = lambda key: _ctx(err, key)  # noqa: E731
    simple = {
        "missing": "꼭 있어야 하는 항목이 없습니다",
        "extra_forbidden": "알 수 없는 항목입니다",
        "int_parsing": "정수여야 합니다",
        "int_type": "정수여야 합니다",
        "int_from_float": "소수점 없는 정수여야 합니다",
        "float_parsing": "숫자여야 합니다",
        "float_type": "숫자여야 합니다",
        "finite_number": "유한한 숫자여야 합니다",
        "bool_parsing": "true 또는 false여야 합니다",
        "bool_type": "true 또는 false여야 합니다",
        "string_type": "문자열이어야 합니다",
        "list_type": "목록이어야 합니다",
        "tuple_type": "목록이어야 합니다",
        "dict_type": "키와 값의 묶음(mapping)이어야 합니다",
        "model_type": "키와 값의 묶음(mapping)이어야 합니다",
        "model_attributes_type": "키와 값의 묶음(mapping)이어야 합니다",
        "none_required": "비어 있어야 합니다",
        "url_parsing": "올바른 URL이 아닙니다",
        "url_scheme": "http:// 또는 https:// URL이어야 합니다",
        "json_invalid": "올바른 JSON이 아닙니다",
        "datetime_parsing": "날짜·시간 형식이 아닙니다",
        "datetime_from_date_parsing": "날짜·시간 형식이 아닙니다",
        "date_parsing": "날짜 형식이 아닙니다",
        "string_unicode": "올바른 유니코드 문자열이 아닙니다",
        "union_tag_invalid": "알 수 없는 종류입니다",
        "frozen_instance": "바꿀 수 없는 항목입니다",
        "frozen_field": "바꿀 수 없는 항목입니다",
    }
    if kind in simple:
        return simple[kind]
    if kind == "string_too_short":
        return f"{ctx('min_length')}자 이상이어야 합니다"
    if kind == "string_too_long":
        return f"{ctx('max_length')}자 이하여야 합니다"
    if kind == "too_short":
        return f"항목이 {ctx('min_length')}개 이상이어야 합니다"
    if kind == "too_long":
        return f"항목이 {ctx('max_length')}개 이하여야 합니다"
    if kind == "greater_than":
        return f"{ctx('gt')}보다 커야 합니다"
    if kind == "greater_than_equal":
        return f"{ctx('ge')} 이상이어야 합니다"
    if kind == "less_than":
        return f"{ctx('lt')}보다 작아야 합니다"
    if kind == "less_than_equal":
        return f"{ctx('le')} 이하여야 합니다"
    if kind in ("literal_error", "enum"):
        return f"다음 중 하나여야 합니다: {ctx('expected')}"
    if kind == "string_pattern_mismatch":
        return f"형식이 맞지 않습니다 (패턴 {ctx('pattern')})"
    if kind in ("value_error", "assertion_error"):
        error = ctx("error")
        text = str(error) if error is not None else err.get("msg", "")
        return text.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return None


def problem_text(err: dict, *, with_input: bool = True) -> str:
    """One Korean phrase for one pydantic error dict (`exc.errors()[i]`)."""
    kind = err.get("type", "")
    text = _plain(err)
    if text is None:
        text = f"값이 올바르지 않습니다 ({kind})"
    show_input = kind not in (
        "missing",
        "extra_forbidden",
        "model_type",
        "dict_type",
        "model_attributes_type",
        "value_error",
        "assertion_error",
    )
    if with_input and show_input and "input" in err:
        text += f" (입력값 {shown_value(err['input'])})"
    return text


def field_path(loc: tuple | list, empty: str = "(전체)") -> str:
    return ".".join(str(part) for part in loc) or empty
