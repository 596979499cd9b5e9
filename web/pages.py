"""HTML pages. Each has a JSON twin in ``api`` built from the same ``data`` functions."""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template, request

from archive.errors import NotFound
from web import charts, data, docfind, exports, figures, marks, similar_text
from web.csvexport import csv_response
from web.errors import Missing
from web.params import ID_RE, MAX_Q, PROBLEM_ID_RE, SearchParams, id_list
from web.resources import get_archive
from web.xlsxexport import xlsx_response

bp = Blueprint("pages", __name__)
bp.add_app_template_filter(marks.marked, "marked")
bp.add_app_template_filter(marks.excerpt_marked, "excerpt_marked")

FORMAT_TYPES = {
    "txt": "text/plain",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _check_notice_id(notice_id: str) -> None:
    if not ID_RE.fullmatch(notice_id):
        raise Missing(f"没有编号为 {notice_id[:40]} 的通报")


def _check_problem_id(problem_id: str) -> None:
    if not PROBLEM_ID_RE.fullmatch(problem_id):
        raise Missing(f"没有编号为 {problem_id[:40]} 的问题")


@bp.get("/")
def home():
    return render_template("home.html", d=data.home())


@bp.get("/search")
def search():
    q = request.args.get("q", "")
    if len(q) > MAX_Q:  # a pasted finding: offer the similar-to-text search
        return similar_text.offer_for_long_query(q, MAX_Q)
    p = SearchParams.from_args(request.args)
    return render_template("search.html", d=data.search(p), p=p)


def _download(table: exports.Table, what: str, subject: str, ext: str) -> Response:
    name, fallback = exports.filenames(what, subject, ext)
    if ext == "xlsx":
        return xlsx_response(table, name, fallback)
    return csv_response(table.header, table.rows, name, fallback)


@bp.get("/search.<any(csv, xlsx):ext>")
def search_download(ext: str):
    p = SearchParams.from_args(request.args)
    table = exports.search_table(p, request.host_url.rstrip("/"))
    return _download(table, "巡察整改问题", exports.describe(p), ext)


@bp.get("/problems/<problem_id>")
def problem(problem_id: str):
    _check_problem_id(problem_id)
    with_ids = id_list(request.args, "with", PROBLEM_ID_RE, current_app.config["MAX_COMPARE"])
    q = marks.checked_query(request.args.get("q"))
    show_all = request.args.get("all", "") not in ("", "0")
    d = docfind.problem_page(problem_id, with_ids, q, show_all)
    return render_template("problem.html", d=d)


@bp.get("/problems/<problem_id>/compare.<any(csv, xlsx):ext>")
def problem_download(problem_id: str, ext: str):
    _check_problem_id(problem_id)
    with_ids = id_list(request.args, "with", PROBLEM_ID_RE, current_app.config["MAX_COMPARE"])
    main = data.problem_doc(problem_id)
    others = []
    for pid in with_ids:
        if pid != problem_id:
            try:
                others.append(data.problem_doc(pid))
            except Missing:
                continue  # the page reports unknown ids; the download leaves them out
    table = exports.with_table([main, *others], request.host_url.rstrip("/"))
    return _download(table, "并排对照", main["title"], ext)


@bp.get("/notices/<notice_id>")
def notice(notice_id: str):
    _check_notice_id(notice_id)
    q = marks.checked_query(request.args.get("q"))
    return render_template("notice.html", d=docfind.notice_page(notice_id, q))


@bp.get("/notices/<notice_id>/source")
def source(notice_id: str):
    _check_notice_id(notice_id)
    try:
        name, fmt, raw = get_archive().source(notice_id)
    except NotFound as exc:
        raise Missing(str(exc)) from exc
    mime = FORMAT_TYPES.get(fmt) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if fmt in ("txt", "html"):
        encoding = get_archive().notice(notice_id).encoding
        mime = f"{mime}; charset={encoding}" if encoding else mime
    resp = Response(raw, mimetype=mime)
    resp.headers["Content-Type"] = mime
    # A stored file name may hold anything; only printable characters reach the header.
    name = "".join(c for c in name if c.isprintable()) or f"{notice_id}.{fmt}"
    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "") or f"{notice_id}.{fmt}"
    resp.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    return resp


@bp.get("/compare")
def compare():
    ids = id_list(request.args, "notices", ID_RE, current_app.config["MAX_COMPARE"])
    return render_template("compare.html", d=data.compare(ids))


@bp.get("/compare.<any(csv, xlsx):ext>")
def compare_download(ext: str):
    ids = id_list(request.args, "notices", ID_RE, current_app.config["MAX_COMPARE"])
    d = data.compare(ids)
    table = exports.compare_table(d, request.host_url.rstrip("/"))
    subject = " ".join(dict.fromkeys(c["organisation"] for c in d["notices"]))
    return _download(table, "通报对照", subject, ext)


@bp.get("/stats")
def stats():
    d = data.stats()
    return render_template("stats.html", d=d, charts=_charts(d))


def _charts(d: dict) -> dict[str, str]:
    out = {}
    for t in d["tables"]:
        items = [(r["label"], r["count"]) for r in t["rows"]]
        keys = {r["label"]: r["key"] for r in t["rows"]}
        flt = t["filter"]

        kind = "notice" if t["name"] == "inspector_level" else "problem"

        def href(label: str, flt: str = flt, keys: dict = keys, kind: str = kind) -> str:
            return SearchParams(kind=kind).url(**{flt: keys.get(label, label)})

        if t["name"] == "year":
            out[t["name"]] = charts.column_chart(
                items, title=t["label"], testid=f"chart-{t['name']}", href=href, width=charts.NARROW
            )
        else:
            out[t["name"]] = charts.bar_list(
                items, title=t["label"], testid=f"chart-{t['name']}", href=href, max_items=40
            )
    tiles = [
        (
            t["name"],
            t["col"],
            t["row"],
            t["count"],
            # A square may hold more than one stored spelling; the first is the filter.
            SearchParams().url(region=t["provinces"][0]) if t["provinces"] else None,
        )
        for t in d["map"]["tiles"]
    ]
    out["map"] = charts.tile_map(tiles, title="各省问题数", testid="map-provinces")
    return out


@bp.get("/stats.csv")
def stats_csv():
    d = data.stats()
    rows = [[t["label"], r["key"], r["label"], r["count"]] for t in d["tables"] for r in t["rows"]]
    rows += figures.csv_rows(d["figures"])  # 问责与追缴 sums, one row per number
    return csv_response(["维度", "值", "名称", "数量"], rows, "巡察整改统计.csv")


@bp.get("/favicon.ico")
def favicon():
    return current_app.send_static_file("favicon.svg")
