"""Measurement in a helper process (metrics.measure_pool): the same results as in-process, a
fallback when the process cannot start or dies, and no process left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from metrics_helpers import corpus_files, corpus_text

from novelcraft.jobs.owner import Owner
from novelcraft.metrics import measure
from novelcraft.metrics.measure_cache import measurements
from novelcraft.metrics.measure_pool import MeasurePool
from novelcraft.models import Character, SpeechStyle
from novelcraft.settings import Settings


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is gone for our purposes only once reaped.
    with open(f"/proc/{pid}/status") as status:
        return "zombie" not in status.read()


def _gone(pid: int, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def pool():
    p = MeasurePool()
    yield p
    p.close()


@pytest.fixture
def inputs():
    text = corpus_text(corpus_files()[0])
    hero = Character(name="김첨지", role="main", speech_style=SpeechStyle(endings=["-다", "-냐"]))
    settings = Settings()
    settings.generation.min_length = 500
    return text, [hero], settings, ["회귀"]


def _both(pool: MeasurePool, text, characters, settings, banned):
    here = measure(text, characters, settings, banned_elements=banned)
    there = pool.measure(text, characters, settings, banned_elements=banned)
    return here, there


def test_the_child_measures_exactly_what_the_process_would(pool, inputs):
    here, there = _both(pool, *inputs)
    assert pool.in_child == 1 and pool.in_process == 0 and not pool.failed
    assert there.to_json() == here.to_json()
    assert there.model_dump() == here.model_dump()
    assert pool.analysis_counts()[0] > 0  # the child's own Kiwi did the analysis


def test_a_pool_that_cannot_start_measures_in_process(inputs):
    broken = MeasurePool(start_method="no-such-start-method")
    try:
        here, there = _both(broken, *inputs)
        assert broken.failed and broken.in_child == 0 and broken.in_process == 1
        assert there.to_json() == here.to_json()
        assert broken.child_pids() == []
    finally:
        broken.close()


def test_a_killed_child_falls_back_and_leaves_nothing(pool, inputs):
    assert pool.start()
    (pid,) = pool.child_pids()
    os.kill(pid, signal.SIGKILL)
    assert _gone(pid)
    here, there = _both(pool, *inputs)
    assert pool.failed and pool.in_process == 1
    assert there.to_json() == here.to_json()
    assert pool.child_pids() == []


def test_ctrl_c_does_not_reach_the_child(pool, inputs):
    assert pool.start()
    (pid,) = pool.child_pids()
    os.kill(pid, signal.SIGINT)
    time.sleep(0.2)
    here, there = _both(pool, *inputs)
    assert pool.in_child == 1 and not pool.failed
    assert there.to_json() == here.to_json()
    assert pool.child_pids() == [pid]


def test_close_stops_the_child_and_later_calls_measure_in_process(pool, inputs):
    assert pool.start()
    (pid,) = pool.child_pids()
    pool.close()
    assert _gone(pid)
    here, there = _both(pool, *inputs)
    assert pool.in_process == 1 and pool.child_pids() == []
    assert there.to_json() == here.to_json()


def test_an_owner_measures_its_episodes_in_the_pool(workspace, sample_bible_path, pool):
    # The offline writer is deterministic: an earlier test of this process may have measured
    # these very texts, and the process-wide cache would answer without the pool.
    measurements.clear()
    slug = workspace.import_bible(sample_bible_path)
    with Owner(workspace, workers=1, periodic=False, measure_pool=pool) as owner:
        job = owner.wait(workspace.submit_batch(slug, 1, 2), poll=0.1)
    assert job.status == "completed", job.error
    assert pool.in_child >= 2 and pool.in_process == 0
    bible = workspace.get_bible(slug)
    for number in (1, 2):
        episode = workspace.get_episode(slug, number)
        expected = measure(
            episode.content,
            bible.characters,
            workspace.settings,
            banned_elements=bible.project.banned_elements,
        )
        stored = workspace.store.scalar(
            "SELECT style_metrics FROM episodes WHERE id = ?", [episode.id]
        )
        assert stored is not None
        assert json.loads(stored) == expected.to_json()


_PARENT = """
import sys, time
from novelcraft.metrics.measure_pool import shared_pool

if __name__ == "__main__":
    pool = shared_pool()
    assert pool.start()
    print(pool.child_pids()[0], flush=True)
    time.sleep(120)
"""


def test_the_child_exits_when_its_parent_is_killed(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(_PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        assert _alive(child)
        parent.kill()
        parent.wait(timeout=30)
        assert _gone(child), "the measurement process outlived its killed parent"
    finally:
        parent.kill()
        parent.wait(timeout=30)
        parent.stdout.close()


def test_an_authors_save_measures_in_the_owners_process_while_serving(workspace, sample_bible_path):
    """A serving process keeps Kiwi out of its own memory: the author's save is measured where
    the owner's jobs are; a process that does not serve measures in-process."""
    from novelcraft.metrics.measure_pool import shared_pool

    slug = workspace.import_bible(sample_bible_path)
    text = corpus_text(corpus_files()[0])
    first = workspace.create_episode(slug, 1, content="초고")
    pool = shared_pool()
    measurements.clear()
    before = (pool.in_child, pool.in_process)
    saved = workspace.save_author_edit(slug, 1, text, expected_revision=first.revision)
    assert (pool.in_child, pool.in_process) == before  # not serving: measured in-process

    workspace.serve(1, serve_api=False)
    try:
        changed = text + "\n\n작가가 덧붙인 마지막 문단이다."
        workspace.save_author_edit(slug, 1, changed, expected_revision=saved.revision)
        assert pool.in_child == before[0] + 1 and pool.in_process == before[1]
        bible = workspace.get_bible(slug)
        expected = measure(
            changed,
            bible.characters,
            workspace.settings,
            banned_elements=bible.project.banned_elements,
        )
        episode = workspace.get_episode(slug, 1)
        stored = workspace.store.scalar(
            "SELECT style_metrics FROM episodes WHERE id = ?", [episode.id]
        )
        assert json.loads(stored) == expected.to_json()
    finally:
        workspace.stop_serving()
