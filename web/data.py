"""What each page shows, as plain data: the HTML page and its JSON twin both use it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import current_app

from archive import followups
from archive.errors import NotFound
from indexer import filters, recurrence, taxonomy
from indexer.results import ProblemDoc
from indexer.similar import confident, similar
from web import figures, links, searchnav, sideview, statsdata
from web.documents import citations_view
from web.errors import Missing
from web.params import FILTERS, SearchParams
from web.resources import get_archive, get_index

# Labels and which search filter a facet value sets, from the one table.
FACET_LABELS = {f.field: f.label for f in filters.FACETS}
FACET_FILTER = {field: f.name for field in FACET_LABELS if (f := filters.by_facet(field))}
FILTER_LABELS = {f.name: f.label for f in filters.FILTERS}
SIDE_COLUMNS = 8
SIDE_PER_COLUMN = 10


def type_label(code: str) -> str:
    return taxonomy.label(code)


def _facet_value_label(name: str, value: Any) -> str:
    return type_label(str(value)) if name == "types" else str(value)


def home() -> dict[str, Any]:
    index = get_index()
    summary = get_archive().summary()
    problems = index.search("", kind="problem", per_page=1)
    recent = index.search("", kind="notice", sort="date", per_page=10)
    types = [
        {"code": code, "label": type_label(code), "count": n}
        for code, n in problems.facets.get("types", [])
    ]
    return {
        "summary": summary,
        "types": types,
        "recent": [_hit_dict(h) for h in recent.hits],
    }


def _hit_dict(hit: Any) -> dict[str, Any]:
    return asdict(hit)  # types are {code, label} records already


def search(p: SearchParams) -> dict[str, Any]:
    index = get_index()
    p, result, notes = searchnav.search_in_range(index, p)
    pages = max(1, -(-result.total // p.per_page))
    facets = []
    for facet in filters.FACETS:
        name, label = facet.field, facet.label
        target = FACET_FILTER.get(name)
        values = []
        for value, count in result.facets.get(name, [])[: facet.shown]:
            active = target is not None and p.filters.get(target) == str(value)
            values.append(
                {
                    "value": value,
                    "label": _facet_value_label(name, value),
                    "count": count,
                    "active": active,
                    "url": p.url(**{target: str(value), "page": 1}) if target else None,
                }
            )
        facets.append({"name": name, "label": label, "options": values})
    chips = [
        {
            "name": k,
            "label": FILTER_LABELS[k],
            "value": type_label(v) if k == "type" else v,
            "remove_url": p.url(**{k: None, "page": 1}),
        }
        for k, v in p.filters.items()
    ]
    helps = searchnav.query_help(index, p, result.total)
    if helps["reading"]:
        notes.append(helps["reading"]["message"])
    data: dict[str, Any] = {
        "params": {
            "q": p.q,
            "kind": p.kind,
            "sort": p.sort,
            "view": p.view,
            "page": p.page,
            "per_page": p.per_page,
            **p.filters,
        },
        "total": result.total,
        "page": p.page,
        "pages": pages,
        "per_page": p.per_page,
        "hits": [_hit_dict(h) for h in result.hits],
        "facets": facets,
        "chips": chips,
        "expansions": result.expansions,
        "relaxed": result.relaxed,
        "literal_total": result.literal_total,
        "similar": [_hit_dict(h) for h in result.similar],
        "messages": [*result.messages, *notes],
        "suggestions": helps["suggestions"],
        "reading": helps["reading"],
        "pager": searchnav.pager(p, p.page, pages),
        "date_note": searchnav.DATE_NOTE,
        "seconds": round(result.seconds, 4),
        "links": {
            "prev": p.url(page=p.page - 1) if p.page > 1 else None,
            "next": p.url(page=p.page + 1) if p.page < pages else None,
            "list": p.url(view="list"),
            "side": p.url(view="side", kind="problem", page=1),
            "relevance": p.url(sort="relevance", page=1),
            "date": p.url(sort="date", page=1),
            "date_asc": p.url(sort="date_asc", page=1),
            "problems": p.url(kind="problem", page=1),
            "notices": p.url(kind="notice", page=1),
            "csv": p.url("/search.csv", page=1),
            "xlsx": p.url("/search.xlsx", page=1),
            "json": p.url("/api/search"),
            "atom": p.url("/search.atom", sort="relevance", view="list", page=1, per_page=20),
        },
    }
    for h in [*data["hits"], *data["similar"]]:
        h["url"] = links.hit_url(h, p.q)
        if h["kind"] == "problem":
            h["notice_url"] = links.hit_notice_url(h, p.q)
        if h.get("similar_to"):
            h["similar_to"]["url"] = links.hit_url(h["similar_to"], p.q)
    if p.view == "side" and p.kind == "problem":
        orgs = result.facets.get("organisation", [])
        data["side"] = side_by_side(p, orgs)
        data["side_hidden"] = max(0, len(orgs) - SIDE_COLUMNS)  # organisations not shown
        data["side_total"] = len(orgs)
        data["side_rest"] = sideview.rest(p, orgs[SIDE_COLUMNS:])
    else:
        data["name_filters"] = links.name_filters(p, result.total)
    return data


def side_by_side(p: SearchParams, orgs: list[tuple[Any, int]]) -> list[dict[str, Any]]:
    """One column per organisation (most hits first) with its matching problems."""
    index = get_index()
    by_org = FACET_FILTER["organisation"]  # the filter an organisation facet value sets
    columns = []
    for org, count in orgs[:SIDE_COLUMNS]:
        chosen = {**p.filters, by_org: str(org)}
        r = index.search(p.q, kind="problem", filters=chosen, sort=p.sort, per_page=SIDE_PER_COLUMN)
        hits = [_hit_dict(h) for h in r.hits]
        columns.append(
            {
                "organisation": org,
                "count": count,
                "url": p.url(**{by_org: str(org), "view": "list", "page": 1}),
                "hits": hits,
                **sideview.column_head(p, hits),
            }
        )
    return columns


def export_rows(p: SearchParams) -> list[dict[str, Any]]:
    return [_hit_dict(h) for h in get_index().export(p.q, p.filters)]


def _problem_view(doc: dict[str, Any]) -> dict[str, Any]:
    """The problem page's record: the common problem fields (``ProblemDoc``) and what only
    the page shows (text, headings, sub-problems, dates)."""
    p = ProblemDoc.from_stored(doc)
    return {
        "id": p.id,
        "notice_id": p.notice_id,
        "n": p.n,
        "number": p.number,
        "title": p.title,
        "text": doc.get("text", ""),
        "category": doc.get("category") or None,
        "subcategory": doc.get("subcategory") or None,
        "measures": p.measures,
        "subproblems": list(doc.get("subproblems") or []),
        "status": p.status or None,
        "types": [asdict(t) for t in p.types],
        "organisation": p.organisation,
        "notice_title": p.notice_title,
        "inspector": p.inspector,
        "inspector_level": doc.get("inspector_level", ""),
        "feedback_date": doc.get("feedback_date") or None,
        "published_date": p.published_date or None,
        "region": {"province": p.province, "city": p.city, "district": p.district},
        "year": p.year,
        "citations": citations_view(doc),
    }


def problem_doc(problem_id: str) -> dict[str, Any]:
    doc = get_index().document(problem_id)
    if doc is None or doc.get("kind") != "problem":
        raise Missing(f"没有编号为 {problem_id} 的问题")
    return _problem_view(doc)


def problem(problem_id: str, with_ids: list[str], show_all: bool = False) -> dict[str, Any]:
    main = problem_doc(problem_id)
    hits = similar(get_index(), problem_id, limit=10)
    # Weak matches are held back unless asked for (?all=1): fewer, but right ones.
    shown = hits if show_all else confident(hits)
    others = []
    missing = []
    for pid in with_ids:
        if pid == problem_id:
            continue
        doc = get_index().document(pid)
        if doc is None or doc.get("kind") != "problem":
            missing.append(pid)
        else:
            others.append(_problem_view(doc))
    return {
        "problem": main,
        "similar": [h.to_dict() for h in shown],
        "similar_hidden": len(hits) - len(shown),
        "similar_all": show_all,
        "compare": [main, *others] if others else [],
        "missing": missing,
        "with": [o["id"] for o in others],
        **recurrence.for_problem(get_index(), get_archive(), problem_id),  # 再次出现 links
        "figures": figures.doc_figures(problem_id),  # 问责与追缴 figures it states
    }


def notice(notice_id: str) -> dict[str, Any]:
    try:
        stored = get_archive().notice(notice_id)
    except NotFound as exc:
        raise Missing(str(exc)) from exc
    n = stored.notice
    docs = {d["n"]: d for d in get_index().problems_of(notice_id)}
    problems = []
    for p in n.problems:
        d = docs.get(p.n) or {}
        types = [t for t in (d.get("types") or "").split(",") if t]
        problems.append(
            {
                "id": f"{notice_id}-{p.n}",
                "n": p.n,
                "number": p.number,
                "title": p.title,
                "category": p.category,
                "subcategory": p.subcategory,
                "measures": p.measures,
                "status": p.status,
                "subproblems": [asdict(s) for s in p.subproblems],
                "types": [{"code": t, "label": type_label(t)} for t in types],
            }
        )
    return {
        "id": notice_id,
        "source": stored.source,
        "format": stored.format,
        "ingested_at": stored.ingested_at,
        "notice": {k: v for k, v in n.to_dict().items() if k != "problems"},
        "problems": problems,
        "outline": _outline(problems),
        "paragraphs": _paragraphs(stored.text, n.problems),
        "chain": [asdict(c) for c in followups.chain_of(get_archive(), notice_id)],
        "citations": citations_view(get_index().document(notice_id) or {}),
        "figures": figures.doc_figures(notice_id),  # 问责与追缴 figures, counting rule applied
    }


def _outline(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Categories → sub-categories → problems, in document order."""
    out: list[dict[str, Any]] = []
    for p in problems:
        if not out or out[-1]["category"] != p["category"]:
            out.append({"category": p["category"], "groups": []})
        groups = out[-1]["groups"]
        if not groups or groups[-1]["subcategory"] != p["subcategory"]:
            groups.append({"subcategory": p["subcategory"], "problems": []})
        groups[-1]["problems"].append(
            {"id": p["id"], "n": p["n"], "number": p["number"], "title": p["title"]}
        )
    return out


