"""Finding one's way on the search page: numbered pages, a page-size choice, a jump to a
page, and help when a query went wrong (a likely typo, an unclosed quote, a page past
the end). Plain data for the page and its JSON twin."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from indexer import suggest
from web.params import SearchParams

PER_PAGE_CHOICES = (20, 50, 100)
WINDOW = 2  # numbered pages shown on each side of the current one

# Which dates the year filter, the year facets and date sorting use (indexer/documents.py:
# ``notice_year`` for the year, the ``date`` column for sorting). Shown on the search and
# stats pages; tests/test_web_nav.py pins each clause to the behaviour.
DATE_NOTE = (
    "“年份”筛选（year:）和年份分面按巡察反馈日期计；通报没有反馈日期时按巡察结束日期，"
    "再没有时按发布日期。“发布年份”（pubyear:）只按发布日期计。"
    "按日期排序用发布日期，没有时依次用反馈日期、巡察结束日期；三者都没有的通报排在最后。"
)


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The page numbers to link: the first, the last and a window around ``page``;
    None marks a gap."""
    shown = {1, pages, *range(page - WINDOW, page + WINDOW + 1)}
    out: list[int | None] = []
    last = 0
    for n in sorted(x for x in shown if 1 <= x <= pages):
        if n > last + 1:
            out.append(None)
        out.append(n)
        last = n
    return out


def pager(p: SearchParams, page: int, pages: int) -> dict[str, Any]:
    """Numbered page links, page-size links and the jump form's fixed fields."""
    numbers = [
        {"gap": True}
        if n is None
        else {
            "page": n,
            "url": p.url(page=n),
            "current": n == page,
            "gap": False,
            # the outer numbers of the window, left out on narrow screens
            "far": abs(n - page) == WINDOW and n not in (1, pages),
        }
        for n in page_numbers(page, pages)
    ]
    first = (page - 1) * p.per_page  # the first result shown stays on the new page
    sizes = [
        {
            "per_page": n,
            "url": p.url(per_page=n, page=first // n + 1),
            "current": n == p.per_page,
        }
        for n in PER_PAGE_CHOICES
    ]
    hidden = [[k, v] for k, v in p.query_args(page=1).items()]
    return {"numbers": numbers, "per_page": sizes, "jump": {"hidden": hidden, "max": pages}}


def search_in_range(index: Any, p: SearchParams) -> tuple[SearchParams, Any, list[str]]:
    """The search of ``p``; a page past the end gives the last page and a note saying so
    (the query and every other parameter are kept)."""
    result = index.search(
        p.q, kind=p.kind, filters=p.filters, sort=p.sort, page=p.page, per_page=p.per_page
    )
    pages = max(1, -(-result.total // p.per_page))
    if p.page <= pages:
        return p, result, []
    note = f"第 {p.page} 页超出范围（共 {pages} 页），已显示最后一页。"
    p = replace(p, page=pages)
    result = index.search(
        p.q, kind=p.kind, filters=p.filters, sort=p.sort, page=p.page, per_page=p.per_page
    )
    return p, result, [note]


def query_help(index: Any, p: SearchParams, total: int) -> dict[str, Any]:
    """Corrections for a likely typo and the reading of an unclosed quote."""
    found = suggest.suggest(index, p.q, total, kind=p.kind, filters=p.filters)
    suggestions = [{**asdict(s), "url": p.url(q=s.query, page=1)} for s in found]
    reading = suggest.quote_reading(p.q)
    return {
        "suggestions": suggestions,
        "reading": None
        if reading is None
        else {
            "query": reading,
            "url": p.url(q=reading, page=1),
            "message": f"引号未闭合，已按 {reading} 检索",
        },
    }
