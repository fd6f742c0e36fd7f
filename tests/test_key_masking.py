"""No part of an API key, or of an Authorization/api-key header value, is ever stored, logged
or shown: masked first, then cut, with the key at every offset of an error body."""

from __future__ import annotations

import json
import secrets

import pytest
from fake_llm import FakeCodex, FakeOpenAIServer, ScriptedBackend

from novelcraft.backends import get_backend
from novelcraft.backends.base import BackendError, ProcessFailed
from novelcraft.backends.codex_cli import CodexBackend
from novelcraft.backends.retry import CallRecord, call_llm
from novelcraft.redact import redact, safe_line
from novelcraft.settings import BackendSettings
from novelcraft.store import generation as gen
from novelcraft.store import jobs as job_rows

KEY = "sk-test-" + secrets.token_hex(20)
# Longer than the 300-character cut, so the key crosses it at some offsets.
BODY_LENGTH = 420
FILLER = "서버 오류 " * 200


def body_with_key_at(offset: int) -> str:
    return (FILLER[:offset] + KEY + FILLER)[:BODY_LENGTH]


def leaked(text: str | None, key: str = KEY, fragment: int = 6) -> list[str]:
    """Every piece of `key` at least `fragment` characters long that occurs in `text`."""
    text = text or ""
    return [
        key[i : i + fragment]
        for i in range(len(key) - fragment + 1)
        if key[i : i + fragment] in text
    ]


OFFSETS = range(0, BODY_LENGTH - len(KEY) + 1)


@pytest.fixture
def clean_env(monkeypatch):
    for var in ("OPENAI_API_KEY", "CODEX_API_KEY", "MY_LLM_KEY", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(var, raising=False)
        monkeypatch.delenv(var.lower(), raising=False)


def test_openai_error_bodies_never_leak_the_key(clean_env, monkeypatch):
    # A variable name no pattern would guess: the backend itself must mask what it sent.
    monkeypatch.setenv("MY_LLM_KEY", KEY)
    with FakeOpenAIServer() as server:
        backend = get_backend(
            "openai",
            BackendSettings(openai_base_url=server.base_url, openai_key_env="MY_LLM_KEY"),
            model="m",
        )
        for offset in OFFSETS:
            body = body_with_key_at(offset)
            if offset % 2:
                body = json.dumps({"error": {"message": body}}, ensure_ascii=False)
            server.queue({"mode": "status", "status": 500, "body": body})
            with pytest.raises(ProcessFailed) as caught:
                backend.complete("질문")
            assert leaked(str(caught.value)) == [], offset
        assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"


def _failed_turn(message: str) -> str:
    events = [
        {"type": "thread.started", "thread_id": "t"},
        {"type": "turn.started"},
        {"type": "error", "message": message},
        {"type": "turn.failed", "error": {"message": message}},
    ]
    return "\n".join(json.dumps(e, ensure_ascii=False) for e in events)


def test_codex_failures_never_leak_the_key(clean_env, monkeypatch):
    monkeypatch.setenv("CODEX_API_KEY", KEY)
    for offset in OFFSETS:
        body = body_with_key_at(offset)
        for stdout, stderr, code in (
            (_failed_turn(body), "", 1),
            ("", f"fatal: {body}", 1),
            ("", f"error: {body}\n\nUsage: codex exec", 2),
            (_failed_turn(f"429 usage limit {body}"), "", 1),
        ):
            with pytest.raises(BackendError) as caught:
                CodexBackend._answer(code, stdout, stderr)
            assert leaked(str(caught.value)) == [], (offset, stderr[:10])


def test_codex_end_to_end_with_the_fake_binary(clean_env, monkeypatch, tmp_path):
    monkeypatch.setenv("CODEX_API_KEY", KEY)
    fake = FakeCodex(tmp_path, monkeypatch)
    backend = get_backend("codex", BackendSettings(), model="m")
    for offset in (0, 290, 299, BODY_LENGTH - len(KEY)):
        fake.queue({"mode": "turn.failed", "message": body_with_key_at(offset)})
        with pytest.raises(BackendError) as caught:
            backend.complete("질문", options={"timeout": 60})
        assert leaked(str(caught.value)) == [], offset


def test_retry_records_never_hold_the_key(clean_env, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    for offset in range(0, BODY_LENGTH - len(KEY) + 1, 7):
        backend = ScriptedBackend(
            script=[ProcessFailed(body_with_key_at(offset)), "답"], default="답"
        )
        records: list[CallRecord] = []
        call_llm(backend, "질문", purpose="summary", record=records.append, sleep=lambda s: None)
        assert records[0].ok is False and "***" in records[0].error
        assert leaked(repr(records)) == [], offset


def _record(error: str) -> CallRecord:
    return CallRecord(
        backend="openai", model="m", purpose="summary", prompt_chars=1, output_chars=0,
        prompt_tokens=None, output_tokens=None, duration_ms=1.0, ok=False, error=error, attempt=1,
    )  # fmt: skip


def test_llm_calls_job_errors_and_logs_are_masked_at_the_store(workspace, clean_env, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    for offset in range(0, BODY_LENGTH - len(KEY) + 1, 5):
        gen.record_call(workspace.store, _record(body_with_key_at(offset)), job_id=None, pid=None)
    headers = "upstream said: Authorization: Bearer zq8Xw2LmN4pQ7rT1 and api-key: 9f8e7d6c5b4a3z"
    gen.record_call(workspace.store, _record(headers), job_id=None, pid=None)
    workspace.store.flush()  # call records are deferred to the step's next commit
    errors = [r[0] for r in workspace.store.execute("SELECT error FROM llm_calls").fetchall()]
    assert all(leaked(e) == [] for e in errors)
    assert "zq8Xw2LmN4pQ7rT1" not in errors[-1] and "9f8e7d6c5b4a3z" not in errors[-1]
    assert "Authorization: Bearer ***" in errors[-1]

    workspace.store.execute(
        "INSERT INTO generation_jobs (id, job_type, status) VALUES ('j1', 'batch', 'running')"
    )
    job_rows.log(workspace.store, "j1", "error", f"실패: {body_with_key_at(3)}")
    job_rows.finish(workspace.store, "j1", "failed", error=f"openai: {KEY}")
    row = workspace.store.row("SELECT error FROM generation_jobs WHERE id = 'j1'")
    assert leaked(row["error"]) == []
    assert all(leaked(line.message) == [] for line in job_rows.logs(workspace.store, "j1"))


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('{"headers": {"Authorization": "Bearer abcdefgh12345678"}}', "abcdefgh12345678"),
        ("api-key=QWERTYUIOPASDF", "QWERTYUIOPASDF"),
        ("x-api-key: zzzzzzzzzzzzzzzz", "zzzzzzzzzzzzzzzz"),
        ("proxy-authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
        ("key sk-proj-AbCdEfGhIjKlMnOpQrSt in text", "sk-proj-AbCdEfGhIjKlMnOpQrSt"),
    ],
)
def test_header_values_and_key_shapes_are_masked_without_knowing_the_key(clean_env, text, secret):
    assert secret not in redact(text)


def test_mask_then_cut_keeps_no_half_key():
    for offset in OFFSETS:
        line = safe_line(body_with_key_at(offset), 300, [KEY])
        assert len(line) <= 300 and leaked(line) == [], offset
