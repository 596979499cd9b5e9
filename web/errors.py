"""Errors: Chinese HTML pages, and one JSON shape for the API: {"ok": false, "error", "status"}.

Every 503 carries ``Retry-After``: the refusal is temporary (busy archive, costly work).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from archive.errors import ArchiveBusy, ArchiveDamaged, NotFound
from indexer.errors import IndexBusy, IndexDamaged, IndexerError, IndexMissing, QueryTooCostly

log = logging.getLogger(__name__)

MESSAGES = {
    400: "请求参数有误",
    401: "请先登录（或提供有效的 API 令牌）",
    403: "没有权限进行这项操作",
    404: "没有找到这个页面",
    405: "不支持这种请求方式",
    409: "这项内容已被他人处理，请刷新页面",
    413: "上传的内容过大",
    500: "服务器内部错误",
    503: "档案库正忙，请稍后再试",
}
RETRY_AFTER = 5  # seconds


class BadParameter(HTTPException):
    """A request parameter out of range or malformed (400) with a Chinese explanation."""

    code = 400

    def __init__(self, message: str) -> None:
        super().__init__(description=message)


class Busy(HTTPException):
    """Refused for now (503): the server is busy with costly work; retry after a while."""

    code = 503

    def __init__(self, message: str, retry_after: int = RETRY_AFTER) -> None:
        super().__init__(description=message)
        self.retry_after = retry_after


class Denied(HTTPException):
    """Refused for this user (403), with a Chinese explanation (role, CSRF, ownership)."""

    code = 403

    def __init__(self, message: str) -> None:
        super().__init__(description=message)


class Missing(HTTPException):
    code = 404

    def __init__(self, message: str) -> None:
        super().__init__(description=message)


def _respond(status: int, message: str, retry_after: int = RETRY_AFTER) -> Response:
    """JSON under /api/, a Chinese page elsewhere (CSV downloads included)."""
    if request.path.startswith("/api/"):
        resp = jsonify({"ok": False, "error": message, "status": status})
        resp.status_code = status
    else:
        resp = make_response(render_template("error.html", status=status, message=message))
        resp.status_code = status
    if status == 503:
        resp.headers["Retry-After"] = str(retry_after)
    return resp


def _http(exc: HTTPException):
    status = exc.code or 500
    message = MESSAGES.get(status, exc.name)
    if isinstance(exc, BadParameter | Missing | Busy | Denied) and exc.description:
        message = exc.description
    if isinstance(exc, Busy):
        return _respond(status, message, exc.retry_after)
    return _respond(status, message)


def _too_costly(exc: QueryTooCostly):
    """The indexer's cost budget: 400 (simplify the query) or 503 (busy, retry later)."""
    status = exc.status if exc.status in (400, 503) else 400
    return _respond(status, str(exc) or MESSAGES[status])


def _not_found(exc: NotFound):
    return _respond(404, str(exc))


def _busy(exc: Exception):
    return _respond(503, MESSAGES[503])


def _missing_archive(exc: IndexMissing | IndexDamaged):
    """No archive yet, or damaged index files: the message names the command to run."""
    return _respond(503, str(exc))


def _damaged_archive(exc: ArchiveDamaged):
    """A damaged SQLite file: say so with the way out (backup or rebuild), never a bare 500."""
    log.error("archive damaged: %s", exc)
    return _respond(503, str(exc))


def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return _http(exc)
    log.exception("unexpected error", exc_info=exc)
    return _respond(500, MESSAGES[500])


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(ArchiveBusy, _busy)
    app.register_error_handler(ArchiveDamaged, _damaged_archive)
    app.register_error_handler(IndexBusy, _busy)
    app.register_error_handler(IndexMissing, _missing_archive)
    app.register_error_handler(IndexDamaged, _missing_archive)
    app.register_error_handler(QueryTooCostly, _too_costly)
    app.register_error_handler(IndexerError, _unexpected)
    app.register_error_handler(InternalServerError, _unexpected)
    app.register_error_handler(Exception, _unexpected)
