"""One contract, every LLM backend (CONVENTIONS 6).

`TestBackendContract` runs against every backend, `TestScriptedBackendContract` against those
whose answers a test can choose (the scripted fake, `openai` against a local server, `codex`
against a fake executable). A new backend joins by adding its harness to `HARNESSES` and its
name to the lists below.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest
from fake_llm import FakeCodex, FakeOpenAIServer, Hang, ScriptedBackend, new_threads
from fake_llm import registered_fake as _registered_fake
from pydantic import BaseModel

from novelcraft.backends import REGISTRY, get_backend
from novelcraft.backends.base import (
    Backend,
    BackendMisconfigured,
    BackendTimeout,
    EmptyAnswer,
    ProcessFailed,
    RateLimited,
)
from novelcraft.backends.retry import CallRecord, TaskPolicy, call_llm
from novelcraft.settings import BackendSettings

EVERY_BACKEND = ["fake", "openai", "codex"]
if importlib.util.find_spec("novelcraft.backends.offline") is not None:
    EVERY_BACKEND.append("offline")
SCRIPTABLE = ["fake", "openai", "codex"]


class SceneOutline(BaseModel):
    title: str
    scenes: list[str]
    hook: str = ""


@dataclass(frozen=True)
class Step:
    kind: str  # ok | empty | hang | rate_limit | failure
    text: str = ""
    seconds: int = 0


def ok(text: str) -> Step:
    return Step("ok", text)


EMPTY, HANG, FAILURE = Step("empty"), Step("hang"), Step("failure")


@dataclass
class Received:
    prompt: str
    schema: dict[str, Any] | None


class Harness:
    name: str
    backend: Backend
    hang_timeout: float = 0.5
    reports_usage = True

    def queue(self, *steps: Step) -> None:
        raise NotImplementedError

    def received(self) -> list[Received]:
        raise NotImplementedError

    def leftovers(self) -> list[Any]:
        return []

    def close(self) -> None:
        pass


class FakeHarness(Harness):
    name = "fake"
    hang_timeout = 0.2
    reports_usage = False

    def __init__(self, tmp_path, monkeypatch):
        self._registration = _registered_fake()
        self._registration.__enter__()
        self.backend = ScriptedBackend(default="fake answer")

    def queue(self, *steps: Step) -> None:
        for step in steps:
            self.backend.add(
                {
                    "ok": step.text,
                    "empty": "",
                    "hang": Hang(),
                    "rate_limit": RateLimited("fake: 429", retry_after=step.seconds),
                    "failure": ProcessFailed("fake: boom"),
                }[step.kind]
            )

    def received(self) -> list[Received]:
        return [Received(call.prompt, call.schema) for call in self.backend.calls]

    def close(self) -> None:
        self.backend.release()
        self._registration.__exit__(None, None, None)


class OpenAIHarness(Harness):
    name = "openai"
    hang_timeout = 0.5

    def __init__(self, tmp_path, monkeypatch):
        for var in ("OPENAI_API_KEY", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            monkeypatch.delenv(var, raising=False)
            monkeypatch.delenv(var.lower(), raising=False)
        self.server = FakeOpenAIServer()
        settings = BackendSettings(openai_base_url=self.server.base_url)
        self.backend = get_backend("openai", settings, model="test-model")

    def queue(self, *steps: Step) -> None:
        for step in steps:
            self.server.queue(
                {
                    "ok": {"mode": "ok", "text": step.text},
                    "empty": {"mode": "empty"},
                    "hang": {"mode": "hang"},
                    "rate_limit": {"mode": "rate_limit", "retry_after": step.seconds},
                    "failure": {"mode": "status", "status": 500, "body": "upstream crashed"},
                }[step.kind]
            )

    def received(self) -> list[Received]:
        out = []
        for request in self.server.requests:
            schema = request.body.get("response_format", {}).get("json_schema", {}).get("schema")
            out.append(Received(request.body["messages"][0]["content"], schema))
        return out

    def close(self) -> None:
        self.server.close()


class CodexHarness(Harness):
    name = "codex"
    # Long enough for the fake (a Python script) to start and spawn its child on a busy box.
    hang_timeout = 1.5

    def __init__(self, tmp_path, monkeypatch):
        self.fake = FakeCodex(tmp_path, monkeypatch)
        self.backend = get_backend("codex", BackendSettings(), model="gpt-test")

    def queue(self, *steps: Step) -> None:
        for step in steps:
            self.fake.queue(
                {
                    "ok": {"mode": "ok", "text": step.text},
                    "empty": {"mode": "empty"},
                    "hang": {"mode": "hang"},
                    "rate_limit": {"mode": "rate-limit", "seconds": step.seconds},
                    "failure": {"mode": "turn.failed", "message": "unexpected status 500"},
                }[step.kind]
            )

    def received(self) -> list[Received]:
        return [Received(run["stdin"], run["schema"]) for run in self.fake.runs()]

    def leftovers(self) -> list[Any]:
        return self.fake.leftovers()


class OfflineHarness(Harness):
    name = "offline"

    def __init__(self, tmp_path, monkeypatch):
        self.backend = get_backend("offline", BackendSettings())


HARNESSES: dict[str, type[Harness]] = {
    "fake": FakeHarness,
    "openai": OpenAIHarness,
    "codex": CodexHarness,
    "offline": OfflineHarness,
}


@pytest.fixture
def make_harness(tmp_path, monkeypatch):
    threads_before = set(threading.enumerate())
    made: list[Harness] = []

    def make(name: str) -> Harness:
        harness = HARNESSES[name](tmp_path, monkeypatch)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.close()
    for harness in made:
        assert harness.leftovers() == [], f"{harness.name} left processes behind"
    assert new_threads(threads_before) == []


@pytest.fixture(params=EVERY_BACKEND)
def any_backend(request, make_harness) -> Harness:
    return make_harness(request.param)


@pytest.fixture(params=SCRIPTABLE)
def scripted(request, make_harness) -> Harness:
    return make_harness(request.param)


PROMPT = '- 첫 줄이 대시로 시작해도 프롬프트입니다.\n--help\n주인공은 "정말?"이라고 묻는다.\n\n끝.'


class TestBackendContract:
    """What every backend promises, whatever it answers."""

    def test_registered_and_built_by_name(self, any_backend):
        backend = any_backend.backend
        assert REGISTRY[any_backend.name] is type(backend)
        assert backend.backend_id == any_backend.name
        assert backend.Options.model_config.get("extra") == "forbid"
        built = get_backend(any_backend.name, backend.settings, model=backend.model)
        assert type(built) is type(backend)
        assert built.model == backend.model

    def test_answers_text(self, any_backend):
        backend = any_backend.backend
        completion = backend.complete(PROMPT, options={"purpose": "summary", "timeout": 30})
        assert completion.text.strip()
        assert completion.backend == any_backend.name
        assert completion.model == backend.model
        assert completion.duration >= 0
        assert all(isinstance(v, int) for v in completion.usage.values())

    def test_unknown_option_is_a_config_error(self, any_backend):
        with pytest.raises(BackendMisconfigured, match="no_such_option"):
            any_backend.backend.complete(PROMPT, options={"no_such_option": 1})

    def test_call_llm_records_the_attempt(self, any_backend):
        records: list[CallRecord] = []
        result = call_llm(any_backend.backend, PROMPT, purpose="summary", record=records.append)
        assert result.attempts == 1
        assert result.text == result.completion.text
        [rec] = records
        assert (rec.backend, rec.purpose, rec.ok, rec.error) == (
            any_backend.name,
            "summary",
            True,
            None,
        )
        assert rec.model == any_backend.backend.model
        assert rec.prompt_chars == len(PROMPT)
        assert rec.output_chars == len(result.text)
        assert rec.duration_ms >= 0


class TestScriptedBackendContract:
    """Behaviour a test can provoke: exact answers, JSON tasks, failures, timeouts, limits."""

    def test_returns_the_answer_exactly_and_gets_the_prompt_exactly(self, scripted):
        answer = "그가 말했다. \"정말이야?\"\n\n### 2\n'설마.' 그때였다."
        scripted.queue(ok(answer))
        completion = scripted.backend.complete(PROMPT, options={"timeout": 30})
        assert completion.text == answer
        assert [r.prompt for r in scripted.received()] == [PROMPT]
        if scripted.reports_usage:
            assert completion.usage["input_tokens"] == len(PROMPT)
            assert completion.usage["output_tokens"] == len(answer)

    def test_json_task_gets_the_schema_and_a_parsed_answer(self, scripted):
        answer = '```json\n{"title": "첫 만남", "scenes": ["시장", "골목"], "hook": "그때"}\n```'
        scripted.queue(ok(answer))
        records: list[CallRecord] = []
        result = call_llm(
            scripted.backend,
            PROMPT,
            purpose="outline",
            answer_model=SceneOutline,
            record=records.append,
        )
        assert result.parsed == SceneOutline(title="첫 만남", scenes=["시장", "골목"], hook="그때")
        assert result.text == answer
        [received] = scripted.received()
        assert received.prompt == PROMPT
        assert received.schema is not None
        assert set(received.schema["properties"]) == {"title", "scenes", "hook"}
        assert received.schema["title"] == "SceneOutline"
        assert [r.ok for r in records] == [True]
        assert records[0].output_chars == len(answer)
        if scripted.reports_usage:
            assert records[0].prompt_tokens == len(PROMPT)
            assert records[0].output_tokens == len(answer)

    def test_invalid_json_is_retried_with_the_error_fed_back(self, scripted):
        scripted.queue(ok('{"title": "제목뿐"}'), ok('{"title": "제목", "scenes": ["하나"]}'))
        records: list[CallRecord] = []
        result = call_llm(
            scripted.backend,
            PROMPT,
            purpose="outline",
            answer_model=SceneOutline,
            record=records.append,
        )
        assert result.parsed == SceneOutline(title="제목", scenes=["하나"])
        assert result.attempts == 2
        first, second = (r.prompt for r in scripted.received())
        assert first == PROMPT
        assert second.startswith(PROMPT)
        assert "scenes" in second[len(PROMPT) :]
        assert [r.ok for r in records] == [False, True]
        assert records[0].error.startswith("invalid: ")

    def test_empty_answer_is_empty_answer(self, scripted):
        scripted.queue(EMPTY)
        with pytest.raises(EmptyAnswer):
            scripted.backend.complete(PROMPT, options={"timeout": 30})

    def test_hang_hits_the_timeout(self, scripted):
        scripted.queue(HANG)
        start = time.monotonic()
        with pytest.raises(BackendTimeout):
            scripted.backend.complete(PROMPT, options={"timeout": scripted.hang_timeout})
        elapsed = time.monotonic() - start
        # The upper bound only tells a timeout from a hang; the kill itself may be slow when busy.
        assert scripted.hang_timeout * 0.9 <= elapsed < scripted.hang_timeout + 60
        assert scripted.leftovers() == []

    def test_timeout_is_retried_and_recorded(self, scripted):
        scripted.queue(HANG, ok("두 번째에 답함"))
        records: list[CallRecord] = []
        result = call_llm(
            scripted.backend,
            PROMPT,
            purpose="draft",
            policy=TaskPolicy(timeout=scripted.hang_timeout, retries=1),
            record=records.append,
        )
        assert result.text == "두 번째에 답함"
        assert result.attempts == 2
        assert [r.ok for r in records] == [False, True]
        assert records[0].error.startswith("timeout: ")
        assert records[0].output_chars == 0

    def test_rate_limit_reports_the_wait(self, scripted):
        scripted.queue(Step("rate_limit", seconds=7))
        with pytest.raises(RateLimited) as caught:
            scripted.backend.complete(PROMPT, options={"timeout": 30})
        assert caught.value.retry_after == 7

    def test_rate_limit_waits_then_retries(self, scripted):
        scripted.queue(Step("rate_limit", seconds=3), ok("기다린 뒤의 답"))
        sleeps: list[float] = []
        records: list[CallRecord] = []
        result = call_llm(
            scripted.backend,
            PROMPT,
            purpose="style",
            sleep=sleeps.append,
            record=records.append,
        )
        assert result.text == "기다린 뒤의 답"
        assert sleeps == [3]
        assert [r.error.split(":")[0] if r.error else None for r in records] == [
            "rate_limit",
            None,
        ]

    def test_failure_is_retryable_and_retried(self, scripted):
        scripted.queue(FAILURE)
        with pytest.raises(ProcessFailed) as caught:
            scripted.backend.complete(PROMPT, options={"timeout": 30})
        assert caught.value.retryable
        scripted.queue(FAILURE, ok("다시 해서 성공"))
        result = call_llm(scripted.backend, PROMPT, purpose="summary")
        assert result.text == "다시 해서 성공"
        assert result.attempts == 2
