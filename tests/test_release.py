"""Release 1.0.0rc1: one version everywhere, the changelog, the README's opening, the
Makefile's install, the demo's two seasons and the CLI's rich progress bar."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import panel as pn

import novelcraft
from novelcraft.cli.app import cli as root_group
from novelcraft.cli.progress import ProgressBar

ROOT = Path(__file__).resolve().parents[1]
VERSION = "1.0.0rc1"
HANGUL = re.compile(r"[가-힣]")


def test_the_version_is_defined_once():
    assert novelcraft.__version__ == VERSION
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    dynamic = project["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "novelcraft.__version__"}
    from importlib.metadata import version

    assert version("novelcraft") == VERSION  # the installed metadata read it too
    literal = re.compile(re.escape(VERSION).replace(r"\.", r"\."))
    mentions = [
        p.relative_to(ROOT).as_posix()
        for folder in ("novelcraft", "dashboards")
        for p in (ROOT / folder).rglob("*.py")
        if literal.search(p.read_text("utf-8"))
    ]
    assert mentions == ["novelcraft/__init__.py"]


def test_novelcraft_version_prints_it():
    done = subprocess.run(
        [sys.executable, "-m", "novelcraft", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(VERSION)


def test_dashboard_footer_shows_it(workspace):
    from novelcraft.dashboards.app import Shell
    from novelcraft.dashboards.state import AppState

    page = Shell(state=AppState(ws=workspace)).page()
    texts = [
        obj.object
        for item in page.sidebar
        for obj in pn.panel(item).select(pn.pane.Markdown)
        if isinstance(obj.object, str)
    ]
    assert f"NovelCraft {VERSION}" in texts


def test_archive_and_backup_manifests_carry_it(cli, sample_bible_path, tmp_path):
    slug = cli("bible", "import", sample_bible_path).out.strip()
    archive = tmp_path / "p.zip"
    assert cli("export", slug, "--format", "zip", "-o", archive).code == 0
    with zipfile.ZipFile(archive) as zf:
        assert json.loads(zf.read("manifest.json"))["novelcraft_version"] == VERSION
    backup = Path(cli("backup", "-o", tmp_path / "backups").out.strip())
    manifest = json.loads((backup / "manifest.json").read_text("utf-8"))
    assert manifest["novelcraft_version"] == VERSION


def _command_paths(group, prefix=""):
    for name, command in group.commands.items():
        yield prefix + name
        if hasattr(command, "commands"):
            yield from _command_paths(command, prefix + name + " ")


def test_changelog_follows_keep_a_changelog_and_names_every_command():
    text = (ROOT / "CHANGELOG.md").read_text("utf-8")
    assert text.startswith("# Changelog\n")
    assert "[Keep a Changelog](https://keepachangelog.com/" in text
    headings = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.M)
    assert [h[0] for h in headings][:2] == ["Unreleased", VERSION] and headings[1][1]
    release = text.split(f"## [{VERSION}]", 1)[1]
    sections = re.findall(r"^### (\w+)$", release, re.M)
    assert sections and set(sections) <= {
        "Added",
        "Changed",
        "Deprecated",
        "Removed",
        "Fixed",
        "Security",
    }
    missing = [p for p in _command_paths(root_group) if f"`{p}" not in text]
    assert missing == []
    for fmt in ("zip", "md", "txt", "epub", "munpia", "naver", "kakao"):
        assert f"`{fmt}`" in text or f"--format {fmt}" in text


def test_readme_opens_with_korean_for_authors_beside_the_two_commands():
    text = (ROOT / "README.md").read_text("utf-8")
    opening = text.split("\n\n")[1]  # the paragraph under the title
    assert len(HANGUL.findall(opening)) > 100
    assert "make demo" in opening and "make test" in opening
    block = text.split("```")[1]
    assert block.strip().startswith("make demo") and "make test" in block


def test_makefile_install_shows_progress_and_brings_java_for_epubcheck():
    makefile = (ROOT / "Makefile").read_text("utf-8")
    install = makefile.split("$(STAMP): pyproject.toml", 1)[1].split("\n\n", 1)[0]
    assert "--quiet" not in install and " -q " not in install
    assert "--progress-bar on" in install and install.count("@echo") >= 3
    assert re.search(r"^test: .*\bjava\b", makefile, re.M)
    java = makefile.split("\njava:", 1)[1].split("\n\n", 1)[0]
    assert "command -v java" in java and "default-jre-headless" in java
    assert re.search(r"demo --episodes \$\(DEMO_EPISODES\)", makefile)
    assert re.search(r"^DEMO_EPISODES \?= (\d+)$", makefile, re.M).group(1) == "60"


def test_packaging_declares_the_data_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    setuptools = project["tool"]["setuptools"]
    assert "novelcraft.data" in setuptools["packages"]
    shipped = setuptools["package-data"]["novelcraft.data"]
    data = ROOT / "novelcraft" / "data"
    files = [p for p in data.iterdir() if p.is_file() and p.suffix != ".py"]
    assert files and all(any(p.match(pattern) for pattern in shipped) for p in files)


def test_demo_covers_two_seasons_by_default():
    from novelcraft.bible import parse_bible
    from novelcraft.cli.workspace_cmds import sample_bible_text

    demo = root_group.commands["demo"]
    default = next(p.default for p in demo.params if p.name == "episode_count")
    seasons = parse_bible(sample_bible_text(), "sample").seasons
    covered = [s for s in seasons if s.first_episode <= default]
    assert default >= 60 and len(covered) >= 2
    # A season needs at least ten episodes to show a trend of its own.
    assert default - covered[-1].first_episode + 1 >= 10


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_off_a_terminal_prints_a_line_per_step():
    stream = io.StringIO()
    bar = ProgressBar(3, stream=stream)
    bar.update(0.0, "1화 초고", "running")
    bar.update(0.1, "1화 초고", "running")  # same step: no new line
    bar.message("  1화: 완료")
    bar.update(0.5, "2화 요약", "waiting")
    bar.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("[....") and "1/3화 · 1화 초고 · 경과" in lines[0]
    assert lines[1] == "  1화: 완료"
    assert "2/3화 · 2화 요약 (백엔드 대기)" in lines[2] and "남은 시간" in lines[2]


def test_progress_bar_on_a_terminal_is_drawn_by_rich():
    stream = _Terminal()
    bar = ProgressBar(4, stream=stream)
    bar.update(0.5, "3화 교정", "running")
    bar.message("  2화: 완료")
    bar.update(1.0, "완료", "completed")
    bar.close()
    out = stream.getvalue()
    assert "\x1b[" in out  # drawn in place with terminal control sequences
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)
    assert "  2화: 완료" in plain
    assert "4/4화" in plain and "100%" in plain and "완료" in plain
    assert "━" in plain  # rich's bar, not the plain [####....] line
    assert "[####" not in plain
