"""A backup folder may come from someone else: restore executes nothing it reads from disk.

A hostile sender can rewrite the manifest's checksums too, so these tests re-list every file
they plant (`_relist`): what stops them is the restore itself, not the checksum.
"""

from __future__ import annotations

import hashlib
import json
import os

import duckdb
import pytest
from workspace_helpers import dump_database

from novelcraft.workspace import Workspace


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _relist(backup_dir, **changes) -> None:
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = {
        str(p.relative_to(backup_dir)): _sha(p)
        for p in sorted(backup_dir.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }
    manifest.update(changes)
    (backup_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.fixture
def backup_dir(ws_dir, sample_bible_path, tmp_path, cli):
    with Workspace.open(ws_dir, create=True) as ws:
        slug = ws.import_bible(sample_bible_path)
        ws.create_episode(slug, 1, title="1화", content="본문\n" * 30)
    made = cli("--workspace", ws_dir, "backup", "-o", tmp_path / "backups")
    assert made.code == 0, made.err
    return tmp_path / made.out.strip()


def _restore(cli, tmp_path, source, name="target"):
    return cli("--workspace", tmp_path / name, "restore", source)


def test_a_backup_holds_no_sql(backup_dir):
    assert not list(backup_dir.rglob("*.sql"))
    assert (backup_dir / "db" / "episodes.parquet").is_file()


def test_sql_listed_in_the_manifest_is_never_executed(backup_dir, tmp_path, cli, ws_dir):
    """Old (EXPORT DATABASE) backups list schema.sql and load.sql: they are checked, not run."""
    canary = tmp_path / "pwned.csv"
    for name in ("schema.sql", "load.sql"):
        (backup_dir / "db" / name).write_text(
            f"COPY (SELECT 42) TO '{canary}';\nDROP TABLE projects;\n", encoding="utf-8"
        )
    _relist(backup_dir)
    result = _restore(cli, tmp_path, backup_dir)
    assert result.code == 0, result.err
    assert not canary.exists()
    with Workspace.open(ws_dir) as src, Workspace.open(tmp_path / "target") as dst:
        assert dump_database(dst) == dump_database(src)


def test_a_legacy_export_database_backup_restores_without_its_sql(
    ws_dir, sample_bible_path, tmp_path, cli
):
    with Workspace.open(ws_dir, create=True) as ws:
        ws.import_bible(sample_bible_path)
        backup = tmp_path / "legacy"
        backup.mkdir()
        ws.store.execute(f"EXPORT DATABASE '{backup / 'db'}' (FORMAT parquet)")
        snapshot = dump_database(ws)
        from novelcraft.backup import table_counts
        from novelcraft.store.migrations import applied_migrations

        tables = table_counts(ws.store)
        migrations = applied_migrations(ws.store.cursor())
    canary = tmp_path / "pwned.csv"
    with (backup / "db" / "load.sql").open("a", encoding="utf-8") as fh:
        fh.write(f"COPY (SELECT 42) TO '{canary}';\n")
    (backup / "manifest.json").write_text(
        json.dumps({"format": "novelcraft-backup/1", "migrations": migrations, "tables": tables}),
        encoding="utf-8",
    )
    _relist(backup)
    result = _restore(cli, tmp_path, backup)
    assert result.code == 0, result.err
    assert not canary.exists()
    with Workspace.open(tmp_path / "target") as ws:
        assert dump_database(ws) == snapshot


@pytest.mark.parametrize(
    ("plant", "expected"),
    [
        ("db/extra.sql", "매니페스트에 없어"),
        ("db/evil.parquet", "매니페스트에 없어"),
        ("notes.txt", "매니페스트에 없어"),
        ("prompts/episode.jinja2", "매니페스트에 없어"),
    ],
)
def test_unlisted_files_are_refused(backup_dir, tmp_path, cli, plant, expected):
    (backup_dir / plant).parent.mkdir(exist_ok=True)
    (backup_dir / plant).write_text("SELECT 1;", encoding="utf-8")
    result = _restore(cli, tmp_path, backup_dir)
    assert result.code == 2 and expected in result.err and plant in result.err
    assert not (tmp_path / "target").exists()


@pytest.mark.parametrize("rel", ["db/evil.parquet", "../outside.txt", "prompts/x.py", "x.sql"])
def test_listed_files_a_backup_never_holds_are_refused(backup_dir, tmp_path, cli, rel):
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][rel] = "0" * 64
    (backup_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = _restore(cli, tmp_path, backup_dir)
    assert result.code == 2 and "백업에 있을 수 없는 파일입니다" in result.err


def test_a_symlink_in_a_backup_is_refused(backup_dir, tmp_path, cli):
    secret = tmp_path / "secret.txt"
    secret.write_text("비밀", encoding="utf-8")
    os.symlink(secret, backup_dir / "prompts-link")
    result = _restore(cli, tmp_path, backup_dir)
    assert result.code == 2 and "심볼릭 링크" in result.err


def test_a_parquet_with_a_foreign_column_is_refused(backup_dir, tmp_path, cli):
    target = backup_dir / "db" / "episodes.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT *, 'x' AS \"evil; DROP TABLE projects\" FROM read_parquet(?)) TO ? "
        "(FORMAT parquet)",
        [str(target), str(tmp_path / "new.parquet")],
    )
    con.close()
    os.replace(tmp_path / "new.parquet", target)
    _relist(backup_dir)
    result = _restore(cli, tmp_path, backup_dir)
    assert result.code == 2, result.err
    assert "db/episodes.parquet" in result.err and "episodes 테이블의 열이 아닙니다" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "target").exists()


