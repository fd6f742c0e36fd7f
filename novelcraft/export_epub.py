"""EPUB 3 export (`export --format epub`, DESIGN §11), built with EbookLib.

The book has a title page made from the Story Bible (name, genre, synopsis, seasons), one
XHTML document per written episode, a table of contents grouped by season, Korean language
metadata everywhere (`dc:language ko`, `xml:lang="ko"` on each page), and scene markers
rendered as thematic breaks (`<hr/>`), which reading systems show as a gap or an ornament.
The result passes EPUBCheck (the suite runs it).
"""

from __future__ import annotations

import html
import io
import re
import uuid
from pathlib import Path

from ebooklib import epub

from novelcraft.errors import BadInput
from novelcraft.files import write_file_atomically
from novelcraft.metrics.text import is_scene_marker, normalize_text
from novelcraft.models import Bible, Season
from novelcraft.platform_split import SourceEpisode

LANGUAGE = "ko"
STYLE = """\
body { font-family: serif; line-height: 1.8; margin: 0 5%; word-break: keep-all; }
h1, h2 { text-align: center; font-weight: bold; }
h1 { margin-top: 30%; font-size: 1.6em; }
h2 { margin: 2em 0 1.5em 0; font-size: 1.3em; }
p { margin: 0 0 0.8em 0; text-indent: 1em; }
p.meta { text-align: center; text-indent: 0; color: #555; }
hr.scene-break { border: none; margin: 1.5em auto; text-align: center; height: 1em; }
hr.scene-break::after { content: "* * *"; color: #777; }
"""
# The identifier of a project's book stays the same across exports, so a reading app
# replaces the old copy instead of keeping two.
_ID_NAMESPACE = uuid.UUID("8a7f3c52-2a7e-4f0e-9d53-4b1c6c3e8f10")


def _page(title: str, body: str) -> str:
    return f"<html><head><title>{html.escape(title)}</title></head><body>{body}</body></html>"


def _paragraphs(text: str) -> str:
    """Bible prose as paragraphs: blank lines separate them; a single line break inside one
    is the YAML file's hard wrap (the sample bible breaks lines mid-sentence)."""
    blocks = re.split(r"\n\s*\n", normalize_text(text).strip())
    joined = (" ".join(line.strip() for line in b.split("\n") if line.strip()) for b in blocks)
    return "\n".join(f"<p>{html.escape(b)}</p>" for b in joined if b)


def episode_body(content: str) -> str:
    """Paragraphs as <p>, each run of scene markers as one break (none at the edges)."""
    blocks: list[str] = []
    pending_break = False
    for line in normalize_text(content).split("\n"):
        if is_scene_marker(line):
            pending_break = bool(blocks)
        elif line.strip():
            if pending_break:
                blocks.append('<hr class="scene-break"/>')
                pending_break = False
            blocks.append(f"<p>{html.escape(line.strip())}</p>")
    return "\n".join(blocks)


def episode_heading(episode: SourceEpisode) -> str:
    return f"{episode.number}화" + (f" {episode.title}" if episode.title else "")


def season_heading(season: Season) -> str:
    return f"시즌 {season.number}" + (f" {season.title}" if season.title else "")


def _title_page(bible: Bible) -> str:
    info = bible.project
    parts = [f"<h1>{html.escape(info.name)}</h1>"]
    if info.genre:
        parts.append(f'<p class="meta">{html.escape(info.genre)}</p>')
    if info.synopsis:
        parts.append(_paragraphs(info.synopsis))
    for season in bible.seasons:
        span = f"{season.first_episode}~{season.last_episode}화"
        parts.append(f'<p class="meta">{html.escape(season_heading(season))} ({span})</p>')
    return "\n".join(parts)


def _season_of(number: int, seasons: list[Season]) -> Season | None:
    for season in seasons:
        if season.first_episode <= number <= season.last_episode:
            return season
    return None


def build_epub(bible: Bible, episodes: list[SourceEpisode], *, book_id: str) -> bytes:
    """The EPUB file's bytes for the written episodes, in order."""
    if not episodes:
        raise BadInput("내보낼 원고가 없습니다 (작성된 회차가 없음)")
    book = epub.EpubBook()
    book.set_identifier(f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, book_id)}")
    book.set_title(bible.project.name)
    book.set_language(LANGUAGE)
    book.add_metadata("DC", "publisher", "NovelCraft")
    if bible.project.genre:
        book.add_metadata("DC", "subject", bible.project.genre)
    if bible.project.synopsis:
        book.add_metadata("DC", "description", bible.project.synopsis.strip())
    style = epub.EpubItem(
        uid="style", file_name="style/book.css", media_type="text/css", content=STYLE
    )
    book.add_item(style)

    title = epub.EpubHtml(title="표제", file_name="title.xhtml", lang=LANGUAGE)
    title.content = _page(bible.project.name, _title_page(bible))
    title.add_item(style)
    book.add_item(title)

    groups: list[tuple[Season | None, list[epub.EpubHtml]]] = []
    chapters = []
    for episode in episodes:
        heading = episode_heading(episode)
        chapter = epub.EpubHtml(
            title=heading, file_name=f"ep{episode.number:04d}.xhtml", lang=LANGUAGE
        )
        chapter.content = _page(
            heading, f"<h2>{html.escape(heading)}</h2>\n{episode_body(episode.content)}"
        )
        chapter.add_item(style)
        book.add_item(chapter)
        chapters.append(chapter)
        season = _season_of(episode.number, bible.seasons)
        if not groups or groups[-1][0] is not season:
            groups.append((season, []))
        groups[-1][1].append(chapter)

    toc: list = [epub.Link("title.xhtml", "표제", "title")]
    for season, members in groups:
        label = season_heading(season) if season else "시즌 밖 회차"
        toc.append((epub.Section(label, members[0].file_name), members))
    book.toc = toc
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title="목차")
    nav.add_item(style)
    book.add_item(nav)
    book.spine = [title, "nav", *chapters]

    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {"epub3_pages": False})
    return buffer.getvalue()


def write_epub(ws, slug: str, target: Path) -> Path:
    from novelcraft.export_platform import source_episodes

    data = build_epub(ws.get_bible(slug), source_episodes(ws, slug), book_id=slug)
    write_file_atomically(Path(target), data)
    return Path(target)
