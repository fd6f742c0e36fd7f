"""Self-contained workspace backups and restoring them into an empty workspace.

A backup is a folder: one Parquet file per table (`db/<table>.parquet`), the settings file,
per-workspace prompt overrides and a manifest with the applied migrations, row counts and
checksums. It is written under a temporary name and renamed when complete, so a crash never
leaves a half backup that looks whole.

A backup folder may come from someone else, so restore executes nothing it reads: the schema
comes from our own migrations, each known table is filled from its Parquet file with one fixed
INSERT (whitelisted identifiers, the path bound), every file must be listed in the manifest
and match its checksum, and anything unlisted or unexpected is refused. The data goes into a
temporary database beside the target, swapped in only when the row counts match.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import duckdb
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from novelcraft import __version__
from novelcraft.bible import shown
from novelcraft.errors import BadInput, NotFound, OperationFailed
from novelcraft.field_problems import problem_text
from novelcraft.files import make_private
from novelcraft.parse_problems import json_error_text, os_error_text
from novelcraft.prompts import TEMPLATES
from novelcraft.settings import load_settings
from novelcraft.store import Store, apply_migrations
from novelcraft.store.migrations import MIGRATIONS, applied_migrations
from novelcraft.workspace.lock import OwnerLock
from novelcraft.workspace.paths import WorkspacePaths

if TYPE_CHECKING:
    from novelcraft.workspace import Workspace

BACKUP_FORMAT = "novelcraft-backup/1"
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 1024 * 1024
# Tables whose rows make a workspace "not empty" for restore.
_CONTENT_TABLES = ("projects", "episodes", "generation_jobs")
# Backups written by DuckDB's EXPORT DATABASE (before 1.0) carry these; they are listed and
# checked like any file, but never read: restore builds the schema itself.
_LEGACY_SQL = frozenset({"db/schema.sql", "db/load.sql"})
_BACKUP_NAME = re.compile(r"novelcraft-backup-(\d{8}-\d{6})(?:-(\d+))?")
# Restoring advances each id sequence past the largest id; a larger id is not a real workspace.
MAX_RESTORED_ID = 100_000_000
_SEQUENCE_DEFAULT = re.compile(r"nextval\('([a-z_0-9]+)'\)")


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
    try:
        dest_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=dest_dir):
            pass
    except OSError as exc:
        raise BadInput(
            f"{dest_dir}: 여기에는 백업을 쓸 수 없습니다 ({os_error_text(exc)})"
        ) from None
    name = f"novelcraft-backup-{stamp}"
    n = 1
    while (dest_dir / name).exists():
        n += 1
        name = f"novelcraft-backup-{stamp}-{n}"
    final = dest_dir / name
    partial = dest_dir / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    try:
        (partial / "db").mkdir(mode=0o700)
        for table in ws.store.table_names():  # names from our own schema, quoted anyway
            ws.store.execute(
                f'COPY (SELECT * FROM "{table}") TO ? (FORMAT parquet)',
                [str(partial / "db" / f"{table}.parquet")],
            )
        if ws.paths.settings.exists():
            shutil.copy2(ws.paths.settings, partial / ws.paths.settings.name)
        # Only the template overrides a restore accepts (anything else there is not ours).
        for template in TEMPLATES.values():
            override = ws.paths.prompts / template.filename
            if override.is_file() and not override.is_symlink():
                (partial / "prompts").mkdir(mode=0o700, exist_ok=True)
                shutil.copyfile(override, partial / "prompts" / template.filename)
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
        make_private(partial)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


class BackupManifest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    format: str
    created_at: str = ""
    migrations: list[Annotated[str, Field(max_length=100)]] = Field(max_length=1000)
    tables: dict[Annotated[str, Field(max_length=100)], Annotated[int, Field(ge=0)]]
    files: dict[
        Annotated[str, Field(max_length=300)], Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    ] = Field(max_length=10_000)


def _allowed(rel: str, tables: set[str]) -> bool:
    """The files a backup may hold: one Parquet per known table, settings, known prompts."""
    if rel in _LEGACY_SQL or rel == "novelcraft.toml":
        return True
    folder, _, name = rel.partition("/")
    if folder == "db" and name.endswith(".parquet"):
        return name.removesuffix(".parquet") in tables
    if folder == "prompts":
        return name in {t.filename for t in TEMPLATES.values()}
    return False


def _known_tables() -> set[str]:
    """Every table the current migrations create (an in-memory database, built by our code)."""
    store = Store(":memory:")
    try:
        apply_migrations(store)
        return set(store.table_names())
    finally:
        store.close()


def read_manifest(source: Path) -> BackupManifest:
    """The backup's manifest, once every file in the folder is listed and matches it."""
    if not source.exists():
        raise NotFound(f"{source}: 백업이 없습니다")
    if not source.is_dir():
        raise BadInput(f"{source}: 백업은 `novelcraft backup`이 만든 폴더여야 합니다")
    path = source / MANIFEST
    if not path.is_file():
        raise BadInput(f"{source}: NovelCraft 백업이 아닙니다 ({MANIFEST} 없음)")
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise BadInput(f"{path}: 매니페스트로 보기에는 너무 큽니다")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: 매니페스트를 읽을 수 없습니다 ({json_error_text(exc)})") from None
    except RecursionError:
        raise BadInput(f"{path}: 매니페스트를 읽을 수 없습니다 (중첩이 너무 깊음)") from None
    if not isinstance(raw, dict) or raw.get("format") != BACKUP_FORMAT:
        raise BadInput(f"{path}: 형식이 {BACKUP_FORMAT}이(가) 아닙니다")
    try:
        manifest = BackupManifest.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise BadInput(f"{path}: {field}: {problem_text(err)}") from None
    tables = _known_tables()
    for rel in manifest.files:
        if not _allowed(rel, tables):
            raise BadInput(
                f"{source}: 매니페스트에 있는 {rel[:100]!r}은(는) 백업에 있을 수 없는 파일입니다"
            )
    present = set()
    for found in sorted(source.rglob("*")):
        rel = str(found.relative_to(source))
        if found.is_symlink():
            raise BadInput(
                f"{source}: {shown(rel, 100)}은(는) 심볼릭 링크입니다. "
                "백업에는 파일만 있어야 합니다"
            )
        if found.is_file() and rel != MANIFEST:
            if rel not in manifest.files:
                raise BadInput(
                    f"{source}: {shown(rel, 100)}이(가) 매니페스트에 없어 복원하지 않습니다"
                )
            present.add(rel)
    for rel, digest in manifest.files.items():
        if rel not in present:
            raise BadInput(f"{source}: 백업이 온전하지 않습니다. {rel}이(가) 없습니다")
        if _sha256(source / rel) != digest:
            raise BadInput(f"{source}: 백업이 손상되었습니다. {rel}의 체크섬이 맞지 않습니다")
    return manifest


