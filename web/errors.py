"""Errors: Chinese HTML pages, and one JSON shape for the API: {"ok": false, "error", "status"}."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from archive.errors import ArchiveBusy, NotFound
from indexer.errors import IndexBusy, IndexDamaged, IndexerError, IndexMissing, QueryTooCostly

log = logging.getLogger(__name__)

MESSAGES = {
    400: "请求参数有误",
    404: "没有找到这个页面",
    405: "不支持这种请求方式",
    500: "服务器内部错误",
    503: "档案库正忙，请稍后再试",
}


class BadParameter(HTTPException):
    """A request parameter out of range or malformed (400) with a Chinese explanation."""

    code = 400

    def __init__(self, message: str) -> None:
        super().__init__(description=message)


class Missing(HTTPException):
    code = 404

    def __init__(self, message: str) -> None:
        super().__init__(description=message)


def _respond(status: int, message: str):
    if request.path.startswith("/api/"):
        resp = jsonify({"ok": False, "error": message, "status": status})
        resp.status_code = status
        return resp
    return render_template("error.html", status=status, message=message), status


def _http(exc: HTTPException):
    status = exc.code or 500
    message = MESSAGES.get(status, exc.name)
    if isinstance(exc, BadParameter | Missing) and exc.description:
        message = exc.description
    return _respond(status, message)


def _not_found(exc: NotFound):
    return _respond(404, str(exc))


def _busy(exc: Exception):
    return _respond(503, MESSAGES[503])


def _missing_archive(exc: IndexMissing | IndexDamaged):
    """No archive yet, or damaged index files: the message names the command to run."""
    return _respond(503, str(exc))


def _too_costly(exc: QueryTooCostly):
    """A query over the indexer's cost budget: its own status (400, or 503 when it ran
    out of time) and message."""
    return _respond(exc.status, str(exc))


def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return _http(exc)
    log.exception("unexpected error", exc_info=exc)
    return _respond(500, MESSAGES[500])


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(ArchiveBusy, _busy)
    app.register_error_handler(IndexBusy, _busy)
    app.register_error_handler(IndexMissing, _missing_archive)
    app.register_error_handler(IndexDamaged, _missing_archive)
    app.register_error_handler(QueryTooCostly, _too_costly)
    app.register_error_handler(IndexerError, _unexpected)
    app.register_error_handler(InternalServerError, _unexpected)
    app.register_error_handler(Exception, _unexpected)
