"""Prompt templates: every one renders, is paired with its answer model, can be overridden."""

from __future__ import annotations

import re

import pytest

from novelcraft import prompts
from novelcraft.errors import BadInput
from novelcraft.models import Outline

SECTIONS = {k: f"<{k}>" for k in ("world", "voices", "character_state", "summaries", "events",
                                  "plot_position", "outline", "instructions")}  # fmt: skip
VARIABLES = {
    "bootstrap": dict(genre="판타지", tone="밝게", protagonist="강도윤", supporting="",
                      banned_elements="", notes="", references="", episodes=60),
    "outline": dict(episode_number=3, genre="판타지", synopsis="줄거리", sections=SECTIONS,
                    target_length=8000, feedback=["3화 아웃라인이 1화와 같은 기능을 반복합니다"]),
    "episode": dict(episode_number=3, genre="판타지", tone="밝게", sections=SECTIONS,
                    banned_elements="", min_length=7000, max_length=9000, target_length=8000,
                    feedback=["분량이 부족합니다"]),
    "style": dict(content="<원고>", voices="<voices>",
                  warnings=[{"metric": "dialogue_ratio", "actual": 0.2, "expected": "0.4–0.6",
                             "suggestion": "대사를 늘리세요"}]),
    "revise": dict(content="<원고>", voices="<voices>", instruction="<지시>", min_length=7000,
                   max_length=9000),
    "summary": dict(episode_number=3, content="<원고>"),
    "events": dict(episode_number=3, content="<원고>", characters=["가", "나"],
                   open_foreshadows=[{"id": 7, "description": "복선", "episode_number": 1}]),
}  # fmt: skip


def test_every_template_is_listed_and_exists():
    files = {p.stem for p in prompts.builtin_template_dir().glob("*.jinja2")}
    assert files == set(prompts.TEMPLATES) == set(VARIABLES)


@pytest.mark.parametrize("name", sorted(prompts.TEMPLATES))
def test_every_template_renders_with_its_declared_variables(name):
    template = prompts.TEMPLATES[name]
    header = (prompts.builtin_template_dir() / template.filename).read_text(encoding="utf-8")
    declared = re.search(r"vars: ([^-]+?) -#\}", header).group(1)
    assert {v.strip() for v in declared.split(",")} == set(VARIABLES[name])
    assert template.answer.__name__ in header.splitlines()[0]
    text = prompts.render(name, VARIABLES[name])
    assert "{{" not in text and "{%" not in text
    for value in VARIABLES[name].values():
        if isinstance(value, str) and value.startswith("<"):
            assert value in text


@pytest.mark.parametrize("name", sorted(prompts.TEMPLATES))
def test_a_missing_variable_is_an_error_not_a_blank(name):
    variables = dict(VARIABLES[name])
    variables.pop(sorted(variables)[0])
    with pytest.raises(BadInput, match="프롬프트 템플릿"):
        prompts.render(name, variables)


def test_json_tasks_are_paired_with_models():
    assert prompts.TEMPLATES["outline"].answer is Outline
    assert prompts.TEMPLATES["events"].is_json and prompts.TEMPLATES["bootstrap"].is_json
    assert not prompts.TEMPLATES["episode"].is_json


def test_episode_prompt_carries_feedback_only_on_retry():
    first = prompts.render("episode", dict(VARIABLES["episode"], feedback=[]))
    retry = prompts.render("episode", VARIABLES["episode"])
    assert "이전 초고의 문제" not in first
    assert "이전 초고의 문제" in retry and "분량이 부족합니다" in retry


def test_outline_prompt_carries_feedback_only_on_retry():
    first = prompts.render("outline", dict(VARIABLES["outline"], feedback=[]))
    retry = prompts.render("outline", VARIABLES["outline"])
    assert "이전 아웃라인의 문제" not in first
    assert "이전 아웃라인의 문제" in retry and "1화와 같은 기능" in retry


def test_a_workspace_override_wins(tmp_path):
    (tmp_path / "summary.jinja2").write_text("요약만: {{ content }}", encoding="utf-8")
    text = prompts.render("summary", VARIABLES["summary"], override_dir=tmp_path)
    assert text == "요약만: <원고>\n"
    other = prompts.render("events", VARIABLES["events"], override_dir=tmp_path)
    assert "이벤트를 추출" in other


def test_a_broken_override_names_file_and_line(tmp_path):
    (tmp_path / "summary.jinja2").write_text("첫 줄\n{% if %}\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"summary.jinja2:2: 템플릿 오류"):
        prompts.render("summary", VARIABLES["summary"], override_dir=tmp_path)


def test_templates_ship_in_the_wheel_config():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert setuptools["package-dir"]["novelcraft.prompt_templates"] == "prompts"
    # The dashboards are importable by their own path: novelcraft/dashboards links to them.
    link = Path(__file__).parents[1] / "novelcraft" / "dashboards"
    assert link.is_symlink() and link.resolve() == (Path(__file__).parents[1] / "dashboards")
    assert "novelcraft.dashboards" not in setuptools["package-dir"]
    root = Path(__file__).parents[1] / "novelcraft"
    packages = {"novelcraft"} | {
        "novelcraft." + p.parent.relative_to(root).as_posix().replace("/", ".")
        for p in root.rglob("__init__.py")
        if p.parent != root
    }
    mapped = {"novelcraft.prompt_templates", "novelcraft.dashboards"}
    assert packages | mapped == set(setuptools["packages"])
    # The dashboard components' browser modules are files of their own and ship too.
    modules = sorted(p.name for p in link.resolve().glob("*.js"))
    assert modules and setuptools["package-data"]["novelcraft.dashboards"] == ["*.js"], modules
