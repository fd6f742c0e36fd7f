"""Thin huey task wrappers (DESIGN §1): each hands a job id to the owner's `JobRunner`.

Tasks are registered per queue instance because the queue file belongs to one workspace. The
owner registers them with its runner; an instance that only enqueues registers them without
one (huey needs the task to serialize a call), and its deliveries go to the owner's consumer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from huey import SqliteHuey, crontab


@dataclass(frozen=True)
class Tasks:
    huey: SqliteHuey
    run_job: Any


def register(huey: SqliteHuey, runner=None) -> Tasks:
    @huey.task(name="run_job")
    def run_job(job_id: str) -> None:
        if runner is not None:
            runner.run(job_id)

    return Tasks(huey=huey, run_job=run_job)


def register_backup(huey: SqliteHuey, settings, make_backup) -> Any:
    """The weekly backup as a huey periodic task (DESIGN §8), on the settings' schedule.
    Registered on the owner's own queue instance, so each owner binds its own backup."""
    schedule = crontab(
        minute=str(settings.minute), hour=str(settings.hour), day_of_week=str(settings.day_of_week)
    )

    @huey.periodic_task(schedule, name="weekly_backup")
    def weekly_backup() -> None:
        make_backup()

    return weekly_backup
