"""The Workspace facade: the one interface the CLI, dashboard and notebooks use (DESIGN §2).

Opening a Workspace makes this process the owner of its store: it takes the owner lock,
opens DuckDB once and applies pending migrations. Close it (or use `with`) to hand it back.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from novelcraft import bible as bible_io
from novelcraft.errors import BadInput
from novelcraft.files import write_file_atomically
from novelcraft.models import Bible, Episode, EpisodeEvent, EpisodeVersion, ProjectSummary
from novelcraft.settings import BackendSettings, Settings, write_settings
from novelcraft.slugs import is_valid_slug, slugify, unique_slug
from novelcraft.store import Store, apply_migrations
from novelcraft.store import episodes as episode_rows
from novelcraft.store import projects as project_rows
from novelcraft.workspace.lock import OwnerLock
from novelcraft.workspace.paths import WorkspacePaths

if TYPE_CHECKING:
    from novelcraft.backends.check import BackendCheck

DEFAULT_WORKSPACE = "novelcraft-workspace"


def workspace_root(root: Path | str | None) -> Path:
    raw = root or os.environ.get("NOVELCRAFT_HOME") or DEFAULT_WORKSPACE
    return Path(raw).expanduser().resolve()


class Workspace:
    def __init__(self, paths: WorkspacePaths, lock: OwnerLock, store: Store, settings: Settings):
        self.paths = paths
        self.settings = settings
        self.store = store
        self._lock = lock
        self._tasks = None
        # The JobRunner of this process's Owner while one runs (see novelcraft.jobs.owner).
        self.runner = None

    @classmethod
    def open(
        cls, root: Path | str | None = None, *, create: bool = False, command: str | None = None
    ) -> Workspace:
        paths = WorkspacePaths(workspace_root(root))
        if not paths.exists():
            if not create:
                raise BadInput(f"no workspace at {paths.root} (run `novelcraft init` first)")
            paths.create()
        lock = OwnerLock(paths).acquire(command)
        try:
            settings = paths.load_settings()
            store = Store(paths.database)
            try:
                apply_migrations(store)
            except BaseException:
                store.close()
                raise
        except BaseException:
            lock.release()
            raise
        return cls(paths, lock, store, settings)

    def close(self) -> None:
        if self._tasks is not None:
            self._tasks.huey.storage.close()
        self.store.close()
        self._lock.release()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- projects and bibles ------------------------------------------------------------

    def list_projects(self) -> list[ProjectSummary]:
        return project_rows.list_projects(self.store)

    def project_id(self, slug: str) -> int:
        return project_rows.project_id(self.store, slug)

    def create_project(self, bible: Bible, *, slug: str | None = None) -> str:
        taken = project_rows.slugs(self.store)
        if slug is not None:
            if not is_valid_slug(slug):
                raise BadInput(f"invalid slug {slug!r}: use lowercase letters, digits and -")
            if slug in taken:
                raise BadInput(f"project {slug!r} already exists")
        else:
            slug = unique_slug(slugify(bible.project.name), taken)
        with self.store.transaction() as cur:
            project_rows.insert_project(cur, slug, bible)
        return slug

    def import_bible(
        self, source: Path | str, *, slug: str | None = None, into: str | None = None
    ) -> str:
        """Create a project from a bible file, or replace the bible of project `into`."""
        bible = bible_io.read_bible_file(source)
        if into is None:
            return self.create_project(bible, slug=slug)
        self.replace_bible(into, bible)
        return into

    def replace_bible(self, slug: str, bible: Bible) -> None:
        pid = self.project_id(slug)
        with self.store.transaction() as cur:
            project_rows.update_project_info(cur, pid, bible.project)
            project_rows.write_bible_children(cur, pid, bible)

    def get_bible(self, slug: str) -> Bible:
        return project_rows.load_bible(self.store, slug)

    def export_bible(self, slug: str) -> str:
        return bible_io.dump_bible(self.get_bible(slug))

    def delete_project(self, slug: str) -> None:
        pid = self.project_id(slug)
        with self.store.transaction() as cur:
            project_rows.delete_project(cur, pid)

    # --- episodes -----------------------------------------------------------------------

    def list_episodes(
        self, slug: str, *, offset: int = 0, limit: int | None = None
    ) -> list[Episode]:
        return episode_rows.list_episodes(
            self.store, self.project_id(slug), offset=offset, limit=limit
        )

    def count_episodes(self, slug: str) -> int:
        return episode_rows.count_episodes(self.store, self.project_id(slug))

    def get_episode(self, slug: str, number: int) -> Episode:
        return episode_rows.get_episode(self.store, self.project_id(slug), number, slug)

    def create_episode(self, slug: str, number: int, **fields) -> Episode:
        return episode_rows.create_episode(self.store, self.project_id(slug), number, **fields)

    def save_episode(
        self, slug: str, number: int, content: str, *, expected_revision: int, **fields
    ) -> Episode:
        return episode_rows.save_content(
            self.store,
            self.project_id(slug),
            number,
            content,
            expected_revision=expected_revision,
            **fields,
        )

    def delete_episode(self, slug: str, number: int) -> None:
        episode_rows.delete_episode(self.store, self.project_id(slug), number)

    def episode_writers(self, slug: str, first: int = 1, last: int = 2**31 - 1) -> dict[int, str]:
        """Episode number -> id of the backend that wrote its text (`offline` = the demo)."""
        return episode_rows.writers(self.store, self.project_id(slug), first, last)

    def episode_versions(self, slug: str, number: int) -> list[EpisodeVersion]:
        return episode_rows.versions(self.store, self.get_episode(slug, number).id)

    def episode_events(self, slug: str, number: int) -> list[EpisodeEvent]:
        return episode_rows.events(self.store, self.get_episode(slug, number).id)

    # --- generation ---------------------------------------------------------------------

    def backend(self, name: str | None = None, model: str | None = None):
        from novelcraft.backends import get_backend

        return get_backend(
            name or self.settings.backend.default,
            self.settings.backend,
            model=model,
            key_file=self.paths.api_key,
        )

    # --- settings (the 설정 screen) --------------------------------------------------------

    def update_settings(self, changes: dict[str, dict[str, Any]]) -> Settings:
        """Apply `{section: {key: value}}` to the settings, validate the whole, write
        `novelcraft.toml` atomically and use them from the next job on (jobs build their
        backend from `self.settings` when they start). Bad values raise BadInput naming the
        key; nothing is written then."""
        data = self.settings.model_dump()
        for section, values in changes.items():
            if section not in data or not isinstance(values, dict):
                raise BadInput(f"unknown settings section {section!r}")
            data[section].update(values)
        try:
            settings = Settings.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(p) for p in err["loc"])
            raise BadInput(f"settings {key}: {err['msg']}") from None
        write_settings(self.paths.settings, settings)
        self.settings = settings
        return settings

    def save_api_key(self, key: str) -> None:
        """Keep the key in the workspace's 0600 key file (never in DuckDB or a log)."""
        key = key.strip()
        if not key or any(c.isspace() or not c.isprintable() for c in key):
            raise BadInput("API key must be one line without spaces")
        write_file_atomically(self.paths.api_key, key + "\n")  # mkstemp: mode 0600
        os.chmod(self.paths.api_key, 0o600)

    def has_api_key(self) -> bool:
        return self.paths.api_key.is_file()

    def check_backend(self, backend: BackendSettings | None = None) -> BackendCheck:
        """One short call through `backend` (default: the saved settings), timed."""
        from novelcraft.backends import get_backend
        from novelcraft.backends.check import check_backend

        settings = backend or self.settings.backend
        return check_backend(get_backend(settings.default, settings, key_file=self.paths.api_key))

    def run(self, slug: str, backend=None, **options):
        """A pipeline run over project `slug` (see `novelcraft.pipeline.Run`)."""
        from novelcraft.pipeline import Run

        return Run(ws=self, slug=slug, backend=backend or self.backend(), **options)

    def generate(self, slug: str, first: int, last: int, backend=None, **options) -> list:
        """Generate episodes first..last in order, in this process."""
        from novelcraft.pipeline import generate_episode

        if first < 1 or last < first:
            raise BadInput(f"invalid range {first}..{last}: need 1 <= --from <= --to")
        run = self.run(slug, backend, **options)
        return [generate_episode(run, n) for n in range(first, last + 1)]

    # --- jobs (DESIGN §8) ------------------------------------------------------------------

    @property
    def tasks(self):
        """The workspace's huey queue with its tasks; opening it checks the queue file."""
        if self._tasks is None:
            from novelcraft.jobs.queue import open_queue
            from novelcraft.jobs.tasks import register

            self._tasks = register(open_queue(self.paths.queue))
        return self._tasks

    def submit_batch(self, slug: str, first: int, last: int, **options) -> str:
        from novelcraft.jobs import submit

        return submit.submit_batch(self, slug, first, last, **options)

    def submit_episode(self, slug: str, number: int, *, regenerate: bool = False, **options) -> str:
        from novelcraft.jobs import submit

        return submit.submit_batch(
            self, slug, number, number, regenerate=regenerate, attach=False, **options
        )

    def submit_outline(self, slug: str, number: int, *, force: bool = False, **options) -> str:
        from novelcraft.jobs import submit

        return submit.submit_project_job(self, "outline", slug, number, force=force, **options)

    def submit_revise(self, slug: str, number: int, instruction: str, **options) -> str:
        from novelcraft.jobs import submit

        return submit.submit_project_job(
            self, "revise", slug, number, instruction=instruction, **options
        )

    def submit_rederive(self, slug: str, number: int, **options) -> str:
        from novelcraft.jobs import submit

        return submit.submit_project_job(self, "rederive", slug, number, **options)

    def submit_bootstrap(self, concept: dict, **options) -> str:
        from novelcraft.jobs import submit

        return submit.submit_bootstrap(self, concept, **options)

    def list_jobs(self, slug: str | None = None, *, limit: int = 200, parent: str | None = None):
        from novelcraft.store import jobs as job_rows

        pid = self.project_id(slug) if slug else None
        # A batch's episodes read in episode order; jobs themselves newest first.
        return job_rows.list_jobs(
            self.store, project_id=pid, parent_id=parent, limit=limit, newest_first=parent is None
        )

    def get_job(self, ref: str):
        from novelcraft.jobs import submit

        return submit.resolve(self, ref)

    def job_logs(self, ref: str, after_id: int = 0, *, last: int | None = None):
        """A job's log after `after_id`; with `last`, only its newest `last` lines."""
        from novelcraft.store import jobs as job_rows

        return job_rows.logs(self.store, self.get_job(ref).id, after_id, last=last)

    def cancel_job(self, ref: str):
        from novelcraft.jobs import submit

        return submit.cancel(self, ref)

    def estimate_batch(self, slug: str, first: int, last: int, **options) -> dict:
        from novelcraft.jobs import submit

        return submit.estimate_batch(self, slug, first, last, **options)

    # --- backups ------------------------------------------------------------------------

    def backup(self, dest: Path | str | None = None) -> Path:
        from novelcraft.backup import write_backup

        return write_backup(self, Path(dest) if dest else self.paths.backups)
