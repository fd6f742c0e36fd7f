"""Exports (zip, md, txt, platform splits, epub) and re-importing a project archive.

A zip archive is both a deliverable and a backup of one project: `bible.yaml`,
`episodes/EP001.md…`, the CSV reports, and `data/*.jsonl` with every row of the project's
episodes, versions, events and metrics, so `import-archive` recreates an identical project.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from novelcraft import __version__
from novelcraft.bible import parse_bible
from novelcraft.errors import BadInput, NotFound
from novelcraft.files import write_file_atomically
from novelcraft.reports import guard_summary, guard_summary_csv, metrics_csv, metrics_rows
from novelcraft.store import projects as project_rows
from novelcraft.store.connection import Store

ARCHIVE_FORMAT = "novelcraft-archive/1"
FORMATS = ("zip", "md", "txt", "munpia", "naver", "kakao", "epub")
# One plain-text file per platform episode in a folder (novelcraft.export_platform).
PLATFORM_FORMATS = ("munpia", "naver", "kakao")
# Rows that belong to a project, keyed the way they are re-linked on import.
_TABLES = {
    "episodes": "SELECT * FROM episodes WHERE project_id = ? ORDER BY episode_number",
    "episode_versions": (
        "SELECT e.episode_number, v.* FROM episode_versions v JOIN episodes e "
        "ON e.id = v.episode_id WHERE e.project_id = ? ORDER BY e.episode_number, v.version"
    ),
    "episode_events": "SELECT * FROM episode_events WHERE project_id = ? ORDER BY id",
    "episode_metrics": "SELECT * FROM episode_metrics WHERE project_id = ? ORDER BY id",
    "relationships": (
        "SELECT * FROM relationships WHERE project_id = ? AND source <> 'bible' ORDER BY id"
    ),
}
_DROP = {"id", "project_id", "episode_id"}


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def episode_markdown(number: int, title: str, content: str) -> str:
    heading = f"# {number}화" + (f" {title}" if title else "")
    return f"{heading}\n\n{content.strip()}\n"


def _episodes(store: Store, pid: int) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT episode_number, title, content FROM episodes WHERE project_id = ? "
        "AND content <> '' ORDER BY episode_number",
        [pid],
    )


def export_project(ws, slug: str, fmt: str, target: Path) -> Path:
    if fmt not in FORMATS:
        raise BadInput(f"unknown export format {fmt!r} (use one of: {', '.join(FORMATS)})")
    if fmt == "epub":
        from novelcraft.export_epub import write_epub

        return write_epub(ws, slug, target)
    if fmt in PLATFORM_FORMATS:
        from novelcraft.export_platform import write_platform_export

        return write_platform_export(ws, slug, fmt, target)
    store, pid = ws.store, ws.project_id(slug)
    episodes = _episodes(store, pid)
    if fmt == "zip":
        data = archive_bytes(ws, slug)
    elif fmt == "md":
        data = "\n".join(episode_markdown(e["episode_number"], e["title"], e["content"])
                         for e in episodes).encode()  # fmt: skip
    else:  # txt
        data = "\n\n".join(f"{e['episode_number']}화 {e['title']}".strip() + "\n\n"
                           + e["content"].strip() for e in episodes).encode()  # fmt: skip
    write_file_atomically(target, data)
    return target


def archive_bytes(ws, slug: str) -> bytes:
    store, pid = ws.store, ws.project_id(slug)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bible.yaml", ws.export_bible(slug))
        for e in _episodes(store, pid):
            zf.writestr(
                f"episodes/EP{e['episode_number']:03d}.md",
                episode_markdown(e["episode_number"], e["title"], e["content"]),
            )
        zf.writestr("metrics.csv", metrics_csv(metrics_rows(store, pid)))
        events = store.rows(
            "SELECT episode_number, event_type, description, characters_involved, "
            "resolved_in_episode FROM episode_events WHERE project_id = ? ORDER BY id",
            [pid],
        )
        zf.writestr("events.csv", _csv(events))
        target = ws.settings.generation.target_length
        zf.writestr("guard_summary.csv", guard_summary_csv(guard_summary(store, pid, target)))
        for table, sql in _TABLES.items():
            lines = [
                json.dumps({k: v for k, v in row.items() if k not in _DROP},
                           ensure_ascii=False, default=_json_default)
                for row in store.rows(sql, [pid])
            ]  # fmt: skip
            zf.writestr(f"data/{table}.jsonl", "\n".join(lines))
        zf.writestr("manifest.json", json.dumps(
            {"format": ARCHIVE_FORMAT, "novelcraft_version": __version__, "slug": slug},
            ensure_ascii=False))  # fmt: skip
    return buffer.getvalue()


def _csv(rows: list[dict[str, Any]]) -> str:
    import csv

    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def _read_archive(path: Path) -> tuple[dict, str, dict[str, list[dict]]]:
    if not path.exists():
        raise NotFound(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise BadInput(f"{path}: not a zip archive")
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        if "manifest.json" not in names or "bible.yaml" not in names:
            raise BadInput(f"{path}: not a NovelCraft project archive (no manifest or bible)")
        manifest = json.loads(zf.read("manifest.json"))
        if manifest.get("format") != ARCHIVE_FORMAT:
            raise BadInput(f"{path}: archive format is not {ARCHIVE_FORMAT}")
        bible_text = zf.read("bible.yaml").decode("utf-8")
        tables = {}
        for table in _TABLES:
            raw = (
                zf.read(f"data/{table}.jsonl").decode("utf-8")
                if (f"data/{table}.jsonl" in names)
                else ""
            )
            tables[table] = [json.loads(line) for line in raw.splitlines() if line.strip()]
    return manifest, bible_text, tables


def _insert(cur, table: str, row: dict[str, Any]) -> None:
    columns = list(row)
    cur.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        [json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
         for v in row.values()],
    )  # fmt: skip


def import_archive(ws, path: Path, slug: str | None = None) -> str:
    """Recreate the archived project (all in one transaction); return its slug."""
    manifest, bible_text, tables = _read_archive(Path(path))
    bible = parse_bible(bible_text, f"{path}:bible.yaml")
    from novelcraft.slugs import unique_slug

    slug = slug or unique_slug(manifest.get("slug") or "project", project_rows.slugs(ws.store))
    with ws.store.transaction() as cur:
        pid = project_rows.insert_project(cur, slug, bible)
        episode_ids: dict[int, int] = {}
        for row in tables["episodes"]:
            columns = dict(row, project_id=pid)
            cur.execute(
                f"INSERT INTO episodes ({', '.join(columns)}) VALUES "
                f"({', '.join('?' for _ in columns)}) RETURNING id",
                list(columns.values()),
            )
            episode_ids[row["episode_number"]] = cur.fetchone()[0]
        for row in tables["episode_versions"]:
            number = row.pop("episode_number")
            _insert(cur, "episode_versions", dict(row, episode_id=episode_ids[number]))
        for table in ("episode_events", "episode_metrics"):
            for row in tables[table]:
                _insert(
                    cur,
                    table,
                    dict(row, project_id=pid, episode_id=episode_ids[row["episode_number"]]),
                )
        for row in tables["relationships"]:
            _insert(cur, "relationships", dict(row, project_id=pid))
    return slug
