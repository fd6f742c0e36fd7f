"""Nonsense settings are refused at load: `novelcraft.toml:LINE: key: problem`, exit 2."""

from __future__ import annotations

import pytest

from novelcraft.settings import Settings, load_settings, render_settings_toml


@pytest.mark.parametrize(
    ("toml", "line", "key", "problem"),
    [
        ("[context]\nbudget_chars = -5\n", 2, "context.budget_chars", "이상이어야 합니다"),
        ("[context]\nbudget_chars = 0\n", 2, "context.budget_chars", "이상이어야 합니다"),
        (
            "[generation]\n# range\nmin_length = 9500\nmax_length = 9000\n",
            3,
            "generation.min_length",
            "max_length보다 크면 안 됩니다",
        ),
        (
            "[backend]\nmodel = 'x'\nconcurrency = 0\n",
            3,
            "backend.concurrency",
            "이상이어야 합니다",
        ),
        ("[queue]\nworkers = 0\n", 2, "queue.workers", "이상이어야 합니다"),
        (
            "[queue]\nbackoff_initial_seconds = 100\n",
            2,
            "queue.backoff_initial_seconds",
            "backoff_max_seconds보다 크면 안 됩니다",
        ),
        (
            "[metrics]\ndialogue_ratio_min = 0.7\n",
            2,
            "metrics.dialogue_ratio_min",
            "dialogue_ratio_max보다 크면 안 됩니다",
        ),
        (
            "[metrics]\ndialogue_ratio_max = 1.5\n",
            2,
            "metrics.dialogue_ratio_max",
            "이하여야 합니다",
        ),
        ("[backend]\nopenai_base_url = 'file:///etc'\n", 2, "backend.openai_base_url", "http"),
        ("[backend]\nopenai_key_env = 'A B'\n", 2, "backend.openai_key_env", "패턴"),
        ("\n[generation]\nmax_lenght = 1\n", 3, "generation.max_lenght", "알 수 없는 항목입니다"),
        ("[generation]\nmin_length = 'many'\n", 2, "generation.min_length", "정수여야 합니다"),
    ],
)
def test_bad_settings_name_file_line_key_and_problem(cli, tmp_path, toml, line, key, problem):
    ws = tmp_path / "ws"
    assert cli("--workspace", ws, "init").code == 0
    (ws / "novelcraft.toml").write_text(toml, encoding="utf-8")
    result = cli("--workspace", ws, "projects")
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1
    assert f"novelcraft.toml:{line}: {key}: " in result.err
    assert problem in result.err


def test_the_defaults_and_the_written_file_are_valid(tmp_path):
    path = tmp_path / "novelcraft.toml"
    path.write_text(render_settings_toml(), encoding="utf-8")
    assert load_settings(path) == Settings()
