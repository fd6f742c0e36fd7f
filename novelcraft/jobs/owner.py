"""The owner's job machinery: embedded huey consumer, recovery, heartbeat (DESIGN §2, §8).

`with Owner(ws, workers=N):` runs jobs for the duration of the block. On start it recovers:
jobs a dead owner left running go back to the queue (huey had deleted their tasks when they
started), and every queued job without a task in the queue file gets one. While it runs, a
monitor thread beats the heartbeat of running jobs, re-queues a job whose worker died, and
serves the control queue other processes write to (see `novelcraft.jobs.control`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from novelcraft.errors import BadInput
from novelcraft.jobs import control
from novelcraft.jobs.queue import EmbeddedConsumer
from novelcraft.jobs.runner import JobRunner
from novelcraft.models import JobInfo
from novelcraft.store import jobs as job_rows

log = logging.getLogger("novelcraft.owner")

MONITOR_INTERVAL = 0.25


class Owner:
    def __init__(self, ws, workers: int | None = None, *, periodic: bool = True):
        workers = ws.settings.queue.workers if workers is None else workers
        if workers < 1:
            raise BadInput(f"--workers must be 1 or more (got {workers})")
        self.ws = ws
        self.workers = workers
        self.periodic = periodic
        self.runner = JobRunner(ws)
        self.consumer: EmbeddedConsumer | None = None
        self._monitor: threading.Thread | None = None
        self._stop = threading.Event()
        self.recovered: list[str] = []

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> Owner:
        tasks = self.ws.tasks
        tasks.huey.runner = self.runner
        self.ws.runner = self.runner
        if self.periodic and self.ws.settings.backup.enabled:
            from novelcraft.jobs.tasks import register_backup

            register_backup(tasks.huey, self.ws.settings.backup, self.scheduled_backup)
        self.recovered = self.recover()
        control.publish_status(self, force=True)
        self.consumer = EmbeddedConsumer(tasks.huey, self.workers, periodic=self.periodic)
        self.consumer.start_embedded()
        self._monitor = threading.Thread(target=self._watch, name="owner-monitor", daemon=True)
        self._monitor.start()
        return self

    def stop(self, timeout: float | None = 30) -> None:
        """Running jobs stop at their next step and go back to the queue for the next owner."""
        self.runner.stopping.set()
        if self.consumer is not None:
            self.consumer.shutdown(timeout)
        self._stop.set()
        if self._monitor is not None:
            self._monitor.join(timeout=5)
        control.publish_status(self, stopped=True, force=True)
        self.ws.tasks.huey.runner = None
        self.ws.runner = None

    def __enter__(self) -> Owner:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- recovery -----------------------------------------------------------------------

    def recover(self, stale_seconds: float = 0) -> list[str]:
        """Re-queue what a dead owner left behind; enqueue queued jobs that have no task.

        At start `stale_seconds` is 0: holding the owner lock proves the previous owner is gone,
        so every heartbeat it left is stale."""
        requeued = self._requeue_orphans(stale_seconds)
        self._ensure_tasks()
        return requeued

    def _requeue_orphans(self, stale_seconds: float) -> list[str]:
        store = self.ws.store
        requeued = []
        for job in job_rows.orphans(store, stale_seconds):
            if job.id in self.runner.running_ids():
                continue
            if job.cancel_requested:
                job_rows.finish(store, job.id, "canceled", step="취소됨")
                continue
            job_rows.requeue(store, job.id, "재시작 대기")
            if job.parent_id is None:
                job_rows.log(store, job.id, "warning", "이전 실행이 중단됨: 체크포인트부터 재개")
                requeued.append(job.id)
        return requeued

    def _ensure_tasks(self) -> None:
        tasks = self.ws.tasks
        huey = tasks.huey
        queued = {t.args[0] for t in huey.pending() if t.name == "run_job" and t.args}
        queued |= {t.args[0] for t in huey.scheduled() if t.name == "run_job" and t.args}
        for job in job_rows.list_jobs(
            self.ws.store, statuses=("queued",), limit=None, newest_first=False
        ):
            if job.id not in queued:
                tasks.run_job(job.id)

    # --- monitor ------------------------------------------------------------------------

    def _watch(self) -> None:
        settings = self.ws.settings.queue
        beat_every = min(5.0, settings.heartbeat_stale_seconds / 4)
        last_beat = 0.0
        while not self._stop.wait(MONITOR_INTERVAL):
            try:
                now = time.monotonic()
                if now - last_beat >= beat_every:
                    last_beat = now
                    job_rows.touch(self.ws.store, self.runner.running_ids())
                    # A job whose worker thread died (huey restarts the thread, not the job).
                    for job_id in self._requeue_orphans(settings.heartbeat_stale_seconds):
                        self.ws.tasks.run_job(job_id)
                control.serve_requests(self)
                control.publish_status(self)
            except Exception:  # the monitor must outlive any one bad tick
                log.exception("owner monitor error")

    def scheduled_backup(self) -> None:
        from novelcraft.backup import prune_backups

        path = self.ws.backup()
        prune_backups(self.ws.paths.backups, self.ws.settings.backup.keep)
        log.info("weekly backup written to %s", path)

    # --- waiting ------------------------------------------------------------------------

    def wait(
        self,
        job_id: str,
        on_update: Callable[[JobInfo], None] | None = None,
        poll: float = 0.5,
    ) -> JobInfo:
        """Block until the job is finished, reporting its state every `poll` seconds."""
        while True:
            job = job_rows.get(self.ws.store, job_id)
            if on_update is not None:
                on_update(job)
            if job.finished:
                return job
            time.sleep(poll)
