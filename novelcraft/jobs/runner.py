"""Runs one job inside the owner process: the body of huey's `run_job` task.

Delivery may repeat (recovery after a crash, a reschedule racing a restart), so every job is
claimed atomically (queued → running) and a delivery that finds it taken or finished is
dropped. Episodes resume at their first unfinished checkpoint, so a re-run never duplicates.

Project jobs are serialized: only the oldest active job of a project may run; a later one is
put back on huey's schedule and tries again a moment later without holding a worker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from novelcraft.backends.base import BackendError
from novelcraft.errors import NovelcraftError
from novelcraft.jobs.progress import ProgressWriter
from novelcraft.jobs.submit import PROJECT_JOBS
from novelcraft.models import JobInfo
from novelcraft.pipeline import Canceled
from novelcraft.store import generation as gen
from novelcraft.store import jobs as job_rows

if TYPE_CHECKING:
    from novelcraft.workspace import Workspace

log = logging.getLogger("novelcraft.jobs")

RESCHEDULE_DELAY = 1.0


class OutageTooLong(Exception):
    pass


class JobRunner:
    def __init__(
        self,
        ws: Workspace,
        *,
        sleep: Callable[[float], None] | None = None,
        measurer: Callable[..., Any] | None = None,
    ):
        self.ws = ws
        # Computes measurements for the pipeline runs (the owner's helper process), or None
        # to measure in the job's own thread.
        self.measurer = measurer
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._busy_projects: set[int] = set()
        self._running: set[str] = set()
        self._cancels: set[str] = set()
        self._sleep = sleep or self.stopping.wait
        # Pipeline steps' progress, at most a few writes a second per episode (jobs.progress).
        self.progress = ProgressWriter(job_rows.report_progress)

    def close(self) -> None:
        """After the last job has stopped: end the progress writer's thread."""
        self.progress.close()

    # --- bookkeeping seen by the owner's monitor ----------------------------------------

    def running_ids(self) -> list[str]:
        with self._lock:
            return list(self._running)

    def cancel(self, job_id: str) -> None:
        with self._lock:
            self._cancels.add(job_id)

    def _stop_check(self, *job_ids: str) -> Callable[[], bool]:
        def should_stop() -> bool:
            if self.stopping.is_set():
                return True
            return any(j in self._cancels for j in job_ids)

        return should_stop

    # --- entry point --------------------------------------------------------------------

    def run(self, job_id: str) -> None:
        store = self.ws.store
        job = job_rows.get(store, job_id)
        if job is None or job.status != "queued" or self.stopping.is_set():
            return  # unknown, taken, finished, or shutting down: recovery re-delivers later
        pid = job.project_id if job.job_type in PROJECT_JOBS else None
        if pid is not None and not self._enter_project(job, pid):
            self.ws.tasks.run_job.schedule(args=(job_id,), delay=RESCHEDULE_DELAY)
            return
        try:
            if not job_rows.claim(store, job_id):
                return
            with self._lock:
                self._running.add(job_id)
            self._execute(job_rows.get(store, job_id))
        finally:
            store.flush()  # the job's last deferred log lines, before the worker idles
            with self._lock:
                self._running.discard(job_id)
                self._cancels.discard(job_id)
                if pid is not None:
                    self._busy_projects.discard(pid)

    def _enter_project(self, job: JobInfo, pid: int) -> bool:
        """Take the project's writer slot if this job is the project's oldest active one."""
        with self._lock:
            if pid in self._busy_projects:
                return False
            oldest = job_rows.list_jobs(
                self.ws.store, project_id=pid, statuses=("queued", "running", "waiting"),
                limit=1, newest_first=False,
            )  # fmt: skip
            if oldest and oldest[0].id != job.id:
                return False
            self._busy_projects.add(pid)
            return True

    def _execute(self, job: JobInfo) -> None:
        store = self.ws.store
        self._log(job.id, "info", f"시작 (시도 {job.attempt})")
        try:
            output = getattr(self, f"_run_{job.job_type}")(job)
        except Canceled:
            if job_rows.cancel_requested(store, job.id):
                job_rows.finish(store, job.id, "canceled", step="canceled")
                self._log(job.id, "warning", "취소됨: 저장된 내용은 그대로 둡니다")
            else:
                self._back_to_queue(job.id)
        except OutageTooLong as exc:
            self._fail(job, str(exc))
        except (NovelcraftError, BackendError) as exc:
            self._fail(job, str(exc))
        except Exception as exc:  # a bug: the job fails, the worker lives on
            log.exception("job %s crashed", job.id)
            self._fail(job, f"내부 오류(버그): {type(exc).__name__}: {exc}")
        else:
            # Logged first: the deferred line commits with the job's final state.
            self._log(job.id, "info", "완료")
            job_rows.finish(store, job.id, "completed", output=output, step="completed")

    def _fail(self, job: JobInfo, reason: str) -> None:
        self._log(job.id, "error", f"실패: {reason}")
        job_rows.finish(self.ws.store, job.id, "failed", error=reason, step="failed")
        for child in job_rows.children(self.ws.store, job.id):
            if not child.finished:
                job_rows.finish(self.ws.store, child.id, "canceled", step="batch_stopped")

    def _back_to_queue(self, job_id: str) -> None:
        job_rows.requeue(self.ws.store, job_id, "requeued")
        for child in job_rows.children(self.ws.store, job_id):
            job_rows.requeue(self.ws.store, child.id, "requeued")
        self._log(job_id, "warning", "서버 종료: 다음 시작 때 이어서 진행합니다")

    def _log(self, job_id: str, level: str, message: str) -> None:
        # Deferred, loose (`Store.defer`): it lands with the episode's last checkpoint, the
        # job's final state, or the flush before any wait, whichever comes first.
        job_rows.log(self.ws.store, job_id, level, message, defer=True)

    # --- outages ------------------------------------------------------------------------

    def with_outage_wait(self, job_id: str, action: Callable[[], Any], *stop_ids: str) -> Any:
        """Run `action`; while the backend is unreachable, wait with capped exponential backoff
        and try again, up to the configured patience (DESIGN §8)."""
        settings = self.ws.settings.queue
        should_stop = self._stop_check(job_id, *stop_ids)
        outage_started: float | None = None
        delay = settings.backoff_initial_seconds
        while True:
            try:
                result = action()
            except BackendError as exc:
                if not exc.retryable:
                    raise
                now = time.monotonic()
                outage_started = outage_started or now
                waited = now - outage_started
                if waited + delay > settings.outage_patience_seconds:
                    raise OutageTooLong(
                        f"백엔드가 {waited:.0f}초 동안 응답하지 않았습니다 "
                        f"(기다리는 한도 {settings.outage_patience_seconds}초): {exc}"
                    ) from None
                job_rows.update(self.ws.store, job_id, status="waiting")
                self._log(
                    job_id,
                    "warning",
                    f"백엔드 응답 없음 ({exc}); {delay:.0f}초 뒤 다시 시도 "
                    f"(대기 {waited:.0f}초 / 한도 {settings.outage_patience_seconds}초)",
                )
                self._wait(delay, should_stop)
                delay = min(delay * 2, settings.backoff_max_seconds)
                continue
            if outage_started is not None:
                job_rows.update(self.ws.store, job_id, status="running")
                self._log(job_id, "info", "백엔드 복구: 이어서 진행합니다")
            return result

    def _wait(self, seconds: float, should_stop: Callable[[], bool]) -> None:
        self.ws.store.flush()  # the outage's log line is seen while the job waits
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if should_stop():
                break
            self._sleep(min(left, 0.25))
        if should_stop():
            raise Canceled("백엔드를 기다리는 동안 취소되었습니다")

    # --- job types ----------------------------------------------------------------------

    def _pipeline_run(self, job: JobInfo, **options):
        """A pipeline run for `job` that stops when the job is canceled or the owner stops."""
        backend = self.ws.backend(job.input.get("backend"), job.input.get("model"))
        run = self.ws.run(
            job.project_slug, backend, job_id=job.id, measurer=self.measurer, **options
        )
        run.should_stop = self._stop_check(job.id)
        return run

    def _run_batch(self, job: JobInfo) -> dict:
        from novelcraft.pipeline import generate_episode

        store = self.ws.store
        run = self._pipeline_run(
            job, with_editor=job.input.get("with_editor", True),
            use_retry=job.input.get("use_retry", True),
        )  # fmt: skip
        run.log = lambda level, message: self._log(job.id, level, message)
        children = job_rows.children(store, job.id)
        total = len(children)
        done = sum(1 for c in children if c.status == "completed")
        passed = 0
        # The episode claimed with the previous one's finish (one commit for both).
        claimed: str | None = None
        for index, child in enumerate(children):
            if child.status == "completed":
                passed += bool((child.output or {}).get("passed"))
                continue
            if claimed != child.id and not job_rows.claim(store, child.id):
                raise Canceled("취소되었습니다")  # only a cancel takes a child out of the queue
            number = child.episode_number
            run.job_id = child.id
            run.should_stop = self._stop_check(job.id, child.id)
            run.on_step = self._progress_reporter(job.id, child.id, number, index, total)
            with self._lock:
                self._running.add(child.id)
            try:
                if child.input.get("regenerate"):
                    self._reset_for_regeneration(run, number, child.id)
                episode = self.with_outage_wait(
                    job.id, lambda n=number: generate_episode(run, n), child.id
                )
            except Canceled:
                if job_rows.cancel_requested(store, job.id):
                    job_rows.finish(store, child.id, "canceled", step="canceled")
                raise
            finally:
                # Before the episode's final status: no waiting progress may overwrite it.
                self.progress.discard(child.id)
                with self._lock:
                    self._running.discard(child.id)
            done += 1
            passed += bool(episode.passed)
            result = {"length": episode.length, "passed": episode.passed}
            following = children[index + 1].id if index + 1 < total else None
            claimed = following if job_rows.finish_episode(
                store, child.id, result, job.id, done / total, number, claim_next=following
            ) else None  # fmt: skip
        return {"episodes": total, "passed": passed}

    def _reset_for_regeneration(self, run, number: int, child_id: str) -> None:
        """Re-draft an episode once per job: the marker makes a resumed job keep its progress."""
        from novelcraft.errors import NotFound

        try:
            episode = self.ws.get_episode(run.slug, number)
        except NotFound:
            return
        state = gen.pipeline_state(self.ws.store, episode.id)
        if state.get("job") != child_id:
            gen.save_state(self.ws.store, episode.id, {"job": child_id})

    def _progress_reporter(self, job_id: str, child_id: str, number: int, index: int, total: int):
        def report(step: str, fraction: float) -> None:
            self.progress.report(
                child_id,
                self.ws.store,
                step,
                number,
                {child_id: fraction, job_id: (index + fraction) / total},
            )

        return report

    def _run_outline(self, job: JobInfo) -> dict:
        from novelcraft.pipeline import plan_outline

        run = self._pipeline_run(job)
        number = job.input["episode"]
        outline = self.with_outage_wait(
            job.id, lambda: plan_outline(run, number, force=job.input.get("force", False))
        )
        return {"episode": number, "scenes": len(outline.scenes)}

    def _run_revise(self, job: JobInfo) -> dict:
        from novelcraft.pipeline import revise_episode

        run = self._pipeline_run(job)
        number = job.input["episode"]
        episode = self.with_outage_wait(
            job.id, lambda: revise_episode(run, number, job.input["instruction"])
        )
        return {"episode": number, "length": episode.length, "revision": episode.revision}

    def _run_rederive(self, job: JobInfo) -> dict:
        from novelcraft.pipeline import rederive

        run = self._pipeline_run(job)
        number = job.input["episode"]
        stale = self.with_outage_wait(job.id, lambda: rederive(run, number))
        return {"episode": number, "marked_stale": stale}

    def _run_bootstrap(self, job: JobInfo) -> dict:
        from novelcraft.pipeline import bootstrap_bible

        backend = self.ws.backend(job.input.get("backend"), job.input.get("model"))
        concept = job.input["concept"]
        job_rows.update(self.ws.store, job.id, step="bootstrap", progress=0.1)
        self._log(job.id, "info", f"바이블 생성: {concept['name']}")
        bible = self.with_outage_wait(job.id, lambda: bootstrap_bible(backend, concept))
        slug = self.ws.create_project(bible)
        job_rows.update(self.ws.store, job.id, project_id=self.ws.project_id(slug))
        return {"slug": slug, "characters": len(bible.characters)}
