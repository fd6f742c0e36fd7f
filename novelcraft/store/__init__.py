"""The DuckDB store: one connection owner per workspace, named forward-only migrations."""

from novelcraft.store.connection import Store
from novelcraft.store.migrations import MIGRATIONS, apply_migrations

__all__ = ["MIGRATIONS", "Store", "apply_migrations"]
