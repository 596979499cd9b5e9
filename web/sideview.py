"""The side view's column heads and index: which unit a column is (region, year, inspection
group), and where the units that do not fit as columns are."""

from __future__ import annotations

from typing import Any

from web.links import hit_notice_url, hit_url
from web.params import SearchParams

MAX_REST = 60  # units listed (as links) beyond the side-by-side columns


def _distinct(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(v for v in values if v not in (None, "")))


def column_head(p: SearchParams, hits: list[dict[str, Any]]) -> dict[str, Any]:
    """Region, years and inspection groups of a column's hits (one unit may have been
    inspected more than once); each hit gets its links carrying the query."""
    for h in hits:
        h["url"] = hit_url(h, p.q)
        h["notice_url"] = hit_notice_url(h, p.q)
    places = _distinct(
        [
            " ".join(x for x in (h.get("province"), h.get("city"), h.get("district")) if x)
            for h in hits
        ]
    )
    return {
        "region": places[0] if places else "",
        "regions": places,
        "years": sorted(_distinct([h.get("year") for h in hits])),
        "inspectors": _distinct([h.get("inspector") for h in hits]),
    }


def rest(p: SearchParams, orgs: list[tuple[Any, int]]) -> list[dict[str, Any]]:
    """The units beyond the columns, most hits first, each a link to its filtered list."""
    return [
        {"organisation": org, "count": n, "url": p.url(org=str(org), view="list", page=1)}
        for org, n in orgs[:MAX_REST]
    ]
