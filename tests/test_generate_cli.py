"""Generation, report and archive commands: the happy path and every bad input."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest


@pytest.fixture
def slug(cli, sample_bible_path):
    result = cli("bible", "import", sample_bible_path)
    assert result.code == 0
    return result.out.strip()


def test_generate_then_read_everything_back(cli, slug, tmp_path):
    result = cli("generate", slug, "--from", "1", "--to", "2")
    assert result.code == 0, result.err
    assert "완료: 2화, 가드 통과 2화" in result.out
    assert "2/2화 · 완료" in result.err  # the progress bar reached the end
    listed = json.loads(cli("episodes", slug, "--json").out)
    assert [e["episode_number"] for e in listed] == [1, 2] and all(e["passed"] for e in listed)

    metrics = json.loads(cli("metrics", slug, "--json").out)
    assert len(metrics) == 2 and {"dialogue_ratio", "warnings", "passed"} <= set(metrics[0])
    summary = json.loads(cli("guard-summary", slug, "--json").out)
    assert summary["episodes"] == 2 and summary["guard_fail_rate"] == 0
    assert set(summary) >= {
        "episodes",
        "guard_fail_rate",
        "retry_success_rate",
        "avg_length",
        "target_length",
        "rows",
    }
    assert cli("guard-summary", slug, "--csv", tmp_path / "g.csv").code == 0
    assert (tmp_path / "g.csv").read_text(encoding="utf-8").startswith("episode,attempts")

    shown = json.loads(cli("show", slug, "2", "--json").out)
    assert shown["events"] and shown["summary"] and shown["outline"]["scenes"]

    archive = tmp_path / "p.zip"
    assert cli("export", slug, "--format", "zip", "-o", archive).code == 0
    with zipfile.ZipFile(archive) as zf:
        assert {"episodes/EP001.md", "episodes/EP002.md"} <= set(zf.namelist())
    imported = cli("import-archive", archive)
    assert imported.code == 0 and imported.out.strip() == f"{slug}-2"


def test_revise_and_outline_commands(cli, slug):
    assert cli("generate", slug, "--from", "1", "--to", "1").code == 0
    before = json.loads(cli("show", slug, "1", "--json").out)["content"]
    revised = cli("revise", slug, "1", "--instruction", "하린의 분노를 더 드러내")
    assert revised.code == 0, revised.err
    after = json.loads(cli("show", slug, "1", "--json").out)["content"]
    assert after != before and "하린의 분노를 더 드러내" not in after  # revised, not pasted
    planned = cli("outline", slug, "2", "--json")
    assert planned.code == 0 and 3 <= len(json.loads(planned.out)["scenes"]) <= 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["generate", "{slug}", "--from", "3", "--to", "1"],
            "시작 회차(--from 3)가 끝 회차(--to 1)보다 큽니다",
        ),
        (["generate", "{slug}", "--from", "0", "--to", "1"], "1 이상이어야 합니다"),
        (["generate", "nope", "--from", "1", "--to", "1"], "작품 'nope'이(가) 없습니다"),
        (["revise", "{slug}", "4", "--instruction", "x"], "4화가 없습니다"),
        (["outline", "{slug}", "0"], "1 이상이어야 합니다"),
        (["export", "{slug}", "--format", "epub3", "-o", "x"], "epub3"),
        (["--backend", "gemini", "backends"], "gemini"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_creates_nothing(cli, slug, args, message):
    result = cli(*[a.format(slug=slug) for a in args])
    assert result.code == 2, result
    assert result.err.count("\n") == 1 and message in result.err
    assert json.loads(cli("episodes", slug, "--json").out) == []


def test_missing_codex_binary_is_one_line(cli, slug, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = cli("--backend", "codex", "generate", slug, "--from", "1", "--to", "1")
    assert result.code == 2
    errors = [line for line in result.err.splitlines() if line.startswith("novelcraft: 오류:")]
    assert len(errors) == 1 and "codex가 설치되어 있지 않거나" in errors[0]
    assert "Traceback" not in result.err
    assert json.loads(cli("episodes", slug, "--json").out) == []


def test_unknown_backend_in_settings(cli, slug):
    settings = Path(os.environ["NOVELCRAFT_HOME"]) / "novelcraft.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('default = "offline"', 'default = "nope"'), encoding="utf-8")
    result = cli("generate", slug, "--from", "1", "--to", "1")
    assert result.code == 2 and "알 수 없는 백엔드입니다: 'nope'" in result.err


def test_broken_archives_are_refused(cli, tmp_path):
    not_zip = tmp_path / "x.zip"
    not_zip.write_bytes(b"plain text")
    result = cli("import-archive", not_zip)
    assert result.code == 2 and "ZIP 파일이 아닙니다" in result.err
    other = tmp_path / "y.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("hello.txt", "hi")
    result = cli("import-archive", other)
    assert result.code == 2 and "NovelCraft 작품 보관 파일이 아닙니다" in result.err
    assert cli("import-archive", tmp_path / "missing.zip").code == 2


def test_bootstrap_makes_a_project_from_a_concept(cli):
    result = cli("bootstrap", "--name", "달빛 검객", "--genre", "무협", "--tone", "비장하게",
                 "--protagonist", "연무진, 복수를 꿈꾸는 검객", "--supporting", "소하연",
                 "--banned", "현대 무기")  # fmt: skip
    assert result.code == 0, result.err
    slug = result.out.strip()
    exported = cli("bible", "export", slug).out
    assert "name: 달빛 검객" in exported and "연무진" in exported and "소하연" in exported
    assert "현대 무기" in exported
    assert cli("generate", slug, "--from", "1", "--to", "1").code == 0


def _outline_file(tmp_path, scenes, characters=("강도윤",)):
    path = tmp_path / "outline.json"
    path.write_text(json.dumps({
        "scenes": [{"scene_number": i + 1, "goal": "목표", "conflict": "갈등",
                    "characters": list(characters)} for i in range(scenes)],
        "ending_hook": "훅"}, ensure_ascii=False), encoding="utf-8")  # fmt: skip
    return path


def test_an_authors_outline_is_used(cli, slug, tmp_path):
    result = cli("outline", slug, "1", "--set", _outline_file(tmp_path, 3))
    assert result.code == 0, result.err
    shown = json.loads(cli("outline", slug, "1", "--json").out)
    assert [s["goal"] for s in shown["scenes"]] == ["목표"] * 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "scenes: 항목이 3개 이상이어야 합니다"),
        ("{not json", "JSON 형식이 잘못되었습니다"),
        ("unknown", "바이블에 없는 인물입니다: '홍길동'"),
    ],
)
def test_an_invalid_outline_is_refused_with_the_field(cli, slug, tmp_path, content, message):
    if content is None:
        path = _outline_file(tmp_path, 2)
    elif content == "unknown":
        path = _outline_file(tmp_path, 3, characters=("홍길동",))
    else:
        path = tmp_path / "bad.json"
        path.write_text(content, encoding="utf-8")
    result = cli("outline", slug, "1", "--set", path)
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1
    assert json.loads(cli("episodes", slug, "--json").out) == []


def test_unreachable_openai_endpoint_fails_after_the_outage_patience(cli, slug):
    """A backend that stays down: the job waits (backoff) for `outage_patience_seconds`, then
    fails with the reason; the command says so in one line and exits 1."""
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Path(os.environ["NOVELCRAFT_HOME"]) / "novelcraft.toml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace('model = ""', 'model = "local-model"').replace(
        "http://127.0.0.1:8000/v1", f"http://127.0.0.1:{port}/v1"
    )
    text = text.replace("outage_patience_seconds = 600", "outage_patience_seconds = 1.5")
    text = text.replace("backoff_initial_seconds = 2", "backoff_initial_seconds = 0.2")
    settings.write_text(text, encoding="utf-8")
    result = cli("--backend", "openai", "generate", slug, "--from", "1", "--to", "1")
    errors = [line for line in result.err.splitlines() if line.startswith("novelcraft: 오류:")]
    assert result.code == 1 and len(errors) == 1, result.err
    assert "응답하지 않았습니다" in errors[0] and "기다리는 한도 1.5초" in errors[0]
    assert "백엔드 응답 없음" in result.err  # the waits were shown as they happened
    assert "Traceback" not in result.err
    assert json.loads(cli("episodes", slug, "--json").out) == []
