"""Jobs: what to run, written to `generation_jobs` first and then handed to huey (DESIGN §8).

Submitting validates everything, opens the queue (a corrupt or locked queue file is refused
before anything is written), inserts the rows in one transaction and only then enqueues. If
the enqueue fails the rows are deleted again, so nothing is left half-submitted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from novelcraft.backends.base import BackendMisconfigured
from novelcraft.errors import BadInput, NotFound
from novelcraft.labels import status_label
from novelcraft.models import JobInfo, JobLog
from novelcraft.store import jobs as job_rows

if TYPE_CHECKING:
    from novelcraft.workspace import Workspace

__all__ = ["JobInfo", "JobLog"]

# Job types that write to one project; at most one of them runs per project at a time.
PROJECT_JOBS = ("batch", "outline", "revise", "rederive")
JOB_TYPES = (*PROJECT_JOBS, "bootstrap")
MAX_BATCH = 1000


def check_range(first: int, last: int) -> None:
    if first < 1 or last < 1:
        raise BadInput(f"회차 번호는 1 이상이어야 합니다 (입력값 --from {first} --to {last})")
    if first > last:
        raise BadInput(f"시작 회차(--from {first})가 끝 회차(--to {last})보다 큽니다")
    if last - first + 1 > MAX_BATCH:
        raise BadInput(f"한 번에 최대 {MAX_BATCH}화까지 쓸 수 있습니다 (요청 {last - first + 1}화)")


def _backend_input(ws: Workspace, backend: str | None, model: str | None) -> dict:
    from novelcraft.backends import REGISTRY, load_builtin_backends

    name = backend or ws.settings.backend.default
    load_builtin_backends()
    if name not in REGISTRY:
        raise BadInput(
            f"알 수 없는 백엔드입니다: {name!r} (가능한 값: {', '.join(sorted(REGISTRY))})"
        )
    try:
        ws.backend(name, model).preflight()
    except BackendMisconfigured as exc:
        raise BadInput(str(exc)) from None
    return {"backend": name, "model": model}


def overlapping_batch(ws: Workspace, pid: int, first: int, last: int) -> JobInfo | None:
    for job in job_rows.active(ws.store, project_id=pid, job_type="batch"):
        a, b = job.input["first"], job.input["last"]
        if a <= last and first <= b:
            return job
    return None


def submit_batch(ws: Workspace, slug: str, first: int, last: int, **options: Any) -> str:
    """Queue episodes first..last of `slug`; returns the job id (see `submit_batch_checked`)."""
    return submit_batch_checked(ws, slug, first, last, **options)[0]


def submit_batch_checked(
    ws: Workspace,
    slug: str,
    first: int,
    last: int,
    *,
    with_editor: bool = True,
    use_retry: bool = True,
    regenerate: bool = False,
    backend: str | None = None,
    model: str | None = None,
    attach: bool = True,
) -> tuple[str, bool]:
    """Queue episodes first..last of `slug`; returns the job id and whether it is an existing
    batch this range attached to.

    A range inside an active batch attaches to it (its id is returned, nothing new is queued);
    with `attach=False` any overlap is refused instead. A partly overlapping range becomes a new
    batch that waits its turn and skips the episodes the earlier one finished.
    """
    check_range(first, last)
    pid = ws.project_id(slug)
    options = _backend_input(ws, backend, model)
    running = overlapping_batch(ws, pid, first, last)
    if running is not None:
        a, b = running.input["first"], running.input["last"]
        if not attach:
            raise BadInput(
                f"{first}-{last}화가 진행 중인 일괄 작업 {running.id}"
                f"({a}-{b}화, {status_label(running.status)})와 겹칩니다"
            )
        if a <= first and last <= b and not regenerate:
            return running.id, True
    job_input = {
        "first": first, "last": last, "with_editor": with_editor, "use_retry": use_retry,
        "regenerate": regenerate, **options,
    }  # fmt: skip
    children = [
        {"episode_number": n, "input": {"regenerate": regenerate}} for n in range(first, last + 1)
    ]
    return _submit(ws, "batch", pid, job_input, children=children), False


def submit_project_job(ws: Workspace, job_type: str, slug: str, number: int, **fields: Any) -> str:
    """An outline, revise or rederive job for one episode."""
    if job_type not in ("outline", "revise", "rederive"):
        raise ValueError(job_type)
    if number < 1:
        raise BadInput(f"회차 번호는 1 이상이어야 합니다 (입력값 {number})")
    pid = ws.project_id(slug)
    if job_type != "outline":
        ws.get_episode(slug, number)  # NotFound: nothing to revise or re-derive
    if job_type == "revise" and not str(fields.get("instruction", "")).strip():
        raise BadInput("고쳐 쓰기에는 지시문(--instruction)이 있어야 합니다")
    backend = _backend_input(ws, fields.pop("backend", None), fields.pop("model", None))
    return _submit(ws, job_type, pid, {"episode": number, **fields, **backend}, number=number)


def normalize_concept(concept: dict) -> dict:
    """The bootstrap template's variables from a concept form (CLI flags or the wizard)."""
    missing = [
        k for k in ("name", "genre", "tone", "protagonist") if not str(concept.get(k, "")).strip()
    ]
    if missing:
        raise BadInput(f"기획에 다음 항목이 있어야 합니다: {', '.join(missing)}")
    banned = concept.get("banned_list")
    if banned is None:
        raw = concept.get("banned_elements", "")
        banned = [x.strip() for x in raw.split(",")] if isinstance(raw, str) else list(raw)
    banned = [str(x).strip() for x in banned if str(x).strip()]
    try:
        episodes = int(concept.get("episodes") or 50)
    except (TypeError, ValueError):
        raise BadInput(f"episodes는 정수여야 합니다 (입력값 {concept.get('episodes')!r})") from None
    if not 1 <= episodes <= 1000:
        raise BadInput(f"episodes는 1에서 1000 사이여야 합니다 (입력값 {episodes})")
    return {
        "episodes": episodes,
        "name": concept["name"].strip(), "genre": concept["genre"].strip(),
        "tone": concept["tone"].strip(), "protagonist": concept["protagonist"].strip(),
        "supporting": concept.get("supporting", "") or "", "banned_elements": ", ".join(banned),
        "banned_list": banned, "notes": concept.get("notes", "") or "",
        "references": concept.get("references", "") or "",
    }  # fmt: skip


