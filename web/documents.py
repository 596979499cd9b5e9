"""Cited documents across the archive: ``/documents`` (page), ``/api/documents`` (JSON) and
``/documents.csv``. Which rules did units issue when they rectified 公务接待 problems? The
list names each normalised rule title with its problem and notice counts, the units citing
it, the verbs, and a search link (``doc:"title"``) to the problems; rules issued, material
studied and other citations are listed apart (``kind``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, jsonify, render_template, request
from werkzeug.datastructures import MultiDict

from archive.citations import KIND_LABELS, KINDS
from indexer.citing import Listing, list_titles, stored_citations
from web.csvexport import csv_response
from web.errors import BadParameter
from web.params import SearchParams
from web.resources import get_index

bp = Blueprint("documents", __name__)

MAX_TITLE_Q = 100
PER_PAGE = 50
MAX_CSV = 10_000
KIND_CHOICES = ("issued", "studied", "cited", "all")


def _params() -> tuple[SearchParams, str]:
    args = MultiDict(request.args)
    kind = args.pop("kind", "") or "issued"
    if kind not in KIND_CHOICES:
        raise BadParameter(f"参数 kind 只能是 {' / '.join(KIND_CHOICES)}")
    if len(args.get("q", "")) > MAX_TITLE_Q:
        raise BadParameter(f"文件名称过长（{len(args.get('q', ''))} 字），上限 {MAX_TITLE_Q} 字")
    for name in ("sort", "view"):
        args.pop(name, None)
    if "per_page" not in args:
        args["per_page"] = str(PER_PAGE)
    return SearchParams.from_args(args), kind


def _listing(p: SearchParams, kind: str, page: int, per_page: int) -> Listing:
    index = get_index()
    key = ("documents", p.q, kind, tuple(sorted(p.filters.items())), page, per_page)

    def compute() -> Listing:
        with index.reading():
            return list_titles(
                index.generation(), p.q, "" if kind == "all" else kind, p.filters, page, per_page
            )

    return index.cached(key, compute)


def _search_url(p: SearchParams, title: str, org: str | None = None) -> str:
    changes: dict[str, Any] = {"q": f'doc:"{title}"', "page": 1, "per_page": 20}
    if org:
        changes["org"] = org
    return p.url("/search", **changes)


def _url(p: SearchParams, kind: str, **changes: Any) -> str:
    args = p.query_args(**changes)
    if args.get("per_page") == str(PER_PAGE):
        args.pop("per_page")
    args = {"kind": kind, **args} if kind != "issued" else args
    return "/documents" + ("?" + urlencode(args) if args else "")


def documents_data(p: SearchParams, kind: str) -> dict[str, Any]:
    """What the page and its JSON twin show."""
    listing = _listing(p, kind, p.page, p.per_page)
    pages = max(1, -(-listing.total // p.per_page))
    rows = []
    for r in listing.rows:
        row = r.to_dict()
        row["kind_label"] = KIND_LABELS[r.kind]
        row["search_url"] = _search_url(p, r.title)
        row["notices_url"] = p.url(
            "/search", q=f'doc:"{r.title}"', kind="notice", page=1, per_page=20
        )
        row["more_units"] = max(0, r.units - len(r.top_units))
        for u in row["top_units"]:
            u["search_url"] = _search_url(p, r.title, u["name"])
        rows.append(row)
    tabs = [
        {
            "kind": k,
            "label": KIND_LABELS.get(k, "全部"),
            "count": listing.kinds.get(k, sum(listing.kinds.values())),
            "url": _url(p, k, page=1),
            "current": k == kind,
        }
        for k in KIND_CHOICES
    ]
    return {
        "q": p.q,
        "kind": kind,
        "filters": p.filters,
        "total": listing.total,
        "kinds": listing.kinds,
        "page": p.page,
        "pages": pages,
        "per_page": p.per_page,
        "titles": rows,
        "tabs": tabs,
        "messages": listing.messages,
        "prev_url": _url(p, kind, page=p.page - 1) if p.page > 1 else None,
        "next_url": _url(p, kind, page=p.page + 1) if p.page < pages else None,
        "csv_url": _url(p, kind, page=1).replace("/documents", "/documents.csv", 1),
    }


def citations_view(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """A problem's cited documents for its page and JSON, each with its search link."""
    out = []
    for c in stored_citations(doc):
        if not isinstance(c, dict) or c.get("kind") not in KINDS:
            continue
        norm = str(c.get("normalised", ""))
        out.append(
            {
                "title": c.get("title", ""),
                "normalised": norm,
                "verb": c.get("verb", ""),
                "kind": c["kind"],
                "kind_label": KIND_LABELS[c["kind"]],
                "start": c.get("start"),
                "end": c.get("end"),
                # An organising section's citation: the notices citing the same kind of rule.
                "search_url": SearchParams(
                    q=f'doc:"{norm}"', kind="notice" if c.get("where") == "notice" else "problem"
                ).url("/search"),
                "documents_url": _url(SearchParams(q=norm), c["kind"]),
            }
        )
    return out


@bp.get("/documents")
def page():
    p, kind = _params()
    return render_template("documents.html", d=documents_data(p, kind), kinds=KIND_LABELS)


@bp.get("/api/documents")
def api():
    p, kind = _params()
    return jsonify({"ok": True, **documents_data(p, kind)})


@bp.get("/documents.csv")
def csv():
    p, kind = _params()
    listing = _listing(p, kind, 1, MAX_CSV)
    header = [
        "文件名称（归一化）",
        "类别",
        "问题数",
        "通报数",
        "单位数",
        "主要单位",
        "动词",
        "检索链接",
    ]
    rows = [
        [
            r.title,
            KIND_LABELS[r.kind],
            r.problems,
            r.notices,
            r.units,
            "、".join(f"{n}（{c}）" for n, c in r.top_units),
            "、".join(f"{v or '（无）'}（{c}）" for v, c in r.verbs),
            _search_url(p, r.title),
        ]
        for r in listing.rows
    ]
    return csv_response(header, rows, "引用文件.csv", "documents.csv")
