"""The batch progress bar: episode k/N, step, elapsed, ETA (issue: the CLI waits on a job).

On a terminal the bar redraws in place; otherwise (a log file, CI) a line is printed whenever
the step changes, so the record stays readable.
"""

from __future__ import annotations

import sys
import time

import click

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

    def line(self, progress: float, step: str, status: str) -> str:
        elapsed = time.monotonic() - self.started
        filled = round(WIDTH * progress)
        done = min(int(progress * self.episodes + 1e-9), self.episodes)
        current = min(done + 1, self.episodes) if progress < 1 else self.episodes
        eta = "?" if progress <= 0 else _clock(elapsed / progress * (1 - progress))
        wait = " (백엔드 대기)" if status == "waiting" else ""
        return (
            f"[{'#' * filled}{'.' * (WIDTH - filled)}] {current}/{self.episodes}화 · "
            f"{step}{wait} · 경과 {_clock(elapsed)} · 남은 시간 {eta}"
        )

    def update(self, progress: float, step: str, status: str) -> None:
        text = self.line(progress, step, status)
        if self.tty:
            click.echo("\r\x1b[2K" + text, file=self.stream, nl=False)
        elif step != self._last:
            click.echo(text, file=self.stream)
        self._last = step

    def message(self, text: str) -> None:
        """A log line printed above the bar."""
        if self.tty:
            click.echo("\r\x1b[2K", file=self.stream, nl=False)
        click.echo(text, file=self.stream)

    def close(self) -> None:
        if self.tty:
            click.echo("", file=self.stream)
