"""Errors that reach the user as one line and an exit code (DESIGN §11).

Exit 2 is bad input or usage (the user can fix it), exit 1 is an operation that failed.
Everything the CLI shows the user is one of these; anything else is a bug and is reported
as one line too, never as a traceback.
"""

from __future__ import annotations


class NovelcraftError(Exception):
    """Base class: `str(err)` is the one line shown to the user."""

    exit_code = 1


class BadInput(NovelcraftError):
    """The user gave something we cannot use: a file, a field, a number, a name."""

    exit_code = 2


class NotFound(BadInput):
    """An unknown project slug, episode number, job id or file."""


class WorkspaceBusy(BadInput):
    """Another process owns the workspace store (DESIGN §2)."""


class RevisionConflict(NovelcraftError):
    """An episode save lost an optimistic-locking race with another writer."""


class OperationFailed(NovelcraftError):
    """Something we tried could not be done (a backend failed, a disk was full)."""