def _paragraphs(text: str, problems: list[Any]) -> list[dict[str, Any]]:
    """The full text as paragraphs, with the paragraph where each problem starts marked."""
    lines = text.split("\n")
    starts: dict[int, int] = {}
    pos = 0
    offsets = []
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    cursor = 0
    for p in problems:
        first = p.text.split("\n")[0].strip()
        at = text.find(first, cursor) if first else -1
        if at < 0:
            continue
        cursor = at + len(first)
        line_no = max(i for i, o in enumerate(offsets) if o <= at)
        starts.setdefault(line_no, p.n)
    return [{"text": line, "anchor": starts.get(i)} for i, line in enumerate(lines) if line.strip()]


def compare(notice_ids: list[str]) -> dict[str, Any]:
    index = get_index()
    columns = []
    order = [t.code for t in taxonomy.load_types()]
    cells: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for nid in notice_ids:
        doc = index.document(nid)
        if doc is None or doc.get("kind") != "notice":
            raise Missing(f"没有编号为 {nid} 的通报")
        columns.append(
            {
                "id": nid,
                "organisation": doc.get("organisation", ""),
                "title": doc.get("title", ""),
                "year": doc.get("year"),
                "inspector": doc.get("inspector", ""),
            }
        )
        for pd in index.problems_of(nid):
            types = [t for t in (pd.get("types") or "").split(",") if t] or ["_none"]
            for t in types:
                cells.setdefault(t, {}).setdefault(nid, []).append(
                    {"id": pd["id"], "number": pd.get("number", ""), "title": pd.get("title", "")}
                )
    rows = []
    for code in [*order, "_none"]:
        if code in cells:
            rows.append(
                {
                    "code": code,
                    "label": "未归类" if code == "_none" else type_label(code),
                    "cells": [cells[code].get(c["id"], []) for c in columns],
                }
            )
    return {"notices": columns, "rows": rows}


