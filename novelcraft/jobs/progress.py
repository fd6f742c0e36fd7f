"""Step progress of running jobs, written to the store at most every `INTERVAL` seconds per episode.

Every pipeline step reports where its episode is (an UPDATE of the job rows and a commit, ~3 ms
of the owner's CPU). With the offline writer an episode's six steps take a quarter of a second,
so most of those writes were never seen: the screens poll every two seconds. A report that
comes less than `INTERVAL` after the job's last write waits instead, the newest replacing an
older one, and this module's thread writes it when the interval is up. So a step that then
waits minutes for a model is on the screens within `INTERVAL`, and a fast episode costs one
write instead of six.

`discard` drops what is still waiting for a job: the runner calls it when an episode ends,
before the episode's final status is written, so no late progress can overwrite it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("novelcraft.jobs")

INTERVAL = 0.25


class ProgressWriter:
    """Rate-limited progress writes: `report(key, *args)` calls `write(*args)` now or later."""

    def __init__(
        self,
        write: Callable[..., None],
        *,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._write = write
        self.interval = interval
        self._clock = clock
        # Writes happen under this lock (in the reporting thread or in ours): once `discard`
        # returns, nothing of that key can be written any more.
        self._cond = threading.Condition()
        self._last: dict[str, float] = {}
        self._waiting: dict[str, tuple[float, tuple[Any, ...]]] = {}
        self._thread: threading.Thread | None = None
        self._closed = False
        self.written = 0  # for tests and benchmarks

    def report(self, key: str, *args: Any) -> None:
        with self._cond:
            if self._closed:
                return
            now = self._clock()
            last = self._last.get(key)
            if key not in self._waiting and (last is None or now - last >= self.interval):
                self._do_write(key, args, now)
                return
            due = (last if last is not None else now) + self.interval
            self._waiting[key] = (due, args)
            self._ensure_thread()
            self._cond.notify()

    def discard(self, key: str) -> None:
        """Forget the key: what waits for it is dropped, its next report is written at once."""
        with self._cond:
            self._waiting.pop(key, None)
            self._last.pop(key, None)

    def close(self) -> None:
        """Stop the thread; what still waits is dropped (its jobs have ended or stopped)."""
        with self._cond:
            self._closed = True
            self._waiting.clear()
            self._cond.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=5)

    def _do_write(self, key: str, args: tuple[Any, ...], now: float) -> None:
        self._last[key] = now
        self._write(*args)
        self.written += 1

    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="job-progress", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        with self._cond:
            while not self._closed:
                if not self._waiting:
                    self._cond.wait()
                    continue
                key, (due, args) = min(self._waiting.items(), key=lambda item: item[1][0])
                now = self._clock()
                if due > now:
                    self._cond.wait(due - now)
                    continue
                del self._waiting[key]
                try:
                    self._do_write(key, args, now)
                except Exception:  # progress is only shown; the job's own writes go on
                    log.exception("progress write failed")
