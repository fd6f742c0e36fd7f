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
from novelcraft.errors import BadInput, NotFound
from novelcraft.field_problems import problem_text
from novelcraft.files import private_umask, write_file_atomically
from novelcraft.frame_schema import check_kind
from novelcraft.jobs import submit
from novelcraft.models import (
    Bible,
    Character,
    Episode,
    EpisodeEvent,
    EpisodeVersion,
    JobInfo,
    JobLog,
    Outline,
    ProjectInfo,
    ProjectSummary,
)
from novelcraft.reports import GuardSummary
from novelcraft.settings import BackendSettings, Settings, write_settings
from novelcraft.slugs import is_valid_slug, slugify, unique_slug
from novelcraft.store import Store, apply_migrations
from novelcraft.store import episodes as episode_rows
from novelcraft.store import projects as project_rows
from novelcraft.workspace import author
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
        self._owner = None
        # slug -> project id. Nearly every call names its project by slug, and a batch asks
        # ~10 times per episode; an id never changes while its project exists, and this
        # process holds the database alone (the owner lock), so only delete_project can
        # make an entry stale.
        self._project_ids: dict[str, int] = {}

    # Clients branch on this only to decide who runs a job they follow (CLI `generate`):
    # a local Workspace needs an Owner in this process, a remote one has its owner already.
    is_local = True

    @classmethod
    def open(
        cls, root: Path | str | None = None, *, create: bool = False, command: str | None = None
    ) -> Workspace:
        paths = WorkspacePaths(workspace_root(root))
        if not paths.exists():
            if not create:
                raise BadInput(
                    f"{paths.root}에 작업 공간이 없습니다 (먼저 `novelcraft init`을 실행하세요)"
                )
            paths.create()
        lock = OwnerLock(paths).acquire(command)
        try:
            settings = paths.load_settings()
            with private_umask():
                store = Store(paths.database)
            try:
                apply_migrations(store)
                paths.make_private()
            except BaseException:
                store.close()
                raise
        except BaseException:
            lock.release()
            raise
        return cls(paths, lock, store, settings)

    def serve(self, workers: int | None = None, *, serve_api: bool = True):
        """Run this workspace's jobs in this process (and, unless the caller mounts the API on
        a server of its own, serve it on loopback) until `close()`. Returns the Owner."""
        from novelcraft.jobs.owner import Owner

        if self._owner is None:
            self._owner = Owner(self, workers, serve_api=serve_api).start()
        return self._owner

    @property
    def serving(self) -> bool:
        return self._owner is not None

    def _measurer(self):
        """How this process measures an author's text: while it serves (an owner runs), in the
        owner's measurement process, which holds the Kiwi its jobs use; otherwise in-process,
        which for one command is cheaper than starting a process. Measured in-process, a
        serving process's first save loaded a second Kiwi (~520 MB) beside the jobs' one."""
        owner = self._owner
        if owner is not None:
            return owner.measure_pool.measure
        from novelcraft.metrics import measure

        return measure

    def stop_serving(self) -> None:
        if self._owner is not None:
            owner, self._owner = self._owner, None
            owner.stop()

    def close(self) -> None:
        self.stop_serving()
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
        pid = self._project_ids.get(slug)
        if pid is None:
            pid = self._project_ids[slug] = project_rows.project_id(self.store, slug)
        return pid

    def create_project(self, bible: Bible, *, slug: str | None = None) -> str:
        taken = project_rows.slugs(self.store)
        if slug is not None:
            if not is_valid_slug(slug):
                raise BadInput(f"slug {slug!r}은(는) 쓸 수 없습니다: 영문 소문자, 숫자, -만 쓰세요")
            if slug in taken:
                raise BadInput(f"작품 {slug!r}이(가) 이미 있습니다")
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

    def get_project(self, slug: str) -> ProjectSummary:
        for project in self.list_projects():
            if project.slug == slug:
                return project
        raise NotFound(f"작품 {slug!r}이(가) 없습니다")

    def update_project(self, slug: str, info: ProjectInfo) -> ProjectSummary:
        pid = self.project_id(slug)
        with self.store.transaction() as cur:
            project_rows.update_project_info(cur, pid, info)
        return self.get_project(slug)

    def list_characters(self, slug: str) -> list[Character]:
        return project_rows.characters(self.store, self.project_id(slug))

    def save_character(
        self, slug: str, character: Character, *, name: str | None = None
    ) -> Character:
        """Add `character`, or replace the one called `name`."""
        return author.save_character(self, slug, character, name)

    def delete_character(self, slug: str, name: str) -> None:
        author.delete_character(self, slug, name)

    def get_bible(self, slug: str) -> Bible:
        return project_rows.load_bible(self.store, slug)

    def export_bible(self, slug: str) -> str:
        return bible_io.dump_bible(self.get_bible(slug))

    def delete_project(self, slug: str) -> None:
        pid = self.project_id(slug)
        try:
            with self.store.transaction() as cur:
                project_rows.delete_project(cur, pid)
        finally:
            self._project_ids.pop(slug, None)

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

    def last_episode_number(self, slug: str) -> int:
        return author.last_episode_number(self, slug)

    def episode_columns(self, slug: str, number: int) -> dict:
        """The editor's JSON columns: style_metrics, context_sizes, pipeline."""
        return author.episode_columns(self, slug, number)

    def save_author_edit(
        self, slug: str, number: int, content: str, *, expected_revision: int
    ) -> Episode:
        return author.save_author_edit(
            self, slug, number, content, expected_revision=expected_revision
        )

    def save_outline(self, slug: str, number: int, outline: Outline) -> Episode:
        return author.save_outline(self, slug, number, outline)

    # --- quality ------------------------------------------------------------------------

    def metrics_rows(self, slug: str, stage: str = "final") -> list[dict]:
        """The latest measurement per episode at `stage` (the table charts read)."""
        from novelcraft.reports import metrics_rows

        if stage not in ("pass1", "final"):
            raise BadInput(f"stage: pass1 또는 final이어야 합니다 (입력값 {stage!r})")
        return metrics_rows(self.store, self.project_id(slug), stage)

    def metrics_by_episode(
        self, slug: str, first: int = 1, last: int = author.LAST_EPISODE
    ) -> dict[int, dict]:
        return author.metrics_by_episode(self, slug, first, last)

    def guard_summary(
        self, slug: str, first: int | None = None, last: int | None = None
    ) -> GuardSummary:
        from novelcraft.reports import guard_summary

        target = self.settings.generation.target_length
        return guard_summary(self.store, self.project_id(slug), target, first, last)

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
                raise BadInput(f"알 수 없는 설정 구역입니다: {section!r}")
            data[section].update(values)
        try:
            settings = Settings.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(p) for p in err["loc"])
            raise BadInput(f"설정 {key}: {problem_text(err)}") from None
        write_settings(self.paths.settings, settings)
        self.settings = settings
        return settings

    def save_api_key(self, key: str) -> None:
        """Keep the key in the workspace's 0600 key file (never in DuckDB or a log)."""
        key = key.strip()
        if not key or any(c.isspace() or not c.isprintable() for c in key):
            raise BadInput("API 키는 공백 없는 한 줄이어야 합니다")
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
            raise BadInput(
                f"범위 {first}..{last}이(가) 올바르지 않습니다: 1 <= --from <= --to 이어야 합니다"
            )
        run = self.run(slug, backend, **options)
        return [generate_episode(run, n) for n in range(first, last + 1)]

    # --- jobs (DESIGN §8) ------------------------------------------------------------------

    @property
    def tasks(self):
        """The workspace's huey queue with its tasks; opening it checks the queue file."""
        if self._tasks is None:
            from novelcraft.jobs.queue import open_queue
            from novelcraft.jobs.tasks import register

            with private_umask():
                self._tasks = register(open_queue(self.paths.queue))
            self.paths.make_private()
        return self._tasks

    def submit_batch(self, slug: str, first: int, last: int, **options) -> str:
        return submit.submit_batch(self, slug, first, last, **options)

    def submit_batch_checked(self, slug: str, first: int, last: int, **options) -> tuple[str, bool]:
        """The batch's job id and whether the range attached to a running batch."""
        return submit.submit_batch_checked(self, slug, first, last, **options)

    def submit_episode(self, slug: str, number: int, *, regenerate: bool = False, **options) -> str:
        return submit.submit_batch(
            self, slug, number, number, regenerate=regenerate, attach=False, **options
        )

    def submit_outline(self, slug: str, number: int, *, force: bool = False, **options) -> str:
        return submit.submit_project_job(self, "outline", slug, number, force=force, **options)

    def submit_revise(self, slug: str, number: int, instruction: str, **options) -> str:
        return submit.submit_project_job(
            self, "revise", slug, number, instruction=instruction, **options
        )

    def submit_rederive(self, slug: str, number: int, **options) -> str:
        return submit.submit_project_job(self, "rederive", slug, number, **options)

    def submit_bootstrap(self, concept: dict, **options) -> str:
        return submit.submit_bootstrap(self, concept, **options)

    def list_jobs(
        self, slug: str | None = None, *, limit: int | None = 200, parent: str | None = None
    ) -> list[JobInfo]:
        from novelcraft.store import jobs as job_rows

        pid = self.project_id(slug) if slug else None
        # A batch's episodes read in episode order; jobs themselves newest first.
        return job_rows.list_jobs(
            self.store, project_id=pid, parent_id=parent, limit=limit, newest_first=parent is None
        )

    def get_job(self, ref: str) -> JobInfo:
        return submit.resolve(self, ref)

    def job_logs(self, ref: str, after_id: int = 0, *, last: int | None = None) -> list[JobLog]:
        """A job's log after `after_id`; with `last`, only its newest `last` lines."""
        from novelcraft.store import jobs as job_rows

        return job_rows.logs(self.store, self.get_job(ref).id, after_id, last=last)

    def cancel_job(self, ref: str) -> JobInfo:
        return submit.cancel(self, ref)

    def estimate_batch(self, slug: str, first: int, last: int, **options) -> dict:
        from novelcraft.jobs.estimate import estimate_batch

        return estimate_batch(self, slug, first, last, **options)

    # --- the canon ledger (DESIGN §13) --------------------------------------------------

    def canon_report(self, slug: str):
        """The continuity report: foreshadows, repeated functions, absences per season."""
        from novelcraft.canon.report import build_report
        from novelcraft.store import canon as canon_rows

        pid = self.project_id(slug)
        return build_report(
            slug,
            self.get_bible(slug),
            self.settings.canon,
            foreshadow_rows=canon_rows.foreshadow_rows(self.store, pid),
            outlines=canon_rows.outlines(self.store, pid),
            lengths=canon_rows.written_lengths(self.store, pid),
            involvement=canon_rows.involvement(self.store, pid),
            state_events=canon_rows.state_events(self.store, pid),
        )

    def foreshadows(self, slug: str):
        """Every foreshadow with its status as of the latest written episode."""
        return self.canon_report(slug).foreshadows

    def move_foreshadow_due(self, slug: str, foreshadow_id: int, due_episode: int):
        """The author moves a foreshadow's due episode (it then survives re-derivation)."""
        from novelcraft.store import canon as canon_rows

        canon_rows.set_due(self.store, self.project_id(slug), foreshadow_id, due_episode)
        return self._foreshadow(slug, foreshadow_id)

    def drop_foreshadow(self, slug: str, foreshadow_id: int, dropped: bool = True):
        """The author decides a foreshadow will not be paid off (or takes that back)."""
        from novelcraft.store import canon as canon_rows

        canon_rows.set_dropped(self.store, self.project_id(slug), foreshadow_id, dropped)
        return self._foreshadow(slug, foreshadow_id)

    def _foreshadow(self, slug: str, foreshadow_id: int):
        return next(f for f in self.foreshadows(slug) if f.id == foreshadow_id)

    def character_states(self, slug: str, before_episode: int | None = None):
        """Last known condition/relationships per character before an episode (default:
        after the latest written one), with the bible's progressions that hold by then."""
        from novelcraft.canon.character_state import character_states
        from novelcraft.store import canon as canon_rows

        pid = self.project_id(slug)
        if before_episode is None:
            before_episode = max(canon_rows.written_lengths(self.store, pid), default=0) + 1
        events = canon_rows.state_events(self.store, pid, before=before_episode)
        return character_states(self.get_bible(slug).characters, events, before_episode)

    def stale_reasons(self, slug: str, source_episode: int | None = None):
        """Why later episodes are stale: the changed events/summaries their context used."""
        from novelcraft.store import canon as canon_rows

        return canon_rows.stale_reasons(
            self.store, self.project_id(slug), source_episode=source_episode
        )

    def voice_distinctiveness(self, slug: str, season: int | None = None):
        """Per season: leave-one-out speaker identification from ending profiles vs chance."""
        from novelcraft.canon.report import report_seasons
        from novelcraft.canon.voice_distinctiveness import attributed_lines, distinctiveness
        from novelcraft.store import canon as canon_rows

        pid = self.project_id(slug)
        bible = self.get_bible(slug)
        as_of = max(canon_rows.written_lengths(self.store, pid), default=0)
        out = []
        for s in report_seasons(bible, as_of):
            if season is not None and s.number != season:
                continue
            texts = canon_rows.texts(self.store, pid, s.first_episode, s.last_episode)
            out.append(distinctiveness(s.number, attributed_lines(texts, bible.characters)))
        if season is not None and not out:
            raise BadInput(f"작품 {slug!r}에 시즌 {season}이(가) 없습니다")
        return out

    # --- analysis (DESIGN §14) -------------------------------------------------------------

    def frame(self, kind: str, project: str | None = None):
        """A pandas DataFrame of kind metrics | calls | voice | guard | foreshadows (columns
        in `novelcraft.frame_schema`), for project `project` or every project."""
        from novelcraft.store import frames

        check_kind(kind)
        pid = self.project_id(project) if project is not None else None
        if kind == "foreshadows":
            return self._foreshadow_frame(project)
        return frames.frame(self.store, kind, pid)

    def _foreshadow_frame(self, project: str | None):
        from novelcraft.canon.frame import foreshadow_frame, foreshadow_rows

        slugs = [project] if project is not None else [p.slug for p in self.list_projects()]
        rows = []
        for slug in sorted(slugs):
            bible = self.get_bible(slug)
            rows += foreshadow_rows(slug, self.canon_report(slug), bible.seasons)
        return foreshadow_frame(rows)

    def dashboard_url(self) -> str | None:
        """The dashboard this process serves for the workspace (`novelcraft serve`), if any."""
        from novelcraft.api.record import read_record

        record = read_record(self.paths)
        if record is None or record.pid != os.getpid() or record.kind != "serve":
            return None
        return record.url

    # --- backups ------------------------------------------------------------------------

    def backup(self, dest: Path | str | None = None) -> Path:
        from novelcraft.backup import write_backup

        return write_backup(self, Path(dest) if dest else self.paths.backups)

    # --- archives -----------------------------------------------------------------------

    def export_project(self, slug: str, fmt: str, target: Path | str) -> Path:
        from novelcraft.export import export_project

        return export_project(self, slug, fmt, Path(target))

    def import_archive(self, source: Path | str, slug: str | None = None) -> str:
        from novelcraft.export import import_archive

        return import_archive(self, Path(source), slug)
