"""Links between pages: metadata as filtered searches, hits that carry their query, and the
filters to offer when a query names an inspection group or a unit but finds no problem."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from indexer import filters
from indexer.documents import inspector_level
from indexer.errors import QueryTooCostly
from indexer.highlight import LiteralText
from web.marks import query_terms, query_words
from web.params import SearchParams
from web.resources import get_index

# Which part of the inspected unit's region an inspection group of each level works in: a
# 区委第一巡察组 exists in every district, so "the same group" is that name in that region.
GROUP_REGION = {"省委": "province", "市委": "city", "区委": "district", "县委": "district"}
SUGGEST_NOTICES = 50  # notices looked at for a group or unit the query names


def _carried(q: str) -> str:
    """``?q=…`` when the query has words to mark (a query of filters alone marks nothing)."""
    return "?" + urlencode({"q": q}) if q.strip() and query_terms(q) else ""


def hit_url(hit: dict[str, Any], q: str) -> str:
    """A hit's page, carrying the query (``/problems/ID?q=…``, ``/notices/ID?q=…#p-3``)."""
    args = _carried(q)
    if hit.get("kind") == "notice":
        return f"/notices/{hit['id']}{args}"
    return f"/problems/{hit['id']}{args}"


def hit_notice_url(hit: dict[str, Any], q: str) -> str:
    """The place of a problem hit in its notice, carrying the query."""
    args = _carried(q)
    anchor = f"#p-{hit['n']}" if hit.get("n") else ""
    return f"/notices/{hit['notice_id']}{args}{anchor}"


def group_filters(inspector: str, region: dict[str, Any]) -> dict[str, str]:
    """The search filters that find an inspection group's notices: its name, and the region
    its level works in when the notice names that region (else the nearest named level)."""
    if not inspector:
        return {}
    out = {"inspector": inspector}
    level = GROUP_REGION.get(inspector_level(inspector))
    if level:
        order = ["province", "city", "district"]
        for key in reversed(order[: order.index(level) + 1]):
            if region.get(key):
                out["region"] = str(region[key])
                break
    return out


def metadata_links(
    organisation: str, region: dict[str, Any], inspector: str, year: Any, kind: str
) -> dict[str, Any]:
    """Filtered searches for each piece of a notice's metadata (``kind``: what they list)."""
    base = SearchParams(kind=kind)
    notices = SearchParams(kind="notice")
    links: dict[str, Any] = {}
    if organisation:
        links["organisation"] = base.url(org=organisation)
        links["organisation_notices"] = notices.url(org=organisation)
        links["organisation_problems"] = SearchParams().url(org=organisation)
    links["region"] = [
        {"level": key, "name": region[key], "url": base.url(region=str(region[key]))}
        for key in ("province", "city", "district")
        if region.get(key)
    ]
    group = group_filters(inspector, region)
    if group:
        links["inspector"] = notices.url(**group)
        links["inspector_problems"] = SearchParams().url(**group)
    if year:
        links["year"] = base.url(year=str(year))
    return links


def notice_links(d: dict[str, Any], year: Any) -> dict[str, Any]:
    n = d["notice"]
    return metadata_links(
        n.get("organisation") or "", n.get("region") or {}, n.get("inspector") or "", year, "notice"
    )


def problem_links(pr: dict[str, Any]) -> dict[str, Any]:
    return metadata_links(
        pr.get("organisation") or "",
        pr.get("region") or {},
        pr.get("inspector") or "",
        pr.get("year"),
        "problem",
    )


def name_filters(p: SearchParams, total: int) -> dict[str, Any] | None:
    """When a problem search finds nothing and its words name an inspection group or a unit
    (found in the notices' metadata): the notice tab and the filters to use instead."""
    if p.kind != "problem" or total or not p.q.strip():
        return None
    words = query_words(p.q)
    if not words:
        return None
    try:
        r = get_index().search(p.q, kind="notice", filters=p.filters, per_page=SUGGEST_NOTICES)
    except QueryTooCostly:
        return None  # the suggestion is a courtesy: never the reason a search fails
    offers: list[dict[str, Any]] = []
    for name, label, field in (
        # A group's name is offered as such (the table's label 巡察 also covers levels).
        ("inspector", "巡察组", "inspector"),
        ("org", filters.by_name("org").label, "organisation"),
    ):
        for w in words:
            found = [h for h in r.hits if LiteralText(getattr(h, field) or "").contains(w)]
            if not found or any(o["value"] == w for o in offers):
                continue
            rest = " ".join(p.q.replace(w, " ", 1).split())
            offers.append(
                {
                    "filter": name,
                    "label": label,
                    "value": w,
                    "notices": len({h.notice_id for h in found}),
                    "url": p.url(q=rest, page=1, **{name: w}),
                    "notices_url": p.url(q=rest, kind="notice", page=1, **{name: w}),
                }
            )
    if not r.total and not offers:
        return None
    return {
        "notices": r.total,
        "notices_url": p.url(kind="notice", page=1),
        "filters": offers,
    }
