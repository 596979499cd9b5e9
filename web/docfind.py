"""Hits inside one document: a notice or problem page opened with ``?q=`` marks the query's
words in its text and lists where they are (the JSON twin's ``matches``).

Numbering follows the page: on a notice page the full text's paragraphs; on a problem page
its title, measures, sub-problems and then its full statement.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from archive.traditional import simplify_if_traditional
from web import data, links
from web.marks import Marker, query_terms
from web.resources import get_index


def _url(path: str, args: dict[str, str]) -> str:
    args = {k: v for k, v in args.items() if v}
    return path + ("?" + urlencode(args) if args else "")


def _same_length_simplified(text: str) -> str:
    """The text in simplified characters when that keeps every offset (a traditional copy is
    searched in simplified characters), else the text itself."""
    simple = simplify_if_traditional(text)[0]
    return simple if len(simple) == len(text) else text


def notice_matches(
    d: dict[str, Any], q: str, problem_texts: dict[int, str] | None = None
) -> dict[str, Any]:
    """Add each paragraph's ``highlights``/``first_hit`` and ``matches`` to a notice page.
    A paragraph belongs to the problem that starts at or before it while it is part of that
    problem's text (``problem_texts``: n → text), so closing remarks belong to none."""
    marker = Marker(query_terms(q))
    problem = None
    for i, para in enumerate(d["paragraphs"]):
        if para.get("anchor"):
            problem = para["anchor"]
        elif problem is not None and problem_texts is not None:
            if para["text"].strip() not in problem_texts.get(problem, ""):
                problem = None
        text = _same_length_simplified(para["text"])
        m = marker.piece(text, paragraph=i, problem=problem)
        para.update(m.to_dict())
    d["matches"] = marker.summary(q)
    # Per problem: how many matches its paragraphs hold and the first one (for the outline).
    per: dict[int, dict[str, int]] = {}
    for pos in d["matches"]["positions"]:
        if pos["problem"] is not None:
            entry = per.setdefault(pos["problem"], {"count": 0, "first_hit": pos["hit"]})
            entry["count"] += 1
    d["matches"]["problems"] = {str(n): v for n, v in per.items()}
    return d


def problem_matches(d: dict[str, Any], q: str) -> dict[str, Any]:
    """Add ``marks`` (per shown piece) and ``matches`` to a problem page."""
    pr = d["problem"]
    marker = Marker(query_terms(q))
    marks: dict[str, Any] = {"title": marker.piece(pr["title"], field="title").to_dict()}
    marks["measures"] = [
        marker.piece(m, field="measures", index=i).to_dict() for i, m in enumerate(pr["measures"])
    ]
    subs = []
    for i, s in enumerate(pr["subproblems"]):
        subs.append(
            {
                "title": marker.piece(s.get("title", ""), field="subproblem", index=i).to_dict(),
                "measures": [
                    marker.piece(m, field="subproblem_measures", index=i, item=j).to_dict()
                    for j, m in enumerate(s.get("measures") or [])
                ],
            }
        )
    marks["subproblems"] = subs
    marks["text"] = marker.piece(pr["text"], field="text").to_dict()
    d["marks"] = marks
    d["matches"] = marker.summary(q)
    return d


def notice_page(notice_id: str, q: str) -> dict[str, Any]:
    """A notice's data with its metadata links and, given a query, the matches in it."""
    d = data.notice(notice_id)
    doc = get_index().document(notice_id) or {}
    d["year"] = doc.get("year")
    d["links"] = links.notice_links(d, d["year"])
    d["links"]["page"] = f"/notices/{notice_id}"
    d["links"]["json"] = _url(f"/api/notices/{notice_id}", {"q": q})
    if q:
        texts = {p["n"]: p.get("text", "") for p in get_index().problems_of(notice_id)}
        notice_matches(d, q, texts)
    return d


def problem_page(
    problem_id: str, with_ids: list[str], q: str, show_all: bool = False
) -> dict[str, Any]:
    """A problem's data with its metadata links and, given a query, the matches in it."""
    d = data.problem(problem_id, with_ids, show_all)
    d["links"] = links.problem_links(d["problem"])
    d["q"] = q
    keep = {"with": ",".join(d["with"])} if d["with"] else {}
    d["links"]["page"] = _url(f"/problems/{problem_id}", keep)  # without the query
    d["links"]["json"] = _url(f"/api/problems/{problem_id}", {**keep, "q": q})
    if q:
        problem_matches(d, q)
    return d
