"""Self-contained workspace backups and restoring them into an empty workspace.

A backup is a folder: DuckDB's EXPORT DATABASE (schema + Parquet, sequences included), the
settings file, per-workspace prompt overrides and a manifest with row counts and checksums.
It is written under a temporary name and renamed when complete, so a crash never leaves a
half backup that looks whole. Restore verifies the checksums, imports into a temporary
database beside the target and swaps it in only when the row counts match.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from novelcraft import __version__
from novelcraft.errors import BadInput, NotFound, OperationFailed
from novelcraft.store import Store, apply_migrations
from novelcraft.store.migrations import applied_migrations
from novelcraft.workspace.lock import OwnerLock
from novelcraft.workspace.paths import WorkspacePaths

if TYPE_CHECKING:
    from novelcraft.workspace import Workspace

BACKUP_FORMAT = "novelcraft-backup/1"
MANIFEST = "manifest.json"
# Tables whose rows make a workspace "not empty" for restore.
_CONTENT_TABLES = ("projects", "episodes", "generation_jobs")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts(store: Store) -> dict[str, int]:
    return {t: store.scalar(f'SELECT count(*) FROM "{t}"') for t in store.table_names()}


def write_backup(ws: Workspace, dest_dir: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    dest_dir.mkdir(parents=True, exist_ok=True)
    name = f"novelcraft-backup-{stamp}"
    n = 1
    while (dest_dir / name).exists():
        n += 1
        name = f"novelcraft-backup-{stamp}-{n}"
    final = dest_dir / name
    partial = dest_dir / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        ws.store.execute(f"EXPORT DATABASE '{partial / 'db'}' (FORMAT parquet)")
        if ws.paths.settings.exists():
            shutil.copy2(ws.paths.settings, partial / ws.paths.settings.name)
        if ws.paths.prompts.is_dir() and any(ws.paths.prompts.iterdir()):
            shutil.copytree(ws.paths.prompts, partial / "prompts")
        files = {
            str(p.relative_to(partial)): _sha256(p)
            for p in sorted(partial.rglob("*"))
            if p.is_file()
        }
        manifest = {
            "format": BACKUP_FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "novelcraft_version": __version__,
            "duckdb_version": duckdb.__version__,
            "workspace": str(ws.paths.root),
            "migrations": applied_migrations(ws.store.cursor()),
            "tables": table_counts(ws.store),
            "files": files,
        }
        (partial / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def read_manifest(source: Path) -> dict:
    if not source.exists():
        raise NotFound(f"{source}: no such backup")
    if not source.is_dir():
        raise BadInput(f"{source}: a backup is a folder made by `novelcraft backup`")
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"{source}: not a NovelCraft backup (no {MANIFEST})") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadInput(f"{source / MANIFEST}: unreadable manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise BadInput(f"{source / MANIFEST}: format is not {BACKUP_FORMAT}")
    for rel, digest in manifest.get("files", {}).items():
        path = source / rel
        if not path.is_file():
            raise BadInput(f"{source}: backup is incomplete, {rel} is missing")
        if _sha256(path) != digest:
            raise BadInput(f"{source}: backup is damaged, {rel} does not match its checksum")
    return manifest


def _ensure_empty(paths: WorkspacePaths) -> None:
    if not paths.database.exists():
        return
    store = Store(paths.database)
    try:
        names = set(store.table_names())
        for table in _CONTENT_TABLES:
            if table in names and store.scalar(f"SELECT count(*) FROM {table}"):
                raise BadInput(
                    f"workspace {paths.root} is not empty ({table} has rows); "
                    "restore needs a new or empty workspace"
                )
    finally:
        store.close()


def restore_backup(source: Path | str, root: Path) -> dict:
    """Bring a backup back into the (new or empty) workspace at `root`; return its manifest."""
    source = Path(source).resolve()
    manifest = read_manifest(source)
    paths = WorkspacePaths(root)
    if paths.root.exists() and not paths.root.is_dir():
        raise BadInput(f"{paths.root}: exists and is not a directory")
    created = not paths.root.exists()
    paths.root.mkdir(parents=True, exist_ok=True)
    lock = OwnerLock(paths).acquire()
    temp = paths.root / ".restore.duckdb"
    try:
        _ensure_empty(paths)
        for leftover in (temp, temp.with_name(temp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        store = Store(temp)
        try:
            store.execute(f"IMPORT DATABASE '{source / 'db'}'")
            apply_migrations(store)  # a backup from an older version upgrades on the way in
            counts = table_counts(store)
        finally:
            store.close()
        for table, expected in manifest.get("tables", {}).items():
            if counts.get(table) != expected:
                raise OperationFailed(
                    f"restore check failed: {table} has {counts.get(table)} rows, "
                    f"backup says {expected}"
                )
        paths.database.with_name(paths.database.name + ".wal").unlink(missing_ok=True)
        os.replace(temp, paths.database)
        if (source / paths.settings.name).exists():
            shutil.copy2(source / paths.settings.name, paths.settings)
        if (source / "prompts").is_dir():
            shutil.copytree(source / "prompts", paths.prompts, dirs_exist_ok=True)
        paths.create()
    except BaseException:
        temp.unlink(missing_ok=True)
        if created:
            lock.release()
            shutil.rmtree(paths.root, ignore_errors=True)
        raise
    finally:
        lock.release()
    return manifest


def prune_backups(dest_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` complete backups in `dest_dir`; returns what went."""
    complete = sorted(
        (p for p in dest_dir.glob("novelcraft-backup-*") if (p / MANIFEST).is_file()),
        key=lambda p: (p / MANIFEST).stat().st_mtime,
    )
    doomed = complete[:-keep] if keep > 0 else complete
    for path in doomed:
        shutil.rmtree(path)
    return doomed
