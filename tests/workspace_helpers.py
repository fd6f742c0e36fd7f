"""Helpers for tests that look at whole workspaces or run the CLI as a separate process."""

from __future__ import annotations

import subprocess
import sys

from novelcraft.workspace import Workspace


def run_cli_subprocess(*args: str, env: dict | None = None, input: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "novelcraft", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        input=input,
        timeout=120,
    )


def dump_database(ws: Workspace) -> dict[str, list[tuple]]:
    """Every row of every table, ordered: two workspaces are identical iff these are equal."""
    out = {}
    for table in ws.store.table_names():
        columns = [
            r[0]
            for r in ws.store.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [table],
            ).fetchall()
        ]
        order = ", ".join(f'"{c}"' for c in columns)
        out[table] = ws.store.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()
    return out
