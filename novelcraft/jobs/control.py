"""Talking to a running owner through the queue file (DESIGN §2: anything may enqueue).

DuckDB admits one process, so while `serve` or a foreground `generate` owns a workspace, other
CLI commands cannot read or write jobs themselves. They put a request on the `control` queue of
`queue.sqlite3`; the owner's monitor thread answers within a fraction of a second (it is not a
huey worker, so requests never wait behind a long batch) and writes the reply to the queue's
key-value table. The owner also publishes a status snapshot there once a second, which readers
such as `novelcraft jobs` show instead of the database.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from typing import TYPE_CHECKING, Any

from novelcraft import errors
from novelcraft.errors import BadInput, NotFound, NovelcraftError, OperationFailed
from novelcraft.jobs.queue import CONTROL_QUEUE, open_queue
from novelcraft.store import jobs as job_rows

if TYPE_CHECKING:
    from novelcraft.jobs.owner import Owner
    from novelcraft.workspace import WorkspacePaths

STATUS_KEY = "status"
PUBLISH_EVERY = 0.5
# An owner that has not published for this long is hung or gone.
STATUS_STALE_AFTER = 15.0
RECENT_JOBS = 50
LOG_TAIL = 10  # log lines per active job in the snapshot

log = logging.getLogger("novelcraft.control")


def _control_queue(path):
    huey = open_queue(path, CONTROL_QUEUE)

    @huey.task(name="request")
    def request(request_id: str, action: str, payload: dict, deadline: float | None = None):
        owner = getattr(huey, "owner", None)
        if owner is None:
            return
        if deadline is not None and time.time() > deadline:
            # The client has already told its user the request failed: doing it now would
            # run a batch nobody is waiting for (and that the user may submit again).
            log.warning("dropped %s request %s: its client gave up waiting", action, request_id)
            return
        huey.put(f"reply:{request_id}", _answer(owner, action, payload))

    return huey, request


# --- owner side ---------------------------------------------------------------------------


def serve_requests(owner: Owner) -> None:
    huey = _owner_queue(owner)
    while (task := huey.dequeue()) is not None:
        huey.execute(task)


def _owner_queue(owner: Owner):
    huey = getattr(owner, "_control", None)
    if huey is None:
        huey, _ = _control_queue(owner.ws.paths.queue)
        huey.owner = owner
        owner._control = huey
    return huey


def _answer(owner: Owner, action: str, payload: dict) -> dict:
    from novelcraft.jobs import submit

    ws = owner.ws
    try:
        if action == "submit_batch":
            return {"job_id": submit.submit_batch(ws, **payload)}
        if action == "cancel":
            return {"job": submit.cancel(ws, payload["ref"]).brief()}
        raise BadInput(f"unknown request {action!r}")
    except NovelcraftError as exc:
        return {"error": str(exc), "kind": type(exc).__name__}


def publish_status(owner: Owner, *, stopped: bool = False, force: bool = False) -> None:
    now = time.time()
    if not force and now - getattr(owner, "_published_at", 0.0) < PUBLISH_EVERY:
        return
    owner._published_at = now
    store = owner.ws.store
    top = job_rows.list_jobs(store, limit=RECENT_JOBS)
    active = [j for j in top if not j.finished]
    snapshot = {
        "pid": os.getpid(),
        "at": now,
        "stopped": stopped,
        "jobs": [j.brief() for j in top],
        "logs": {
            j.id: [
                f"{line.ts:%H:%M:%S} {line.message}"
                for line in job_rows.logs(store, j.id, last=LOG_TAIL)
            ]
            for j in active
        },
    }
    _owner_queue(owner).put(STATUS_KEY, snapshot)


# --- client side --------------------------------------------------------------------------


def request(paths: WorkspacePaths, action: str, payload: dict, timeout: float = 15) -> dict:
    """Ask the running owner; its error comes back as the same one-line error."""
    huey, send = _control_queue(paths.queue)
    request_id = secrets.token_hex(8)
    # Wall-clock: the owner is another process on this machine and compares with its clock.
    # It must start the request a little before we give up, so its reply can still arrive.
    send(request_id, action, payload, time.time() + max(timeout - 1.0, timeout / 2))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = huey.get(f"reply:{request_id}")
        if reply is not None:
            if "error" in reply:
                cls = getattr(errors, reply.get("kind", ""), None)
                if not (isinstance(cls, type) and issubclass(cls, NovelcraftError)):
                    cls = OperationFailed
                raise cls(reply["error"])
            return reply
        time.sleep(0.1)
    raise OperationFailed(
        f"the workspace owner did not answer within {timeout:.0f}s; the request was withdrawn"
    )


def read_status(paths: WorkspacePaths, wait: float = 5.0) -> dict[str, Any]:
    """The owner's latest snapshot; an owner that is just starting gets `wait` seconds."""
    huey, _ = _control_queue(paths.queue)
    deadline = time.monotonic() + wait
    while True:
        snapshot = huey.get(STATUS_KEY, peek=True)
        if snapshot and not snapshot.get("stopped"):
            break
        if time.monotonic() > deadline:
            raise OperationFailed("the workspace owner has not published any job status")
        time.sleep(0.2)
    age = time.time() - snapshot["at"]
    if age > STATUS_STALE_AFTER:
        raise OperationFailed(
            f"the workspace owner (pid {snapshot['pid']}) has not reported for {age:.0f}s"
        )
    return snapshot


def find_job(snapshot: dict, ref: str) -> dict:
    matches = [j for j in snapshot["jobs"] if j["id"] == ref or j["id"].startswith(ref)]
    if len(matches) == 1 or (matches and matches[0]["id"] == ref):
        return matches[0]
    if matches:
        raise BadInput(f"job id {ref!r} is ambiguous")
    raise NotFound(f"no job {ref!r} among the owner's {RECENT_JOBS} most recent jobs")
