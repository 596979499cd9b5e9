"""The audit log for admins: a page of the latest entries and the whole log as CSV."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from archive import audit
from web.auth import require
from web.csvexport import csv_response

bp = Blueprint("audit", __name__)
PAGE_ROWS = 500
CSV_HEADER = ["序号", "时间（UTC）", "用户", "操作", "通报编号", "详情"]


def _details(entry: audit.Entry) -> str:
    return "；".join(f"{k}：{v}" for k, v in entry.details.items())


@bp.get("/admin/audit")
@require("admin")
def page():
    rows = audit.entries(current_app.config["DATA_DIR"], limit=PAGE_ROWS)
    return render_template("audit.html", rows=rows, details=_details, limit=PAGE_ROWS)


@bp.get("/admin/audit.csv")
@require("admin")
def download():
    rows = audit.entries(current_app.config["DATA_DIR"])
    table = ([e.id, e.at, e.user, e.label, e.notice_id or "", _details(e)] for e in rows)
    return csv_response(CSV_HEADER, table, "操作日志.csv", "audit.csv")


@bp.get("/api/admin/audit")
@require("admin")
def api():
    rows = audit.entries(current_app.config["DATA_DIR"], limit=PAGE_ROWS)
    return jsonify(
        {
            "ok": True,
            "entries": [
                {
                    "id": e.id,
                    "at": e.at,
                    "user": e.user,
                    "action": e.action,
                    "notice_id": e.notice_id,
                    "details": e.details,
                }
                for e in rows
            ],
        }
    )
