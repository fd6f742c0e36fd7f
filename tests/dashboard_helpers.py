"""Helpers for the dashboard screen tests: a workspace with the sample project, and jobs run
by a real embedded consumer (DESIGN §12: real DuckDB, real huey SQLite, real threads)."""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

from novelcraft.dashboards.state import AppState

SAMPLE_BIBLE = Path(str(resources.files("novelcraft").joinpath("data/sample_bible.yaml")))


def sample_state(ws, episodes: int = 0, **params) -> AppState:
    """An AppState on a new project from the sample bible, with `episodes` written offline."""
    slug = ws.import_bible(SAMPLE_BIBLE)
    if episodes:
        ws.generate(slug, 1, episodes, ws.backend("offline"))
    return AppState(ws=ws, project=slug, **params)


def wait_for(predicate, timeout: float = 60.0, poll=None, interval: float = 0.1):
    """Call `poll` (a screen's poll) until `predicate()` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if poll is not None:
            poll()
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
