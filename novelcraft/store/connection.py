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
from datetime import UTC, datetime
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
        # One thread: the store's statements read or write a few rows each (the largest scan
        # is a workspace's few thousand metric rows), and handing each to DuckDB's thread pool
        # cost more than it saved: ~10 % of a batch's CPU in the owner (issue 15, measured).
        self._conn.execute("SET threads = 1")
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._guard = threading.Lock()
        # Deferred writes of each thread (see `defer`), by thread id, so `close` finds them all.
        self._pending: dict[int, _Deferred] = {}

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
    def transaction(self, *, flush: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """All statements inside commit together or not at all, with this thread's deferred
        writes (its loose ones when enough wait, or all of them with `flush`; see `defer`). A
        transaction opened inside another one joins it."""
        cur = self.cursor()
        if getattr(self._local, "depth", 0):
            self._local.depth += 1
            try:
                if flush:
                    loose = self._deferred().take_loose()
                    self._local.taken[1].extend(loose)
                    _write_loose(cur, loose)
                yield cur
            finally:
                self._local.depth -= 1
            return
        deferred = self._deferred()
        taken = (deferred.take_bound(), deferred.take_loose(at_least=1 if flush else LOOSE_ROWS))
        cur.execute("BEGIN TRANSACTION")
        self._local.depth, self._local.taken = 1, taken
        try:
            _write_deferred(cur, *taken)
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            deferred.put_back(*taken)
            raise
        else:
            cur.execute("COMMIT")
        finally:
            self._local.depth, self._local.taken = 0, None

    # --- deferred writes ------------------------------------------------------------------

    def defer(self, sql: str, params: Sequence[Any], *, loose: bool = False) -> None:
        """Write a row of telemetry (a log line, an LLM call, a metrics row) with this thread's
        next transaction instead of in a commit of its own.

        Each commit syncs the write-ahead log to disk, and a pipeline step used to pay for
        several (its log lines, every call record, the metrics) before the commit of its own
        checkpoint. Deferred rows are only ever inserted (or replaced: a delete, then an insert),
        never read back by the writing thread before they land. Whoever defers must `flush`
        before it waits (for a model, a backoff, the next job): what is deferred is invisible
        to other threads until then.

        `loose` rows (log lines and call records: one-row INSERTs into tables nobody deletes
        from) need not land with the next checkpoint: they wait until `LOOSE_ROWS` of them
        have piled up, or a transaction asks for them (`flush`: the end of an episode, of a
        job, a wait), and then land as one multi-row INSERT per table. A writer that answers
        at once makes ~12 of them an episode, and one statement each cost ~1 ms of the owner's
        CPU (issue 15).
        """
        if loose and not _ONE_ROW_INSERT.match(sql):
            raise ValueError(f"a loose row must be a one-row INSERT ... VALUES (?, ...): {sql}")
        deferred = self._deferred()
        (deferred.loose if loose else deferred.bound).append((sql, list(params)))

    def flush(self) -> None:
        """Commit this thread's deferred writes now (nothing to do when there are none)."""
        deferred = self._pending.get(threading.get_ident())
        if deferred and not getattr(self._local, "depth", 0):
            with self.transaction(flush=True):
                pass

    def _deferred(self) -> _Deferred:
        deferred = self._pending.get(threading.get_ident())
        if deferred is None:
            with self._guard:
                deferred = self._pending.setdefault(threading.get_ident(), _Deferred())
        return deferred

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
        # Rows other threads deferred and never flushed (a job that died between a call record
        # and its checkpoint) still land: they were measured, so they are kept.
        with self._guard:
            leftover = list(self._pending.values())
            self._pending.clear()
        bound = [row for d in leftover for row in d.bound]
        loose = [row for d in leftover for row in d.loose]
        if bound or loose:
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                _write_deferred(cur, bound, loose)
            except duckdb.Error:
                cur.execute("ROLLBACK")  # the database is closing anyway; telemetry only
            else:
                cur.execute("COMMIT")
        with self._guard:
            for cur in self._cursors:
                cur.close()
            self._cursors.clear()
        self._local = threading.local()
        self._conn.close()


class _Deferred:
    """One thread's deferred rows: `bound` land with its next transaction, `loose` ones when
    enough wait or when asked (`Store.defer`). Only that thread touches them."""

    def __init__(self) -> None:
        self.bound: list[tuple[str, list[Any]]] = []
        self.loose: list[tuple[str, list[Any]]] = []

    def __bool__(self) -> bool:
        return bool(self.bound or self.loose)

    def take_bound(self) -> list[tuple[str, list[Any]]]:
        taken, self.bound = self.bound, []
        return taken

    def take_loose(self, at_least: int = 1) -> list[tuple[str, list[Any]]]:
        if len(self.loose) < at_least:
            return []
        taken, self.loose = self.loose, []
        return taken

    def put_back(self, bound: list, loose: list) -> None:
        """After a rollback: the rows wait again, in their order, before any deferred since."""
        self.bound[:0] = bound
        self.loose[:0] = loose


# Loose rows a transaction writes without being asked: ~2-3 episodes' worth of a writer that
# answers at once, so they are seen within a second or so even between flushes.
LOOSE_ROWS = 32
# Rows per multi-row INSERT: keeps a statement's parameters (14 a call record) in the hundreds.
_ROWS_PER_INSERT = 50
_ONE_ROW_INSERT = re.compile(r"^(INSERT INTO \w+ \([\w, ]+\) VALUES )(\((?:\?, )*\?\))$")


def _write_deferred(cur: duckdb.DuckDBPyConnection, bound: list, loose: list) -> None:
    """Bound rows one by one in their order (a delete may precede its insert), then loose ones."""
    for sql, params in bound:
        cur.execute(sql, params)
    _write_loose(cur, loose)


def _write_loose(cur: duckdb.DuckDBPyConnection, rows: list[tuple[str, list[Any]]]) -> None:
    """Loose rows as one INSERT per table (and per `_ROWS_PER_INSERT`), each table's rows in
    the order they were deferred (so ids from a sequence follow it)."""
    by_sql: dict[str, list[list[Any]]] = {}
    for sql, params in rows:
        by_sql.setdefault(sql, []).append(params)
    for sql, all_params in by_sql.items():
        head, group = _ONE_ROW_INSERT.match(sql).groups()
        for start in range(0, len(all_params), _ROWS_PER_INSERT):
            chunk = all_params[start : start + _ROWS_PER_INSERT]
            cur.execute(
                head + ", ".join([group] * len(chunk)), [p for params in chunk for p in params]
            )


def utc_now() -> datetime:
    """Now as the TIMESTAMP columns hold it (UTC, naive): for a deferred row's own time."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def from_json(value: Any, default: Any = None) -> Any:
    if value is None:
        return default
    if isinstance(value, str):
        return json.loads(value)
    return value
