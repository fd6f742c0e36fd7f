"""Every CLI command is a new Python process (the suite starts a hundred of them), so the
CLI's imports leave out the heavy analysis libraries; the screens and the frames import them
when they are used."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pandas", "numpy", "panel", "bokeh", "holoviews", "kiwipiepy")
PROBE = f"""
import json, sys
import novelcraft.cli
print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))
"""


def test_importing_the_cli_leaves_out_the_analysis_libraries():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(out.stdout) == []


def test_a_frame_still_gets_pandas_when_it_is_built(workspace, sample_bible_path):
    slug = workspace.import_bible(sample_bible_path)
    frame = workspace.frame("metrics", slug)
    assert type(frame).__module__.startswith("pandas")
    assert list(frame.columns)[:4] == ["project", "season", "season_title", "episode"]
