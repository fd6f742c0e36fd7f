"""How the pipeline calls an LLM: per-task timeouts and retries (seed 003 §11-2, DESIGN §5).

`call_llm` retries what may succeed on a second try (timeout, empty answer, invalid JSON,
failed process, unreachable service), waits out rate limits without spending a retry, feeds
validation errors back into the prompt, and reports every attempt as a `CallRecord`. It never
writes anywhere itself: the caller stores the records in `llm_calls` (CONVENTIONS 3).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from novelcraft.backends.base import (
    Backend,
    BackendCancelled,
    BackendError,
    Completion,
    InvalidAnswer,
    RateLimited,
)
from novelcraft.field_problems import problem_text
from novelcraft.parse_problems import json_problem
from novelcraft.redact import redact


@dataclass(frozen=True)
class TaskPolicy:
    timeout: float  # seconds per attempt
    retries: int  # attempts after the first one


# Seed 003 §11-2 (v2: per task).
TASK_POLICIES: dict[str, TaskPolicy] = {
    "bootstrap": TaskPolicy(timeout=120, retries=2),
    "outline": TaskPolicy(timeout=60, retries=2),
    "draft": TaskPolicy(timeout=300, retries=2),  # pass 1, ~8,000 characters
    "style": TaskPolicy(timeout=180, retries=1),  # pass 2, re-editing is worth little
    "revise": TaskPolicy(timeout=180, retries=2),
    "summary": TaskPolicy(timeout=60, retries=2),
    "events": TaskPolicy(timeout=60, retries=1),
}


def task_policy(purpose: str, timeout: float = 0) -> TaskPolicy | None:
    """The task's policy with the workspace's per-call timeout (0 keeps the default)."""
    policy = TASK_POLICIES.get(purpose)
    if policy is None or not timeout:
        return policy
    return TaskPolicy(timeout=timeout, retries=policy.retries)


DEFAULT_RATE_LIMIT_WAIT = 60.0  # seed: on 429 wait 60 s, then try again
# Rate-limit waits do not use up retries, but they are bounded: past these the limit is not a
# blip and the job queue should decide what to do.
MAX_RATE_LIMIT_WAITS = 5
MAX_RATE_LIMIT_WAIT_TOTAL = 600.0
# A wait is sliced so a cancel (`should_stop`) is noticed within this many seconds.
WAIT_SLICE = 1.0
# Appended to the prompt after an answer that was not the JSON asked for; `{error}` is the
# parser's or pydantic's message.
SCHEMA_RETRY_INSTRUCTION = (
    "\n\n[형식 오류] 직전 답변을 요구한 JSON으로 읽을 수 없었습니다.\n"
    "오류: {error}\n"
    "설명이나 코드 블록 없이, 스키마에 맞는 JSON 객체 하나만 다시 출력하세요."
)


@dataclass(frozen=True)
class CallRecord:
    """One attempt, successful or not: a row for the `llm_calls` table."""

    backend: str
    model: str
    purpose: str
    prompt_chars: int
    output_chars: int
    prompt_tokens: int | None
    output_tokens: int | None
    duration_ms: float
    ok: bool
    error: str | None
    attempt: int


@dataclass(frozen=True)
class CallResult:
    text: str
    parsed: BaseModel | None
    completion: Completion
    attempts: int


def extract_json(text: str) -> Any:
    """The first complete JSON object in an answer: fences and surrounding prose are ignored."""
    decoder = json.JSONDecoder()
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        if stripped.rstrip().endswith("```"):
            stripped = stripped.rstrip()[:-3]
    first_error: json.JSONDecodeError | None = None
    start = stripped.find("{")
    while start != -1:
        try:
            value, _ = decoder.raw_decode(stripped, start)
            return value
        except json.JSONDecodeError as exc:
            first_error = first_error or exc
        start = stripped.find("{", start + 1)
    if first_error is not None:
        raise InvalidAnswer(
            f"JSON을 읽을 수 없습니다: {json_problem(first_error.msg)} ({first_error.pos}번째 문자)"
        )
    raise InvalidAnswer("답에 JSON 객체가 없습니다")


def parse_answer(text: str, answer_model: type[BaseModel]) -> BaseModel:
    """Extract the JSON object and validate it; InvalidAnswer says what is wrong."""
    data = extract_json(text)
    try:
        return answer_model.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(map(str, err['loc'])) or '(전체)'}: {problem_text(err)}"
            for err in exc.errors()[:5]
        ]
        more = f" (외 {exc.error_count() - 5}건)" if exc.error_count() > 5 else ""
        raise InvalidAnswer("답의 형식이 맞지 않습니다: " + "; ".join(problems) + more) from None


def call_llm(
    backend: Backend,
    prompt: str,
    *,
    purpose: str,
    answer_model: type[BaseModel] | None = None,
    record: Callable[[CallRecord], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    should_stop: Callable[[], bool] | None = None,
    policy: TaskPolicy | None = None,
) -> CallResult:
    """Call `backend` under the task's policy; raise the last error when retries run out.

    Non-retryable errors (BackendMisconfigured, RequestRejected, BackendCancelled) are raised
    at once. `should_stop` is checked before every attempt and during waits, and is handed to
    backends that can kill a running call (codex).
    """
    if policy is None:
        try:
            policy = TASK_POLICIES[purpose]
        except KeyError:
            known = ", ".join(TASK_POLICIES)
            raise ValueError(f"unknown LLM task {purpose!r} (known: {known})") from None
    schema = (
        answer_model.model_json_schema()
        if answer_model is not None and backend.supports_schema
        else None
    )
    options: dict[str, Any] = {"timeout": policy.timeout, "purpose": purpose}
    if should_stop is not None and "should_stop" in backend.Options.model_fields:
        options["should_stop"] = should_stop

    attempt_prompt = prompt
    attempts = failures = rate_waits = 0
    waited = 0.0
    while True:
        _check_stop(should_stop)
        attempts += 1
        started = time.monotonic()
        completion: Completion | None = None
        try:
            completion = backend.complete(attempt_prompt, schema=schema, options=options)
            parsed = parse_answer(completion.text, answer_model) if answer_model else None
        except BackendError as exc:
            _report(record, backend, purpose, attempt_prompt, attempts, started, completion, exc)
            if not exc.retryable:
                raise
            if isinstance(exc, RateLimited):
                wait = DEFAULT_RATE_LIMIT_WAIT if exc.retry_after is None else exc.retry_after
                if rate_waits >= MAX_RATE_LIMIT_WAITS or waited + wait > MAX_RATE_LIMIT_WAIT_TOTAL:
                    raise
                rate_waits += 1
                waited += wait
                _wait(wait, sleep, should_stop)
                continue
            failures += 1
            if failures > policy.retries:
                raise
            if isinstance(exc, InvalidAnswer):
                attempt_prompt = prompt + SCHEMA_RETRY_INSTRUCTION.format(error=exc)
            continue
        _report(record, backend, purpose, attempt_prompt, attempts, started, completion, None)
        return CallResult(
            text=completion.text, parsed=parsed, completion=completion, attempts=attempts
        )


def _check_stop(should_stop: Callable[[], bool] | None) -> None:
    if should_stop is not None and should_stop():
        raise BackendCancelled("요청에 따라 LLM 호출을 멈췄습니다")


def _wait(
    seconds: float, sleep: Callable[[float], None], should_stop: Callable[[], bool] | None
) -> None:
    if should_stop is None:
        sleep(seconds)
        return
    left = seconds
    while left > 0:
        _check_stop(should_stop)
        step = min(WAIT_SLICE, left)
        sleep(step)
        left -= step
    _check_stop(should_stop)


def _report(
    record: Callable[[CallRecord], None] | None,
    backend: Backend,
    purpose: str,
    prompt: str,
    attempt: int,
    started: float,
    completion: Completion | None,
    error: BackendError | None,
) -> None:
    if record is None:
        return
    if completion is not None and error is None:
        duration = completion.duration
    else:
        duration = time.monotonic() - started
    usage = completion.usage if completion is not None else {}
    record(
        CallRecord(
            backend=backend.backend_id,
            model=completion.model if completion is not None else backend.model,
            purpose=purpose,
            prompt_chars=len(prompt),
            output_chars=len(completion.text) if completion is not None else 0,
            prompt_tokens=usage.get("input_tokens"),
            output_tokens=usage.get("output_tokens"),
            duration_ms=round(duration * 1000, 3),
            ok=error is None,
            error=None if error is None else redact(f"{error.kind}: {error}"),
            attempt=attempt,
        )
    )
