"""One long-lived DuckDB connection per owner process, a cursor per thread.

DuckDB connections are not safe to share between threads, but cursors made from one connection
are independent connections to the same database, so each thread gets its own. Opening a
database costs ~50 ms, so the owner keeps it open for its whole life (FACTS: DuckDB).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from novelcraft.errors import OperationFailed, WorkspaceBusy

# Extensions that are not built in would be downloaded, which fails offline; never try.
_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class Store:
    def __init__(self, path: Path | str):
        self.path = str(path)
        try:
            self._conn = duckdb.connect(self.path, config=_CONFIG)
        except duckdb.IOException as exc:
            message = str(exc)
            if "lock" in message.lower():
                pid = re.search(r"PID (\d+)", message)
                owner = f" (pid {pid.group(1)})" if pid else ""
                raise WorkspaceBusy(
                    f"데이터베이스 {self.path}을(를) 다른 프로세스가 쓰고 있습니다{owner}"
                ) from None
            raise OperationFailed(
                f"데이터베이스 {self.path}을(를) 열 수 없습니다: {message.splitlines()[0][:200]}"
            ) from None
        except duckdb.Error as exc:
            raise OperationFailed(f"데이터베이스 {self.path}을(를) 열 수 없습니다: {exc}") from None
        self._conn.execute("SET TimeZone = 'UTC'")
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._guard = threading.Lock()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._conn.cursor()
            cur.execute("SET TimeZone = 'UTC'")
            self._local.cursor = cur
            with self._guard:
                self._cursors.append(cur)
        return cur

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All statements inside commit together or not at all."""
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        else:
            cur.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> duckdb.DuckDBPyConnection:
        return self.cursor().execute(sql, params or [])

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        cur = self.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def row(self, sql: str, params: Sequence[Any] | None = None) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        got = self.execute(sql, params).fetchone()
        return got[0] if got else None

    def table_names(self) -> list[str]:
        return [
            r[0]
            for r in self.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' ORDER BY table_name"
            ).fetchall()
        ]

    def close(self) -> None:
        with self._guard:
            for cur in self._cursors:
                cur.close()
            self._cursors.clear()
        self._local = threading.local()
        self._conn.close()


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def from_json(value: Any, default: Any = None) -> Any:
    if value is None:
        return default
    if isinstance(value, str):
        return json.loads(value)
    return value
