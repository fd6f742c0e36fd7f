"""Operator logs never carry a key: every handler formats through the redacting formatter,
tracebacks included, and the CLI and the worker install it at start."""

from __future__ import annotations

import io
import logging
import os
import secrets
import subprocess
import sys
import textwrap

import pytest

from novelcraft.log_redaction import RedactingFormatter, redact_logging

KEY = "sk-test-" + secrets.token_hex(20)


@pytest.fixture
def root_stream(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream, handler
    finally:
        root.removeHandler(handler)


def test_a_key_in_a_message_and_a_traceback_is_masked(root_stream):
    stream, handler = root_stream
    redact_logging()
    log = logging.getLogger("novelcraft.jobs")
    log.warning("backend said: Authorization: Bearer %s (retrying)", KEY)
    try:
        raise RuntimeError(f"request failed with api_key={KEY}")
    except RuntimeError:
        log.exception("task failed")
    text = stream.getvalue()
    assert KEY not in text and KEY[8:20] not in text
    # The rest of each record survives: its logger, its words and the traceback.
    assert "novelcraft.jobs WARNING backend said:" in text
    assert "(retrying)" in text
    assert "Traceback (most recent call last)" in text and "RuntimeError" in text
    assert isinstance(handler.formatter, RedactingFormatter)


def test_wrapping_twice_keeps_one_layer_and_the_inner_format(root_stream):
    stream, handler = root_stream
    redact_logging()
    redact_logging()
    assert not isinstance(handler.formatter.inner, RedactingFormatter)
    logging.getLogger("huey").error("plain line")
    assert stream.getvalue() == "huey ERROR plain line\n"


def test_the_cli_entry_masks_what_any_logger_prints_later(tmp_path):
    # No handler configured: Python's last-resort handler prints warnings to stderr.
    script = textwrap.dedent(
        """
        import logging, os
        from novelcraft.cli import main
        try:
            main(["--version"])
        except SystemExit:
            pass
        logging.getLogger("novelcraft.owner").warning("key %s", os.environ["OPENAI_API_KEY"])
        """
    )
    env = {**os.environ, "OPENAI_API_KEY": KEY}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "key ***" in done.stderr
    assert KEY not in done.stderr + done.stdout
