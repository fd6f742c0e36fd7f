"""Thin huey task wrappers (DESIGN §1): each hands a job id to the owner's `JobRunner`.

Tasks are registered per queue instance because the queue file belongs to one workspace. A
process that only enqueues (no runner attached) registers them too, so it can serialize calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from huey import SqliteHuey, crontab


@dataclass(frozen=True)
class Tasks:
    huey: SqliteHuey
    run_job: Any


def register(huey: SqliteHuey) -> Tasks:
    @huey.task(name="run_job")
    def run_job(job_id: str) -> None:
        runner = getattr(huey, "runner", None)
        if runner is not None:
            runner.run(job_id)

    return Tasks(huey=huey, run_job=run_job)


def register_backup(huey: SqliteHuey, settings, make_backup) -> Any:
    """The weekly backup as a huey periodic task (DESIGN §8), on the settings' schedule.
    Registered once per queue; a later owner of the same queue reuses it."""
    existing = getattr(huey, "weekly_backup", None)
    if existing is not None:
        huey.make_backup = make_backup
        return existing
    huey.make_backup = make_backup
    schedule = crontab(
        minute=str(settings.minute), hour=str(settings.hour), day_of_week=str(settings.day_of_week)
    )

    @huey.periodic_task(schedule, name="weekly_backup")
    def weekly_backup() -> None:
        huey.make_backup()

    huey.weekly_backup = weekly_backup
    return weekly_backup