def test_a_parquet_of_the_wrong_types_or_not_parquet_is_one_line(backup_dir, tmp_path, cli):
    target = backup_dir / "db" / "episodes.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT 'not a number' AS episode_number) TO ? (FORMAT parquet)", [str(target)]
    )
    con.close()
    _relist(backup_dir)
    result = _restore(cli, tmp_path, backup_dir)
    assert result.code == 2 and "db/episodes.parquet" in result.err, result.err

    target.write_bytes(b"PAR1 this is not parquet")
    _relist(backup_dir)
    result = _restore(cli, tmp_path, backup_dir, "target2")
    assert result.code == 2 and "읽을 수 있는 Parquet 파일이 아닙니다" in result.err, result.err


def test_an_absurd_id_is_refused_before_looping(backup_dir, tmp_path, cli):
    target = backup_dir / "db" / "episode_versions.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT * REPLACE (10000000000 AS id) FROM read_parquet(?)) TO ? (FORMAT parquet)",
        [str(target), str(tmp_path / "new.parquet")],
    )
    con.close()
    os.replace(tmp_path / "new.parquet", target)
    _relist(backup_dir)
    result = _restore(cli, tmp_path, backup_dir)
    assert result.code == 2 and "실제 작업 공간에서 나올 수 없는" in result.err, result.err


def test_unknown_migrations_are_refused(backup_dir, tmp_path, cli):
    _relist(backup_dir, migrations=["m001_core", "m999_from_the_future"])
    result = _restore(cli, tmp_path, backup_dir)
    assert result.code == 2 and "novelcraft를 업그레이드하세요" in result.err


def test_a_backup_folder_with_a_quote_in_its_name(ws_dir, tmp_path, cli, sample_bible_path):
    with Workspace.open(ws_dir, create=True) as ws:
        ws.import_bible(sample_bible_path)
    dest = tmp_path / "it's-backups"
    made = cli("--workspace", ws_dir, "backup", "-o", dest)
    assert made.code == 0, made.err
    assert made.out.strip().startswith(str(dest))
    result = _restore(cli, tmp_path, made.out.strip())
    assert result.code == 0, result.err


def test_restore_of_a_folder_of_backups_takes_the_newest(ws_dir, tmp_path, cli, sample_bible_path):
    dest = tmp_path / "backups"
    with Workspace.open(ws_dir, create=True) as ws:
        ws.import_bible(sample_bible_path, slug="first")
    older = cli("--workspace", ws_dir, "backup", "-o", dest).out.strip()
    with Workspace.open(ws_dir) as ws:
        ws.import_bible(sample_bible_path, slug="second")
    newer = cli("--workspace", ws_dir, "backup", "-o", dest).out.strip()
    assert older != newer
    result = _restore(cli, tmp_path, dest)
    assert result.code == 0, result.err
    assert (
        f"{dest}의 백업 2개 중 가장 최근 것을 복원합니다: {os.path.basename(newer)}" in result.out
    )
    with Workspace.open(tmp_path / "target") as ws:
        assert {p.slug for p in ws.list_projects()} == {"first", "second"}


def test_bad_settings_in_a_backup_are_refused_before_writing(backup_dir, tmp_path, cli):
    (backup_dir / "novelcraft.toml").write_text("[context]\nbudget_chars = -5\n", encoding="utf-8")
    _relist(backup_dir)
    result = _restore(cli, tmp_path, backup_dir)
    assert result.code == 2 and "novelcraft.toml" in result.err and "budget_chars" in result.err
    assert not (tmp_path / "target").exists()


def test_a_hostile_prompt_template_cannot_reach_python(backup_dir, tmp_path, cli):
    """Restored prompt overrides are rendered in Jinja2's sandbox."""
    from novelcraft.errors import BadInput
    from novelcraft.prompts import render

    canary = tmp_path / "pwned.txt"
    (backup_dir / "prompts").mkdir(exist_ok=True)
    (backup_dir / "prompts" / "summary.jinja2").write_text(
        "{{ cycler.__init__.__globals__.os.system('touch " + str(canary) + "') }}",
        encoding="utf-8",
    )
    _relist(backup_dir)
    assert _restore(cli, tmp_path, backup_dir).code == 0
    with pytest.raises(BadInput, match="summary"):
        render("summary", {}, override_dir=tmp_path / "target" / "prompts")
    assert not canary.exists()


def test_a_backup_carries_only_files_a_restore_accepts(ws_dir, tmp_path, cli, sample_bible_path):
    with Workspace.open(ws_dir, create=True) as ws:
        ws.import_bible(sample_bible_path)
        (ws.paths.prompts / "episode.jinja2").write_text("{{ episode_number }}화", encoding="utf-8")
        (ws.paths.prompts / "notes.txt").write_text("작가 메모", encoding="utf-8")
    made = cli("--workspace", ws_dir, "backup", "-o", tmp_path / "b")
    assert not (tmp_path / made.out.strip() / "prompts" / "notes.txt").exists()
    result = _restore(cli, tmp_path, made.out.strip())
    assert result.code == 0, result.err
    restored = tmp_path / "target" / "prompts" / "episode.jinja2"
    assert restored.read_text(encoding="utf-8") == "{{ episode_number }}화"


def test_a_deeply_nested_manifest_is_one_line(backup_dir, tmp_path, cli):
    (backup_dir / "manifest.json").write_text("[" * 100_000, encoding="utf-8")
    result = _restore(cli, tmp_path, backup_dir)
    assert result.code == 2 and "매니페스트를 읽을 수 없습니다" in result.err
