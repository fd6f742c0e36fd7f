"""The CLI contract of DESIGN §11: documented commands exist, JSON is pure, errors are one line."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from workspace_helpers import run_cli_subprocess

from novelcraft.cli.app import cli as root_group

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_commands() -> set[str]:
    block = README.read_text(encoding="utf-8").split("## Commands", 1)[1].split("```")[1]
    return {m.group(1) for m in re.finditer(r"^  ([a-z-]+)", block, re.M)}


def test_every_readme_command_exists_and_vice_versa():
    documented = _readme_commands()
    assert documented, "README lists commands"
    assert documented == set(root_group.commands)


def test_readme_starts_with_the_two_setup_commands():
    head = README.read_text(encoding="utf-8").splitlines()[:6]
    text = "\n".join(head)
    assert "make demo" in text and "make test" in text


def test_ci_runs_make_test():
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


@pytest.mark.parametrize("command", sorted(root_group.commands))
def test_every_command_has_help(cli, command):
    result = cli(command, "--help")
    assert result.code == 0
    assert "Usage:" in result.out


def test_json_output_is_json_only(cli, sample_bible_path):
    slug = cli("bible", "import", sample_bible_path).out.strip()
    result = cli("projects", "--json")
    data = json.loads(result.out)
    assert data == [
        {"slug": slug, "name": "회귀한 검사의 두 번째 재판", "genre": "현대판타지", "episodes": 0}
    ]


def test_usage_errors_are_one_line_exit_2(cli):
    for args in (["no-such-command"], ["show"], ["projects", "--bogus"], ["--backend", "x"]):
        result = cli(*args)
        assert result.code == 2, args
        assert result.err.startswith("novelcraft: 오류:"), args
        assert result.err.count("\n") == 1, (args, result.err)


def test_broken_settings_file_is_one_line(cli, tmp_path):
    ws = tmp_path / "ws"
    assert cli("--workspace", ws, "init").code == 0
    (ws / "novelcraft.toml").write_text("[generation]\ntarget_lenght = 5\n", encoding="utf-8")
    result = cli("--workspace", ws, "projects")
    assert result.code == 2
    assert "novelcraft.toml:2: generation.target_lenght: 알 수 없는 항목입니다" in result.err
    (ws / "novelcraft.toml").write_text("[generation\n", encoding="utf-8")
    result = cli("--workspace", ws, "projects")
    assert result.code == 2 and "TOML 형식이 잘못되었습니다" in result.err


def test_init_writes_default_settings_that_load_back(cli, tmp_path):
    from novelcraft.settings import Settings, load_settings

    ws = tmp_path / "ws"
    first = cli("--workspace", ws, "init")
    assert first.code == 0 and "만들었습니다" in first.out
    assert load_settings(ws / "novelcraft.toml") == Settings()
    again = cli("--workspace", ws, "init")
    assert again.code == 0 and "이미 있습니다" in again.out


def test_real_process_never_prints_a_traceback(tmp_path):
    env = {**os.environ, "NOVELCRAFT_HOME": str(tmp_path / "ws")}
    bad = tmp_path / "bad.yaml"
    bad.write_text("project: {name: x}\ncharacters: [{role: main}]\n", encoding="utf-8")
    result = run_cli_subprocess("bible", "import", bad, env=env)
    assert result.returncode == 2
    assert (
        result.stderr
        == f"novelcraft: 오류: {bad}:2: characters[0].name: 꼭 있어야 하는 항목이 없습니다\n"
    )


def test_demo_sets_up_the_sample_project(cli, tmp_path):
    ws = tmp_path / "demo"
    first = cli("--workspace", ws, "demo", "--no-serve", "--episodes", "2")
    assert first.code == 0, first.err
    second = cli("--workspace", ws, "demo", "--no-serve", "--episodes", "2")
    assert second.code == 0
    listed = json.loads(cli("--workspace", ws, "projects", "--json").out)
    assert len(listed) == 1, "running demo twice does not duplicate the project"
