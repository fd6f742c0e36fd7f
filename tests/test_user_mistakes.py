"""The user's own mistakes are one line naming the path or member and exit 2, never
"internal error": an unwritable export or backup target, a malformed archive, a too-deep YAML."""

from __future__ import annotations

import pytest


@pytest.fixture
def project(cli, tmp_path, sample_bible_path):
    ws = tmp_path / "ws"
    slug = cli("--workspace", ws, "bible", "import", sample_bible_path).out.strip()
    assert slug
    return ws, slug


def _one_line_exit_2(result, *needles: str) -> None:
    assert result.code == 2, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "내부 오류" not in lines[0], result.err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


# /sys refuses new files even to root; /proc has no such entry; a file is not a folder.
@pytest.mark.parametrize("target", ["/sys/novel.md", "/proc/novel.md", "FILE/novel.md", "DIR"])
def test_export_to_an_unwritable_path(cli, project, tmp_path, target):
    ws, slug = project
    (tmp_path / "FILE").write_text("x", encoding="utf-8")
    (tmp_path / "DIR").mkdir()
    path = target if target.startswith("/") else str(tmp_path / target)
    for fmt in ("md", "zip"):
        result = cli("--workspace", ws, "export", slug, "--format", fmt, "-o", path)
        _one_line_exit_2(result, path)


def test_report_csv_and_bible_export_to_an_unwritable_path(cli, project):
    ws, slug = project
    _one_line_exit_2(cli("--workspace", ws, "metrics", slug, "--csv", "/sys/m.csv"), "/sys/m.csv")
    _one_line_exit_2(cli("--workspace", ws, "bible", "export", slug, "-o", "/sys/b.yaml"), "/sys")


def test_backup_to_an_unwritable_folder(cli, project):
    ws, _ = project
    _one_line_exit_2(cli("--workspace", ws, "backup", "-o", "/sys/novelcraft-backups"), "/sys")


def test_a_malformed_archive(cli, tmp_path):
    path = tmp_path / "novel.zip"
    path.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip: no manifest, no bible
    _one_line_exit_2(cli("--workspace", tmp_path / "ws", "import-archive", path), str(path))
    path.write_text("not a zip at all", encoding="utf-8")
    _one_line_exit_2(
        cli("--workspace", tmp_path / "ws", "import-archive", path), "ZIP 파일이 아닙니다"
    )


def test_a_too_deep_yaml(cli, tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 20_000 + "]" * 20_000, encoding="utf-8")
    _one_line_exit_2(cli("--workspace", tmp_path / "ws", "bible", "import", path), f"{path}:1:")


def test_deeply_nested_or_huge_json_files_are_one_line(cli, project, tmp_path):
    ws, slug = project
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000, encoding="utf-8")
    _one_line_exit_2(cli("--workspace", ws, "outline", slug, "1", "--set", deep), str(deep))
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (2 * 1024 * 1024))
    _one_line_exit_2(
        cli("--workspace", ws, "outline", slug, "1", "--set", huge), "개요로 보기에는 너무 큽니다"
    )
    users = tmp_path / "users.json"
    users.write_text("[" * 100_000, encoding="utf-8")
    _one_line_exit_2(
        cli("--workspace", ws, "serve", "--no-browser", "--basic-auth-file", users), str(users)
    )
