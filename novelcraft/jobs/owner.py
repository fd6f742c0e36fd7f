"""The owner's job machinery: embedded huey consumer, recovery, heartbeat (DESIGN §2, §8).

`with Owner(ws, workers=N):` runs jobs for the duration of the block. On start it recovers:
jobs a dead owner left running go back to the queue (huey had deleted their tasks when they
started), and every queued job without a task in the queue file gets one. While it runs, a
monitor thread beats the heartbeat of running jobs, re-queues a job whose worker died and
passes cancel requests (written to the job row by any thread) on to the runner.

Other processes reach the owner through its HTTP API (DESIGN §2): unless the caller hosts the
API itself (`serve` mounts it on Panel's server), the owner serves it on a loopback port and
writes `server.json` for as long as it runs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from novelcraft.errors import BadInput
from novelcraft.jobs.queue import EmbeddedConsumer, open_queue
from novelcraft.jobs.runner import JobRunner
from novelcraft.jobs.tasks import register
from novelcraft.metrics.measure_pool import MeasurePool, shared_pool
from novelcraft.models import JobInfo
from novelcraft.store import jobs as job_rows

log = logging.getLogger("novelcraft.owner")

MONITOR_INTERVAL = 0.25


class Owner:
    def __init__(
        self,
        ws,
        workers: int | None = None,
        *,
        periodic: bool = True,
        serve_api: bool = True,
        measure_pool: MeasurePool | None = None,
    ):
        workers = ws.settings.queue.workers if workers is None else workers
        if workers < 1:
            raise BadInput(f"--workers는 1 이상이어야 합니다 (입력값 {workers})")
        self.ws = ws
        self.workers = workers
        self.periodic = periodic
        self.serve_api = serve_api
        # Measurements run in a helper process, shared by the process's owners (measure_pool).
        self.measure_pool = measure_pool or shared_pool()
        self.runner = JobRunner(ws, measurer=self.measure_pool.measure)
        # The consumer's own queue instance, its tasks bound to this runner; the Workspace's
        # instance (ws.tasks) only enqueues. Both read the same queue file.
        self.tasks = register(open_queue(ws.paths.queue), runner=self.runner)
        self.api = None
        self.consumer: EmbeddedConsumer | None = None
        self._monitor: threading.Thread | None = None
        self._stop = threading.Event()
        self.recovered: list[str] = []

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> Owner:
        huey = self.tasks.huey
        if self.periodic and self.ws.settings.backup.enabled:
            from novelcraft.jobs.tasks import register_backup

            register_backup(huey, self.ws.settings.backup, self.scheduled_backup)
        self.recovered = self.recover()
        self.consumer = EmbeddedConsumer(huey, self.workers, periodic=self.periodic)
        self.consumer.start_embedded()
        self._monitor = threading.Thread(target=self._watch, name="owner-monitor", daemon=True)
        self._monitor.start()
        if self.serve_api:
            from novelcraft.api.server import LoopbackApi

            try:
                self.api = LoopbackApi(self.ws).start()
            except BaseException:
                self.stop()
                raise
        return self

    def stop(self, timeout: float | None = 30) -> None:
        """Running jobs stop at their next step and go back to the queue for the next owner."""
        if self.api is not None:
            self.api.stop()
            self.api = None
        self.runner.stopping.set()
        if self.consumer is not None:
            self.consumer.shutdown(timeout)
        self.runner.close()
        self._stop.set()
        if self._monitor is not None:
            self._monitor.join(timeout=5)
        self.tasks.huey.storage.close()

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
                job_rows.finish(store, job.id, "canceled", step="canceled")
                continue
            job_rows.requeue(store, job.id, "requeued")
            if job.parent_id is None:
                job_rows.log(store, job.id, "warning", "이전 실행이 중단됨: 체크포인트부터 재개")
                requeued.append(job.id)
        return requeued

    def _ensure_tasks(self) -> None:
        tasks = self.tasks
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
                        self.tasks.run_job(job_id)
                self._pass_on_cancels()
            except Exception:  # the monitor must outlive any one bad tick
                log.exception("owner monitor error")

    def _pass_on_cancels(self) -> None:
        """A cancel is a flag on the job row (set by the API, the CLI or a screen); the
        runner learns of it here and stops the job at its next step."""
        for job_id in job_rows.cancels_requested(self.ws.store, self.runner.running_ids()):
            self.runner.cancel(job_id)

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
