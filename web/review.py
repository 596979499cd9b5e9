"""Review before publishing (``python -m web --review``): an editor's upload is parsed into a
draft, kept in the accounts database and never in the archive, so readers and the index
never see it. Editors and admins list the drafts, read one beside its original text with the
parser's warnings, then publish it (it is archived, logged as uploaded by its uploader and
published by the reviewer) or discard it. Admins' own uploads are published directly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, url_for

from archive import audit
from archive.errors import ArchiveError
from archive.loaders import Loaded
from archive.model import Notice
from web import jobs
from web.auth import accounts, current_user, require
from web.errors import Denied

bp = Blueprint("review", __name__)


@dataclass
class Draft:
    job_id: str
    n: int
    name: str
    uploader: str
    created_at: str
    organisation: str | None
    problems: int | None
    loaded: dict[str, Any]
    notice: Notice

    @property
    def key(self) -> str:
        return f"{self.job_id}-{self.n}"


def enabled() -> bool:
    return bool(current_app.config.get("REVIEW"))


def _drafts(job_id: str | None = None, n: int | None = None) -> list[Draft]:
    sql = (
        "SELECT f.job_id, f.n, f.name, j.user, j.created_at, f.organisation, f.problems,"
        " f.draft_json FROM job_files f JOIN jobs j ON j.id = f.job_id"
        " WHERE f.status = 'draft'"
    )
    args: list[Any] = []
    if job_id is not None:
        sql += " AND f.job_id = ? AND f.n = ?"
        args += [job_id, n]
    rows = accounts().db.execute(sql + " ORDER BY j.created_at, f.job_id, f.n", args).fetchall()
    out = []
    for r in rows:
        draft = json.loads(r[7])
        out.append(Draft(*r[:7], loaded=draft["loaded"], notice=Notice.from_dict(draft["notice"])))
    return out


def _one(key: str) -> Draft:
    job_id, _, n = key.rpartition("-")
    if not job_id.isalnum() or not n.isdigit():
        abort(404)
    found = _drafts(job_id, int(n))
    if not found:
        abort(404)
    return found[0]


def _claim(draft: Draft, to: str) -> None:
    """Move a draft out of review, once: a second reviewer at the same moment gets 409."""
    with accounts().transaction() as conn:
        cursor = conn.execute(
            "UPDATE job_files SET status = ? WHERE job_id = ? AND n = ? AND status = 'draft'",
            (to, draft.job_id, draft.n),
        )
    if cursor.rowcount != 1:
        abort(409)


def _finish(draft: Draft, result: dict[str, Any]) -> None:
    with accounts().transaction() as conn:
        conn.execute(
            "UPDATE job_files SET status = ?, notice_id = ?, raw = NULL, draft_json = NULL"
            " WHERE job_id = ? AND n = ?",
            (result["status"], result.get("notice_id"), draft.job_id, draft.n),
        )


def publish(draft: Draft) -> dict[str, Any]:
    """Archive the draft as reviewed (the parse the reviewer saw), logged twice: its upload
    by the uploader and its publication by the reviewer."""
    _claim(draft, "publishing")
    row = (
        accounts()
        .db.execute("SELECT raw FROM job_files WHERE job_id = ? AND n = ?", (draft.job_id, draft.n))
        .fetchone()
    )
    loaded = Loaded(raw=bytes(row[0]), **draft.loaded)
    data = current_app.config["DATA_DIR"]
    try:
        result = jobs.archive_parsed(data, draft.uploader, loaded, draft.notice)
    except ArchiveError:
        with accounts().transaction() as conn:  # back to review: nothing was stored
            conn.execute(
                "UPDATE job_files SET status = 'draft' WHERE job_id = ? AND n = ?",
                (draft.job_id, draft.n),
            )
        raise
    if result["status"] == "added":
        audit.record(
            data, current_user().name, "publish", result["notice_id"], {"上传者": draft.uploader}
        )
    _finish(draft, result)
    return result


def _allowed() -> None:
    if not enabled():
        abort(404)


@bp.get("/drafts")
@require("editor")
def drafts():
    _allowed()
    return render_template("drafts.html", drafts=_drafts())


@bp.get("/drafts/<key>")
@require("editor")
def draft(key: str):
    _allowed()
    d = _one(key)
    lines = d.loaded["text"].splitlines()
    return render_template("draft.html", d=d, lines=lines)


def _act(key: str, action: str) -> dict[str, Any]:
    _allowed()
    d = _one(key)
    if action == "publish":
        result = publish(d)
        url = url_for("pages.notice", notice_id=result["notice_id"])
        return {
            "key": key,
            "status": result["status"],
            "notice_id": result["notice_id"],
            "url": url,
        }
    user = current_user()
    if d.uploader != user.name and not user.at_least("admin"):  # type: ignore[union-attr]
        raise Denied("编辑只能放弃自己上传的草稿")
    _claim(d, "discarded")
    _finish(d, {"status": "discarded"})
    return {"key": key, "status": "discarded", "notice_id": None, "url": None}


@bp.post("/drafts/<key>/<any(publish, discard):action>")
@require("editor")
def act(key: str, action: str):
    done = _act(key, action)
    return render_template("draft_done.html", done=done, action=action)


@bp.get("/api/drafts")
@require("editor")
def api_drafts():
    _allowed()
    return jsonify(
        {
            "ok": True,
            "drafts": [
                {
                    "key": d.key,
                    "name": d.name,
                    "uploader": d.uploader,
                    "created_at": d.created_at,
                    "organisation": d.organisation,
                    "problems": d.problems,
                    "warnings": d.notice.warnings,
                    "url": url_for("review.draft", key=d.key),
                }
                for d in _drafts()
            ],
        }
    )


@bp.post("/api/drafts/<key>/<any(publish, discard):action>")
@require("editor")
def api_act(key: str, action: str):
    return jsonify({"ok": True, "action": action, **_act(key, action)})
