"""`RemoteWorkspace`: the Workspace interface over a live owner's HTTP API (DESIGN §2).

Same methods, same pydantic return types and the same exceptions as the local Workspace:
the owner's `{error, detail}` answers map back to NotFound, RevisionConflict and BadInput with
the owner's own message, so a client prints the same one-line error and exit code whichever
Workspace it got from `novelcraft.connect()`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter

from novelcraft import bible as bible_io
from novelcraft.api import DEADLINE_HEADER, WRITE_METHODS
from novelcraft.backends.check import BackendCheck
from novelcraft.canon.models import (
    CanonReport,
    CharacterState,
    Foreshadow,
    StaleReason,
    VoiceDistinctiveness,
)
from novelcraft.errors import BadInput, NotFound, OperationFailed, RevisionConflict
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
from novelcraft.settings import BackendSettings, Settings
from novelcraft.workspace.paths import WorkspacePaths

T = TypeVar("T")
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
TIMEOUT_SECONDS = 120.0
_ERRORS = {404: NotFound, 409: RevisionConflict, 400: BadInput, 413: BadInput, 422: BadInput}


def _seg(value: str | int) -> str:
    return quote(str(value), safe="")


class RemoteWorkspace:
    is_local = False
    serving = False

    def __init__(
        self,
        paths: WorkspacePaths,
        url: str,
        token: str,
        *,
        owner_pid: int = 0,
        timeout: float = TIMEOUT_SECONDS,
    ):
        self.paths = paths
        self.url = url.rstrip("/")
        self.owner_pid = owner_pid
        self.settings = paths.load_settings()
        self._client = httpx.Client(
            base_url=self.url,
            timeout=httpx.Timeout(timeout, connect=5.0),
            headers={"Authorization": f"Bearer {token}"},
        )
        self._timeout = timeout

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RemoteWorkspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- transport ----------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if method in WRITE_METHODS:
            deadline = f"{time.time() + self._timeout:.3f}"
            kwargs["headers"] = {**kwargs.get("headers", {}), DEADLINE_HEADER: deadline}
        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise OperationFailed(
                f"{self.url}의 작업 공간 소유 프로세스(pid {self.owner_pid})가 "
                f"{self._timeout:.0f}초 안에 답하지 않아 요청을 거두었습니다"
            ) from None
        except httpx.HTTPError as exc:
            raise OperationFailed(
                f"{self.url}의 작업 공간 소유 프로세스(pid {self.owner_pid})가 "
                f"답하지 않습니다: {exc}"
            ) from None
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail") or response.reason_phrase
            except ValueError:
                detail = response.reason_phrase
            if response.status_code == 401:
                raise OperationFailed(
                    f"{self.url}의 작업 공간 소유 프로세스가 요청을 거부했습니다: {detail}"
                )
            raise _ERRORS.get(response.status_code, OperationFailed)(detail)
        return response

    def _json(self, kind: Any, method: str, path: str, **kwargs: Any) -> Any:
        data = self._request(method, path, **kwargs).json()
        return TypeAdapter(kind).validate_python(data) if kind is not None else data

    def _project(self, slug: str) -> str:
        return f"/api/projects/{_seg(slug)}"

    def _episode(self, slug: str, number: int) -> str:
        return f"{self._project(slug)}/episodes/{_seg(number)}"

    # --- projects and bibles --------------------------------------------------------------

    def list_projects(self) -> list[ProjectSummary]:
        return self._json(list[ProjectSummary], "GET", "/api/projects")

    def get_project(self, slug: str) -> ProjectSummary:
        return self._json(ProjectSummary, "GET", self._project(slug))

    def project_id(self, slug: str) -> int:
        return self.get_project(slug).id

    def update_project(self, slug: str, info: ProjectInfo) -> ProjectSummary:
        return self._json(ProjectSummary, "PUT", self._project(slug),
                          json=info.model_dump(mode="json"))  # fmt: skip

    def create_project(self, bible: Bible, *, slug: str | None = None) -> str:
        body = {"bible": bible.model_dump(mode="json", by_alias=True), "slug": slug}
        return self._json(None, "POST", "/api/projects", json=body)["slug"]

    def import_bible(
        self, source: Path | str, *, slug: str | None = None, into: str | None = None
    ) -> str:
        bible = bible_io.read_bible_file(source)  # errors name the file and line, locally
        if into is None:
            return self.create_project(bible, slug=slug)
        self.replace_bible(into, bible)
        return into

    def replace_bible(self, slug: str, bible: Bible) -> None:
        self._request("PUT", f"{self._project(slug)}/bible",
                      content=bible_io.dump_bible(bible).encode(),
                      headers={"Content-Type": "application/yaml"})  # fmt: skip

    def export_bible(self, slug: str) -> str:
        return self._request("GET", f"{self._project(slug)}/bible").content.decode("utf-8")

    def get_bible(self, slug: str) -> Bible:
        return bible_io.parse_bible(self.export_bible(slug), f"{self.url}의 {slug} 바이블")

    def delete_project(self, slug: str) -> None:
        self._request("DELETE", self._project(slug))

    def list_characters(self, slug: str) -> list[Character]:
        return self._json(list[Character], "GET", f"{self._project(slug)}/characters")

    def save_character(
        self, slug: str, character: Character, *, name: str | None = None
    ) -> Character:
        body = character.model_dump(mode="json")
        if name is None:
            return self._json(Character, "POST", f"{self._project(slug)}/characters", json=body)
        path = f"{self._project(slug)}/characters/{_seg(name)}"
        return self._json(Character, "PUT", path, json=body)

    def delete_character(self, slug: str, name: str) -> None:
        self._request("DELETE", f"{self._project(slug)}/characters/{_seg(name)}")

    # --- episodes -----------------------------------------------------------------------

    def list_episodes(
        self, slug: str, *, offset: int = 0, limit: int | None = None
    ) -> list[Episode]:
        params: dict[str, Any] = {"offset": offset}
        if limit is not None:
            params["limit"] = limit
        return self._json(list[Episode], "GET", f"{self._project(slug)}/episodes", params=params)

    def count_episodes(self, slug: str) -> int:
        return self.get_project(slug).episodes  # the same count(*) the local one runs

    def get_episode(self, slug: str, number: int) -> Episode:
        return self._json(Episode, "GET", self._episode(slug, number))

    def create_episode(self, slug: str, number: int, *, title: str = "") -> Episode:
        body = {"episode_number": number, "title": title}
        return self._json(Episode, "POST", f"{self._project(slug)}/episodes", json=body)

    def save_author_edit(
        self, slug: str, number: int, content: str, *, expected_revision: int
    ) -> Episode:
        body = {"content": content, "revision": expected_revision}
        return self._json(Episode, "PUT", self._episode(slug, number), json=body)

    def delete_episode(self, slug: str, number: int) -> None:
        self._request("DELETE", self._episode(slug, number))

    def episode_versions(self, slug: str, number: int) -> list[EpisodeVersion]:
        return self._json(list[EpisodeVersion], "GET", self._episode(slug, number) + "/versions")

    def episode_events(self, slug: str, number: int) -> list[EpisodeEvent]:
        return self._json(list[EpisodeEvent], "GET", self._episode(slug, number) + "/events")

    def episode_columns(self, slug: str, number: int) -> dict:
        return self._json(dict, "GET", self._episode(slug, number) + "/columns")

    def save_outline(self, slug: str, number: int, outline: Outline) -> Episode:
        return self._json(Episode, "PUT", self._episode(slug, number) + "/outline",
                          json=outline.model_dump(mode="json"))  # fmt: skip

    def episode_writers(self, slug: str, first: int = 1, last: int = 2**31 - 1) -> dict[int, str]:
        params = {"first": first, "last": last}
        got = self._json(dict[str, str], "GET", f"{self._project(slug)}/writers", params=params)
        return {int(n): w for n, w in got.items()}

    def last_episode_number(self, slug: str) -> int:
        return self._json(None, "GET", f"{self._project(slug)}/last-episode")["episode_number"]

    # --- quality ------------------------------------------------------------------------

    def metrics_rows(self, slug: str, stage: str = "final") -> list[dict]:
        return self._json(list[dict], "GET", f"{self._project(slug)}/metrics",
                          params={"stage": stage})  # fmt: skip

    def metrics_by_episode(
        self, slug: str, first: int = 1, last: int = 2**31 - 1
    ) -> dict[int, dict]:
        found = self._json(dict, "GET", f"{self._project(slug)}/metrics/latest",
                           params={"from": first, "to": last})  # fmt: skip
        return {int(k): v for k, v in found.items()}

    def guard_summary(
        self, slug: str, first: int | None = None, last: int | None = None
    ) -> GuardSummary:
        params = {k: v for k, v in (("from", first), ("to", last)) if v is not None}
        return self._json(GuardSummary, "GET", f"{self._project(slug)}/guard-summary",
                          params=params)  # fmt: skip

    # --- the canon ledger (DESIGN §13) ----------------------------------------------------

    def canon_report(self, slug: str) -> CanonReport:
        return self._json(CanonReport, "GET", f"{self._project(slug)}/canon")

    def foreshadows(self, slug: str) -> list[Foreshadow]:
        return self.canon_report(slug).foreshadows

    def _foreshadow_decision(self, slug: str, foreshadow_id: int, **body: Any) -> Foreshadow:
        path = f"{self._project(slug)}/canon/foreshadows/{_seg(foreshadow_id)}"
        return self._json(Foreshadow, "PUT", path, json=body)

    def move_foreshadow_due(self, slug: str, foreshadow_id: int, due_episode: int) -> Foreshadow:
        return self._foreshadow_decision(slug, foreshadow_id, due_episode=due_episode)

    def drop_foreshadow(self, slug: str, foreshadow_id: int, dropped: bool = True) -> Foreshadow:
        return self._foreshadow_decision(slug, foreshadow_id, dropped=dropped)

    def character_states(
        self, slug: str, before_episode: int | None = None
    ) -> list[CharacterState]:
        params = {} if before_episode is None else {"before": before_episode}
        path = f"{self._project(slug)}/canon/character-states"
        return self._json(list[CharacterState], "GET", path, params=params)

    def stale_reasons(self, slug: str, source_episode: int | None = None) -> list[StaleReason]:
        params = {} if source_episode is None else {"source": source_episode}
        path = f"{self._project(slug)}/canon/stale-reasons"
        return self._json(list[StaleReason], "GET", path, params=params)

    def voice_distinctiveness(
        self, slug: str, season: int | None = None
    ) -> list[VoiceDistinctiveness]:
        params = {} if season is None else {"season": season}
        path = f"{self._project(slug)}/canon/voice"
        return self._json(list[VoiceDistinctiveness], "GET", path, params=params)

    def frame(self, kind: str, project: str | None = None):
        """An analysis DataFrame (see novelcraft.analysis), fetched as Parquet and given the
        local frame's dtypes; without a project, every project's rows one after another."""
        import pandas as pd

        from novelcraft.api.tables import parquet_to_frame
        from novelcraft.frame_schema import check_kind, conform

        check_kind(kind)
        if project is None:
            parts = [self.frame(kind, p.slug) for p in self.list_projects()]
            return (
                conform(pd.concat(parts, ignore_index=True), kind) if parts else self._empty(kind)
            )
        path = f"{self._project(project)}/frames/{_seg(kind)}"
        data = self._request("GET", path, params={"format": "parquet"}).content
        return conform(parquet_to_frame(data), kind)

    @staticmethod
    def _empty(kind: str):
        import pandas as pd

        from novelcraft.frame_schema import COLUMNS, conform

        return conform(pd.DataFrame(columns=list(COLUMNS[kind])), kind)

    def dashboard_url(self) -> str | None:
        """The owner's dashboard when the owner is `novelcraft serve` (other owners serve only
        the API)."""
        from novelcraft.api.record import read_record

        record = read_record(self.paths)
        if record is None or record.pid != self.owner_pid or record.kind != "serve":
            return None
        return record.url

    # --- jobs ---------------------------------------------------------------------------

    def _submit(self, kind: str, body: dict) -> dict:
        return self._json(None, "POST", f"/api/generate/{kind}", json=body)

    def submit_batch_checked(self, slug: str, first: int, last: int, **options) -> tuple[str, bool]:
        options.pop("attach", None)
        answer = self._submit("batch", {"project": slug, "from": first, "to": last, **options})
        return answer["job_id"], answer["attached"]

    def submit_batch(self, slug: str, first: int, last: int, **options) -> str:
        return self.submit_batch_checked(slug, first, last, **options)[0]

    def submit_episode(self, slug: str, number: int, *, regenerate: bool = False, **options):
        body = {"project": slug, "episode_number": number, "regenerate": regenerate, **options}
        return self._submit("episode", body)["job_id"]

    def submit_outline(self, slug: str, number: int, *, force: bool = False, **options) -> str:
        body = {"project": slug, "episode_number": number, "force": force, **options}
        return self._submit("outline", body)["job_id"]

    def submit_revise(self, slug: str, number: int, instruction: str, **options) -> str:
        body = {"project": slug, "episode_number": number, "instruction": instruction, **options}
        return self._submit("revise", body)["job_id"]

    def submit_rederive(self, slug: str, number: int, **options) -> str:
        body = {"project": slug, "episode_number": number, **options}
        return self._submit("summary", body)["job_id"]

    def submit_bootstrap(self, concept: dict, **options) -> str:
        from novelcraft.jobs.submit import normalize_concept

        c = normalize_concept(concept)
        body = {k: c[k] for k in ("name", "genre", "tone", "protagonist", "supporting", "notes")}
        return self._submit("bootstrap", {**body, "banned_elements": c["banned_list"], **options})[
            "job_id"
        ]

    def list_jobs(
        self, slug: str | None = None, *, limit: int | None = 200, parent: str | None = None
    ) -> list[JobInfo]:
        params: dict[str, Any] = {"limit": limit or 10_000}
        if slug:
            params["project"] = slug
        if parent:
            params["parent"] = parent
        return self._json(list[JobInfo], "GET", "/api/jobs", params=params)

    def get_job(self, ref: str) -> JobInfo:
        return self._json(JobInfo, "GET", f"/api/jobs/{_seg(ref)}")

    def job_logs(self, ref: str, after_id: int = 0, *, last: int | None = None) -> list[JobLog]:
        params: dict[str, Any] = {"after": after_id}
        if last is not None:
            params["last"] = last
        return self._json(list[JobLog], "GET", f"/api/jobs/{_seg(ref)}/logs", params=params)

    def cancel_job(self, ref: str) -> JobInfo:
        return self._json(JobInfo, "DELETE", f"/api/jobs/{_seg(ref)}")

    # --- settings (the 설정 screen) -------------------------------------------------------

    def update_settings(self, changes: dict[str, dict[str, Any]]) -> Settings:
        self.settings = self._json(Settings, "PUT", "/api/settings", json={"changes": changes})
        return self.settings

    def save_api_key(self, key: str) -> None:
        self._request("PUT", "/api/settings/api-key", json={"key": key})

    def has_api_key(self) -> bool:
        return self._json(None, "GET", "/api/settings/api-key")["present"]

    def check_backend(self, backend: BackendSettings | None = None) -> BackendCheck:
        body = {"backend": backend.model_dump(mode="json") if backend is not None else None}
        return self._json(BackendCheck, "POST", "/api/settings/check", json=body)

    def estimate_batch(self, slug: str, first: int, last: int, **options) -> dict:
        params = {
            "from": first,
            "to": last,
            **{k: str(bool(v)).lower() for k, v in options.items()},
        }
        return self._json(dict, "GET", f"{self._project(slug)}/estimate", params=params)

    # --- backups and archives -----------------------------------------------------------

    def backup(self, dest: Path | str | None = None) -> Path:
        body = {"dest": str(Path(dest).resolve()) if dest else None}
        return Path(self._json(None, "POST", "/api/backup", json=body)["path"])

    def export_project(self, slug: str, fmt: str, target: Path | str) -> Path:
        from novelcraft.export import CLIENT_FORMATS, export_project
        from novelcraft.files import write_file_atomically

        if fmt in CLIENT_FORMATS:
            # Built here from the owner's bible and episodes, not shipped as a folder.
            return export_project(self, slug, fmt, Path(target))
        data = self._request("GET", f"{self._project(slug)}/export", params={"format": fmt})
        write_file_atomically(Path(target), data.content)
        return Path(target)

    def import_archive(self, source: Path | str, slug: str | None = None) -> str:
        source = Path(source)
        if not source.is_file():
            raise NotFound(f"{source}: 파일이 없습니다")
        if source.stat().st_size > MAX_ARCHIVE_BYTES:
            raise BadInput(f"{source}: {MAX_ARCHIVE_BYTES // 2**20}MB보다 큽니다")
        params = {"slug": slug} if slug else {}
        headers = {"Content-Type": "application/zip"}
        body = source.read_bytes()
        answer = self._json(None, "POST", "/api/archives", content=body, params=params,
                            headers=headers)  # fmt: skip
        return answer["slug"]
