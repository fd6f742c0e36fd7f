"""Every route of the HTTP API, declared once (DESIGN §10): the table `ENDPOINTS` and the
Workspace call behind each route. Handlers run the calls on an executor thread, never on the
server's event loop; `novelcraft.api.routing` defines what a route declares.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import novelcraft
from novelcraft.api import bodies
from novelcraft.api.routing import Download, Endpoint, Request
from novelcraft.api.tables import frame_to_csv, frame_to_parquet
from novelcraft.backends.check import BackendCheck
from novelcraft.canon.models import (
    CanonReport,
    CharacterState,
    Foreshadow,
    StaleReason,
    VoiceDistinctiveness,
)
from novelcraft.errors import BadInput, NotFound
from novelcraft.frame_schema import FRAME_KINDS
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
from novelcraft.settings import Settings

# Platform splits write a folder: clients build them from the episodes (export.CLIENT_FORMATS).
EXPORT_FORMATS = ("zip", "md", "txt", "epub")
EXPORT_TYPES = {"zip": "application/zip", "epub": "application/epub+zip"}
MAX_LIMIT = 10_000


# --- calls --------------------------------------------------------------------------------


def _health(r: Request) -> bodies.Health:
    return bodies.Health(version=novelcraft.__version__, pid=os.getpid(),
                         workspace=str(r.ws.paths.root))  # fmt: skip


def _create_project(r: Request) -> bodies.SlugResult:
    return bodies.SlugResult(slug=r.ws.create_project(_checked(r.body.bible), slug=r.body.slug))


def _checked(bible: Bible) -> Bible:
    problems = bible.problems()
    if problems:
        where, message = problems[0]
        raise BadInput(f"bible.{'.'.join(str(p) for p in where)}: {message}")
    return bible


def _put_bible(r: Request) -> bodies.SlugResult:
    from novelcraft.bible import decode_text, parse_bible

    bible = parse_bible(decode_text(r.body, "bible.yaml"), "bible.yaml")
    r.ws.replace_bible(r.slug, bible)
    return bodies.SlugResult(slug=r.slug)


def _bible_yaml(r: Request) -> Download:
    text = r.ws.export_bible(r.slug)
    return Download(text.encode(), "application/yaml; charset=utf-8", f"{r.slug}.bible.yaml")


def _list_episodes(r: Request) -> list[Episode]:
    offset = r.query.integer("offset", 0)
    limit = r.query.integer("limit", None, low=1, high=MAX_LIMIT)
    return r.ws.list_episodes(r.slug, offset=offset, limit=limit)


def _create_episode(r: Request) -> Episode:
    return r.ws.create_episode(r.slug, r.body.episode_number, title=r.body.title)


def _save_episode(r: Request) -> Episode:
    return r.ws.save_author_edit(
        r.slug, r.number, r.body.content, expected_revision=r.body.revision
    )


def _delete_episode(r: Request) -> dict:
    r.ws.delete_episode(r.slug, r.number)
    return {"deleted": r.number}


def _metrics(r: Request):
    fmt = r.query.choice("format", ("json", "csv", "parquet"), "json")
    rows = r.ws.metrics_rows(r.slug, r.query.choice("stage", ("pass1", "final"), "final"))
    if fmt == "json":
        return rows
    if fmt == "csv":
        from novelcraft.reports import metrics_csv

        return Download(metrics_csv(rows).encode(), "text/csv; charset=utf-8",
                        f"{r.slug}.metrics.csv")  # fmt: skip
    frame = pd.DataFrame(
        [dict(row, warnings=";".join(w["metric"] for w in row["warnings"])) for row in rows]
    )
    return Download(frame_to_parquet(frame), "application/vnd.apache.parquet",
                    f"{r.slug}.metrics.parquet")  # fmt: skip


def _latest_metrics(r: Request) -> dict:
    first = r.query.integer("from", 1, low=1)
    last = r.query.integer("to", 2**31 - 1, low=1)
    return {str(k): v for k, v in r.ws.metrics_by_episode(r.slug, first, last).items()}


def _guard_summary(r: Request):
    first = r.query.integer("from", None, low=1)
    last = r.query.integer("to", None, low=1)
    summary = r.ws.guard_summary(r.slug, first, last)
    if r.query.choice("format", ("json", "csv"), "json") == "csv":
        from novelcraft.reports import guard_summary_csv

        return Download(guard_summary_csv(summary).encode(), "text/csv; charset=utf-8",
                        f"{r.slug}.guard_summary.csv")  # fmt: skip
    return summary


def _frame(r: Request) -> Download:
    kind = r.path["kind"]
    if kind not in FRAME_KINDS:
        raise NotFound(
            f"알 수 없는 프레임 종류입니다: {kind!r} (가능한 값: {', '.join(FRAME_KINDS)})"
        )
    fmt = r.query.choice("format", ("parquet", "csv"), "parquet")
    slug = r.path.get("slug")
    if slug is not None:
        r.ws.project_id(slug)  # an unknown project is a 404 before any frame is built
    frame = r.ws.frame(kind, slug)
    name = f"{slug or 'all'}.{kind}"
    if fmt == "csv":
        return Download(frame_to_csv(frame), "text/csv; charset=utf-8", f"{name}.csv")
    return Download(frame_to_parquet(frame), "application/vnd.apache.parquet",
                    f"{name}.parquet")  # fmt: skip


def _writers(r: Request) -> dict[str, str]:
    first = r.query.integer("first", 1, low=1)
    last = r.query.integer("last", 2**31 - 1, low=1)
    return {str(n): w for n, w in r.ws.episode_writers(r.slug, first, last).items()}


def _save_api_key(r: Request) -> bodies.ApiKeyPresence:
    r.ws.save_api_key(r.body.key)
    return bodies.ApiKeyPresence(present=True)


def _estimate(r: Request) -> dict:
    first = r.query.integer("from", None, low=1)
    last = r.query.integer("to", None, low=1)
    if first is None or last is None:
        raise BadInput("from, to: 둘 다 있어야 합니다")
    return r.ws.estimate_batch(
        r.slug, first, last, with_editor=r.query.flag("with_editor", True),
        use_retry=r.query.flag("use_retry", True),
    )  # fmt: skip


def _export(r: Request) -> Download:
    fmt = r.query.choice("format", EXPORT_FORMATS, "zip")
    with tempfile.TemporaryDirectory(prefix="novelcraft-export-") as tmp:
        target = Path(tmp) / f"{r.slug}.{fmt}"
        r.ws.export_project(r.slug, fmt, target)
        data = target.read_bytes()
    kind = EXPORT_TYPES.get(fmt, "text/plain; charset=utf-8")
    return Download(data, kind, target.name)


def _import_archive(r: Request) -> bodies.SlugResult:
    slug = r.query.text("slug")
    with tempfile.TemporaryDirectory(prefix="novelcraft-import-") as tmp:
        source = Path(tmp) / "archive.zip"
        source.write_bytes(r.body)
        return bodies.SlugResult(slug=r.ws.import_archive(source, slug))


def _backend(body: bodies.BackendChoice) -> dict:
    return {"backend": body.backend, "model": body.model}


def _accepted(job_id: str, attached: bool = False) -> bodies.JobAccepted:
    return bodies.JobAccepted(job_id=job_id, attached=attached)


def _gen_bootstrap(r: Request) -> bodies.JobAccepted:
    b = r.body
    concept = b.model_dump(exclude={"backend", "model", "banned_elements"})
    concept["banned_list"] = b.banned_elements
    return _accepted(r.ws.submit_bootstrap(concept, **_backend(b)))


def _gen_outline(r: Request) -> bodies.JobAccepted:
    b = r.body
    return _accepted(r.ws.submit_outline(b.project, b.episode_number, force=b.force, **_backend(b)))


def _gen_episode(r: Request) -> bodies.JobAccepted:
    b = r.body
    return _accepted(r.ws.submit_episode(
        b.project, b.episode_number, regenerate=b.regenerate, with_editor=b.with_editor,
        use_retry=b.use_retry, **_backend(b),
    ))  # fmt: skip


def _gen_revise(r: Request) -> bodies.JobAccepted:
    b = r.body
    return _accepted(r.ws.submit_revise(b.project, b.episode_number, b.instruction, **_backend(b)))


def _gen_summary(r: Request) -> bodies.JobAccepted:
    b = r.body
    return _accepted(r.ws.submit_rederive(b.project, b.episode_number, **_backend(b)))


def _gen_batch(r: Request) -> bodies.JobAccepted:
    b = r.body
    job_id, attached = r.ws.submit_batch_checked(
        b.project, b.first, b.last, with_editor=b.with_editor, use_retry=b.use_retry,
        regenerate=b.regenerate, **_backend(b),
    )  # fmt: skip
    return _accepted(job_id, attached)


def _list_jobs(r: Request) -> list[JobInfo]:
    limit = r.query.integer("limit", 200, low=1, high=MAX_LIMIT)
    if "parent" in r.query.values:
        return r.ws.list_jobs(parent=r.ws.get_job(r.query.text("parent")).id, limit=None)
    return r.ws.list_jobs(r.query.text("project"), limit=limit)


def _job_result(r: Request) -> bodies.JobResult:
    job = r.ws.get_job(r.path["job_id"])
    return bodies.JobResult(id=job.id, status=job.status, finished=job.finished,
                            output=job.output, error=job.error)  # fmt: skip


def _job_logs(r: Request) -> list[JobLog]:
    after = r.query.integer("after", 0)
    last = r.query.integer("last", None, low=1, high=MAX_LIMIT)
    return r.ws.job_logs(r.path["job_id"], after, last=last)


def _backup(r: Request) -> bodies.PathResult:
    return bodies.PathResult(path=str(r.ws.backup(r.body.dest)))


def _foreshadow_decision(r: Request) -> Foreshadow:
    raw = r.path["foreshadow_id"]
    if not raw.isdigit():
        raise BadInput(f"foreshadow_id: 숫자여야 합니다 (입력값 {raw!r})")
    body: bodies.ForeshadowDecision = r.body
    if body.dropped is None and body.due_episode is None:
        raise BadInput("body: dropped 또는 due_episode 중 하나를 주세요")
    found = None
    if body.due_episode is not None:
        found = r.ws.move_foreshadow_due(r.slug, int(raw), body.due_episode)
    if body.dropped is not None:
        found = r.ws.drop_foreshadow(r.slug, int(raw), body.dropped)
    return found


def _deleted(fn: Callable[[Request], None], key: str) -> Callable[[Request], dict]:
    def call(r: Request) -> dict:
        fn(r)
        return {"deleted": r.path[key]}

    return call


P = "/api/projects/{slug}"
E = P + "/episodes/{n}"

ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", "/api/health", "Liveness and version", _health, response=bodies.Health),
    Endpoint("GET", "/api/openapi.json", "This document", lambda r: None, response=dict),
    Endpoint("GET", "/api/projects", "Projects with episode counts",
             lambda r: r.ws.list_projects(), response=list[ProjectSummary]),
    Endpoint("POST", "/api/projects", "Create a project from a Story Bible", _create_project,
             body=bodies.ProjectCreate, response=bodies.SlugResult, status=201),
    Endpoint("GET", P, "One project", lambda r: r.ws.get_project(r.slug),
             response=ProjectSummary),
    Endpoint("PUT", P, "Update the project's information",
             lambda r: r.ws.update_project(r.slug, r.body), body=ProjectInfo,
             response=ProjectSummary),
    Endpoint("DELETE", P, "Delete a project and everything in it",
             _deleted(lambda r: r.ws.delete_project(r.slug), "slug"), response=dict),
    Endpoint("GET", P + "/characters", "Characters",
             lambda r: r.ws.list_characters(r.slug), response=list[Character]),
    Endpoint("POST", P + "/characters", "Add a character",
             lambda r: r.ws.save_character(r.slug, r.body), body=Character,
             response=Character, status=201),
    Endpoint("PUT", P + "/characters/{name}", "Replace a character",
             lambda r: r.ws.save_character(r.slug, r.body, name=r.path["name"]),
             body=Character, response=Character),
    Endpoint("DELETE", P + "/characters/{name}", "Remove a character",
             _deleted(lambda r: r.ws.delete_character(r.slug, r.path["name"]), "name"),
             response=dict),
    Endpoint("GET", P + "/bible", "The canonical Story Bible (YAML)", _bible_yaml),
    Endpoint("PUT", P + "/bible", "Replace the Story Bible (YAML body)", _put_bible,
             body_kind="yaml", response=bodies.SlugResult, max_body=1024 * 1024),
    Endpoint("GET", P + "/episodes", "Episodes in order", _list_episodes,
             response=list[Episode], query=("offset", "limit")),
    Endpoint("POST", P + "/episodes", "Create an empty episode", _create_episode,
             body=bodies.EpisodeCreate, response=Episode, status=201),
    Endpoint("GET", P + "/last-episode", "The highest episode number",
             lambda r: bodies.LastEpisode(episode_number=r.ws.last_episode_number(r.slug)),
             response=bodies.LastEpisode),
    Endpoint("GET", E, "One episode", lambda r: r.ws.get_episode(r.slug, r.number),
             response=Episode),
    Endpoint("PUT", E, "Save the author's text (stale revision: 409)", _save_episode,
             body=bodies.EpisodeSave, response=Episode),
    Endpoint("DELETE", E, "Delete an episode", _delete_episode, response=dict),
    Endpoint("GET", E + "/versions", "Saved versions",
             lambda r: r.ws.episode_versions(r.slug, r.number), response=list[EpisodeVersion]),
    Endpoint("GET", E + "/events", "Extracted events",
             lambda r: r.ws.episode_events(r.slug, r.number), response=list[EpisodeEvent]),
    Endpoint("GET", E + "/columns", "Measurement, context sizes and pipeline state",
             lambda r: r.ws.episode_columns(r.slug, r.number), response=dict),
    Endpoint("PUT", E + "/outline", "Set the author's outline",
             lambda r: r.ws.save_outline(r.slug, r.number, r.body), body=Outline,
             response=Episode),
    Endpoint("GET", P + "/metrics", "Latest metrics per episode (format=json|csv|parquet)",
             _metrics, response=list[dict], query=("format", "stage")),
    Endpoint("GET", P + "/metrics/latest", "Latest measurement per episode, any stage",
             _latest_metrics, response=dict, query=("from", "to")),
    Endpoint("GET", P + "/guard-summary", "Guard summary (format=json|csv)", _guard_summary,
             response=GuardSummary, query=("from", "to", "format")),
    Endpoint("GET", P + "/canon", "The canon ledger: foreshadows, repeats, absences per season",
             lambda r: r.ws.canon_report(r.slug), response=CanonReport),
    Endpoint("PUT", P + "/canon/foreshadows/{foreshadow_id}", "Drop or move a foreshadow",
             _foreshadow_decision, body=bodies.ForeshadowDecision, response=Foreshadow),
    Endpoint("GET", P + "/canon/character-states", "Last known state per character",
             lambda r: r.ws.character_states(r.slug, r.query.integer("before", None, low=1)),
             response=list[CharacterState], query=("before",)),
    Endpoint("GET", P + "/canon/stale-reasons", "Why later episodes are stale after an edit",
             lambda r: r.ws.stale_reasons(r.slug, r.query.integer("source", None, low=1)),
             response=list[StaleReason], query=("source",)),
    Endpoint("GET", P + "/canon/voice", "Voice distinctiveness per season",
             lambda r: r.ws.voice_distinctiveness(r.slug, r.query.integer("season", None, low=1)),
             response=list[VoiceDistinctiveness], query=("season",)),
    Endpoint("GET", P + "/frames/{kind}", "Analysis frames (format=parquet|csv)", _frame,
             query=("format",)),
    Endpoint("GET", "/api/frames/{kind}", "Analysis frames of every project", _frame,
             query=("format",)),
    Endpoint("GET", P + "/estimate", "Cost forecast of a batch", _estimate, response=dict,
             query=("from", "to", "with_editor", "use_retry")),
    Endpoint("GET", P + "/export", "Export (format=zip|md|txt|epub)", _export,
             query=("format",)),
    Endpoint("POST", "/api/archives", "Import an export zip (body: the zip)", _import_archive,
             body_kind="bytes", response=bodies.SlugResult, status=201,
             max_body=64 * 1024 * 1024, query=("slug",)),
    Endpoint("POST", "/api/generate/bootstrap", "Queue a bootstrap", _gen_bootstrap,
             body=bodies.GenerateBootstrap, response=bodies.JobAccepted, status=202),
    Endpoint("POST", "/api/generate/outline", "Queue an outline", _gen_outline,
             body=bodies.GenerateOutline, response=bodies.JobAccepted, status=202),
    Endpoint("POST", "/api/generate/episode", "Queue one episode", _gen_episode,
             body=bodies.GenerateEpisode, response=bodies.JobAccepted, status=202),
    Endpoint("POST", "/api/generate/revise", "Queue a revision", _gen_revise,
             body=bodies.GenerateRevise, response=bodies.JobAccepted, status=202),
    Endpoint("POST", "/api/generate/summary", "Queue re-deriving events and summary",
             _gen_summary, body=bodies.GenerateSummary, response=bodies.JobAccepted,
             status=202),
    Endpoint("POST", "/api/generate/batch", "Queue a batch", _gen_batch,
             body=bodies.GenerateBatch, response=bodies.JobAccepted, status=202),
    Endpoint("GET", "/api/jobs", "Jobs, newest first (project=, parent=, limit=)", _list_jobs,
             response=list[JobInfo], query=("project", "parent", "limit")),
    Endpoint("GET", "/api/jobs/{job_id}", "One job (id or unique prefix)",
             lambda r: r.ws.get_job(r.path["job_id"]), response=JobInfo),
    Endpoint("DELETE", "/api/jobs/{job_id}", "Cancel a job",
             lambda r: r.ws.cancel_job(r.path["job_id"]), response=JobInfo),
    Endpoint("GET", "/api/jobs/{job_id}/result", "A job's result", _job_result,
             response=bodies.JobResult),
    Endpoint("GET", "/api/jobs/{job_id}/logs", "A job's log (after=, last=)", _job_logs,
             response=list[JobLog], query=("after", "last")),
    Endpoint("POST", "/api/backup", "Write a backup", _backup, body=bodies.BackupRequest,
             response=bodies.PathResult, status=201),
    Endpoint("GET", P + "/writers", "Which backend wrote each episode (first..last)", _writers,
             response=dict[str, str], query=("first", "last")),
    Endpoint("GET", "/api/settings", "The workspace settings", lambda r: r.ws.settings,
             response=Settings),
    Endpoint("PUT", "/api/settings", "Change settings (used from the next job on)",
             lambda r: r.ws.update_settings(r.body.changes), body=bodies.SettingsChange,
             response=Settings),
    Endpoint("GET", "/api/settings/api-key", "Whether a key file is kept (never the key)",
             lambda r: bodies.ApiKeyPresence(present=r.ws.has_api_key()),
             response=bodies.ApiKeyPresence),
    Endpoint("PUT", "/api/settings/api-key", "Keep an API key in the 0600 key file",
             _save_api_key, body=bodies.ApiKeyBody, response=bodies.ApiKeyPresence),
    Endpoint("POST", "/api/settings/check", "One short call through a backend, timed",
             lambda r: r.ws.check_backend(r.body.backend), body=bodies.BackendCheckRequest,
             response=BackendCheck),
]  # fmt: skip
