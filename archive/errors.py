"""Exceptions raised by the archive, all under one base class.

Callers (the CLI, the indexer, the web app) catch ``ArchiveError`` and show
its message; a traceback is never the user's error message.
"""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class of every error the archive raises on purpose."""


class RejectedFile(ArchiveError):
    """A file that is not (or cannot be read as) a rectification notice.

    ``reason`` is a one-line, human-readable explanation in Chinese, shown to
    users as is; nothing of the file is stored.
    """

    def __init__(self, reason: str, *, source: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.source = source

    def __str__(self) -> str:
        return self.reason


class ArchiveBusy(ArchiveError):
    """Another process holds the archive's write lock for too long."""


class NotFound(ArchiveError):
    """An id that names no notice or problem in the archive."""
