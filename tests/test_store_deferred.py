"""Deferred telemetry writes (`Store.defer`): they land with the writing thread's next
transaction, so a pipeline step commits once instead of once per log line and call record."""

from __future__ import annotations

import threading

import pytest

from novelcraft.store.connection import LOOSE_ROWS, Store
from novelcraft.store.jobs import log as log_line


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "t.duckdb")
    s.execute("CREATE TABLE notes (id INTEGER, text VARCHAR)")
    s.execute("CREATE TABLE other (id INTEGER)")
    s.execute("CREATE SEQUENCE seq_lines START 1")
    s.execute(
        "CREATE TABLE lines (id BIGINT DEFAULT nextval('seq_lines'), job VARCHAR, text VARCHAR)"
    )
    yield s
    s.close()


def _seen_elsewhere(store: Store, sql: str) -> list:
    """What another thread (another cursor, another transaction) reads."""
    out: list = []
    t = threading.Thread(target=lambda: out.extend(store.execute(sql).fetchall()))
    t.start()
    t.join()
    return out


def test_deferred_rows_land_with_the_next_transaction(store):
    store.defer("INSERT INTO notes VALUES (?, ?)", [1, "하나"])
    store.defer("INSERT INTO notes VALUES (?, ?)", [2, "둘"])
    assert _seen_elsewhere(store, "SELECT count(*) FROM notes") == [(0,)]
    with store.transaction() as cur:
        cur.execute("INSERT INTO other VALUES (7)")
    assert _seen_elsewhere(store, "SELECT id, text FROM notes ORDER BY id") == [
        (1, "하나"),
        (2, "둘"),
    ]
    assert _seen_elsewhere(store, "SELECT id FROM other") == [(7,)]


def test_a_rolled_back_transaction_keeps_the_deferred_rows_for_the_next_one(store):
    store.defer("INSERT INTO notes VALUES (?, ?)", [1, "기록"])
    with pytest.raises(RuntimeError), store.transaction() as cur:
        cur.execute("INSERT INTO other VALUES (1)")
        raise RuntimeError("step failed")
    assert _seen_elsewhere(store, "SELECT count(*) FROM notes") == [(0,)]
    store.flush()
    assert _seen_elsewhere(store, "SELECT id, text FROM notes") == [(1, "기록")]
    assert _seen_elsewhere(store, "SELECT count(*) FROM other") == [(0,)]


def test_a_nested_transaction_joins_the_outer_one(store):
    with pytest.raises(RuntimeError), store.transaction() as outer:
        outer.execute("INSERT INTO other VALUES (1)")
        with store.transaction() as inner:
            inner.execute("INSERT INTO other VALUES (2)")
        raise RuntimeError("the outer step fails after the inner one finished")
    assert store.scalar("SELECT count(*) FROM other") == 0
    with store.transaction() as outer:
        with store.transaction() as inner:
            inner.execute("INSERT INTO other VALUES (3)")
        outer.execute("INSERT INTO other VALUES (4)")
    assert _seen_elsewhere(store, "SELECT id FROM other ORDER BY id") == [(3,), (4,)]


def test_each_thread_defers_for_itself(store):
    def other_thread() -> None:
        store.defer("INSERT INTO notes VALUES (?, ?)", [9, "다른 스레드"])

    t = threading.Thread(target=other_thread)
    t.start()
    t.join()
    store.flush()  # this thread has nothing deferred: the other thread's row stays pending
    assert store.scalar("SELECT count(*) FROM notes") == 0


def test_close_writes_what_a_thread_left_deferred(tmp_path):
    path = tmp_path / "c.duckdb"
    store = Store(path)
    store.execute("CREATE TABLE notes (id INTEGER, text VARCHAR)")
    t = threading.Thread(target=lambda: store.defer("INSERT INTO notes VALUES (?, ?)", [5, "끝"]))
    t.start()
    t.join()
    store.close()
    reopened = Store(path)
    try:
        assert reopened.execute("SELECT id, text FROM notes").fetchall() == [(5, "끝")]
    finally:
        reopened.close()


