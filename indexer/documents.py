"""Turn an archived notice into index documents: the notice itself and each problem."""

from __future__ import annotations

import re
from typing import Any

from archive.citations import notice_citations, problem_citations
from archive.model import Notice, Problem
from archive.store import StoredNotice
from archive.traditional import simplify_if_traditional
from indexer import figuresums, taxonomy
from indexer.citing import citation_fields
from indexer.features import features

# Inspector level as users filter by it; the written word maps onto the usual five levels.
_LEVELS = [
    ("中央", "中央"),
    ("国务院", "中央"),
    ("自治区党委", "省委"),
    ("区党委", "省委"),
    ("省委", "省委"),
    ("市委", "市委"),
    ("州委", "市委"),
    ("盟委", "市委"),
    ("区委", "区委"),
    ("县委", "县委"),
    ("旗委", "县委"),
]


def inspector_level(inspector: str | None) -> str:
    """中央/省委/市委/区委/县委 from the inspecting group's name, else 其他."""
    if not inspector:
        return "其他"
    best: tuple[int, str] | None = None
    for word, level in _LEVELS:
        i = inspector.find(word)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, level)
    return best[1] if best else "其他"


def notice_year(n: Notice) -> int | None:
    for value in (n.feedback_date, n.inspection_end, n.published_date):
        if value:
            return int(value[:4])
    return None


def problem_types(p: Problem) -> list[str]:
    return taxonomy.tag(
        p.title,
        p.text,
        category=p.category or "",
        subcategory=p.subcategory or "",
        subtitles=[s.title for s in p.subproblems],
    )


def _common(stored: StoredNotice) -> dict[str, Any]:
    n = stored.notice
    r = n.region
    doc: dict[str, Any] = {
        "notice_id": stored.id,
        "notice_title": n.title or "",
        "source": stored.source,
        "inspector": n.inspector or "",
        "feedback_date": n.feedback_date or "",
        "published_date": n.published_date or "",
        "org_lit": " ".join(x for x in (n.organisation, n.publisher) if x),
        "region_lit": " ".join(x for x in (r.province, r.city, r.district) if x),
        "inspector_lit": n.inspector or "",
        "organisation": n.organisation or "未知单位",
        "inspector_level": inspector_level(n.inspector),
        "date": n.published_date or n.feedback_date or n.inspection_end or "",
    }
    for key, value in (("province", r.province), ("city", r.city), ("district", r.district)):
        if value:
            doc[key] = value
    if n.inspection_kind:
        doc["inspection_kind"] = ",".join(re.split(r"[、,]", n.inspection_kind))
    year = notice_year(n)
    if year is not None:
        doc["year"] = year
    if n.published_date:
        doc["pubyear"] = int(n.published_date[:4])
    return doc


def problem_text(p: Problem) -> str:
    """The searchable text of a problem: its full text (sub-problems and measures included)."""
    return p.text


def _outside_problems(text: str, n: Notice) -> str:
    """The notice text that is not a problem's: its problems' words are already segmented in
    their own documents, and segmenting them twice would double the indexing cost."""
    for p in n.problems:
        if p.text:
            text = text.replace(p.text, "\n", 1)
    return text


def documents(stored: StoredNotice) -> list[dict[str, Any]]:
    """The notice document followed by one document per problem."""
    n = stored.notice
    common = _common(stored)
    docs: list[dict[str, Any]] = []
    all_types: list[str] = []
    problem_docs = []
    for p in n.problems:
        types = problem_types(p)
        for t in types:
            if t not in all_types:
                all_types.append(t)
        text = problem_text(p)
        headings = " ".join(x for x in (p.category, p.subcategory) if x)
        doc = dict(common)
        doc.update(
            id=f"{stored.id}-{p.n}",
            kind="problem",
            n=p.n,
            number=p.number,
            title=p.title,
            category=p.category or "",
            subcategory=p.subcategory or "",
            measures=list(p.measures),
            subproblems=[
                {"title": s.title, "text": s.text, "measures": list(s.measures)}
                for s in p.subproblems
            ],
            status=p.status or "",
            text=text,
            lit=text,
            title_words=" ".join([p.title, *(s.title for s in p.subproblems)]),
            words=f"{headings}\n{text}",
        )
        if types:
            doc["types"] = ",".join(types)
        doc.update(citation_fields(problem_citations(p)))
        doc["sim"] = " ".join(
            features(p.title, [s.title for s in p.subproblems], types, body=p.text)
        )
        problem_docs.append(doc)
    notice_doc = dict(common)
    title = n.title or n.organisation or stored.source
    # A traditional-character copy is stored as written but parsed in simplified characters;
    # index the simplified text so a search typed in simplified characters finds it.
    text = simplify_if_traditional(stored.text)[0]
    notice_doc.update(
        id=stored.id,
        kind="notice",
        title=title,
        text=text,
        lit=text,
        title_words=title,
        words=_outside_problems(text, n),
    )
    notice_doc.update(citation_fields(notice_citations(n, text)))
    if all_types:
        notice_doc["types"] = ",".join(all_types)
    docs.append(notice_doc)
    docs.extend(problem_docs)
    figuresums.add_fields(docs, n)  # figures with their spans; sums per generation
    return docs
