"""A detached owner for `generate --detach`: owns the workspace until no job is left to run.

Started as `python -m novelcraft.jobs.worker --workspace DIR [--workers N]` in its own session, with
its output in `worker.log` in the workspace. While it runs, other commands reach it through the
HTTP API it serves on loopback like any owner (`server.json`; `novelcraft jobs`, `job`, `cancel`).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time

from novelcraft.errors import NovelcraftError, WorkspaceBusy
from novelcraft.log_redaction import redact_logging
from novelcraft.models import ACTIVE

IDLE_CHECK_SECONDS = 1.0
# A short command (`novelcraft jobs`) may hold the workspace as the worker starts: wait for it.
OPEN_PATIENCE_SECONDS = 30.0


def run(workspace: str, workers: int | None) -> int:
    from novelcraft.store import jobs as job_rows
    from novelcraft.workspace import Workspace

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    deadline = time.monotonic() + OPEN_PATIENCE_SECONDS
    while True:
        try:
            ws = Workspace.open(workspace, command="novelcraft worker (generate --detach)")
            break
        except WorkspaceBusy:
            if time.monotonic() > deadline or stop.wait(0.5):
                raise
    with ws:
        ws.serve(workers)
        while not stop.wait(IDLE_CHECK_SECONDS):
            if not job_rows.list_jobs(ws.store, statuses=ACTIVE, limit=1):
                break
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m novelcraft.jobs.worker")
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    from novelcraft.cli.serve_cmd import API_SWITCH_INTERVAL

    sys.setswitchinterval(API_SWITCH_INTERVAL)  # a dedicated owner: see serve_cmd
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    redact_logging()
    try:
        return run(args.workspace, args.workers)
    except NovelcraftError as exc:
        print(f"novelcraft 작업자: 오류: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
