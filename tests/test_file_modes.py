"""Manuscripts are private: the workspace folder is 0700, every file we create in it 0600,
and so are backups and exports."""

from __future__ import annotations

import json
import os
import stat

from novelcraft.workspace import Workspace


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def assert_private_tree(root) -> None:
    assert mode(root) == 0o700, root
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            assert mode(os.path.join(folder, name)) == 0o700, os.path.join(folder, name)
        for name in files:
            assert mode(os.path.join(folder, name)) == 0o600, os.path.join(folder, name)


def test_init_makes_a_private_folder(cli, tmp_path):
    ws = tmp_path / "ws"
    assert cli("--workspace", ws, "init").code == 0
    assert_private_tree(ws)
    assert (ws / "novelcraft.toml").exists() and (ws / "novelcraft.duckdb").exists()


def test_everything_a_working_session_writes_is_private(cli, tmp_path, sample_bible_path):
    ws = tmp_path / "ws"
    slug = cli("--workspace", ws, "bible", "import", sample_bible_path).out.strip()
    generated = cli("--workspace", ws, "generate", slug, "--from", "1", "--to", "1")
    assert generated.code == 0, generated.err
    assert (ws / "queue.sqlite3").exists()
    backup = cli("--workspace", ws, "backup")
    assert backup.code == 0, backup.err
    for fmt in ("zip", "md"):
        target = ws / "exports" / f"out.{fmt}"
        assert cli("--workspace", ws, "export", slug, "--format", fmt, "-o", target).code == 0
    outside = tmp_path / "shared" / "novel.txt"
    outside.parent.mkdir()
    assert cli("--workspace", ws, "export", slug, "--format", "txt", "-o", outside).code == 0
    assert_private_tree(ws)
    assert mode(outside) == 0o600
    assert mode(ws / "owner.lock") == 0o600


def test_library_use_without_the_cli_is_private_too(tmp_path, sample_bible_path):
    root = tmp_path / "ws"
    with Workspace.open(root, create=True) as ws:
        slug = ws.import_bible(sample_bible_path)
        ws.create_episode(slug, 1, content="본문")
        assert ws.tasks.huey.pending_count() == 0  # opens (creates) the queue file
        ws.backup()
    assert_private_tree(root)


def test_an_old_world_readable_workspace_is_fixed_on_open(tmp_path):
    root = tmp_path / "ws"
    Workspace.open(root, create=True).close()
    os.chmod(root, 0o755)
    os.chmod(root / "novelcraft.duckdb", 0o644)
    os.chmod(root / "novelcraft.toml", 0o644)
    os.chmod(root / "backups", 0o755)
    Workspace.open(root).close()
    assert_private_tree(root)


def test_the_server_file_holding_the_token_is_private(workspace):
    from novelcraft.cli.serve_cmd import _write_server_file

    _write_server_file(workspace, "http://127.0.0.1:1/", "127.0.0.1", 1)
    assert mode(workspace.paths.server) == 0o600
    assert json.loads(workspace.paths.server.read_text(encoding="utf-8"))["token"]
