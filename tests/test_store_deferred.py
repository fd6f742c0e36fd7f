"""Deferred telemetry writes (`Store.defer`): they land with the writing thread's next
transaction, so a pipeline step commits once instead of once per log line and call record."""

from __future__ import annotations

import threading

import pytest

from novelcraft.store.connection import Store
from novelcraft.store.jobs import log as log_line


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "t.duckdb")
    s.execute("CREATE TABLE notes (id INTEGER, text VARCHAR)")
    s.execute("CREATE TABLE other (id INTEGER)")
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
