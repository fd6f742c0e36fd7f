"""The openai backend against a local chat-completions server: request, statuses, the key."""

from __future__ import annotations

import email.utils
import json
import socket
import threading
import time

import pytest
from fake_llm import FakeOpenAIServer, new_threads
from pydantic import BaseModel

from novelcraft.backends import get_backend
from novelcraft.backends.base import (
    BackendMisconfigured,
    BackendUnavailable,
    EmptyAnswer,
    ProcessFailed,
    RateLimited,
    RequestRejected,
)
from novelcraft.backends.openai_compat import OpenAIBackend, parse_retry_after
from novelcraft.backends.retry import CallRecord, call_llm
from novelcraft.settings import BackendSettings

SECRET = "sk-test-SECRET-0123456789"


class Summary(BaseModel):
    summary: str
    characters: list[str] = []


@pytest.fixture
def server(monkeypatch):
    threads_before = set(threading.enumerate())
    for var in ("OPENAI_API_KEY", "MY_LLM_KEY", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
        monkeypatch.delenv(var.lower(), raising=False)
    with FakeOpenAIServer() as server:
        yield server
    assert new_threads(threads_before) == []


def backend_for(server: FakeOpenAIServer, **settings) -> OpenAIBackend:
    backend = get_backend(
        "openai", BackendSettings(openai_base_url=server.base_url, **settings), model="test-model"
    )
    assert isinstance(backend, OpenAIBackend)
    return backend


def test_request_without_schema(server):
    backend_for(server).complete("요약해 주세요")
    [request] = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["content-type"] == "application/json"
    assert request.body == {
        "model": "test-model",
        "messages": [{"role": "user", "content": "요약해 주세요"}],
    }


def test_request_with_schema_and_a_trailing_slash_in_the_base_url(server):
    backend = get_backend(
        "openai", BackendSettings(openai_base_url=server.base_url + "/"), model="m"
    )
    schema = Summary.model_json_schema()
    backend.complete("요약", schema=schema)
    [request] = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "Summary", "schema": schema, "strict": False},
    }


def test_usage_is_mapped_to_input_and_output_tokens(server):
    server.queue({"mode": "ok", "text": "다섯 글자"})
    completion = backend_for(server).complete("세글자")
    assert completion.usage["input_tokens"] == completion.usage["prompt_tokens"] == 3
    assert completion.usage["output_tokens"] == completion.usage["completion_tokens"] == 5
    assert "prompt_tokens_details" not in completion.usage


