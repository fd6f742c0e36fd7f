"""The codex backend against a fake `codex` executable: command line, events, failures, kills."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from fake_llm import FakeCodex, live_group_members, new_threads, process_alive, wait_until
from pydantic import BaseModel

from novelcraft.backends import get_backend
from novelcraft.backends.base import (
    BackendCancelled,
    BackendMisconfigured,
    BackendTimeout,
    BackendUnavailable,
    EmptyAnswer,
    ProcessFailed,
    RateLimited,
)
from novelcraft.backends.codex_cli import (
    CodexBackend,
    classify_failure,
    find_codex,
    seconds_to_wait,
    strict_json_schema,
)
from novelcraft.backends.retry import CallRecord, TaskPolicy, call_llm
from novelcraft.settings import BackendSettings

HANG_TIMEOUT = 1.5


class Beat(BaseModel):
    summary: str
    default: str = "a field named like a keyword"


class Outline(BaseModel):
    title: str
    beats: list[Beat]
    hook: str | None = None
    tags: dict[str, int] = {}


@pytest.fixture
def fake(tmp_path, monkeypatch):
    threads_before = set(threading.enumerate())
    fake = FakeCodex(tmp_path, monkeypatch)
    yield fake
    assert fake.leftovers() == []
    assert new_threads(threads_before) == []


@pytest.fixture
def codex(fake) -> CodexBackend:
    backend = get_backend("codex", BackendSettings(), model="gpt-test")
    assert isinstance(backend, CodexBackend)
    return backend


def test_exact_command_line_and_prompt_on_stdin(fake, codex):
    prompt = '--version\n줄바꿈과 "따옴표"가 있는 프롬프트 -m other'
    completion = codex.complete(prompt)
    assert completion.text == "fake codex answer"
    [run] = fake.runs()
    argv = run["argv"]
    workdir = argv[7]
    assert argv == [
        "exec",
        "--json",
        "--ephemeral",
        "--skip-git-repo-check",
        "-s",
        "read-only",
        "-C",
        workdir,
        "-m",
        "gpt-test",
        "-",
    ]
    assert run["stdin"] == prompt
    assert prompt not in " ".join(argv)
    assert Path(workdir).is_absolute()
    assert run["workdir_is_dir"] and run["workdir_listing"] == []
    assert not Path(workdir).exists(), "the temp dir must be removed after the call"
    # its own session and process group, so a kill reaches everything it starts
    assert run["pgid"] == run["pid"] == run["sid"]
    assert run["pgid"] != os.getpgid(0)


def test_schema_goes_to_a_temp_file_outside_the_work_dir(fake, codex):
    schema = Outline.model_json_schema()
    codex.complete("개요", schema=schema)
    [run] = fake.runs()
    argv = run["argv"]
    schema_file = Path(argv[-2])
    assert argv[-5:] == ["-m", "gpt-test", "--output-schema", str(schema_file), "-"]
    assert len(argv) == 13
    assert run["schema"] == strict_json_schema(schema)
    assert run["workdir_listing"] == []
    assert schema_file.parent != Path(argv[7])
    assert not schema_file.exists()


def test_no_model_means_codex_chooses(fake):
    backend = get_backend("codex", BackendSettings())
    assert backend.model == ""
    backend.complete("프롬프트")
    assert "-m" not in fake.runs()[0]["argv"]


def test_strict_schema_closes_every_object_and_requires_every_field():
    schema = strict_json_schema(Outline.model_json_schema())

    def objects(node):
        if isinstance(node, dict):
            if "properties" in node:
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    found = list(objects(schema))
    assert len(found) == 2  # Outline and Beat
    for node in found:
        assert node["additionalProperties"] is False
        assert node["required"] == list(node["properties"])
    assert "default" in schema["$defs"]["Beat"]["properties"]  # a field, not the keyword
    assert "default" not in schema["$defs"]["Beat"]["properties"]["default"]
    assert '"default": "a field' not in str(schema)
    # the dict field stays an open map: it has no properties to close
    assert schema["properties"]["tags"]["additionalProperties"] == {"type": "integer"}


def test_last_agent_message_is_the_answer_and_usage_is_read(fake, codex):
    fake.queue({"mode": "ok", "texts": ["먼저 생각을 말하고", "마지막 답"]})
    completion = codex.complete("질문")
    assert completion.text == "마지막 답"
    assert completion.usage == {
        "input_tokens": len("질문"),
        "cached_input_tokens": 0,
        "output_tokens": len("마지막 답"),
    }


# Far beyond any deadline a passing run needs (1-3 s alone): a deadlock ends here, as a
# BackendTimeout naming the wait, instead of hanging the suite; a slow machine never does.
DEADLOCK_WITNESS_SECONDS = 600


def test_large_prompt_and_answer_do_not_deadlock(fake, codex):
    """The fake writes ~1 MB to stdout and stderr *before* it reads the ~1 MB prompt, the
    order that deadlocks a caller writing stdin before reading: both sides would block on
    full pipes forever. Finishing at all is the property; the clock is only a backstop."""
    prompt = "가나다라마바사 " * 40_000  # ~1 MB of UTF-8, far beyond a pipe buffer
    answer = "아자차카타파하\n" * 30_000
    fake.queue({"mode": "ok", "text": answer, "flood": 300_000})
    completion = codex.complete(prompt, options={"timeout": DEADLOCK_WITNESS_SECONDS})
    assert completion.text == answer
    assert fake.runs()[0]["stdin"] == prompt


def test_codex_exiting_before_it_reads_a_large_prompt_is_reported(fake, codex):
    """codex rejects its command line without reading stdin: the writer of the prompt meets
    a closed pipe and stops (the fixture checks no thread or process is left behind)."""
    fake.queue({"mode": "usage"})
    with pytest.raises(BackendMisconfigured, match="명령줄을 거부했습니다"):
        codex.complete("가나다라마바사 " * 40_000, options={"timeout": DEADLOCK_WITNESS_SECONDS})


def test_turn_completed_without_message_is_empty(fake, codex):
    fake.queue({"mode": "empty"})
    with pytest.raises(EmptyAnswer):
        codex.complete("질문")


def test_missing_codex_is_a_one_line_config_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    backend = get_backend("codex", BackendSettings(), model="gpt-test")
    records: list[CallRecord] = []
    with pytest.raises(BackendMisconfigured) as caught:
        call_llm(backend, "질문", purpose="draft", record=records.append)
    message = str(caught.value)
    assert message.startswith("codex가 설치되어 있지 않거나(npm install -g @openai/codex)")
    assert "\n" not in message
    assert not caught.value.retryable
    assert len(records) == 1 and records[0].error.startswith("config: codex가 설치되어 있지 않거나")


def test_codex_binary_setting_is_used(fake, tmp_path, monkeypatch):
    with pytest.raises(BackendMisconfigured, match="'my-codex'"):
        find_codex("my-codex")
    assert find_codex("codex").endswith("/fakes/codex")
    alias = tmp_path / "bin" / "my-codex"
    alias.parent.mkdir()
    alias.symlink_to(Path(find_codex("codex")))
    monkeypatch.setenv("PATH", f"{alias.parent}{os.pathsep}{os.environ['PATH']}")
    backend = get_backend("codex", BackendSettings(codex_binary="my-codex"), model="m")
    assert backend.complete("질문").text == "fake codex answer"


def test_turn_failed_is_process_failed(fake, codex):
    fake.queue({"mode": "turn.failed", "message": "unexpected status 500: server exploded"})
    with pytest.raises(ProcessFailed, match="server exploded") as caught:
        codex.complete("질문")
    assert caught.value.retryable


def test_network_failure_is_an_outage_and_stays_one_after_retries(fake, codex):
    message = "stream disconnected before completion: error sending request for url (https://x)"
    fake.queue(
        {"mode": "turn.failed", "message": message}, {"mode": "turn.failed", "message": message}
    )
    records: list[CallRecord] = []
    with pytest.raises(BackendUnavailable, match="stream disconnected"):
        call_llm(codex, "질문", purpose="events", record=records.append)
    assert len(fake.runs()) == 2  # events: 1 retry
    assert [r.error.split(":")[0] for r in records] == ["unavailable", "unavailable"]


def test_usage_limit_reads_the_wait_from_the_message(fake, codex):
    fake.queue(
        {
            "mode": "turn.failed",
            "message": "You've hit your usage limit. Upgrade to Pro (https://chatgpt.com/pricing)"
            " or try again in 2 hours 5 minutes.",
        }
    )
    with pytest.raises(RateLimited) as caught:
        codex.complete("질문")
    assert caught.value.retry_after == 2 * 3600 + 5 * 60


@pytest.mark.parametrize(
    ("message", "seconds"),
    [
        ("exceeded retry limit, last status: 429 Too Many Requests; try again in 20s", 20),
        ("Rate limit reached. Please try again in 1.5 seconds.", 1.5),
        ("rate limited, retry after 250ms", 0.25),
        ("usage limit: try again in 3 days 2 hours", 3 * 86400 + 2 * 3600),
        ("try again in 4 min", 240),
        ("429 Too Many Requests", None),
        ("try again later", None),
    ],
)
def test_seconds_to_wait(message, seconds):
    assert seconds_to_wait(message) == seconds


@pytest.mark.parametrize(
    ("messages", "kind", "retry_after"),
    [
        (["429 Too Many Requests"], RateLimited, 60),
        (["Reconnecting... 1/5", "usage limit reached"], RateLimited, 60),
        (["failed to connect to websocket"], BackendUnavailable, None),
        (["waiting for network"], BackendUnavailable, None),
        (["model not found"], ProcessFailed, None),
    ],
)
def test_classify_failure(messages, kind, retry_after):
    error = classify_failure(messages)
    assert type(error) is kind
    assert error.retry_after == retry_after
    assert messages[-1] in str(error) or kind is not ProcessFailed


def test_exit_without_events_reports_the_last_stderr_line(fake, codex):
    fake.queue({"mode": "exit", "code": 1, "stderr": "line one\nfatal: could not load config\n"})
    with pytest.raises(ProcessFailed) as caught:
        codex.complete("질문")
    assert str(caught.value) == "codex가 종료 코드 1로 끝났습니다: fatal: could not load config"


def test_rejected_command_line_is_a_config_error(fake, codex):
    fake.queue({"mode": "usage"})
    with pytest.raises(BackendMisconfigured) as caught:
        codex.complete("질문")
    assert str(caught.value) == (
        "codex가 명령줄을 거부했습니다 (종료 코드 2, codex를 업데이트하세요: "
        "npm install -g @openai/codex): error: unexpected argument '--ephemeral' found"
    )


def test_exit_zero_without_turn_completed_is_a_failure(fake, codex):
    fake.queue({"mode": "no-turn"})
    with pytest.raises(ProcessFailed, match=r"turn\.completed"):
        codex.complete("질문")


def test_timeout_kills_the_whole_process_group(fake, codex):
    fake.queue({"mode": "hang"})
    start = time.monotonic()
    with pytest.raises(BackendTimeout, match=r"1\.5초 안에 답이 없어"):
        codex.complete("질문", options={"timeout": HANG_TIMEOUT})
    # Only tells "stopped at the timeout" from "hung"; killing may be slow on a busy machine.
    assert time.monotonic() - start < HANG_TIMEOUT + 60
    [run] = fake.runs()
    assert run["child_pid"] != run["pid"]
    assert not process_alive(run["pid"])
    assert not process_alive(run["child_pid"])
    assert live_group_members(run["pgid"]) == []


def test_offline_codex_is_reported_as_an_outage(fake, codex):
    fake.queue({"mode": "hang", "network": True})
    with pytest.raises(BackendUnavailable, match=r"서비스에 연결할 수 없어 1\.5초 뒤 멈췄습니다"):
        codex.complete("질문", options={"timeout": HANG_TIMEOUT})
    assert fake.leftovers() == []


def test_kill_running_cancels_a_running_call(fake, codex):
    fake.queue({"mode": "hang"})
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            codex.complete("질문", options={"timeout": 600})
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    assert wait_until(lambda: bool(fake.runs()), timeout=120)
    assert codex.kill_running() == 1
    worker.join(120)
    assert not worker.is_alive()  # the call's own timeout is 600 s: the kill ended it
    assert len(outcome) == 1 and isinstance(outcome[0], BackendCancelled)
    assert fake.leftovers() == []
    assert codex.kill_running() == 0


def test_should_stop_from_call_llm_kills_the_process(fake, codex):
    fake.queue({"mode": "hang"})
    records: list[CallRecord] = []
    start = time.monotonic()
    with pytest.raises(BackendCancelled):
        call_llm(
            codex,
            "질문",
            purpose="draft",  # 300 s: only the stop can end this quickly
            should_stop=lambda: bool(fake.runs()),
            record=records.append,
        )
    assert time.monotonic() - start < 150  # half the draft timeout: the stop ended it
    assert [r.error.split(":")[0] for r in records] == ["cancelled"]
    assert fake.leftovers() == []


def test_rate_limit_then_answer_through_call_llm(fake, codex):
    fake.queue({"mode": "rate-limit", "seconds": 12}, {"mode": "ok", "text": "답"})
    sleeps: list[float] = []
    result = call_llm(
        codex, "질문", purpose="summary", sleep=sleeps.append, policy=TaskPolicy(60, 0)
    )
    assert (result.text, result.attempts, sleeps) == ("답", 2, [12])
