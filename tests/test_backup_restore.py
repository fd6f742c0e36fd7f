"""backup → restore gives an identical workspace; bad restores change nothing."""

from __future__ import annotations

import json

import pytest
from workspace_helpers import dump_database

from novelcraft.workspace import Workspace


@pytest.fixture
def filled(ws_dir, sample_bible_path):
    with Workspace.open(ws_dir, create=True) as ws:
        slug = ws.import_bible(sample_bible_path)
        for n in range(1, 4):
            ws.create_episode(slug, n, title=f"{n}화", content=f"본문 {n}\n" * 50)
        ws.save_episode(slug, 2, "고친 본문", expected_revision=1)
        (ws.paths.prompts / "episode.jinja2").write_text("사용자 템플릿", encoding="utf-8")
        ws.store.execute(
            "INSERT INTO generation_jobs (id, project_id, job_type, status) "
            "VALUES ('j1', 1, 'batch', 'completed')"
        )
        snapshot = dump_database(ws)
    return ws_dir, slug, snapshot


def test_backup_then_restore_is_identical(filled, tmp_path, cli, sample_bible_text):
    ws_dir, slug, snapshot = filled
    made = cli("--workspace", ws_dir, "backup")
    assert made.code == 0, made.err
    backup_dir = made.out.strip()
    manifest = json.loads((tmp_path / backup_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["episodes"] == 3 and manifest["tables"]["episode_versions"] == 4

    target = tmp_path / "restored"
    restored = cli("--workspace", target, "restore", backup_dir)
    assert restored.code == 0, restored.err
    with Workspace.open(target) as ws:
        assert dump_database(ws) == snapshot
        assert ws.export_bible(slug) == sample_bible_text
        new_id = ws.create_episode(slug, 4, content="새 화").id
        assert new_id > max(r[0] for r in snapshot["episodes"]), "sequences survive restore"
    assert (target / "prompts" / "episode.jinja2").read_text(encoding="utf-8") == "사용자 템플릿"
    assert (target / "novelcraft.toml").read_bytes() == (ws_dir / "novelcraft.toml").read_bytes()


def test_restore_into_an_initialised_empty_workspace(filled, tmp_path, cli):
    ws_dir, _, snapshot = filled
    backup_dir = cli("--workspace", ws_dir, "backup", "-o", tmp_path / "b").out.strip()
    target = tmp_path / "empty"
    assert cli("--workspace", target, "init").code == 0
    assert cli("--workspace", target, "restore", backup_dir).code == 0
    with Workspace.open(target) as ws:
        assert dump_database(ws) == snapshot


def test_restore_into_a_non_empty_workspace_is_refused(filled, tmp_path, cli, sample_bible_path):
    ws_dir, _, _ = filled
    backup_dir = cli("--workspace", ws_dir, "backup").out.strip()
    other = tmp_path / "other"
    with Workspace.open(other, create=True) as ws:
        ws.import_bible(sample_bible_path, slug="mine")
        before = dump_database(ws)
    result = cli("--workspace", other, "restore", backup_dir)
    assert result.code == 2
    assert "비어 있지 않습니다" in result.err and result.err.count("\n") == 1
    with Workspace.open(other) as ws:
        assert dump_database(ws) == before


def test_damaged_or_missing_backups_are_refused(filled, tmp_path, cli):
    ws_dir, _, _ = filled
    backup_dir = tmp_path / cli("--workspace", ws_dir, "backup").out.strip()
    parquet = next((backup_dir / "db").glob("episodes*.parquet"))
    parquet.write_bytes(parquet.read_bytes()[:-10])
    damaged = cli("--workspace", tmp_path / "t1", "restore", backup_dir)
    assert damaged.code == 2 and "damaged" in damaged.err
    assert not (tmp_path / "t1").exists()

    missing = cli("--workspace", tmp_path / "t2", "restore", tmp_path / "no-such-backup")
    assert missing.code == 2 and "백업이 없습니다" in missing.err
    not_backup = tmp_path / "plain"
    not_backup.mkdir()
    refused = cli("--workspace", tmp_path / "t3", "restore", not_backup)
    assert refused.code == 2 and "NovelCraft 백업이 아닙니다" in refused.err


def test_backup_of_a_missing_workspace_is_bad_input(cli, tmp_path):
    result = cli("--workspace", tmp_path / "none", "backup")
    assert result.code == 2 and "작업 공간이 없습니다" in result.err
