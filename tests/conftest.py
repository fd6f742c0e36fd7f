"""Shared fixtures. No test touches a real workspace: NOVELCRAFT_HOME points at a temp dir."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest

from novelcraft.workspace import Workspace


@dataclass
class CliResult:
    code: int
    out: str
    err: str


# Modules whose tests run servers, browsers or kernels for tens of seconds (`--durations`),
# longest first. They go first: on two workers (`make test`) the short modules then fill the
# end instead of one long module ending the run alone. The order within a module stays.
LONG_RUNNING = (
    "tests/ui/test_editor_integrity.py",
    "tests/ui/",
    "tests/test_serve_clients.py",
    "tests/test_notebooks.py",
    "tests/test_serve_auth.py",
    "tests/test_job_recovery.py",
)


def _run_first(item) -> int:
    prefixes = [i for i, prefix in enumerate(LONG_RUNNING) if item.nodeid.startswith(prefix)]
    return prefixes[0] if prefixes else len(LONG_RUNNING)


def pytest_collection_modifyitems(config, items):
    items.sort(key=_run_first)


# Modules too long for one worker, split into this many parts that `--dist loadscope` hands
# out like modules (each part starts the module's fixtures on its worker). The five
# keystroke runs of the editor-integrity module take a minute each; on one worker they were
# most of that worker's run and the suite's end waited for them.
SPLIT_MODULES = {"tests/ui/test_editor_integrity.py": 2}


def _part(nodeid: str, parts: int) -> int:
    """A parametrized test goes by its number (rounds alternate between parts), any other
    test to the last part, which has one round fewer."""
    number = re.search(r"\[(?:.*-)?(\d+)\]$", nodeid)  # "[chromium-3]": the browser comes first
    return int(number.group(1)) % parts if number else parts - 1


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SplitLongModules(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            parts = SPLIT_MODULES.get(scope)
            return f"{scope}#{_part(nodeid, parts)}" if parts else scope

    return SplitLongModules(config, log)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home-workspace"
    monkeypatch.setenv("NOVELCRAFT_HOME", str(home))
    return home


@pytest.fixture
def sample_bible_path() -> Path:
    return Path(str(resources.files("novelcraft").joinpath("data/sample_bible.yaml")))


@pytest.fixture
def sample_bible_text(sample_bible_path) -> str:
    return sample_bible_path.read_text(encoding="utf-8")


@pytest.fixture
def ws_dir(tmp_path) -> Path:
    return tmp_path / "ws"


@pytest.fixture
def workspace(ws_dir):
    ws = Workspace.open(ws_dir, create=True)
    yield ws
    ws.close()


@pytest.fixture
def cli(capsys):
    """Run the CLI in-process: exit code, stdout and stderr, exactly as a user sees them."""
    from novelcraft.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
