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
