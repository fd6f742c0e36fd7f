"""The workspace's huey queue (`queue.sqlite3`) and the consumer embedded in the owner process.

huey only delivers: `generation_jobs` in DuckDB is the truth (DESIGN §8). Only the owner
writes the queue (the job row first, then the task); other processes submit through the
owner's HTTP API, never through this file.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from huey import SqliteHuey
from huey.consumer import Consumer, ConsumerStopped

from novelcraft.errors import BadInput

WORK_QUEUE = "novelcraft"
# A new task is picked up within this many seconds by an idle worker (huey backs off up to it).
MAX_POLL_DELAY = 0.5
# Seconds to wait for another process's lock on the queue file before calling it locked.
BUSY_TIMEOUT = 10.0

log = logging.getLogger("novelcraft.queue")


def _huey(path: Path, name: str) -> SqliteHuey:
    # utc=False: the weekly backup's "Sunday 03:00" is the author's local time.
    # results=False: job results live in DuckDB, not in the queue file.
    return SqliteHuey(name, filename=str(path), results=False, utc=False, timeout=BUSY_TIMEOUT)


def check_integrity(path: Path) -> None:
    """SQLite's own check of every page: a file with damage in the middle opens and even
    answers simple queries, then fails halfway through a batch's enqueue."""
    if not path.exists():
        return
    con = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT)
    try:
        rows = con.execute("PRAGMA integrity_check(1)").fetchall()
    finally:
        con.close()
    if rows != [("ok",)]:
        problem = " ".join(str(rows[0][0]).split())[:120] if rows else "no answer"
        raise BadInput(
            f"{path}: 작업 대기열 파일이 손상되었습니다 ({problem}). 파일을 다른 곳으로 옮기고 "
            "다시 실행하세요 (대기 중이던 작업은 데이터베이스에서 다시 대기열에 넣습니다)"
        )


def open_queue(path: Path, name: str = WORK_QUEUE) -> SqliteHuey:
    """Open (creating if needed) the queue; a corrupt or locked file is one line of bad input."""
    try:
        check_integrity(path)
        huey = _huey(path, name)
        huey.pending_count()  # touches the file: fails here, not halfway through an enqueue
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if "locked" in message or "busy" in message:
            raise BadInput(f"{path}: 다른 프로세스가 작업 대기열을 잠그고 있습니다") from None
        raise BadInput(f"{path}: 쓸 수 있는 작업 대기열이 아닙니다 ({message})") from None
    return huey


class EmbeddedConsumer(Consumer):
    """huey's consumer, run inside the owner process (DESIGN §2).

    huey's `start()` installs signal handlers, which only the main thread may do and which
    belong to the owner (Panel's server, the CLI). This subclass leaves signals alone, runs the
    health loop that restarts dead workers on its own thread, and stops gracefully.
    """

    def __init__(self, huey: SqliteHuey, workers: int, **options):
        options.setdefault("max_delay", MAX_POLL_DELAY)
        options.setdefault("health_check_interval", 2)
        super().__init__(huey, workers=workers, **options)
        self._supervisor: threading.Thread | None = None

    def _set_signal_handlers(self) -> None:
        return None

    def start_embedded(self) -> None:
        self.start()
        self._supervisor = threading.Thread(
            target=self._supervise, name="huey-supervisor", daemon=True
        )
        self._supervisor.start()

    def _supervise(self) -> None:
        health_check_ts = time.monotonic()
        while True:
            try:
                health_check_ts = self.loop(health_check_ts)
            except ConsumerStopped:
                return
            except Exception:  # the supervisor itself must never die silently
                log.exception("consumer supervisor error")

    def shutdown(self, timeout: float | None = None) -> bool:
        """Stop taking tasks and wait for running ones (they stop at their next step)."""
        self.shutdown_timeout = timeout
        self.stop(graceful=True)
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
        return not any(self.environment.is_alive(t) for _, t in self.worker_threads)

    def alive_workers(self) -> int:
        return sum(1 for _, t in self.worker_threads if self.environment.is_alive(t))
