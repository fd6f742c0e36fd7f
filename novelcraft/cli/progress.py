"""The batch progress bar: episode k/N, step, elapsed, ETA (the CLI waits on a job).

On a terminal it is a rich live bar that redraws in place, with log lines printed above it;
otherwise (a log file, CI, a test) a plain line is printed whenever the step changes, so the
record stays readable and greppable.
"""

from __future__ import annotations

import sys
import time

import click
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from novelcraft.cli.output import console

WIDTH = 24


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else f"{seconds}s"


class ProgressBar:
    def __init__(self, episodes: int, stream=None):
        self.episodes = max(episodes, 1)
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._last = ""
        self._live: Progress | None = None
        self._task = None
        if self.tty:
            self._live = Progress(
                BarColumn(bar_width=WIDTH),
                TextColumn("{task.fields[episode]}/{task.total:.0f}화"),
                TaskProgressColumn(),
                TextColumn("{task.description}"),
                TextColumn("경과"),
                TimeElapsedColumn(),
                TextColumn("남은 시간 {task.fields[eta]}"),
                console=console(self.stream),
                transient=False,
            )
            self._task = self._live.add_task("", total=self.episodes, episode=1, eta="?")
            self._live.start()

    def _current(self, progress: float) -> int:
        done = min(int(progress * self.episodes + 1e-9), self.episodes)
        return min(done + 1, self.episodes) if progress < 1 else self.episodes

    def _eta(self, progress: float) -> str:
        elapsed = time.monotonic() - self.started
        return "?" if progress <= 0 else _clock(elapsed / progress * (1 - progress))

    def line(self, progress: float, step: str, status: str) -> str:
        """The plain-text form of the bar, as printed off a terminal."""
        elapsed = time.monotonic() - self.started
        filled = round(WIDTH * progress)
        wait = " (백엔드 대기)" if status == "waiting" else ""
        return (
            f"[{'#' * filled}{'.' * (WIDTH - filled)}] {self._current(progress)}/{self.episodes}화"
            f" · {step}{wait} · 경과 {_clock(elapsed)} · 남은 시간 {self._eta(progress)}"
        )

    def update(self, progress: float, step: str, status: str) -> None:
        if self._live is not None:
            wait = " (백엔드 대기)" if status == "waiting" else ""
            self._live.update(
                self._task,
                completed=progress * self.episodes,
                description=f"{step}{wait}",
                episode=self._current(progress),
                eta=self._eta(progress),
            )
        elif step != self._last:
            click.echo(self.line(progress, step, status), file=self.stream)
        self._last = step

    def message(self, text: str) -> None:
        """A log line printed above the bar."""
        if self._live is not None:
            self._live.console.print(text, markup=False, highlight=False)
        else:
            click.echo(text, file=self.stream)

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