def choose_backup(source: Path | str) -> tuple[Path, int]:
    """`source` itself when it is a backup; else the newest backup in it and how many it holds."""
    source = Path(source)
    if not source.is_dir() or (source / MANIFEST).exists():
        return source, 1
    found = []
    for child in source.iterdir():
        match = _BACKUP_NAME.fullmatch(child.name)
        if match and child.is_dir() and (child / MANIFEST).is_file():
            found.append(((match.group(1), int(match.group(2) or 1)), child))
    if not found:
        return source, 0
    found.sort()
    return found[-1][1], len(found)


def _ensure_empty(paths: WorkspacePaths) -> None:
    if not paths.database.exists():
        return
    store = Store(paths.database)
    try:
        names = set(store.table_names())
        for table in _CONTENT_TABLES:
            if table in names and store.scalar(f'SELECT count(*) FROM "{table}"'):
                raise BadInput(
                    f"작업 공간 {paths.root}이(가) 비어 있지 않습니다 ({table}에 행이 있음). "
                    "복원은 새 작업 공간이나 빈 작업 공간에만 할 수 있습니다"
                )
    finally:
        store.close()


def _columns(cur, table: str) -> list[str]:
    rows = cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [r[0] for r in rows]


def _load_table(store: Store, table: str, parquet: Path, rel: str) -> None:
    """Fill `table` (a name from our schema) from a Parquet file: the path is bound."""
    cur = store.cursor()
    ours = _columns(cur, table)
    try:
        theirs = [r[0] for r in cur.execute(
            "DESCRIBE SELECT * FROM read_parquet(?)", [str(parquet)]
        ).fetchall()]  # fmt: skip
    except duckdb.Error as exc:
        raise BadInput(f"{rel}: 읽을 수 있는 Parquet 파일이 아닙니다 ({_one_line(exc)})") from None
    unknown = [c for c in theirs if c not in ours]
    if unknown:
        raise BadInput(f"{rel}: 열 {unknown[0][:60]!r}은(는) {table} 테이블의 열이 아닙니다")
    quoted = ", ".join(f'"{c}"' for c in theirs)
    try:
        cur.execute(
            f'INSERT INTO "{table}" ({quoted}) SELECT {quoted} FROM read_parquet(?)',
            [str(parquet)],
        )
    except duckdb.Error as exc:
        raise BadInput(f"{rel}: 행이 {table} 테이블에 맞지 않습니다 ({_one_line(exc)})") from None


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]


