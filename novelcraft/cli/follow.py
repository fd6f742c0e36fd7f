"""Running a job and following it to the end, the same way whoever owns the workspace.

A command queues its job through the Workspace interface and follows that job by id. With a
local Workspace nobody else can run it, so this process becomes the owner for the duration
(`ws.serve()`: the job consumer plus the API for other processes); with a remote one the
owner runs it and this process only reads its state and log.
"""

from __future__ import annotations

import time

import click

from novelcraft.errors import OperationFailed
from novelcraft.models import JobInfo

POLL_SECONDS = 0.5


def ensure_runner(ws, workers: int | None = None) -> None:
    if ws.is_local and not ws.serving:
        ws.serve(workers)


def follow(ws, job_id: str, *, episodes: int = 1, workers: int | None = None) -> JobInfo:
    """Block until the job finishes, drawing a progress bar and its warnings on stderr."""
    from novelcraft.cli.progress import ProgressBar

    ensure_runner(ws, workers)
    bar = ProgressBar(episodes)
    seen = 0
    try:
        while True:
            job = ws.get_job(job_id)
            for line in ws.job_logs(job_id, seen):
                seen = line.id
                if line.level != "info":
                    bar.message(f"! {line.message}")
            bar.update(job.progress, job.step_label, job.status)
            if job.finished:
                return job
            time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        bar.close()
        click.echo("\n중단: 저장된 단계까지 보존되며 다음 실행 때 이어서 생성합니다", err=True)
        raise
    finally:
        bar.close()


def require_success(job: JobInfo) -> dict:
    """The job's output, or the one-line failure (exit 1)."""
    if job.status == "completed":
        return job.output or {}
    if job.status == "canceled":
        raise OperationFailed(f"작업 {job.id}이(가) 취소되었습니다")
    raise OperationFailed(f"작업 {job.id} 실패: {job.error}")