def test_a_deferred_job_log_keeps_the_time_it_was_logged(workspace):
    store = workspace.store
    log_line(store, "job-1", "info", "먼저", defer=True)
    logged_at = store.scalar("SELECT now()::TIMESTAMP")
    log_line(store, "job-1", "info", "나중")  # immediate: it does not carry the deferred one
    store.flush()
    rows = store.execute(
        "SELECT message, ts FROM job_logs WHERE job_id = 'job-1' ORDER BY ts"
    ).fetchall()
    assert [m for m, _ in rows] == ["먼저", "나중"]
    assert rows[0][1] <= logged_at


def test_the_store_runs_its_statements_on_one_thread(store):
    # The store's statements touch a few rows each; DuckDB's thread pool only added overhead.
    assert store.scalar("SELECT current_setting('threads')") == 1
    assert _seen_elsewhere(store, "SELECT current_setting('threads')") == [(1,)]


LINE = "INSERT INTO lines (job, text) VALUES (?, ?)"


class _Statements:
    """The SQL a store's cursor runs, in order (a wrapper: DuckDB's cursor is a C object)."""

    def __init__(self, store: Store, monkeypatch):
        self.sql: list[str] = []
        real = store.cursor()
        seen = self.sql

        class Recording:
            def execute(self, sql, params=None):
                seen.append(sql)
                return real.execute(sql, params or [])

            def __getattr__(self, name):
                return getattr(real, name)

        monkeypatch.setattr(store, "cursor", lambda: Recording())


def test_loose_rows_wait_past_a_checkpoint_and_land_in_one_insert_when_flushed(store, monkeypatch):
    statements = _Statements(store, monkeypatch)
    for n in range(5):
        store.defer(LINE, ["job-1", f"줄 {n}"], loose=True)
    store.defer("INSERT INTO notes VALUES (?, ?)", [1, "체크포인트와 함께"])
    with store.transaction() as cur:
        cur.execute("INSERT INTO other VALUES (1)")
    # The bound row went with the checkpoint; the loose ones still wait.
    assert _seen_elsewhere(store, "SELECT count(*) FROM notes") == [(1,)]
    assert _seen_elsewhere(store, "SELECT count(*) FROM lines") == [(0,)]
    statements.sql.clear()
    with store.transaction(flush=True):
        pass
    inserts = [sql for sql in statements.sql if sql.startswith("INSERT")]
    assert inserts == [LINE.replace("(?, ?)", ", ".join(["(?, ?)"] * 5))]
    # In the order they were deferred, ids included.
    assert _seen_elsewhere(store, "SELECT id, text FROM lines ORDER BY id") == [
        (n + 1, f"줄 {n}") for n in range(5)
    ]


def test_enough_loose_rows_land_with_any_transaction(store):
    for n in range(LOOSE_ROWS):
        store.defer(LINE, ["job-1", str(n)], loose=True)
    with store.transaction():
        pass
    assert _seen_elsewhere(store, "SELECT count(*) FROM lines") == [(LOOSE_ROWS,)]


def test_a_flushing_transaction_inside_another_takes_the_loose_rows_with_the_outer_one(store):
    store.defer(LINE, ["job-1", "먼저"], loose=True)
    with pytest.raises(RuntimeError), store.transaction():
        with store.transaction(flush=True):
            pass
        raise RuntimeError("the outer step fails")
    assert _seen_elsewhere(store, "SELECT count(*) FROM lines") == [(0,)]
    store.defer(LINE, ["job-1", "나중"], loose=True)
    store.flush()  # the rolled-back row waited again, before the later one
    assert _seen_elsewhere(store, "SELECT text FROM lines ORDER BY id") == [("먼저",), ("나중",)]


def test_close_writes_loose_rows_too(tmp_path):
    path = tmp_path / "l.duckdb"
    store = Store(path)
    store.execute("CREATE TABLE lines (job VARCHAR, text VARCHAR)")
    for n in range(3):
        store.defer(LINE, ["job-1", str(n)], loose=True)
    store.close()
    reopened = Store(path)
    try:
        assert reopened.execute("SELECT text FROM lines").fetchall() == [("0",), ("1",), ("2",)]
    finally:
        reopened.close()


def test_only_a_one_row_insert_may_be_loose(store):
    with pytest.raises(ValueError, match="one-row INSERT"):
        store.defer("DELETE FROM lines WHERE job = ?", ["job-1"], loose=True)