def _advance_sequences(store: Store) -> None:
    """Each id sequence continues after the largest restored id (no id is handed out twice)."""
    cur = store.cursor()
    defaults = cur.execute(
        "SELECT table_name, column_name, column_default FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND column_default LIKE 'nextval(%'"
    ).fetchall()
    for table, column, default in defaults:
        match = _SEQUENCE_DEFAULT.search(default)
        if match is None:
            continue
        top = cur.execute(f'SELECT max("{column}") FROM "{table}"').fetchone()[0] or 0
        if top > MAX_RESTORED_ID:
            raise BadInput(
                f"db/{table}.parquet: id {top}은(는) 실제 작업 공간에서 나올 수 없는 값입니다"
            )
        if top > 0:
            cur.execute("SELECT max(nextval(?)) FROM range(?)", [match.group(1), top])


def _restore_database(source: Path, manifest: BackupManifest, temp: Path) -> None:
    known = [m.__name__ for m in MIGRATIONS]
    if manifest.migrations != known[: len(manifest.migrations)]:
        raise BadInput(
            f"{source}: 백업의 마이그레이션({', '.join(manifest.migrations)[:200]})을 "
            "이 버전은 모릅니다. novelcraft를 업그레이드하세요"
        )
    store = Store(temp)
    try:
        # The schema as it was when the backup was made, then its rows, then the upgrades.
        apply_migrations(store, MIGRATIONS[: len(manifest.migrations)])
        store.execute("DELETE FROM schema_migrations")
        for table in store.table_names():
            rel = f"db/{table}.parquet"
            if rel in manifest.files:
                _load_table(store, table, source / rel, rel)
        restored = sorted(applied_migrations(store.cursor()))
        if restored != sorted(manifest.migrations):
            raise BadInput(
                f"{source}: db/schema_migrations.parquet이(가) 매니페스트와 맞지 않습니다"
            )
        counts = table_counts(store)
        for table, expected in manifest.tables.items():
            if counts.get(table, 0) != expected:
                raise OperationFailed(
                    f"복원 확인 실패: {table[:60]}의 행이 {counts.get(table, 0)}개인데 "
                    f"백업에는 {expected}개입니다"
                )
        _advance_sequences(store)
        apply_migrations(store)  # a backup from an older version upgrades on the way in
    finally:
        store.close()


def restore_backup(source: Path | str, root: Path) -> BackupManifest:
    """Bring a backup back into the (new or empty) workspace at `root`; return its manifest."""
    source = Path(source).resolve()
    manifest = read_manifest(source)
    if (source / "novelcraft.toml").is_file():
        load_settings(source / "novelcraft.toml")  # refused here, before anything is written
    paths = WorkspacePaths(root)
    if paths.root.exists() and not paths.root.is_dir():
        raise BadInput(f"{paths.root}: 이미 있는데 폴더가 아닙니다")
    created = not paths.root.exists()
    paths.root.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = OwnerLock(paths).acquire()
    temp = paths.root / ".restore.duckdb"
    try:
        _ensure_empty(paths)
        for leftover in (temp, temp.with_name(temp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        _restore_database(source, manifest, temp)
        paths.database.with_name(paths.database.name + ".wal").unlink(missing_ok=True)
        os.replace(temp, paths.database)
        if "novelcraft.toml" in manifest.files:
            shutil.copyfile(source / "novelcraft.toml", paths.settings)
        for rel in manifest.files:
            if rel.startswith("prompts/"):
                paths.prompts.mkdir(mode=0o700, exist_ok=True)
                shutil.copyfile(source / rel, paths.prompts / rel.removeprefix("prompts/"))
        paths.create()
        make_private(paths.root)
    except BaseException:
        temp.unlink(missing_ok=True)
        temp.with_name(temp.name + ".wal").unlink(missing_ok=True)
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
