"""Keeping API keys out of operator logs too (DESIGN §5: never log API keys).

Stored and shown error text goes through `redact` where it is written; a log record can carry
the same text (a backend error, a traceback of a failed task that echoes a request), so every
handler of the process formats through `RedactingFormatter`, which redacts the whole formatted
record, traceback included. Records propagate to the root logger's handlers, so wrapping those
(and Python's last-resort handler, used when none is configured) covers every logger: ours,
huey's, tornado's.
"""

from __future__ import annotations

import logging

from novelcraft.redact import redact


class RedactingFormatter(logging.Formatter):
    """Formats with `inner` (or the default format), then masks every secret in the result."""

    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record))


def _wrap(handler: logging.Handler) -> None:
    if not isinstance(handler.formatter, RedactingFormatter):
        handler.setFormatter(RedactingFormatter(handler.formatter))


def redact_logging(*names: str) -> None:
    """Wrap the formatter of every handler of the root logger, of the loggers `names` (those
    that do not propagate, such as Bokeh's) and of the last-resort handler. Idempotent; call
    again after a library adds handlers of its own."""
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in names)]
    for logger in loggers:
        for handler in logger.handlers:
            _wrap(handler)
    if logging.lastResort is not None:
        _wrap(logging.lastResort)
