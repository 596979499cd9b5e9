"""Exceptions raised by the indexer, all under one base class."""

from __future__ import annotations


class IndexerError(Exception):
    """Base class of every error the indexer raises on purpose."""


class IndexMissing(IndexerError):
    """No usable index on disk; the message says how to build one."""


class IndexDamaged(IndexerError):
    """Index files are unreadable; the message gives the command that rebuilds them."""


class IndexBusy(IndexerError):
    """Another process held the index writer lock longer than the timeout."""


class QueryTooCostly(IndexerError):
    """A query would cost more than its budget (postings touched or time).

    ``status`` is the HTTP status the web layer answers with: 400 when the query itself is
    too costly (the user can simplify it), 503 when the server is busy with costly work.
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status
