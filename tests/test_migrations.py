"""Named forward-only migrations: an older database upgrades in place, keeping its rows."""

from __future__ import annotations

import pytest

from novelcraft.errors import OperationFailed
from novelcraft.store import MIGRATIONS, Store, apply_migrations
from novelcraft.store.migrations import applied_migrations
from novelcraft.workspace import Workspace


def _old_database(path):
    """A workspace database as the first release wrote it: only m001, with data in it."""
    store = Store(path)
    assert apply_migrations(store, MIGRATIONS[:1]) == ["m001_core"]
    store.execute("INSERT INTO projects (slug, name, genre) VALUES ('old', '옛 작품', '무협')")
    store.execute(
        "INSERT INTO episodes (project_id, episode_number, title, content, length)"
        " VALUES (1, 1, '서장', '옛날 옛적에', 5)"
    )
    store.close()


def test_older_database_is_upgraded_and_keeps_its_rows(ws_dir):
    ws_dir.mkdir()
    _old_database(ws_dir / "novelcraft.duckdb")
    with Workspace.open(ws_dir) as ws:
        names = applied_migrations(ws.store.cursor())
        assert names == [m.__name__ for m in MIGRATIONS]
        assert {"episode_events", "generation_jobs", "llm_calls"} <= set(ws.store.table_names())
        episode = ws.get_episode("old", 1)
        assert episode.content == "옛날 옛적에"
        assert episode.revision == 0 and episode.context_stale is False
        saved = ws.save_episode("old", 1, "새 본문", expected_revision=0)
        assert saved.revision == 1


def test_migrations_run_once(tmp_path):
    store = Store(tmp_path / "db.duckdb")
    assert len(apply_migrations(store)) == len(MIGRATIONS)
    assert apply_migrations(store) == []
    store.close()


def test_migration_names_are_unique_and_ordered():
    names = [m.__name__ for m in MIGRATIONS]
    assert len(set(names)) == len(names)
    assert names == sorted(names)
    assert all(name.startswith(f"m{i:03d}_") for i, name in enumerate(names, 1))


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    store = Store(tmp_path / "db.duckdb")
    apply_migrations(store)
    store.execute("INSERT INTO schema_migrations (name) VALUES ('m999_future')")
    with pytest.raises(OperationFailed, match="m999_future"):
        apply_migrations(store)
    store.close()


def test_a_failing_migration_leaves_nothing_behind(tmp_path):
    def m002_broken(cur):
        cur.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("disk full")

    store = Store(tmp_path / "db.duckdb")
    with pytest.raises(RuntimeError):
        apply_migrations(store, [MIGRATIONS[0], m002_broken])
    assert "half_done" not in store.table_names()
    assert applied_migrations(store.cursor()) == ["m001_core"]
    store.close()
