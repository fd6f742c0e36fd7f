"""Exports (zip, md, txt, platform splits, epub) and re-importing a project archive.

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
from novelcraft.field_problems import problem_text
from novelcraft.files import write_file_atomically
from novelcraft.models import Bible
from novelcraft.parse_problems import json_error_text, os_error_text
from novelcraft.reports import guard_summary, guard_summary_csv, metrics_csv, metrics_rows
from novelcraft.slugs import is_valid_slug, unique_slug
from novelcraft.store import projects as project_rows
from novelcraft.store.connection import Store

ARCHIVE_FORMAT = "novelcraft-archive/1"
FORMATS = ("zip", "md", "txt", "munpia", "naver", "kakao", "epub")
# One plain-text file per platform episode in a folder (novelcraft.export_platform).
PLATFORM_FORMATS = ("munpia", "naver", "kakao")
# Built from Workspace reads alone (bible, episodes, settings), so a client of a remote owner
# builds them itself instead of downloading them.
CLIENT_FORMATS = ("epub", *PLATFORM_FORMATS)
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
        raise BadInput(f"알 수 없는 내보내기 형식입니다: {fmt!r} (가능한 값: {', '.join(FORMATS)})")
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
            raise BadInput(f"{path}: 압축을 풀면 {total:,}바이트라 가져오기에 너무 큽니다")

    def __contains__(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str, limit: int | None = None) -> bytes:
        limit = MAX_MEMBER_BYTES if limit is None else limit
        info = self.infos[name]
        if info.file_size > limit:
            raise BadInput(f"{self.path}: {name}: {info.file_size:,}바이트는 너무 큽니다")
        try:
            with self.zf.open(info) as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
            # zipfile's own reasons are English and name nothing the author can act on.
            raise BadInput(f"{self.path}: {name}: 압축 파일 안의 항목이 손상되었습니다") from None
        except RuntimeError:  # encrypted members need a password we do not have
            raise BadInput(f"{self.path}: {name}: 암호가 걸려 있어 읽을 수 없습니다") from None
        if len(data) > limit:
            raise BadInput(f"{self.path}: {name}: 헤더에 적힌 크기보다 큽니다")
        return data

    def text(self, name: str, limit: int | None = None) -> str:
        data = self.read(name, limit)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise BadInput(f"{self.path}: {name}:{line}: UTF-8 텍스트가 아닙니다") from None


def _problem(exc: ValidationError) -> str:
    err = exc.errors()[0]
    field = ".".join(shown(p) for p in err["loc"]) or "(행)"
    if err["type"] == "extra_forbidden":
        return f"{field}: 알 수 없는 열입니다"
    if err["type"] == "missing":
        return f"{field}: 꼭 있어야 하는 열이 없습니다"
    return f"{field}: {problem_text(err, with_input=False)}"


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
            raise BadInput(f"{where}: JSON 한 줄이 아닙니다 ({json_error_text(exc)})") from None
        except RecursionError:
            raise BadInput(f"{where}: 보관 파일의 행으로 보기에는 중첩이 너무 깊습니다") from None
        if not isinstance(raw, dict):
            raise BadInput(f"{where}: 행은 JSON 객체여야 합니다 ({type(raw).__name__}이 아님)")
        try:
            row = model.model_validate(raw)
        except ValidationError as exc:
            raise BadInput(f"{where}: {_problem(exc)}") from None
        ident = tuple(getattr(row, c) for c in key) if key else number
        if key and ident in rows and table != "episode_metrics":
            shown_ident = ", ".join(f"{c} {v}" for c, v in zip(key, ident, strict=True))
            raise BadInput(f"{where}: {shown_ident}이(가) 중복됩니다")
        # A metric written twice for one attempt (a crash before m006) keeps the later row.
        rows[ident] = row
    return list(rows.values())


def _read_archive(path: Path) -> tuple[ArchiveManifest, str, dict[str, list[ArchiveRow]]]:
    if not path.exists():
        raise NotFound(f"{path}: 파일이 없습니다")
    if not path.is_file() or not zipfile.is_zipfile(path):
        raise BadInput(f"{path}: ZIP 파일이 아닙니다")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise BadInput(f"{path}: 읽을 수 있는 ZIP 파일이 아닙니다") from None
    except OSError as exc:
        raise BadInput(f"{path}: 읽을 수 없습니다 ({os_error_text(exc)})") from None
    with zf:
        members = _Members(path, zf)
        if "manifest.json" not in members or "bible.yaml" not in members:
            raise BadInput(
                f"{path}: NovelCraft 작품 보관 파일이 아닙니다 (매니페스트나 바이블 없음)"
            )
        try:
            manifest = ArchiveManifest.model_validate_json(
                members.read("manifest.json", MAX_MANIFEST_BYTES)
            )
        except ValidationError as exc:
            raise BadInput(f"{path}: manifest.json: {_problem(exc)}") from None
        if manifest.format != ARCHIVE_FORMAT:
            raise BadInput(f"{path}: manifest.json: 형식이 {ARCHIVE_FORMAT}이(가) 아닙니다")
        if not is_valid_slug(manifest.slug):
            raise BadInput(
                f"{path}: manifest.json: slug {manifest.slug[:80]!r}은(는) 쓸 수 없는 slug입니다 "
                "(영문 소문자, 숫자, -만)"
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
                    f"{path}: data/{table}.jsonl: episode_number {row.episode_number}이(가) "
                    "data/episodes.jsonl에 없습니다"
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
        raise OperationFailed(f"{row.table}의 보관 모델에 알 수 없는 열이 있습니다: {unknown}")
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
            raise BadInput(f"slug {slug!r}은(는) 쓸 수 없습니다: 영문 소문자, 숫자, -만 쓰세요")
        if slug in taken:
            raise BadInput(f"작품 {slug!r}이(가) 이미 있습니다")
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
        raise BadInput(f"{path}: 보관 파일의 행이 이 작업 공간에 맞지 않습니다: {detail}") from None
    return slug
