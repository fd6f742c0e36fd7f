"""The workspace folder layout (DESIGN §3)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from novelcraft.errors import BadInput
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
            raise BadInput(f"{self.root}: exists and is not a directory")
        self.root.mkdir(parents=True, exist_ok=True)
        for sub in SUBDIRS:
            (self.root / sub).mkdir(exist_ok=True)
        if not self.settings.exists():
            self.settings.write_text(render_settings_toml(), encoding="utf-8")

    def load_settings(self) -> Settings:
        return load_settings(self.settings)
