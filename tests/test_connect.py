"""`novelcraft.connect()`: local when it can own the store (and then it serves the API, as a
notebook owner must), remote when a live owner holds it, one clear error otherwise."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import novelcraft
from novelcraft.errors import WorkspaceBusy
from novelcraft.workspace import Workspace, WorkspacePaths

READER = textwrap.dedent("""
    import json, sys
    import novelcraft
    ws = novelcraft.connect(sys.argv[1], wait=0)
    print(json.dumps({"kind": type(ws).__name__, "pid": getattr(ws, "owner_pid", None),
                      "projects": [p.slug for p in ws.list_projects()]}))
    ws.close()
""")


def _read_from_another_process(ws_dir) -> dict:
    out = subprocess.run([sys.executable, "-c", READER, str(ws_dir)], capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_a_notebook_that_owns_the_workspace_serves_it_to_others(ws_dir, sample_bible_path):
    import os

    paths = WorkspacePaths(ws_dir)
    ws = novelcraft.connect(ws_dir, create=True)
    try:
        assert isinstance(ws, Workspace) and ws.serving
        slug = ws.import_bible(sample_bible_path)
        assert json.loads(paths.server.read_text())["pid"] == os.getpid()
        seen = _read_from_another_process(ws_dir)
        assert seen == {"kind": "RemoteWorkspace", "pid": os.getpid(), "projects": [slug]}
    finally:
        ws.close()
    assert not paths.server.exists()
    # Nobody owns it now: the other process gets the store itself.
    assert _read_from_another_process(ws_dir)["kind"] == "Workspace"


def test_a_busy_workspace_without_a_live_server_is_one_clear_error(ws_dir):
    paths = WorkspacePaths(ws_dir)
    with Workspace.open(ws_dir, create=True, command="novelcraft projects"):
        # A dead owner's server.json must not send us to its port.
        paths.server.write_text(json.dumps({"pid": 2**22 + 7, "url": "http://127.0.0.1:9/",
                                            "token": "x" * 40}))  # fmt: skip
        with pytest.raises(WorkspaceBusy, match="다른 프로세스가 쓰고 있습니다 \\(pid") as err:
            novelcraft.connect(ws_dir, wait=0.3)
        assert "\n" not in str(err.value) and "novelcraft projects" in str(err.value)


def test_connect_without_serving_and_a_stale_server_file(ws_dir):
    paths = WorkspacePaths(ws_dir)
    Workspace.open(ws_dir, create=True).close()
    paths.server.write_text(json.dumps({"pid": 2**22 + 7, "url": "http://127.0.0.1:9/",
                                        "token": "x" * 40}))  # fmt: skip
    with novelcraft.connect(ws_dir, serve=False) as ws:
        assert isinstance(ws, Workspace) and not ws.serving
        assert ws.list_projects() == []
