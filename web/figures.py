"""问责与追缴: the figures behind every number of the stats section, one click away.

``/figures?kind=…&<filter>=…`` lists the spans a sum adds up (text with the number marked,
unit, link to the problem or notice); ``/api/figures`` and ``/figures.csv`` are its twins.
Without ``kind`` the page gives the totals per kind of the search. The stats page's section
and the stats JSON/CSV use ``stats_section``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, jsonify, render_template, request
from werkzeug.datastructures import MultiDict

from archive.figures import Figure, kind_labels, load_kinds, summable, totals
from indexer import figuresums, taxonomy
from web.csvexport import csv_response
from web.errors import BadParameter
from web.params import SearchParams
from web.resources import get_index

bp = Blueprint("figures", __name__)

UNITS = {"people": "人", "money": "元", "count": "个/项", "percent": "%"}
TOP_ROWS = 15  # rows of a dimension shown before "其余"


def _measure(kind: str) -> str:
    return next((k.measure for k in load_kinds() if k.kind == kind), "count")


def show(kind: str, value: float | int) -> str:
    """A sum as people read it: money in 万元 from ten thousand yuan up."""
    if _measure(kind) == "money":
        if abs(value) >= 10_000:
            return f"{value / 10_000:,.4f}".rstrip("0").rstrip(".") + "万元"
        return f"{value:,.2f}".rstrip("0").rstrip(".") + "元"
    unit = "%" if _measure(kind) == "percent" else ""
    return f"{value:g}{unit}"


def _args() -> tuple[str | None, SearchParams]:
    """The figure kind (optional) and the search it applies to (q and the filters)."""
    kind = request.args.get("kind", "").strip()
    if len(kind) > 40:
        raise BadParameter("参数 kind 过长")
    if kind and kind not in kind_labels():
        raise BadParameter(f"参数 kind 只能是 {' / '.join(kind_labels())}")
    rest = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k != "kind"])
    return kind or None, SearchParams.from_args(rest)


def figures_url(kind: str | None, filters: dict[str, str], q: str = "", ext: str = "") -> str:
    args = {"kind": kind} if kind else {}
    if q:
        args["q"] = q
    args.update(filters)
    path = "/api/figures" if ext == "json" else "/figures.csv" if ext == "csv" else "/figures"
    return path + ("?" + urlencode(args) if args else "")


def _cached(key: tuple[Any, ...], compute: Any) -> Any:
    index = get_index()
    return index.cached(("figures", *key), lambda: compute(index.generation()))


def _item(fields: dict[str, Any], f: Figure) -> dict[str, Any]:
    problem = fields.get("kind") == "problem"
    a = max(0, min(f.context_start, len(f.context)))
    before, rest = f.context[:a], f.context[a:]
    i = rest.find(f.number) if rest.startswith(f.text) else -1
    return {
        "kind": f.kind,
        "kind_label": kind_labels().get(f.kind, f.kind),
        "value": f.value,
        "shown": show(f.kind, f.value),
        "unit": f.unit,
        "number": f.number,
        "text": f.text,
        "context": f.context,
        # The context in three parts, the number in the middle (marked on the page).
        "parts": [before + rest[:i], f.number, rest[i + len(f.number) :]]
        if i >= 0
        else [f.context, "", ""],
        "source": f.source,
        "counted": f.counted,
        "doc_id": fields.get("id", ""),
        "doc_kind": fields.get("kind", ""),
        "url": f"/problems/{fields.get('id', '')}"
        if problem
        else f"/notices/{fields.get('id', '')}",
        "notice_id": fields.get("notice_id", ""),
        "notice_title": fields.get("notice_title", ""),
        "problem_title": fields.get("title", "") if problem else "",
        "organisation": fields.get("organisation", ""),
        "province": fields.get("province", ""),
        "city": fields.get("city", ""),
        "year": fields.get("year", ""),
        "inspector_level": fields.get("inspector_level", ""),
    }


def listing(kind: str, p: SearchParams) -> dict[str, Any]:
    """The spans behind the sum of ``kind`` over the search ``p``."""
    key = ("spans", kind, p.q, tuple(sorted(p.filters.items())))
    r = _cached(key, lambda gen: figuresums.spans(gen, kind, p.q, p.filters))
    return {
        "kind": kind,
        "kind_label": kind_labels()[kind],
        "query": p.q,
        "filters": p.filters,
        "basis": r["basis"],
        "total": r["total"],
        "total_shown": show(kind, r["total"]),
        "summable": summable(kind),
        "documents": r["documents"],
        "listed_documents": r["listed_documents"],
        "items": [_item(fields, f) for fields, f in r["items"]],
        "links": {
            "json": figures_url(kind, p.filters, p.q, "json"),
            "csv": figures_url(kind, p.filters, p.q, "csv"),
        },
    }


def overview(p: SearchParams) -> dict[str, Any]:
    """Totals per kind of the search ``p``, each linking to its spans."""
    key = ("sums", p.q, tuple(sorted(p.filters.items())))
    s = _cached(key, lambda gen: figuresums.sums(gen, p.q, p.filters))
    return {
        "kind": None,
        "query": p.q,
        "filters": p.filters,
        "basis": s["basis"],
        "totals": [
            {
                "kind": k,
                "label": kind_labels()[k],
                "value": v,
                "shown": show(k, v),
                "url": figures_url(k, p.filters, p.q),
            }
            for k, v in s["totals"].items()
        ],
        "links": {"json": figures_url(None, p.filters, p.q, "json")},
    }


def _row_label(name: str, value: str) -> str:
    return taxonomy.label(value) if name == "types" and value != "未注明" else value


def stats_section() -> dict[str, Any]:
    """The whole archive's sums by region, year, problem type and inspection level, every
    number with the link to its spans (the stats page, its JSON and CSV)."""
    s = _cached(("sums", "", ()), lambda gen: figuresums.sums(gen, "", {}))
    # Money first: on a phone the widest table scrolls, and the amounts are read most.
    kinds = sorted((k for k, v in s["totals"].items() if v), key=lambda k: _measure(k) != "money")
    labels = kind_labels()
    tables = []
    for name, flt, label in figuresums.DIMENSIONS:
        rows = []
        for value, sums in s["by"][name].items():
            cells = []
            for k in kinds:
                v = sums.get(k, 0)
                url = figures_url(k, {flt: value}) if v and value != "未注明" else None
                cells.append({"kind": k, "value": v, "shown": show(k, v) if v else "", "url": url})
            rows.append({"key": value, "label": _row_label(name, value), "cells": cells})
        # The largest first: money, then the other kinds in their order.
        rows.sort(key=lambda r: tuple(-c["value"] for c in r["cells"]))
        tables.append({"name": name, "filter": flt, "label": label, "rows": rows})
    return {
        "kinds": [{"kind": k, "label": labels[k]} for k in kinds],
        "totals": [
            {
                "kind": k,
                "label": labels[k],
                "value": s["totals"][k],
                "shown": show(k, s["totals"][k]),
            }
            | {"url": figures_url(k, {})}
            for k in kinds
        ],
        "tables": tables,
        "top_rows": TOP_ROWS,
    }


def csv_rows(section: dict[str, Any]) -> list[list[Any]]:
    """The stats section as rows of the stats CSV (维度, 值, 名称, 数量)."""
    labels = {k["kind"]: k["label"] for k in section["kinds"]}
    rows: list[list[Any]] = [
        [f"问责与追缴·{t['label']}·合计", t["kind"], t["label"], t["value"]]
        for t in section["totals"]
    ]
    for table in section["tables"]:
        for r in table["rows"]:
            for c in r["cells"]:
                if c["value"]:
                    dim = f"问责与追缴·{labels[c['kind']]}·{table['label']}"
                    rows.append([dim, r["key"], r["label"], c["value"]])
    return rows


@bp.app_template_global("doc_figures")
def doc_figures(doc_id: str) -> dict[str, Any]:
    """The figures of one problem, or of one notice with its problems (the partial template
    ``_figures_doc.html`` on the problem and notice pages)."""
    index = get_index()
    doc = index.document(doc_id)
    if doc is None:
        return {"items": [], "totals": []}
    docs = [doc]
    if doc.get("kind") == "notice":
        docs += index.problems_of(doc_id)
    items = [_item(d, f) for d in docs for f in figuresums.stored_figures(d)]
    figs = [f for d in docs for f in figuresums.stored_figures(d)]
    if doc.get("kind") == "problem":  # a problem's own figures, whatever its notice sums
        figs = [replace(f, counted=True) for f in figs]
    labels = kind_labels()
    sums = [
        {"kind": k, "label": labels.get(k, k), "value": v, "shown": show(k, v)}
        for k, v in totals(figs).items()
    ]
    return {"kind": doc.get("kind"), "items": items, "totals": sums}


@bp.get("/figures")
def page():
    kind, p = _args()
    d = listing(kind, p) if kind else overview(p)
    return render_template("figures.html", d=d, labels=kind_labels())


@bp.get("/api/figures")
def api():
    kind, p = _args()
    return jsonify({"ok": True, **(listing(kind, p) if kind else overview(p))})


@bp.get("/figures.csv")
def csv():
    kind, p = _args()
    if not kind:
        d = overview(p)
        rows = [[t["kind"], t["label"], t["value"]] for t in d["totals"]]
        return csv_response(["种类", "名称", "合计"], rows, "问责与追缴.csv", "figures.csv")
    d = listing(kind, p)
    header = [
        "种类",
        "数值",
        "单位",
        "原文数字",
        "原文",
        "上下文",
        "来源",
        "通报",
        "问题",
        "单位名称",
    ]
    header += ["省份", "城市", "年份", "巡察层级", "链接"]
    rows = [
        [i["kind"], i["value"], i["unit"], i["number"], i["text"], i["context"], i["source"]]
        + [i["notice_title"], i["problem_title"], i["organisation"], i["province"], i["city"]]
        + [i["year"], i["inspector_level"], request.host_url.rstrip("/") + i["url"]]
        for i in d["items"]
    ]
    return csv_response(header, rows, f"问责与追缴-{kind}.csv", "figures.csv")