def test_key_is_sent_as_bearer_when_set(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    backend_for(server).complete("질문")
    assert server.requests[0].headers["authorization"] == f"Bearer {SECRET}"


def test_no_key_means_no_authorization_header(server):
    backend = backend_for(server)
    assert backend.needs_key and backend.key_env_var == "OPENAI_API_KEY"
    assert backend.complete("질문").text == "fake openai answer"
    assert "authorization" not in server.requests[0].headers


def test_key_env_var_comes_from_settings(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "the-wrong-one")
    monkeypatch.setenv("MY_LLM_KEY", SECRET)
    backend = backend_for(server, openai_key_env="MY_LLM_KEY")
    assert backend.key_env_var == "MY_LLM_KEY"
    backend.complete("질문")
    assert server.requests[0].headers["authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize(
    ("status", "key", "state"), [(401, SECRET, "설정되어 있음"), (403, None, "설정되지 않음")]
)
def test_auth_failure_names_the_variable_never_the_key(server, monkeypatch, status, key, state):
    if key:
        monkeypatch.setenv("MY_LLM_KEY", key)
    server.queue({"mode": "status", "status": status, "body": f"bad key {SECRET}"})
    backend = backend_for(server, openai_key_env="MY_LLM_KEY")
    records: list[CallRecord] = []
    with pytest.raises(BackendMisconfigured) as caught:
        call_llm(backend, "질문", purpose="summary", record=records.append)
    message = str(caught.value)
    assert "$MY_LLM_KEY" in message and state in message and str(status) in message
    assert SECRET not in message
    assert len(records) == 1 and SECRET not in records[0].error


def test_key_echoed_by_the_server_is_redacted(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    body = json.dumps({"error": {"message": f"upstream saw header Bearer {SECRET}"}})
    server.queue(*[{"mode": "status", "status": 502, "body": body}] * 3)
    records: list[CallRecord] = []
    with pytest.raises(ProcessFailed) as caught:
        call_llm(backend_for(server), "질문", purpose="summary", record=records.append)
    assert "upstream saw header Bearer ***" in str(caught.value)
    assert len(records) == 3
    assert all(SECRET not in (r.error or "") for r in records)
    assert SECRET not in repr(records)


def test_rate_limit_with_seconds(server):
    server.queue({"mode": "rate_limit", "retry_after": "17"})
    with pytest.raises(RateLimited, match="429") as caught:
        backend_for(server).complete("질문")
    assert caught.value.retry_after == 17


def test_rate_limit_with_an_http_date(server):
    when = email.utils.formatdate(time.time() + 120, usegmt=True)
    server.queue({"mode": "rate_limit", "retry_after": when})
    with pytest.raises(RateLimited) as caught:
        backend_for(server).complete("질문")
    assert 100 <= caught.value.retry_after <= 121


def test_rate_limit_without_header_waits_the_default(server):
    server.queue({"mode": "rate_limit"})
    with pytest.raises(RateLimited) as caught:
        backend_for(server).complete("질문")
    assert caught.value.retry_after == 60


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("7", 7.0),
        (" 1.5 ", 1.5),
        ("-3", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("Wed, 21 Oct 2015 07:28:30 -0000", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value) == seconds


def test_parse_retry_after_date_is_relative_to_now():
    now = email.utils.parsedate_to_datetime("Wed, 21 Oct 2015 07:28:00 GMT").timestamp()
    assert parse_retry_after("Wed, 21 Oct 2015 07:29:30 GMT", now=now) == 90


def test_server_error_is_retryable(server):
    server.queue({"mode": "status", "status": 500, "body": '{"error": {"message": "CUDA OOM"}}'})
    with pytest.raises(ProcessFailed, match="모델 서버 오류 \\(HTTP 500\\): CUDA OOM") as caught:
        backend_for(server).complete("질문")
    assert caught.value.retryable


def test_truncated_body_is_a_retryable_failure(server):
    server.queue({"mode": "truncated"})
    with pytest.raises(ProcessFailed, match="올바른 JSON이 아닙니다") as caught:
        backend_for(server).complete("질문")
    assert caught.value.retryable
    server.queue({"mode": "truncated"}, {"mode": "ok", "text": "온전한 답"})
    result = call_llm(backend_for(server), "질문", purpose="summary")
    assert (result.text, result.attempts) == ("온전한 답", 2)


def test_null_content_is_an_empty_answer(server):
    body = json.dumps({"choices": [{"message": {"role": "assistant", "content": None}}]})
    server.queue({"mode": "raw", "status": 200, "body": body})
    with pytest.raises(EmptyAnswer):
        backend_for(server).complete("질문")


def test_answer_without_choices_is_a_failure(server):
    server.queue({"mode": "raw", "status": 200, "body": '{"object": "chat.completion"}'})
    with pytest.raises(ProcessFailed, match=r"choices\[0\]\.message"):
        backend_for(server).complete("질문")


def test_bad_request_is_not_retried(server):
    body = '{"error": {"message": "maximum context length is 8192 tokens"}}'
    server.queue({"mode": "status", "status": 400, "body": body})
    records: list[CallRecord] = []
    with pytest.raises(RequestRejected, match="maximum context length") as caught:
        call_llm(backend_for(server), "질문", purpose="draft", record=records.append)
    assert not caught.value.retryable
    assert len(server.requests) == 1 and len(records) == 1


def test_not_found_is_a_config_error(server):
    server.queue({"mode": "status", "status": 404, "body": "no such route"})
    with pytest.raises(BackendMisconfigured, match="openai_base_url"):
        backend_for(server).complete("질문")


def test_no_model_is_a_config_error(server):
    backend = get_backend("openai", BackendSettings(openai_base_url=server.base_url))
    with pytest.raises(BackendMisconfigured, match="모델이 정해지지 않았습니다"):
        backend.complete("질문")
    assert server.requests == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_an_outage_after_every_retry(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = BackendSettings(openai_base_url=f"http://127.0.0.1:{_closed_port()}/v1")
    backend = get_backend("openai", settings, model="m")
    records: list[CallRecord] = []
    with pytest.raises(BackendUnavailable, match="연결할 수 없습니다"):
        call_llm(backend, "질문", purpose="summary", record=records.append)
    assert [r.error.split(":")[0] for r in records] == ["unavailable"] * 3