def submit_bootstrap(
    ws: Workspace, concept: dict, *, backend: str | None = None, model: str | None = None
) -> str:
    concept = normalize_concept(concept)
    job_input = {"concept": concept, **_backend_input(ws, backend, model)}
    return _submit(ws, "bootstrap", None, job_input)


def _submit(
    ws: Workspace,
    job_type: str,
    pid: int | None,
    job_input: dict,
    *,
    number: int | None = None,
    children: list[dict] | None = None,
) -> str:
    tasks = ws.tasks  # opens the queue: a bad queue file is refused before any row exists
    job_id = job_rows.new_id()
    with ws.store.transaction() as cur:
        job_rows.insert(cur, job_id, job_type, project_id=pid, episode_number=number,
                        input=job_input)  # fmt: skip
        for i, child in enumerate(children or []):
            job_rows.insert(
                cur, f"{job_id}.{i + 1:04d}", "episode", project_id=pid, parent_id=job_id,
                episode_number=child["episode_number"], input=child["input"],
            )  # fmt: skip
    try:
        tasks.run_job(job_id)
    except Exception as exc:
        with ws.store.transaction() as cur:
            cur.execute("DELETE FROM generation_jobs WHERE id = ? OR parent_id = ?", [job_id] * 2)
        raise BadInput(f"{ws.paths.queue}: 작업을 대기열에 넣을 수 없습니다 ({exc})") from None
    return job_id


def resolve(ws: Workspace, ref: str) -> JobInfo:
    """A job by id or by a unique prefix of at least 4 characters (as git does)."""
    job = job_rows.get(ws.store, ref)
    if job is not None:
        return job
    found = job_rows.find_by_prefix(ws.store, ref) if len(ref) >= 4 else []
    if len(found) == 1:
        return job_rows.get(ws.store, found[0])
    if len(found) > 1:
        raise BadInput(f"작업 id {ref!r}에 맞는 작업이 여럿입니다 ({', '.join(found[:2])}, ...)")
    raise NotFound(f"작업 {ref!r}이(가) 없습니다")


def cancel(ws: Workspace, ref: str) -> JobInfo:
    """Flag the job canceled. A queued job ends now; a running one stops at its next step
    (the owner's monitor hands the flag to its runner). A running job whose heartbeat is
    stale has no live runner, so it ends now too rather than being resumed."""
    job = resolve(ws, ref)
    if job.finished:
        raise BadInput(f"작업 {job.id}은(는) 이미 끝난 작업입니다 ({status_label(job.status)})")
    job_rows.request_cancel(ws.store, job.id)
    stale = {j.id for j in job_rows.orphans(ws.store, ws.settings.queue.heartbeat_stale_seconds)}
    for row in (job, *job_rows.children(ws.store, job.id)):
        if row.status in ("running", "waiting") and row.id in stale:
            job_rows.finish(ws.store, row.id, "canceled", step="canceled")
    return job_rows.get(ws.store, job.id)
