"""A job's progress as the author sees it (seed 003 §7-3): the stage chain
대기 → 1패스 → 검증 → 2패스 → 사건 → 요약 → 완료, a bar and the seconds elapsed."""

from __future__ import annotations

from datetime import UTC, datetime

import panel as pn
import param

from novelcraft.labels import status_label

STAGES = ("대기", "1패스", "검증", "2패스", "사건", "요약", "완료")
# A job's step key (novelcraft.labels) -> the stage of the chain it belongs to.
_STEP_STAGES = {
    "outline": 1, "draft": 1, "guard": 2, "edit": 3, "events": 4, "summary": 5,
    "episode_done": 5, "completed": 6,
}  # fmt: skip


def job_stage(job, last_log: str = "") -> int:
    """Index into STAGES for a job (`last_log` is unused: the step key says it all)."""
    if job is None or job.status == "queued":
        return 0
    if job.status == "completed":
        return len(STAGES) - 1
    return _STEP_STAGES.get(job.step, 1)


def elapsed_seconds(job, now: datetime | None = None) -> int:
    if job is None:
        return 0
    start = job.started_at or job.created_at
    if start is None:
        return 0
    end = job.completed_at if job.finished and job.completed_at else (now or datetime.now(UTC))
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    if end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    return max(0, int((end - start).total_seconds()))


def progress_text(job, last_log: str = "") -> str:
    if job is None:
        return ""
    stage = job_stage(job, last_log)
    chain = " → ".join(
        f"**[{name}]**" if i == stage else (f"~~{name}~~" if i < stage else name)
        for i, name in enumerate(STAGES)
    )
    status = status_label(job.status)
    seconds = elapsed_seconds(job)
    verb = "총" if job.finished else ""
    line = f"{status}: {job.step_label or STAGES[stage]} ({verb} {seconds}초 경과)".replace(
        "( ", "("
    )
    if job.status == "failed" and job.error:
        line += f" — {job.error}"
    return f"{chain}\n\n{line}"


class JobProgress(pn.viewable.Viewer):
    """Shows one job; the owning screen sets `job` (a JobInfo) and `last_log` when it polls."""

    job = param.Parameter(default=None)
    last_log = param.String(default="")

    @property
    def percent(self) -> int:
        if self.job is None:
            return 0
        return 100 if self.job.status == "completed" else round(self.job.progress * 100)

    def __panel__(self):
        def bar(job, _log):
            return pn.indicators.Progress(
                value=self.percent,
                max=100,
                visible=job is not None,
                bar_color="success" if job is not None and job.status == "completed" else "primary",
                sizing_mode="stretch_width",
                height=18,
            )

        text = pn.bind(progress_text, self.param.job, self.param.last_log)
        return pn.Column(
            pn.bind(bar, self.param.job, self.param.last_log),
            pn.pane.Markdown(text, css_classes=["nc-progress"]),
            sizing_mode="stretch_width",
        )
