"""Resources a request uses: the archive opened per request on ``g``, the index shared."""

from __future__ import annotations

from flask import Flask, current_app, g

from archive.store import Archive
from indexer.searching import NoticeIndex, open_index


def get_archive() -> Archive:
    """This request's archive connection, closed in teardown."""
    if "archive" not in g:
        g.archive = Archive(current_app.config["DATA_DIR"], readonly=True)
    return g.archive


def get_index() -> NoticeIndex:
    """The process-wide index of the data directory (thread-safe, follows the archive)."""
    return open_index(current_app.config["DATA_DIR"], current_app.config["POLL_INTERVAL"])


def close_archive(exc: BaseException | None = None) -> None:
    archive = g.pop("archive", None)
    if archive is not None:
        archive.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_archive)
