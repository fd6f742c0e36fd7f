"""Every bad bible is refused with one line naming file:line: field, exit 2, nothing written."""

from __future__ import annotations

import pytest
import yaml
from workspace_helpers import dump_database

from novelcraft.workspace import Workspace


def _edit(text: str, change) -> str:
    data = yaml.safe_load(text)
    change(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _set(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(path):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


def _overlap(data):
    data["seasons"][1]["first_episode"] = data["seasons"][0]["last_episode"]


def _duplicate_name(data):
    data["characters"][2]["name"] = data["characters"][0]["name"]


CASES = {
    "broken yaml": (
        lambda t: t.replace("characters:\n", "characters: [\n", 1),
        "YAML 형식이 잘못되었습니다",
    ),
    "empty file": (lambda t: "", "비어 있습니다"),
    "whitespace only": (lambda t: "\n   \n", "비어 있습니다"),
    "non-mapping root": (lambda t: "- just\n- a list\n", "키와 값의 묶음(mapping)이어야 합니다"),
    "scalar root": (lambda t: "hello\n", "키와 값의 묶음(mapping)이어야 합니다"),
    "unknown top key": (
        lambda t: _edit(t, _set(("chapters",), [])),
        "chapters: 알 수 없는 항목입니다",
    ),
    "unknown nested key": (
        lambda t: _edit(t, _set(("characters", 1, "speech_style", "endingz"), ["-요"])),
        "characters[1].speech_style.endingz: 알 수 없는 항목입니다",
    ),
    "wrong format": (
        lambda t: _edit(t, _set(("format",), "novelcraft-bible/2")),
        "format: 지원하지 않는 형식입니다",
    ),
    "missing character name": (
        lambda t: _edit(t, _delete(("characters", 3, "name"))),
        "characters[3].name: 꼭 있어야 하는 항목이 없습니다",
    ),
    "blank character name": (
        lambda t: _edit(t, _set(("characters", 0, "name"), "  ")),
        "characters[0].name",
    ),
    "invalid role": (
        lambda t: _edit(t, _set(("characters", 2, "role"), "hero")),
        "characters[2].role",
    ),
    "wrong type": (
        lambda t: _edit(t, _set(("characters", 0, "speech_style", "endings"), "-거든")),
        "characters[0].speech_style.endings",
    ),
    "duplicate character names": (
        lambda t: _edit(t, _duplicate_name),
        "characters[2].name: 인물 이름",
    ),
    "overlapping seasons": (lambda t: _edit(t, _overlap), "seasons[1].first_episode: 시즌 2"),
    "unknown character in relationship": (
        lambda t: _edit(t, _set(("relationships", 2, "to"), "홍길동")),
        "relationships[2].to: 인물 목록에 없는 '홍길동'을(를) 가리킵니다",
    ),
    "missing project": (
        lambda t: _edit(t, _delete(("project",))),
        "project: 꼭 있어야 하는 항목이 없습니다",
    ),
    "duplicate yaml key": (
        lambda t: t.replace("  genre: 현대판타지\n", "  genre: 현대판타지\n  genre: 로맨스\n"),
        "project.genre: 키가 중복됩니다",
    ),
    "two documents": (lambda t: t + "---\nformat: x\n", "YAML 문서가 둘 이상입니다"),
}


def _line_of(text: str, needle: str) -> int:
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(needle)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_bible_is_refused_and_nothing_is_written(case, cli, tmp_path, sample_bible_text):
    make, expected = CASES[case]
    bad = tmp_path / "bad.yaml"
    bad.write_text(make(sample_bible_text), encoding="utf-8")
    ws_dir = tmp_path / "ws"
    assert cli("--workspace", ws_dir, "init").code == 0
    with Workspace.open(ws_dir) as ws:
        before = dump_database(ws)

    result = cli("--workspace", ws_dir, "bible", "import", bad)

    assert result.code == 2
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"novelcraft: 오류: {bad}")
    assert expected in lines[0]
    assert "Traceback" not in result.err
    with Workspace.open(ws_dir) as ws:
        assert dump_database(ws) == before


def test_error_names_the_line_of_the_field(tmp_path, cli, sample_bible_text):
    bad = tmp_path / "bad.yaml"
    text = sample_bible_text.replace("    role: minor\n", "    role: extra\n")
    bad.write_text(text, encoding="utf-8")
    result = cli("bible", "import", bad)
    assert result.code == 2
    assert f"{bad}:{_line_of(text, 'role: extra')}: characters[4].role" in result.err


def test_unknown_key_error_names_its_line(tmp_path, cli, sample_bible_text):
    text = sample_bible_text.replace(
        "    personality: 정의감", "    persona: x\n    personality: 정의감"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    result = cli("bible", "import", bad)
    assert (
        f":{_line_of(text, 'persona: x')}: characters[1].persona: 알 수 없는 항목입니다"
        in result.err
    )


def test_non_utf8_bytes_name_the_line(tmp_path, cli, sample_bible_text):
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(sample_bible_text.encode("utf-8") + "notes: caf\xe9\n".encode("latin-1"))
    result = cli("bible", "import", bad)
    assert result.code == 2
    line = sample_bible_text.count("\n") + 1
    assert f"{bad}:{line}: UTF-8 텍스트가 아닙니다" in result.err


def test_binary_file_is_refused(tmp_path, cli):
    bad = tmp_path / "image.yaml"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = cli("bible", "import", bad)
    assert result.code == 2 and "바이너리" in result.err


def test_missing_file_and_directory(tmp_path, cli):
    missing = cli("bible", "import", tmp_path / "nope.yaml")
    assert missing.code == 2 and "파일이 없습니다" in missing.err
    folder = cli("bible", "import", tmp_path)
    assert folder.code == 2 and "폴더입니다" in folder.err


def test_bad_bible_does_not_create_a_workspace(tmp_path, cli):
    bad = tmp_path / "bad.yaml"
    bad.write_text("project: [\n", encoding="utf-8")
    ws_dir = tmp_path / "never-made"
    assert cli("--workspace", ws_dir, "bible", "import", bad).code == 2
    assert not ws_dir.exists()


def test_import_into_replaces_the_bible_and_keeps_episodes(workspace, sample_bible_path, tmp_path):
    slug = workspace.import_bible(sample_bible_path)
    workspace.create_episode(slug, 1, title="첫 화", content="본문")
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        workspace.export_bible(slug).replace("tone: 차갑고", "tone: 뜨겁고"), encoding="utf-8"
    )
    assert workspace.import_bible(edited, into=slug) == slug
    assert workspace.get_bible(slug).project.tone.startswith("뜨겁고")
    assert workspace.count_episodes(slug) == 1
    assert len(workspace.list_projects()) == 1


def test_importing_twice_gives_a_second_slug(workspace, sample_bible_path):
    first = workspace.import_bible(sample_bible_path)
    second = workspace.import_bible(sample_bible_path)
    assert second == f"{first}-2"


def test_slug_option_is_validated(cli, sample_bible_path):
    bad = cli("bible", "import", sample_bible_path, "--slug", "Not A Slug")
    assert bad.code == 2 and "쓸 수 없습니다" in bad.err
    good = cli("bible", "import", sample_bible_path, "--slug", "trial")
    assert good.code == 0 and good.out.strip() == "trial"
    again = cli("bible", "import", sample_bible_path, "--slug", "trial")
    assert again.code == 2 and "이미 있습니다" in again.err