def _with_missing_years(items: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
    """Years without problems as zero rows, so a gap shows in the chart instead of two
    distant years standing side by side (only across a plausible span)."""
    counts = {k: c for k, c in items if isinstance(k, int)}
    if len(counts) != len(items) or not counts:
        return items
    lo, hi = min(counts), max(counts)
    if hi - lo > 50:
        return items
    return [(y, counts.get(y, 0)) for y in range(lo, hi + 1)]


def stats() -> dict[str, Any]:
    index = get_index()
    problems = index.search("", kind="problem", per_page=1)
    notices = index.search("", kind="notice", per_page=1)

    def table(result: Any, name: str, by_key: bool = False) -> list[dict[str, Any]]:
        items = result.facets.get(name, [])
        if by_key:
            items = sorted(items, key=lambda kv: str(kv[0]))
        if name == "year":
            items = _with_missing_years(items)
        return [{"key": str(k), "label": _facet_value_label(name, k), "count": c} for k, c in items]

    out = {
        "totals": {"notices": notices.total, "problems": problems.total},
        "date_note": searchnav.DATE_NOTE,
        "tables": [
            {
                "name": name,
                "label": f"{FACET_LABELS[name]}（{counted}）",
                "filter": FACET_FILTER[name],
                "rows": table(result, name, by_key=name == "year"),
            }
            for name, result, counted in (
                ("types", problems, "问题数"),
                ("year", problems, "问题数"),
                ("province", problems, "问题数"),
                ("city", problems, "问题数"),
                ("inspector_level", notices, "通报数"),
            )
        ],
    }
    # Added views (statsdata): the province tile map, type × year, rectification durations.
    out["map"] = statsdata.province_map(problems.facets.get("province", []))
    out["type_year"] = statsdata.type_by_year(problems.facets.get("year", []))
    out["durations"] = statsdata.durations(str(current_app.config["DATA_DIR"]))
    out["figures"] = figures.stats_section()  # 问责与追缴: sums with links to their spans
    return out


__all__ = ["FILTERS", "compare", "home", "notice", "problem", "search", "stats"]
