"""The analyst's notebooks (DESIGN §14) run top to bottom on a small demo workspace and draw
their charts; in git they carry no outputs."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from novelcraft.models import Season
from novelcraft.workspace import Workspace

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# The charts each notebook draws whatever the data (a chart shown only when, say, a retry
# happened is not counted).
CHARTS = {"01_style_metrics.ipynb": 4, "02_guard_and_cost.ipynb": 3, "03_voice.ipynb": 4}
HOLOVIEWS_OUTPUT = "application/vnd.holoviews_exec.v0+json"
HANGUL = re.compile(r"[가-힣]")


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory):
    """Four episodes of the sample bible by the offline writer, in two seasons of two."""
    root = tmp_path_factory.mktemp("notebooks") / "demo-workspace"
    with Workspace.open(root, create=True) as ws:
        slug = ws.import_bible(str(resources.files("novelcraft") / "data/sample_bible.yaml"))
        bible = ws.get_bible(slug)
        bible.seasons = [
            Season(number=1, title="하나", first_episode=1, last_episode=2),
            Season(number=2, title="둘", first_episode=3, last_episode=4),
        ]
        ws.replace_bible(slug, bible)
        ws.generate(slug, 1, 4)
        measurements = len(ws.frame("metrics", slug))
    return root, slug, measurements


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


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_notebook_runs_top_to_bottom_and_draws_charts(name, demo_workspace, monkeypatch):
    root, slug, measurements = demo_workspace
    monkeypatch.setenv("NOVELCRAFT_HOME", str(root))
    nb = _execute(name)
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert f"작업 공간: {root}" in printed and f"작품: {slug}" in printed
    assert "Traceback" not in printed and "WARNING" not in printed
    charts = [o for o in outputs if HOLOVIEWS_OUTPUT in o.get("data", {})]
    assert len(charts) >= CHARTS[name]
    if name == "01_style_metrics.ipynb":
        assert f"측정 {measurements}건, 최종 원고 4화" in printed
    # The notebook handed the workspace back: this process can open it again.
    Workspace.open(root).close()
