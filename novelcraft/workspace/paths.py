"""The workspace folder layout (DESIGN §3)."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from novelcraft.errors import BadInput
from novelcraft.files import PRIVATE_DIR_MODE, make_private, private_umask, write_file_atomically
from novelcraft.settings import Settings, load_settings, render_settings_toml

SETTINGS_FILE = "novelcraft.toml"
DB_FILE = "novelcraft.duckdb"
QUEUE_FILE = "queue.sqlite3"
SERVER_FILE = "server.json"
LOCK_FILE = "owner.lock"
# The API key entered in the 설정 screen: mode 0600, outside DuckDB; backups, exports and logs
# leave it out.
API_KEY_FILE = "api-key.secret"
SUBDIRS = ("backups", "exports", "prompts")


@dataclass(frozen=True)
class WorkspacePaths:
    root: Path

    @property
    def settings(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def database(self) -> Path:
        return self.root / DB_FILE

    @property
    def queue(self) -> Path:
        return self.root / QUEUE_FILE

    @property
    def server(self) -> Path:
        return self.root / SERVER_FILE

    @property
    def lock(self) -> Path:
        return self.root / LOCK_FILE

    @property
    def api_key(self) -> Path:
        return self.root / API_KEY_FILE

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def prompts(self) -> Path:
        return self.root / "prompts"

    def exists(self) -> bool:
        return self.root.is_dir() and (self.settings.exists() or self.database.exists())

    def create(self) -> None:
        """Make the folder layout and a settings file with every default written out."""
        if self.root.exists() and not self.root.is_dir():
            raise BadInput(f"{self.root}: 이미 있는데 폴더가 아닙니다")
        with private_umask():
            self.root.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
            for sub in SUBDIRS:
                (self.root / sub).mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
            if not self.settings.exists():
                write_file_atomically(self.settings, render_settings_toml())
        self.make_private()

    def make_private(self) -> None:
        """Owner-only modes on the folder and everything we keep in it (DESIGN §3): a
        workspace made by an older version, or files another tool created, are fixed here."""
        # A file someone else owns cannot be chmodded by us; that is no reason to refuse to open.
        with contextlib.suppress(PermissionError):
            os.chmod(self.root, PRIVATE_DIR_MODE)
        for path in self.private_files():
            if path.exists() and not path.is_symlink():
                with contextlib.suppress(PermissionError):
                    make_private(path)

    def private_files(self) -> list[Path]:
        db, queue = self.database, self.queue
        sidecars = [db.with_name(db.name + ".wal")]
        sidecars += [queue.with_name(queue.name + s) for s in ("-wal", "-shm", "-journal")]
        subdirs = [self.root / sub for sub in SUBDIRS]
        secret = self.root / "cookie_secret"
        return [self.settings, db, queue, self.server, self.lock, secret, *sidecars, *subdirs]

    def load_settings(self) -> Settings:
        return load_settings(self.settings)
