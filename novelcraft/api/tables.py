"""Row sets as downloadable files: CSV (analysts' spreadsheets) and Parquet (notebooks).

Parquet is written by an in-memory DuckDB through its relation API (no SQL text, and no
pyarrow needed); the file lives in a private temporary folder only while it is written.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import duckdb
import pandas as pd

_memory: duckdb.DuckDBPyConnection | None = None
_memory_lock = threading.Lock()


def _cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of one in-memory database per process: opening a DuckDB connection costs
    tens of milliseconds (measured 78 ms on a busy machine), a cursor almost nothing, and
    cursors are independent, so threads may use theirs at once."""
    global _memory
    with _memory_lock:
        if _memory is None:
            _memory = duckdb.connect()
        return _memory.cursor()


def frame_to_parquet(frame: pd.DataFrame) -> bytes:
    with tempfile.TemporaryDirectory(prefix="novelcraft-parquet-") as tmp:
        target = Path(tmp) / "frame.parquet"
        con = _cursor()
        try:
            con.from_df(frame).write_parquet(str(target))
        finally:
            con.close()
        return target.read_bytes()


def parquet_to_frame(data: bytes) -> pd.DataFrame:
    with tempfile.TemporaryDirectory(prefix="novelcraft-parquet-") as tmp:
        source = Path(tmp) / "frame.parquet"
        source.write_bytes(data)
        con = _cursor()
        try:
            return con.read_parquet(str(source)).df()
        finally:
            con.close()


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")
