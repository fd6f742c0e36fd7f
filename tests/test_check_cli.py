"""`novelcraft check FILE|-`: report, JSON contract, exit codes, bad input as one line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from metrics_helpers import corpus_files, corpus_text, episode_from_corpus, run_check

from novelcraft.metrics import measure
from novelcraft.metrics.baseline import load_baseline

STORIES = corpus_files()
HOOK = "\n\n그때였다. 문밖에서 누군가 그의 이름을 불렀다."


@pytest.fixture
def passing_episode(tmp_path):
    path = tmp_path / "episode.txt"
    path.write_text(episode_from_corpus(7500, scenes=3) + HOOK, encoding="utf-8")
    return path


def test_table_shows_every_metric_verdict_and_baseline(capsys, passing_episode):
    run = run_check(capsys, str(passing_episode))
    assert run.code == 0, run.err
    result = measure(passing_episode.read_text(encoding="utf-8"))
    assert f"{result.length:,}" in run.out
    assert f"{result.dialogue_ratio:.1%}" in run.out
    for label in ("평균 문장 길이", "대사 비율", "설명체 밀도", "반복률", "엔딩 훅", "장면 수"):
        assert label in run.out
    assert "✅" in run.out
    median = load_baseline().median
    assert f"{median['dialogue_ratio']:.1%}" in run.out
    assert f"{median['avg_sentence_length']:.1f}" in run.out
    if result.warnings:
        assert "⚠️" in run.out
    assert "통과" in run.out.splitlines()[-1]


@pytest.mark.parametrize("story", STORIES, ids=lambda p: p.stem)
def test_exit_code_follows_the_guard(capsys, story):
    run = run_check(capsys, str(story), "--json")
    data = json.loads(run.out)
    assert data == measure(corpus_text(story)).to_json()
    assert run.code == (0 if data["passed"] else 1)
    assert run.err == ""


def test_failed_guard_lists_reasons_and_exits_1(capsys, tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("그는 문을 열었다.\n\n“내일 보자.”", encoding="utf-8")
    run = run_check(capsys, str(path))
    assert run.code == 1 and run.err == ""
    assert "❌" in run.out and "가드 실패" in run.out.splitlines()[-1]
    assert "평범한 대사" in run.out


def test_stdin_and_crlf(capsys, monkeypatch, passing_episode):
    text = passing_episode.read_text(encoding="utf-8")
    from_file = json.loads(run_check(capsys, str(passing_episode), "--json").out)
    crlf = text.replace("\n", "\r\n").encode("utf-8")
    run = run_check(capsys, "-", "--json", stdin=crlf, monkeypatch=monkeypatch)
    assert run.code == 0 and json.loads(run.out) == from_file


def test_bible_brings_voices_and_banned_elements(capsys, tmp_path):
    bible = tmp_path / "bible.yaml"
    bible.write_text(
        "format: novelcraft-bible/1\n"
        "project:\n  name: 시험\n  banned_elements: [초능력]\n"
        "characters:\n"
        "  - name: 민준\n    speech_style:\n      endings: ['-거든']\n"
        "      banned_endings: ['-습니다']\n",
        encoding="utf-8",
    )
    manuscript = tmp_path / "m.txt"
    manuscript.write_text("민준이 웃었다.\n“알겠습니다.”\n그는 초능력을 썼다?", encoding="utf-8")
    run = run_check(capsys, str(manuscript), "--json", "--bible", str(bible))
    data = json.loads(run.out)
    assert run.code == 1
    assert [b["ending"] for b in data["voice"][0]["banned"]] == ["-습니다"]
    failed = {f["check"] for f in data["guard"]["failures"]}
    assert {"banned_endings", "banned_elements"} <= failed
    table = run_check(capsys, str(manuscript), "--bible", str(bible)).out
    voice_row = next(line for line in table.splitlines() if line.startswith("말투: 민준"))
    assert "❌" in voice_row and "0/1" in voice_row


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "원고가 비어 있습니다"),
        (b"  \n\r\n\t ", "원고가 비어 있습니다"),
        ("가나다".encode("utf-16"), "UTF-8이 아니라 UTF-16 텍스트입니다"),
        (b"\xea\xb0\x80\xff", "UTF-8 텍스트가 아닙니다"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "바이너리"),
    ],
)
def test_bad_files_are_one_line_exit_2(capsys, tmp_path, content, expected):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    run = run_check(capsys, str(path))
    assert run.code == 2
    assert run.out == ""
    assert len(run.err.splitlines()) == 1
    assert run.err.startswith("novelcraft: 오류: ") and str(path) in run.err
    assert expected in run.err


def test_missing_file_and_directory(capsys, tmp_path):
    for target, expected in ((tmp_path / "nope.txt", "파일이 없습니다"), (tmp_path, "폴더입니다")):
        run = run_check(capsys, str(target))
        assert run.code == 2 and len(run.err.splitlines()) == 1
        assert expected in run.err and str(target) in run.err


def test_real_entry_point_in_a_new_process(tmp_path, passing_episode):
    done = subprocess.run(
        [sys.executable, "-m", "novelcraft", "check", str(passing_episode), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["passed"] is True
    missing = subprocess.run(
        [sys.executable, "-m", "novelcraft", "check", str(tmp_path / "nope.txt")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr


def test_workspace_settings_set_the_thresholds(capsys, tmp_path):
    manuscript = tmp_path / "m.txt"
    manuscript.write_text("그는 문을 열었다.\n\n그때 누군가 그의 이름을 불렀다!", encoding="utf-8")
    assert run_check(capsys, str(manuscript)).code == 1
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "novelcraft.toml").write_text(
        "[generation]\nmin_length = 10\nmax_length = 100\nmin_scenes = 1\n", encoding="utf-8"
    )
    from novelcraft.cli import main

    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(["--workspace", str(workspace), "check", str(manuscript)])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert "10–100" in out and "통과" in out.splitlines()[-1]
