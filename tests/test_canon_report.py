"""The continuity report (DESIGN §13) through the Workspace and `novelcraft canon`."""

from __future__ import annotations

import json

import pytest
from canon_story import Story, event, outline, run_of

from novelcraft.pipeline import generate_episode

SEEN = "박만석이 시장 골목에서 수상한 트럭을 목격한다"


@pytest.fixture
def six(workspace, sample_bible_path):
    slug = workspace.import_bible(sample_bible_path)
    workspace.settings.canon.absence_window = 1
    story = Story(
        events={
            3: [event("plot", SEEN, "박만석")],
            4: [event("foreshadow", "트럭 번호판의 마지막 숫자", "박만석", due_by=5)],
        },
        outlines={n: [outline(n, cast=("강도윤", "서하린"))] for n in range(1, 7)},
    )
    run = run_of(workspace, slug, story)
    for number in range(1, 7):
        generate_episode(run, number)
    return workspace, slug


def test_absent_characters_are_found_with_the_episode_and_the_last_line(six):
    ws, slug = six
    season = ws.canon_report(slug).seasons[0]
    # 윤채아 is minor: not tracked. 백운결 never appears; 박만석 only in 3 and 4 (window 1).
    assert season.absent_characters == ["박만석", "백운결"]
    absent = [
        (f.episode, f.detail, f.quote) for f in season.findings if f.kind == "absent_character"
    ]
    assert absent == [
        (1, "박만석: 시즌 시작부터 2화 동안 등장하지 않음", ""),
        (1, "백운결: 시즌 시작부터 6화 동안 등장하지 않음", ""),
        (4, "박만석: 4화 이후 2화 동안 등장하지 않음", "트럭 번호판의 마지막 숫자"),
    ]


def test_canon_json_and_table(six, cli, ws_dir):
    ws, slug = six
    ws.close()
    result = cli("--workspace", ws_dir, "canon", slug, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert set(data) == {"slug", "as_of_episode", "seasons", "foreshadows", "character_states",
                         "warnings"}  # fmt: skip
    assert data["as_of_episode"] == 6
    (truck,) = data["foreshadows"]
    assert (truck["status"], truck["due_episode"], truck["planted_episode"]) == ("overdue", 5, 4)
    first = data["seasons"][0]
    assert (first["overdue"], first["payoff_rate"]) == (1, 0.0)
    table = cli("--workspace", ws_dir, "canon", slug)
    assert table.code == 0
    assert "설정 장부" in table.out and "기한 지남" in table.out
    assert "[미회수 복선] 4화에 심은 복선이 5화까지 회수되지 않음" in table.out
    assert "“트럭 번호판의 마지막 숫자”" in table.out


def test_canon_cli_decisions_and_bad_input(six, cli, ws_dir):
    ws, slug = six
    truck = ws.foreshadows(slug)[0].id
    ws.close()
    moved = json.loads(cli("--workspace", ws_dir, "canon", slug, "--due", truck, 9, "--json").out)
    assert (moved["foreshadows"][0]["status"], moved["foreshadows"][0]["due_episode"]) == (
        "open",
        9,
    )
    dropped = json.loads(cli("--workspace", ws_dir, "canon", slug, "--drop", truck, "--json").out)
    assert dropped["foreshadows"][0]["status"] == "dropped"
    bad = cli("--workspace", ws_dir, "canon", slug, "--due", truck, 2)
    assert bad.code == 2 and bad.err.count("\n") == 1 and "4화보다 뒤여야 합니다" in bad.err
    missing = cli("--workspace", ws_dir, "canon", "no-such-project")
    assert missing.code == 2 and "작품 'no-such-project'이(가) 없습니다" in missing.err


def test_init_writes_the_canon_section_and_a_bad_value_is_one_line(cli, ws_dir):
    assert cli("--workspace", ws_dir, "init").code == 0
    toml = (ws_dir / "novelcraft.toml").read_text(encoding="utf-8")
    section = toml.split("[canon]\n", 1)[1]
    for line in ("foreshadow_window = 30", "max_open_foreshadows = 12", "due_soon_episodes = 3",
                 "absence_window = 20", "repeat_window = 10", "repeat_threshold = 0.8",
                 'repeat_action = "retry"'):  # fmt: skip
        assert line in section
    (ws_dir / "novelcraft.toml").write_text(
        toml.replace('repeat_action = "retry"', 'repeat_action = "sometimes"'), encoding="utf-8"
    )
    result = cli("--workspace", ws_dir, "projects")
    assert result.code == 2 and result.err.count("\n") == 1
    assert "canon.repeat_action" in result.err
