"""call_llm: the seed's per-task policy, rate-limit waits, schema feedback, records."""

from __future__ import annotations

import json

import pytest
from fake_llm import Hang, ScriptedBackend
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from novelcraft.backends.base import (
    BackendCancelled,
    BackendMisconfigured,
    BackendTimeout,
    BackendUnavailable,
    Completion,
    EmptyAnswer,
    InvalidAnswer,
    ProcessFailed,
    RateLimited,
    RequestRejected,
)
from novelcraft.backends.retry import (
    MAX_RATE_LIMIT_WAITS,
    SCHEMA_RETRY_INSTRUCTION,
    TASK_POLICIES,
    CallRecord,
    TaskPolicy,
    call_llm,
    extract_json,
    parse_answer,
)


class Events(BaseModel):
    title: str
    scenes: list[str]


def run(backend, *, purpose="draft", **kwargs):
    records: list[CallRecord] = []
    sleeps: list[float] = []
    kwargs.setdefault("sleep", sleeps.append)
    try:
        result = call_llm(backend, "프롬프트", purpose=purpose, record=records.append, **kwargs)
    except Exception as exc:
        return exc, records, sleeps
    return result, records, sleeps


def test_policies_are_the_seed_table():
    assert {name: (p.timeout, p.retries) for name, p in TASK_POLICIES.items()} == {
        "bootstrap": (120, 2),
        "outline": (60, 2),
        "draft": (300, 2),
        "style": (180, 1),
        "revise": (180, 2),
        "summary": (60, 2),
        "events": (60, 1),
    }


@pytest.mark.parametrize("purpose", sorted(TASK_POLICIES))
def test_each_attempt_gets_the_task_timeout_and_purpose(purpose):
    backend = ScriptedBackend(default="답")
    result, _, _ = run(backend, purpose=purpose)
    assert result.text == "답"
    [call] = backend.calls
    assert call.options.timeout == TASK_POLICIES[purpose].timeout
    assert call.options.purpose == purpose


@pytest.mark.parametrize("purpose", sorted(TASK_POLICIES))
def test_retries_run_out_after_the_policy(purpose):
    retries = TASK_POLICIES[purpose].retries
    backend = ScriptedBackend(
        script=[BackendTimeout(f"t{n}") for n in range(retries)] + [ProcessFailed("last")]
    )
    error, records, sleeps = run(backend, purpose=purpose)
    assert isinstance(error, ProcessFailed) and str(error) == "last"
    assert len(backend.calls) == len(records) == retries + 1
    assert [r.attempt for r in records] == list(range(1, retries + 2))
    assert not any(r.ok for r in records)
    assert sleeps == []


def test_every_retryable_kind_is_retried():
    backend = ScriptedBackend(
        script=[BackendTimeout("t"), EmptyAnswer("e"), "끝내 성공"],
    )
    result, records, _ = run(backend, purpose="draft")
    assert result.text == "끝내 성공" and result.attempts == 3
    assert [r.error.split(":")[0] if r.error else None for r in records] == [
        "timeout",
        "empty",
        None,
    ]


def test_empty_text_from_a_backend_is_retried_as_empty_answer():
    backend = ScriptedBackend(script=["   \n", "내용"])
    result, records, _ = run(backend, purpose="summary")
    assert result.text == "내용"
    assert records[0].error.startswith("empty: ")


def test_outage_stays_an_outage():
    backend = ScriptedBackend(script=[BackendUnavailable("down")] * 3)
    error, records, _ = run(backend, purpose="summary")
    assert type(error) is BackendUnavailable
    assert len(records) == 3


@pytest.mark.parametrize(
    "error",
    [BackendMisconfigured("no binary"), RequestRejected("400"), BackendCancelled("stop")],
)
def test_non_retryable_errors_are_raised_at_once(error):
    backend = ScriptedBackend(script=[error, "never"])
    raised, records, _ = run(backend)
    assert raised is error
    assert len(backend.calls) == 1
    assert len(records) == 1 and records[0].error == f"{error.kind}: {error}"


def test_rate_limit_waits_do_not_use_up_retries():
    backend = ScriptedBackend(
        script=[
            RateLimited("429"),
            RateLimited("429", retry_after=5),
            ProcessFailed("boom"),
            "드디어",
        ]
    )
    result, records, sleeps = run(backend, purpose="events")  # events: only 1 retry
    assert result.text == "드디어" and result.attempts == 4
    assert sleeps == [60, 5]
    assert [r.ok for r in records] == [False, False, False, True]


def test_rate_limit_waits_are_capped():
    backend = ScriptedBackend(script=[RateLimited("429", retry_after=1)] * 10)
    error, records, sleeps = run(backend, purpose="draft")
    assert isinstance(error, RateLimited)
    assert sleeps == [1] * MAX_RATE_LIMIT_WAITS
    assert len(records) == MAX_RATE_LIMIT_WAITS + 1
    assert len(backend.calls) == MAX_RATE_LIMIT_WAITS + 1


def test_a_wait_longer_than_the_budget_is_left_to_the_caller():
    backend = ScriptedBackend(script=[RateLimited("usage limit", retry_after=3 * 86400), "x"])
    error, records, sleeps = run(backend)
    assert isinstance(error, RateLimited) and error.retry_after == 3 * 86400
    assert [r.error for r in records] == ["rate_limit: usage limit"]
    assert sleeps == [] and len(backend.calls) == 1


def test_should_stop_before_the_first_attempt():
    backend = ScriptedBackend(default="x")
    error, records, _ = run(backend, should_stop=lambda: True)
    assert isinstance(error, BackendCancelled)
    assert backend.calls == [] and records == []


