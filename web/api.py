"""The JSON twin of every page: same parameters, same data, ``{"ok": true, ...}``."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from web import data, docfind, marks
from web.pages import _check_notice_id, _check_problem_id
from web.params import ID_RE, PROBLEM_ID_RE, SearchParams, id_list

bp = Blueprint("api", __name__, url_prefix="/api")


def _ok(payload: dict):
    return jsonify({"ok": True, **payload})


@bp.get("/")
def home():
    return _ok(data.home())


@bp.get("/search")
def search():
    p = SearchParams.from_args(request.args)
    return _ok(data.search(p))


@bp.get("/problems/<problem_id>")
def problem(problem_id: str):
    _check_problem_id(problem_id)
    with_ids = id_list(request.args, "with", PROBLEM_ID_RE, current_app.config["MAX_COMPARE"])
    q = marks.checked_query(request.args.get("q"))
    show_all = request.args.get("all", "") not in ("", "0")
    return _ok(docfind.problem_page(problem_id, with_ids, q, show_all))


@bp.get("/notices/<notice_id>")
def notice(notice_id: str):
    _check_notice_id(notice_id)
    q = marks.checked_query(request.args.get("q"))
    return _ok(docfind.notice_page(notice_id, q))


@bp.get("/compare")
def compare():
    ids = id_list(request.args, "notices", ID_RE, current_app.config["MAX_COMPARE"])
    return _ok(data.compare(ids))


@bp.get("/stats")
def stats():
    return _ok(data.stats())
