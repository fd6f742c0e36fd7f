"""Browser tests: pytest-playwright on Debian's /usr/bin/chromium (never `playwright
install`), against a real `novelcraft serve` started in a subprocess on a free port, with the
offline backend and a temp workspace. Screenshots go to tests/ui/artifacts/."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest

from novelcraft.dashboards.server import free_port
from novelcraft.workspace import Workspace

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
# A few seconds on a quiet machine; the suite runs on two workers beside other work.
START_TIMEOUT = 120
SAMPLE_BIBLE = Path(str(resources.files("novelcraft").joinpath("data/sample_bible.yaml")))


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        # The GPU work in the browser process and no GPU compositing (there is no GPU):
        # about a fifth less Chromium CPU per typed key, measured on the editor-integrity run,
        # and the suite is bound by CPU on two cores. Screenshots look the same.
        "args": ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-dev-shm-usage", "--no-first-run", "--in-process-gpu",
                 "--disable-gpu-compositing", "--disable-smooth-scrolling",
                 "--disable-renderer-backgrounding",
                 "--disable-features=Translate,OptimizationHints,MediaRouter,PaintHolding"],
    }  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args():
    return {"viewport": {"width": 1400, "height": 1000}, "accept_downloads": True}


@dataclass
class Server:
    workspace: Path
    port: int
    slug: str = ""
    proc: subprocess.Popen | None = None
    stderr: str = ""  # what the server printed, once stopped

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def start(self) -> Server:
        env = dict(os.environ, NOVELCRAFT_HOME=str(self.workspace))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "novelcraft", "--workspace", str(self.workspace), "serve",
             "--port", str(self.port), "--no-browser", "--workers", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            server_file = self.workspace / "server.json"
            if server_file.exists() and json.loads(server_file.read_text())["pid"] == self.proc.pid:
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stderr.read()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not start in {START_TIMEOUT} s")
            time.sleep(0.2)

    def stop(self) -> str:
        if self.proc is None or self.proc.poll() is not None:
            return ""
        self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        self.stderr = err
        return err


def seeded_workspace(root: Path, episodes: int) -> str:
    """The sample project with `episodes` episodes by the offline writer; returns its slug."""
    with Workspace.open(root, create=True) as ws:
        slug = ws.import_bible(SAMPLE_BIBLE)
        if episodes:
            ws.generate(slug, 1, episodes, ws.backend("offline"))
    return slug


@contextmanager
def seeded_server(tmp_path_factory, name: str, episodes: int) -> Iterator[Server]:
    """A server over a new workspace holding the sample project with `episodes` episodes;
    it must stop cleanly (exit code 0) when the block ends."""
    root = tmp_path_factory.mktemp(name) / "ws"
    server = Server(root, free_port(), slug=seeded_workspace(root, episodes)).start()
    try:
        yield server
    finally:
        err = server.stop()
    assert server.proc.returncode == 0, err


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server over a workspace holding the sample project with two episodes."""
    with seeded_server(tmp_path_factory, "ui", 2) as server:
        yield server


class ConsoleLog:
    """Errors the page printed or threw; Chromium's GPU chatter is not ours."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append(f"console: {msg.text}")


@pytest.fixture
def console(page):
    return ConsoleLog(page)


def shoot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_screen(
    page, server: Server, screen: str, *, project: str | None = None, episode: int = 1, ready: str
) -> None:
    """Go to a screen and wait until `ready` (a selector) is visible."""
    query = f"screen={screen}&project={project or server.slug}&episode={episode}"
    page.goto(f"{server.url}/?{query}", wait_until="domcontentloaded")
    page.locator(ready).first.wait_for(state="visible", timeout=60000)
