"""How commands print: JSON for scripts, aligned tables for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date, datetime

import click
from rich import box
from rich.console import Console
from rich.table import Table


def _default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_default))


def console(stream=None) -> Console:
    """A rich console on `stream` (stdout by default, looked up now so test capture works).

    Off a terminal nothing is coloured or wrapped: a log or a pipe gets each row on one line,
    however wide, so scripts can read it.
    """
    stream = stream or sys.stdout
    tty = stream.isatty()
    return Console(
        file=stream,
        width=None if tty else 10_000,
        force_terminal=tty,
        no_color=not tty,
        highlight=False,
        emoji=False,
        markup=False,
    )


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Aligned columns under a header rule; rich measures Hangul and emoji as two columns."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, header_style="bold")
    for header in headers:
        table.add_column(str(header), overflow="fold")
    for row in rows:
        table.add_row(*("" if c is None else str(c) for c in row))
    out = console()
    with out.capture() as captured:
        out.print(table)
    # rich pads every cell to its column; trailing blanks only get in the way of a reader.
    for line in captured.get().splitlines():
        if line.strip():
            click.echo(line.rstrip())
