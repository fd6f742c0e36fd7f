"""`RemoteWorkspace`: the Workspace interface over a live owner's HTTP API (DESIGN §2).

Same methods, same pydantic return types and the same exceptions as the local Workspace:
the owner's `{error, detail}` answers map back to NotFound, RevisionConflict and BadInput with
the owner's own message, so a client prints the same one-line error and exit code whichever
Workspace it got from `novelcraft.connect()`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter

from novelcraft import bible as bible_io
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
from novelcraft.workspace.paths import WorkspacePaths

T = TypeVar("T")
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
TIMEOUT = httpx.Timeout(120.0, connect=5.0)
_ERRORS = {404: NotFound, 409: RevisionConflict, 400: BadInput, 413: BadInput, 422: BadInput}


def _seg(value: str | int) -> str:
    return quote(str(value), safe="")


class RemoteWorkspace:
    is_local = False
    serving = False

    def __init__(self, paths: WorkspacePaths, url: str, token: str, *, owner_pid: int = 0):
        self.paths = paths
        self.url = url.rstrip("/")
        self.owner_pid = owner_pid
        self.settings = paths.load_settings()
        self._client = httpx.Client(
            base_url=self.url, timeout=TIMEOUT, headers={"Authorization": f"Bearer {token}"}
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RemoteWorkspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- transport ----------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise OperationFailed(
                f"the workspace owner at {self.url} (pid {self.owner_pid}) is not answering: {exc}"
            ) from None
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail") or response.reason_phrase
            except ValueError:
                detail = response.reason_phrase
            if response.status_code == 401:
                raise OperationFailed(f"the workspace owner at {self.url} refused us: {detail}")
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
        return bible_io.parse_bible(self.export_bible(slug), f"{self.url} bible of {slug}")

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

    def frame(self, kind: str, project: str | None = None):
        """An analysis DataFrame (see novelcraft.analysis), fetched as Parquet."""
        from novelcraft.api.tables import parquet_to_frame

        base = "/api" if project is None else self._project(project)
        path = f"{base}/frames/{_seg(kind)}"
        return parquet_to_frame(self._request("GET", path, params={"format": "parquet"}).content)

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
        from novelcraft.files import write_file_atomically

        data = self._request("GET", f"{self._project(slug)}/export", params={"format": fmt})
        write_file_atomically(Path(target), data.content)
        return Path(target)

    def import_archive(self, source: Path | str, slug: str | None = None) -> str:
        source = Path(source)
        if not source.is_file():
            raise NotFound(f"{source}: no such file")
        if source.stat().st_size > MAX_ARCHIVE_BYTES:
            raise BadInput(f"{source}: larger than {MAX_ARCHIVE_BYTES // 2**20} MB")
        params = {"slug": slug} if slug else {}
        headers = {"Content-Type": "application/zip"}
        body = source.read_bytes()
        answer = self._json(None, "POST", "/api/archives", content=body, params=params,
                            headers=headers)  # fmt: skip
        return answer["slug"]
