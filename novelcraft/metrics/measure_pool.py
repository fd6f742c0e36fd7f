"""Measurement in a helper process, so that the owner's job threads do not queue behind it.

Measuring an episode is ~0.1 s of Kiwi analysis plus the metrics in Python, and all of it runs
under the interpreter lock: four projects generating at once wait for each other's
measurements even while their model calls are in flight. The owner hands `measure` to one
child process instead; its threads wait on a pipe, which frees the lock.

The child is started on first use (`spawn`: the owner has DuckDB and huey threads, which a
`fork` would copy in an unknown state) and ignores Ctrl-C (the owner decides when to stop). It
holds its own Kiwi and paragraph cache, so the owner need not load either. One child serves
every owner of the process (`shared_pool`): starting it and loading Kiwi costs ~3 s of CPU,
which an owner started per command or per test should not pay again. It stops when the process
exits (concurrent.futures' own exit hook, then ours), or with the process if that is killed: it
reads its work from a pipe and exits when the pipe closes. Whenever the child cannot start or
dies, measuring goes on in-process: the result is the same, only slower.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from novelcraft.metrics.measure import measure
from novelcraft.metrics.results import Measurement
from novelcraft.models import Character
from novelcraft.settings import Settings

log = logging.getLogger("novelcraft.metrics")

# Seconds to wait for the child's first answer (Python start, imports, Kiwi's ~2-3 s load) and
# for any later one; past it the measurement is done in-process.
START_TIMEOUT = 120.0
MEASURE_TIMEOUT = 120.0


# How often the child checks that the process that started it is still alive.
PARENT_CHECK_SECONDS = 1.0


def _exit_with_parent(parent: int) -> None:
    # The child holds both ends of its work pipe, so a killed parent (kill -9, OOM) never
    # closes it: without this watch the child would wait for work forever.
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(0)


def _child_init(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(
        target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True
    ).start()
    from novelcraft.metrics.sentences import get_kiwi

    get_kiwi()


def _child_measure(text: str, characters: list[dict], settings: str, banned: list[str]) -> dict:
    return measure(
        text,
        [Character.model_validate(c) for c in characters],
        Settings.model_validate_json(settings),
        banned_elements=banned,
    ).model_dump()


def _child_cpu() -> float:
    return time.process_time()


def _child_counts() -> tuple[int, int]:
    from novelcraft.metrics.sentences import analysis_counts

    return analysis_counts()


def _child_clear() -> None:
    from novelcraft.metrics.sentences import clear_analysis_cache

    clear_analysis_cache()


class MeasurePool:
    """`measure` in one child process, with in-process measurement as the fallback."""

    def __init__(self, *, start_method: str = "spawn"):
        self.start_method = start_method
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._failed = False
        # Measurements done in the child and in-process (after a failure), for tests and benchmarks.
        self.in_child = 0
        self.in_process = 0

    @property
    def failed(self) -> bool:
        """True once the child could not start or died: measuring is in-process from then on."""
        return self._failed

    def _get(self) -> ProcessPoolExecutor | None:
        with self._lock:
            if self._closed or self._failed:
                return None
            if self._executor is None:
                try:
                    context = multiprocessing.get_context(self.start_method)
                    self._executor = ProcessPoolExecutor(
                        max_workers=1,
                        mp_context=context,
                        initializer=_child_init,
                        initargs=(os.getpid(),),
                    )
                except (OSError, ValueError) as exc:
                    self._give_up(exc)
                    return None
            return self._executor

    def _give_up(self, exc: BaseException) -> None:
        """Measure in-process from now on (caller holds the lock or is the only user)."""
        if not self._failed:
            log.warning("measuring in-process: the measurement process failed (%s)", exc)
        self._failed = True
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def start(self, timeout: float = START_TIMEOUT) -> bool:
        """Start the child and wait until it has loaded Kiwi; False if it could not."""
        return self._call(_child_counts, timeout=timeout) is not None

    def _call(self, fn, *args, timeout: float):
        executor = self._get()
        if executor is None:
            return None
        try:
            return executor.submit(fn, *args).result(timeout=timeout)
        except (BrokenProcessPool, CancelledError, OSError, RuntimeError, TimeoutError) as exc:
            # RuntimeError: submitted after shutdown; CancelledError: queued when another
            # thread gave the child up.
            with self._lock:
                if not self._closed:
                    self._give_up(exc)
            return None

    def measure(
        self,
        text: str,
        characters: Sequence[Character] = (),
        settings: Settings | None = None,
        *,
        banned_elements: Sequence[str] = (),
    ) -> Measurement:
        settings = settings or Settings()
        found = self._call(
            _child_measure,
            text,
            [c.model_dump() for c in characters],
            settings.model_dump_json(),
            list(banned_elements),
            timeout=MEASURE_TIMEOUT,
        )
        if found is not None:
            self.in_child += 1
            return Measurement.model_validate(found)
        self.in_process += 1
        return measure(text, characters, settings, banned_elements=banned_elements)

    def analysis_counts(self) -> tuple[int, int] | None:
        """The child's `analysis_counts()`, or None when there is no child."""
        return self._call(_child_counts, timeout=MEASURE_TIMEOUT)

    def child_cpu_seconds(self) -> float | None:
        """CPU seconds the child has used so far, or None when there is no child."""
        return self._call(_child_cpu, timeout=MEASURE_TIMEOUT)

    def clear_analysis_cache(self) -> None:
        self._call(_child_clear, timeout=MEASURE_TIMEOUT)

    def child_pids(self) -> list[int]:
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return list(processes)

    def close(self) -> None:
        """Stop the child (waiting for a measurement in progress); later calls measure
        in-process."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


_shared: MeasurePool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> MeasurePool:
    """The process's measurement pool (its child starts on the first measurement)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = MeasurePool()
            atexit.register(_shared.close)
        return _shared
