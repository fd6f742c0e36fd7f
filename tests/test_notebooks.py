"""The analyst's notebooks (DESIGN §14) run top to bottom on a small demo workspace while
`novelcraft serve` owns it (and once on a workspace the notebook opens itself), draw their
charts, and carry no outputs in git."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

import novelcraft
from novelcraft.api.record import read_record
from novelcraft.errors import BadInput, NotFound
from novelcraft.frame_schema import COLUMNS
from novelcraft.models import Season
from novelcraft.workspace import Workspace, WorkspacePaths

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# The charts each notebook draws whatever the data (a chart shown only when, say, a retry
# happened is not counted).
CHARTS = {"01_style_metrics.ipynb": 4, "02_guard_and_cost.ipynb": 3, "03_voice.ipynb": 4}
HOLOVIEWS_OUTPUT = "application/vnd.holoviews_exec.v0+json"
HANGUL = re.compile(r"[가-힣]")
SERVE_START_TIMEOUT = 120


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory):
    """Four episodes of the sample bible by the offline writer, in two seasons of two; and a
    copy of it that no server owns."""
    base = tmp_path_factory.mktemp("notebooks")
    root = base / "demo-workspace"
    with Workspace.open(root, create=True) as ws:
        slug = ws.import_bible(str(resources.files("novelcraft") / "data/sample_bible.yaml"))
        bible = ws.get_bible(slug)
        bible.seasons = [
            Season(number=1, title="하나", first_episode=1, last_episode=2),
            Season(number=2, title="둘", first_episode=3, last_episode=4),
        ]
        ws.replace_bible(slug, bible)
        ws.generate(slug, 1, 4)
        frames = {kind: ws.frame(kind, slug) for kind in COLUMNS}
    shutil.copytree(root, base / "unserved")
    return root, base / "unserved", slug, frames


@contextmanager
def serving(root: Path):
    """`novelcraft serve` owning the workspace in its own process until the block ends."""
    log_path = root.parent / "serve.log"
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "novelcraft", "--workspace", str(root), "serve", "--port",
             "0", "--no-browser", "--workers", "1"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + SERVE_START_TIMEOUT
            while (record := read_record(WorkspacePaths(root))) is None:
                assert proc.poll() is None, log_path.read_text(encoding="utf-8")
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
            yield record
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def served(demo_workspace):
    with serving(demo_workspace[0]) as record:
        yield record


def test_the_three_notebooks_exist():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(CHARTS)


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_notebook_is_committed_without_outputs(name):
    raw = (NOTEBOOKS / name).read_text(encoding="utf-8")
    assert '"output_type"' not in raw
    for cell in json.loads(raw)["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_notebook_opens_with_korean_and_connects_through_the_interface(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and len(HANGUL.findall(first.source)) > 100
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "analysis.workspace_dir()" in code and "novelcraft.connect(workspace)" in code
    assert ".store" not in code and "ws.close()" in nb.cells[-1].source


def _execute(name: str) -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    # A failing cell raises CellExecutionError, naming the cell and its traceback.
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    return nb


def _outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _check_run(nb, name: str, root: Path, slug: str, frames: dict) -> str:
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert f"작업 공간: {root}" in printed and f"작품: {slug}" in printed
    assert "Traceback" not in printed and "WARNING" not in printed
    charts = [o for o in outputs if HOLOVIEWS_OUTPUT in o.get("data", {})]
    assert len(charts) >= CHARTS[name]
    if name == "01_style_metrics.ipynb":
        assert f"측정 {len(frames['metrics'])}건, 최종 원고 4화" in printed
    return "".join(o.get("data", {}).get("text/html", "") for o in outputs)


def test_frames_through_the_running_server_equal_the_local_ones(demo_workspace, served):
    root, _, slug, frames = demo_workspace
    ws = novelcraft.connect(root)
    try:
        assert ws.is_local is False, "serve owns the workspace"
        for kind, local in frames.items():
            pd.testing.assert_frame_equal(ws.frame(kind, slug), local)
            pd.testing.assert_frame_equal(ws.frame(kind), local)  # every project: the one
        assert ws.dashboard_url() == served.url
        with pytest.raises(BadInput, match="알 수 없는 프레임 종류입니다"):
            ws.frame("secrets", slug)
        with pytest.raises(NotFound):
            ws.frame("metrics", "no-such-project")
    finally:
        ws.close()


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_notebook_runs_while_serve_owns_the_workspace(name, demo_workspace, served, monkeypatch):
    """The dashboard is running: the notebook reaches its API through connect()."""
    root, _, slug, frames = demo_workspace
    monkeypatch.setenv("NOVELCRAFT_HOME", str(root))
    nb = _execute(name)
    html = _check_run(nb, name, root, slug, frames)
    if name == "01_style_metrics.ipynb":
        link = f"{served.url.rstrip('/')}/?screen=editor&project={slug}&episode="
        assert link in html
    assert read_record(WorkspacePaths(root)).pid == served.pid  # serve still owns it


def test_a_notebook_runs_on_a_workspace_it_opens_itself(demo_workspace, monkeypatch):
    _, root, slug, frames = demo_workspace
    monkeypatch.setenv("NOVELCRAFT_HOME", str(root))
    html = _check_run(_execute("01_style_metrics.ipynb"), "01_style_metrics.ipynb", root,
                      slug, frames)  # fmt: skip
    assert "screen=editor" not in html  # no dashboard runs, so no links
    # The notebook handed the workspace back: this process can open it again.
    Workspace.open(root).close()
