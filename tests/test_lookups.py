"""Lookups a batch makes many times per episode: a project's id by slug (remembered by the
workspace) and which running jobs have a cancel requested (one query for all of them)."""

from __future__ import annotations

import pytest

from novelcraft.bible import read_bible_file
from novelcraft.errors import NotFound
from novelcraft.store import jobs as job_rows


def test_a_deleted_and_recreated_project_is_found_under_its_new_id(workspace, sample_bible_path):
    bible = read_bible_file(sample_bible_path)
    slug = workspace.create_project(bible, slug="same-name")
    first = workspace.project_id(slug)
    workspace.create_episode(slug, 1, content="첫 작품의 1화")
    workspace.delete_project(slug)
    with pytest.raises(NotFound):
        workspace.project_id(slug)
    assert workspace.create_project(bible, slug="same-name") == slug
    second = workspace.project_id(slug)
    stored = workspace.store.scalar("SELECT id FROM projects WHERE slug = ?", [slug])
    assert second == stored != first
    with pytest.raises(NotFound):  # the old project's episode went with it
        workspace.get_episode(slug, 1)
    workspace.create_episode(slug, 1, content="새 작품의 1화")
    assert workspace.get_episode(slug, 1).content == "새 작품의 1화"


def test_a_slug_not_found_is_not_remembered(workspace, sample_bible_path):
    with pytest.raises(NotFound):
        workspace.project_id("later")
    slug = workspace.create_project(read_bible_file(sample_bible_path), slug="later")
    assert workspace.project_id(slug) == workspace.store.scalar(
        "SELECT id FROM projects WHERE slug = ?", [slug]
    )


def test_cancels_requested_names_only_the_jobs_asked_to_stop(workspace):
    store = workspace.store
    with store.transaction() as cur:
        for job_id in ("job-a", "job-b", "job-c"):
            job_rows.insert(cur, job_id, "batch")
    job_rows.request_cancel(store, "job-b")
    assert job_rows.cancels_requested(store, ["job-a", "job-b", "job-c"]) == {"job-b"}
    assert job_rows.cancels_requested(store, ["job-a"]) == set()
    assert job_rows.cancels_requested(store, []) == set()
