"""Exports (zip, md, txt, munpia) and re-importing a project archive.

A zip archive is both a deliverable and a backup of one project: `bible.yaml`,
`episodes/EP001.md…`, the CSV reports, and `data/*.jsonl` with every row of the project's
episodes, versions, events and metrics, so `import-archive` recreates an identical project.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from pydantic import ValidationError

from novelcraft import __version__
from novelcraft.archive_rows import (
    ROW_MODELS,
    UNIQUE_KEYS,
    ArchiveManifest,
    ArchiveRow,
    stored_columns,
)
from novelcraft.bible import MAX_BIBLE_BYTES, decode_text, parse_bible, shown
from novelcraft.errors import BadInput, NotFound, OperationFailed
from novelcraft.files import write_file_atomically
from novelcraft.models import Bible
from novelcraft.reports import guard_summary, guard_summary_csv, metrics_csv, metrics_rows
from novelcraft.slugs import is_valid_slug, unique_slug
from novelcraft.store import projects as project_rows
from novelcraft.store.connection import Store

ARCHIVE_FORMAT = "novelcraft-archive/1"
FORMATS = ("zip", "md", "txt", "munpia")
# What one archive may make us read: a zip bomb stops at the header, before decompression.
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024
# Rows that belong to a project, keyed the way they are re-linked on import.
_ORDER = {
    "episodes": "episode_number",
    "episode_versions": "e.episode_number, v.version",
    "episode_events": "id",
    "episode_metrics": "id",
    "relationships": "id",
}


def _export_sql(table: str) -> str:
    """The SELECT that writes `data/<table>.jsonl`: exactly the columns its row model reads."""
    model = ROW_MODELS[table]
    if table == "episode_versions":
        columns = ", ".join(f'v."{c}"' for c in stored_columns(model))
        return (
            f"SELECT e.episode_number, {columns} FROM episode_versions v JOIN episodes e "
            f"ON e.id = v.episode_id WHERE e.project_id = ? ORDER BY {_ORDER[table]}"
        )
    columns = ", ".join(f'"{c}"' for c in model.columns())
    only_derived = " AND source <> 'bible'" if table == "relationships" else ""
    return (
        f'SELECT {columns} FROM "{table}" WHERE project_id = ?{only_derived} '
        f"ORDER BY {_ORDER[table]}"
    )


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
    store, pid = ws.store, ws.project_id(slug)
    episodes = _episodes(store, pid)
    if fmt == "zip":
        data = archive_bytes(ws, slug)
    elif fmt == "md":
        data = "\n".join(episode_markdown(e["episode_number"], e["title"], e["content"])
                         for e in episodes).encode()  # fmt: skip
    elif fmt == "txt":
        data = "\n\n".join(f"{e['episode_number']}화 {e['title']}".strip() + "\n\n"
                           + e["content"].strip() for e in episodes).encode()  # fmt: skip
    else:  # munpia: plain text, scene markers as blank-line breaks, one episode per block
        data = "\n\n\n".join(
            "\n".join(line for line in e["content"].splitlines() if line.strip() != "###")
            .strip() for e in episodes
        ).encode()  # fmt: skip
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
        for table in ROW_MODELS:
            lines = [
                json.dumps(row, ensure_ascii=False, default=_json_default)
                for row in store.rows(_export_sql(table), [pid])
            ]
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


class _Members:
    """The members of an open archive, read with size limits and errors that name them."""

    def __init__(self, path: Path, zf: zipfile.ZipFile):
        self.path = path
        self.zf = zf
        self.infos = {info.filename: info for info in zf.infolist()}
        total = sum(info.file_size for info in self.infos.values())
        if total > MAX_ARCHIVE_BYTES:
            raise BadInput(f"{path}: the archive unpacks to {total:,} bytes, too large to import")

    def __contains__(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str, limit: int | None = None) -> bytes:
        limit = MAX_MEMBER_BYTES if limit is None else limit
        info = self.infos[name]
        if info.file_size > limit:
            raise BadInput(f"{self.path}: {name}: {info.file_size:,} bytes is too large")
        try:
            with self.zf.open(info) as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
            raise BadInput(f"{self.path}: {name}: damaged archive member ({exc})") from None
        except RuntimeError as exc:  # encrypted members need a password we do not have
            raise BadInput(f"{self.path}: {name}: cannot read ({exc})") from None
        if len(data) > limit:
            raise BadInput(f"{self.path}: {name}: larger than its header says")
        return data

    def text(self, name: str, limit: int | None = None) -> str:
        data = self.read(name, limit)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise BadInput(f"{self.path}: {name}:{line}: not UTF-8 text") from None


def _problem(exc: ValidationError) -> str:
    err = exc.errors()[0]
    field = ".".join(shown(p) for p in err["loc"]) or "(row)"
    if err["type"] == "extra_forbidden":
        return f"{field}: unknown column"
    if err["type"] == "missing":
        return f"{field}: required column is missing"
    return f"{field}: {err['msg'].removeprefix('Value error, ')}"


def _read_rows(members: _Members, table: str) -> list[ArchiveRow]:
    name = f"data/{table}.jsonl"
    if name not in members:
        return []
    model = ROW_MODELS[table]
    key = UNIQUE_KEYS.get(table)
    rows: dict[Any, ArchiveRow] = {}
    for number, line in enumerate(members.text(name).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{members.path}: {name}:{number}"
        try:
            raw = json.loads(line)
        except ValueError as exc:
            raise BadInput(f"{where}: not a JSON line ({exc})") from None
        except RecursionError:
            raise BadInput(f"{where}: nested too deeply for an archive row") from None
        if not isinstance(raw, dict):
            raise BadInput(f"{where}: a row must be a JSON object, not {type(raw).__name__}")
        try:
            row = model.model_validate(raw)
        except ValidationError as exc:
            raise BadInput(f"{where}: {_problem(exc)}") from None
        ident = tuple(getattr(row, c) for c in key) if key else number
        if key and ident in rows and table != "episode_metrics":
            raise BadInput(f"{where}: duplicate {', '.join(key)} {ident}")
        # A metric written twice for one attempt (a crash before m006) keeps the later row.
        rows[ident] = row
    return list(rows.values())


def _read_archive(path: Path) -> tuple[ArchiveManifest, str, dict[str, list[ArchiveRow]]]:
    if not path.exists():
        raise NotFound(f"{path}: no such file")
    if not path.is_file() or not zipfile.is_zipfile(path):
        raise BadInput(f"{path}: not a zip archive")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadInput(f"{path}: not a readable zip archive ({exc})") from None
    with zf:
        members = _Members(path, zf)
        if "manifest.json" not in members or "bible.yaml" not in members:
            raise BadInput(f"{path}: not a NovelCraft project archive (no manifest or bible)")
        try:
            manifest = ArchiveManifest.model_validate_json(
                members.read("manifest.json", MAX_MANIFEST_BYTES)
            )
        except ValidationError as exc:
            raise BadInput(f"{path}: manifest.json: {_problem(exc)}") from None
        if manifest.format != ARCHIVE_FORMAT:
            raise BadInput(f"{path}: manifest.json: format is not {ARCHIVE_FORMAT}")
        if not is_valid_slug(manifest.slug):
            raise BadInput(
                f"{path}: manifest.json: slug {manifest.slug[:80]!r} is not a valid slug "
                "(lowercase letters, digits and -)"
            )
        bible_text = decode_text(members.read("bible.yaml", MAX_BIBLE_BYTES), f"{path}:bible.yaml")
        tables = {table: _read_rows(members, table) for table in ROW_MODELS}
    return manifest, bible_text, tables


def _check_links(path: Path, tables: dict[str, list[ArchiveRow]]) -> None:
    numbers = {row.episode_number for row in tables["episodes"]}
    for table in ("episode_versions", "episode_events", "episode_metrics"):
        for row in tables[table]:
            if row.episode_number not in numbers:
                raise BadInput(
                    f"{path}: data/{table}.jsonl: episode_number {row.episode_number} "
                    "is not in data/episodes.jsonl"
                )


def _schema_columns(cur, table: str) -> dict[str, bool]:
    """Column name -> nullable, from the schema our migrations built."""
    rows = cur.execute(
        "SELECT column_name, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = ?",
        [table],
    ).fetchall()
    return {name: nullable == "YES" for name, nullable in rows}


def _insert(cur, row: ArchiveRow, returning: bool = False, **links: Any) -> int | None:
    """INSERT one validated row: identifiers from the row's model, every value bound.

    A value the archive left out (None) of a NOT NULL column is omitted, so the column's
    default applies."""
    known = _schema_columns(cur, row.table)
    pairs = [(c, getattr(row, c)) for c in stored_columns(type(row))] + list(links.items())
    unknown = sorted(c for c, _ in pairs if c not in known)
    if unknown:  # a row model out of step with the migrations is our bug, not the file's
        raise OperationFailed(f"archive model for {row.table} names unknown columns {unknown}")
    pairs = [(c, v) for c, v in pairs if v is not None or known[c]]
    quoted = ", ".join(f'"{c}"' for c, _ in pairs)
    marks = ", ".join("?" for _ in pairs)
    sql = f'INSERT INTO "{row.table}" ({quoted}) VALUES ({marks})'
    cur.execute(sql + (" RETURNING id" if returning else ""), [v for _, v in pairs])
    return cur.fetchone()[0] if returning else None


@dataclass(frozen=True)
class LoadedArchive:
    """An archive read and validated in full, before any workspace is touched."""

    path: Path
    manifest: ArchiveManifest
    bible: Bible
    tables: dict[str, list[ArchiveRow]]


def load_archive(path: Path | str) -> LoadedArchive:
    path = Path(path)
    manifest, bible_text, tables = _read_archive(path)
    bible = parse_bible(bible_text, f"{path}:bible.yaml")
    _check_links(path, tables)
    return LoadedArchive(path, manifest, bible, tables)


def import_archive(ws, source: Path | str | LoadedArchive, slug: str | None = None) -> str:
    """Recreate the archived project (all in one transaction); return its slug."""
    loaded = source if isinstance(source, LoadedArchive) else load_archive(source)
    path, manifest, bible, tables = loaded.path, loaded.manifest, loaded.bible, loaded.tables
    taken = project_rows.slugs(ws.store)
    if slug is not None:
        if not is_valid_slug(slug):
            raise BadInput(f"invalid slug {slug!r}: use lowercase letters, digits and -")
        if slug in taken:
            raise BadInput(f"project {slug!r} already exists")
    else:
        slug = unique_slug(manifest.slug, taken)
    try:
        with ws.store.transaction() as cur:
            pid = project_rows.insert_project(cur, slug, bible)
            episode_ids: dict[int, int] = {}
            for row in tables["episodes"]:
                episode_ids[row.episode_number] = _insert(cur, row, True, project_id=pid)
            for row in tables["episode_versions"]:
                _insert(cur, row, episode_id=episode_ids[row.episode_number])
            for table in ("episode_events", "episode_metrics"):
                for row in tables[table]:
                    _insert(cur, row, project_id=pid, episode_id=episode_ids[row.episode_number])
            for row in tables["relationships"]:
                _insert(cur, row, project_id=pid)
    except duckdb.Error as exc:
        detail = " ".join(str(exc).split())[:200]
        raise BadInput(f"{path}: the archive's rows do not fit this workspace: {detail}") from None
    return slug