def test_should_stop_ends_a_rate_limit_wait():
    sleeps: list[float] = []
    backend = ScriptedBackend(script=[RateLimited("429", retry_after=60), "x"])
    error, _, _ = run(backend, sleep=sleeps.append, should_stop=lambda: len(sleeps) >= 3)
    assert isinstance(error, BackendCancelled)
    assert sleeps == [1, 1, 1]
    assert len(backend.calls) == 1


def test_wait_is_sliced_but_complete_when_not_stopped():
    sleeps: list[float] = []
    backend = ScriptedBackend(script=[RateLimited("429", retry_after=2.5), "x"])
    result, _, _ = run(backend, sleep=sleeps.append, should_stop=lambda: False)
    assert result.text == "x"
    assert sleeps == [1, 1, 0.5]


def test_schema_failure_is_retried_with_the_error_in_the_prompt():
    first = '{"title": "제목"}'
    backend = ScriptedBackend(script=[first, '{"title": "제목", "scenes": ["하나", "둘"]}'])
    result, records, _ = run(backend, purpose="outline", answer_model=Events)
    assert result.parsed == Events(title="제목", scenes=["하나", "둘"])
    assert backend.prompts[0] == "프롬프트"
    expected_error = "답의 형식이 맞지 않습니다: scenes: 꼭 있어야 하는 항목이 없습니다"
    assert backend.prompts[1] == "프롬프트" + SCHEMA_RETRY_INSTRUCTION.format(error=expected_error)
    assert [r.ok for r in records] == [False, True]
    assert records[0].error == f"invalid: {expected_error}"
    assert records[0].output_chars == len(first)
    assert records[1].prompt_chars == len(backend.prompts[1])


def test_feedback_does_not_pile_up_and_retries_run_out():
    backend = ScriptedBackend(script=["아니", "아직", "그래도", "never"])
    error, records, _ = run(backend, purpose="outline", answer_model=Events)
    assert isinstance(error, InvalidAnswer)
    assert len(backend.calls) == len(records) == 3
    for prompt in backend.prompts[1:]:
        assert prompt.count("오류:") == 1
        assert "JSON 객체가 없습니다" in prompt


def test_schema_is_sent_only_to_backends_that_take_one():
    with_schema = ScriptedBackend(default='{"title": "t", "scenes": []}')
    run(with_schema, purpose="events", answer_model=Events)
    assert with_schema.calls[0].schema == Events.model_json_schema()
    without = ScriptedBackend(default='{"title": "t", "scenes": []}', supports_schema=False)
    result, _, _ = run(without, purpose="events", answer_model=Events)
    assert without.calls[0].schema is None
    assert result.parsed == Events(title="t", scenes=[])
    plain = ScriptedBackend(default="본문")
    result, _, _ = run(plain, purpose="draft")
    assert plain.calls[0].schema is None and result.parsed is None


def test_record_fields_on_success():
    completion = Completion(text="답변", usage={"input_tokens": 11, "output_tokens": 3})
    backend = ScriptedBackend(script=[completion], model="model-x")
    result, [rec], _ = run(backend, purpose="summary")
    assert rec == CallRecord(
        backend="fake",
        model="model-x",
        purpose="summary",
        prompt_chars=len("프롬프트"),
        output_chars=2,
        prompt_tokens=11,
        output_tokens=3,
        duration_ms=rec.duration_ms,
        ok=True,
        error=None,
        attempt=1,
    )
    assert rec.duration_ms == round(result.completion.duration * 1000, 3)


def test_record_fields_on_failure():
    backend = ScriptedBackend(script=[Hang(), "x"])
    _, records, _ = run(backend, policy=TaskPolicy(timeout=0.05, retries=1))
    first = records[0]
    assert (first.ok, first.output_chars, first.prompt_tokens, first.output_tokens) == (
        False,
        0,
        None,
        None,
    )
    assert first.error.startswith("timeout: ")
    assert first.duration_ms >= 40


def test_without_a_record_callback_nothing_breaks():
    assert call_llm(ScriptedBackend(default="x"), "p", purpose="draft").text == "x"


def test_unknown_purpose_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown LLM task 'poem'"):
        call_llm(ScriptedBackend(default="x"), "p", purpose="poem")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ('```\n{"a": {"b": [1, 2]}}\n```\n', {"a": {"b": [1, 2]}}),
        ('답은 다음과 같습니다.\n{"a": "}"}\n이상입니다.', {"a": "}"}),
        ('{잘못된 중괄호} 그리고 {"a": 2} 끝 {"b": 3}', {"a": 2}),
    ],
)
def test_extract_json(text, expected):
    assert extract_json(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("그냥 글입니다", "JSON 객체가 없습니다"), ('{"a": 1,', "JSON을 읽을 수 없습니다")],
)
def test_extract_json_failures(text, message):
    with pytest.raises(InvalidAnswer, match=message):
        extract_json(text)


def test_parse_answer_lists_what_is_wrong():
    with pytest.raises(InvalidAnswer) as caught:
        parse_answer('{"title": 3, "scenes": "하나"}', Events)
    assert str(caught.value) == (
        "답의 형식이 맞지 않습니다: title: 문자열이어야 합니다 (입력값 3); "
        "scenes: 목록이어야 합니다 (입력값 '하나')"
    )


_prose = st.text(alphabet=st.characters(blacklist_characters="{}`"), max_size=40)
_objects = st.dictionaries(
    st.text(max_size=8), st.one_of(st.text(max_size=20), st.integers(), st.booleans()), max_size=5
)


@given(before=_prose, after=_prose, value=_objects, fenced=st.booleans())
def test_extract_json_finds_the_object_in_any_prose(before, after, value, fenced):
    body = json.dumps(value, ensure_ascii=False)
    text = f"```json\n{body}\n```" if fenced else f"{before}{body}{after}"
    assert extract_json(text) == value
