"""Remove and reparse a notice from its page (editors and admins), each after a
confirmation page; the JSON twins take a session (with its CSRF token) or an API token.

An editor may remove only notices they uploaded; an admin may remove any. Both may reparse.
Every change is written to the audit log (``archive.audit``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, url_for

from archive import audit
from archive.errors import NotFound
from archive.reparse import reparse_one
from archive.store import Archive
from web.auth import current_user, require
from web.errors import Denied, Missing
from web.pages import _check_notice_id

bp = Blueprint("manage", __name__)

ACTIONS = {"remove": "删除", "reparse": "重新解析"}


def _stored(notice_id: str):
    _check_notice_id(notice_id)
    with Archive(current_app.config["DATA_DIR"], readonly=True) as archive:
        try:
            return archive.notice(notice_id)
        except NotFound as exc:
            raise Missing(str(exc)) from exc


def may_remove(notice_id: str) -> bool:
    """Admins remove anything; editors only what they uploaded themselves."""
    user = current_user()
    if user is None or not user.at_least("editor"):
        return False
    if user.at_least("admin"):
        return True
    return audit.uploader(current_app.config["DATA_DIR"], notice_id) == user.name


def _remove(notice_id: str) -> dict[str, Any]:
    stored = _stored(notice_id)
    if not may_remove(notice_id):
        raise Denied("编辑只能删除自己上传的通报")
    title = stored.notice.title or stored.source
    with Archive(current_app.config["DATA_DIR"]) as archive:
        try:
            audit.remove_notice(archive, notice_id, current_user().name, {"标题": title})
        except NotFound as exc:
            raise Missing(str(exc)) from exc
    return {"notice_id": notice_id, "title": title}


def _reparse(notice_id: str) -> dict[str, Any]:
    _stored(notice_id)
    data = current_app.config["DATA_DIR"]
    with Archive(data) as archive:
        outcome = reparse_one(archive, notice_id)
    if outcome.status == "missing":
        raise Missing(outcome.reason)
    details = {
        "结果": {"changed": "已更新", "unchanged": "未变", "kept": "保留原记录"}[outcome.status],
        "问题数": f"{outcome.problems_before} → {outcome.problems_after}",
    }
    if outcome.fields:
        details["要素变化"] = "、".join(outcome.fields)
    if outcome.reason:
        details["原因"] = outcome.reason
    audit.record(data, current_user().name, "reparse", notice_id, details)
    return {"notice_id": notice_id, "status": outcome.status, "details": details}


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"may_remove": may_remove}


@bp.get("/notices/<notice_id>/<any(remove, reparse):action>")
@require("editor")
def confirm(notice_id: str, action: str):
    stored = _stored(notice_id)
    if action == "remove" and not may_remove(notice_id):
        raise Denied("编辑只能删除自己上传的通报")
    return render_template(
        "confirm.html", stored=stored, action=action, label=ACTIONS[action], done=None
    )


@bp.post("/notices/<notice_id>/<any(remove, reparse):action>")
@require("editor")
def perform(notice_id: str, action: str):
    done = _remove(notice_id) if action == "remove" else _reparse(notice_id)
    link = url_for("pages.notice", notice_id=notice_id) if action == "reparse" else None
    return render_template(
        "confirm.html", stored=None, action=action, label=ACTIONS[action], done=done, link=link
    )


@bp.post("/api/notices/<notice_id>/<any(remove, reparse):action>")
@require("editor")
def api_perform(notice_id: str, action: str):
    done = _remove(notice_id) if action == "remove" else _reparse(notice_id)
    return jsonify({"ok": True, "action": action, **done})
