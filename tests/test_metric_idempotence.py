"""A crash between recording metrics and the step's checkpoint never leaves two rows for one
(episode, stage, attempt); m006 removes the duplicates older versions left behind."""

from __future__ import annotations

import duckdb
import pytest

from novelcraft.backends.offline import OfflineBackend
from novelcraft.pipeline import generate_episode
from novelcraft.store import Store, apply_migrations
from novelcraft.store import generation as gen
from novelcraft.store.migrations import MIGRATIONS


class SimulatedCrash(BaseException):
    """Stands in for kill -9: nothing after it in the step runs."""


def _keys(ws, slug):
    return ws.store.execute(
        "SELECT episode_number, stage, attempt, count(*) FROM episode_metrics "
        "WHERE project_id = ? GROUP BY ALL ORDER BY ALL",
        [ws.project_id(slug)],
    ).fetchall()


@pytest.mark.parametrize("crash_at", ["pass1", "pass2-or-edit"])
def test_rerun_after_a_crash_before_the_checkpoint_adds_no_second_row(
    workspace, sample_bible_path, monkeypatch, crash_at
):
    slug = workspace.import_bible(sample_bible_path)
    # A model that takes its time: the pipeline commits what it deferred (a failed draft's
    # metrics among it) before each call, so a crash can fall between those rows and the
    # checkpoint. (A writer that answers at once gets no such commit.)
    workspace.settings.backend.offline_latency = 0.001
    real_save_text, real_save_state = gen.save_text, gen.save_state
    crashed = []

    def crash_once(kind_matches):
        def wrapper(real):
            def call(*args, **kwargs):
                if not crashed and kind_matches(args, kwargs):
                    crashed.append(True)
                    raise SimulatedCrash
                return real(*args, **kwargs)

            return call

        return wrapper

    if crash_at == "pass1":
        monkeypatch.setattr(
            gen, "save_text", crash_once(lambda a, k: a[3] == "pass1")(real_save_text)
        )
    else:  # the edit step ends in save_text("pass2") or save_state(step="edit")
        monkeypatch.setattr(
            gen, "save_text", crash_once(lambda a, k: a[3] == "pass2")(real_save_text)
        )
        monkeypatch.setattr(
            gen, "save_state", crash_once(lambda a, k: a[2].get("step") == "edit")(real_save_state)
        )
    run = workspace.run(slug, OfflineBackend(workspace.settings.backend))
    with pytest.raises(SimulatedCrash):
        generate_episode(run, 1)
    recorded = _keys(workspace, slug)
    assert recorded, "the metrics were recorded before the crash"

    monkeypatch.setattr(gen, "save_text", real_save_text)
    monkeypatch.setattr(gen, "save_state", real_save_state)
    generate_episode(workspace.run(slug, OfflineBackend(workspace.settings.backend)), 1)
    after = _keys(workspace, slug)
    assert all(count == 1 for *_, count in after), after
    assert {(n, s) for n, s, *_ in after} >= {(1, "pass1"), (1, "final")}


def _metric_row(con, episode_id, stage, attempt, length):
    con.execute(
        "INSERT INTO episode_metrics (project_id, episode_id, episode_number, stage, attempt, "
        "length, length_with_spaces, scene_count, ending_hook, avg_sentence_length, "
        "dialogue_ratio, explanation_density, repetition_rate, repeated_4grams, passed) "
        "VALUES (1, ?, 1, ?, ?, ?, 0, 0, false, 0, 0, 0, 0, 0, false)",
        [episode_id, stage, attempt, length],
    )


def test_m006_keeps_the_latest_row_per_attempt_and_makes_the_key_unique(tmp_path):
    store = Store(tmp_path / "old.duckdb")
    try:
        apply_migrations(store, MIGRATIONS[:5])
        con = store.cursor()
        _metric_row(con, 7, "pass1", 1, 100)
        _metric_row(con, 7, "pass1", 1, 200)  # the duplicate a crash left
        _metric_row(con, 7, "pass1", 2, 300)
        _metric_row(con, 7, "final", 1, 400)
        applied = apply_migrations(store, MIGRATIONS[:6])
        assert applied == ["m006_one_metric_row_per_attempt"]
        rows = con.execute(
            "SELECT stage, attempt, length FROM episode_metrics ORDER BY stage, attempt"
        ).fetchall()
        assert rows == [("final", 1, 400), ("pass1", 1, 200), ("pass1", 2, 300)]
        with pytest.raises(duckdb.ConstraintException):
            _metric_row(con, 7, "final", 1, 500)
        _metric_row(con, 8, "final", 1, 500)  # the id sequence still serves the table
    finally:
        store.close()
