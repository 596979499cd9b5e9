"""Similar problems in other notices.

A problem's key terms are the jieba words of its title (and sub-problem titles) minus the
genre's boilerplate; its problem types and the thesaurus alternatives of its key terms add
weaker evidence. The query runs over the title and body word fields of problems from other
notices, titles counting most.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from whoosh import query as wq

from archive.errors import NotFound
from indexer import analysis, taxonomy
from indexer.searching import NoticeIndex
from indexer.thesaurus import load_boilerplate, load_thesaurus

TITLE_BOOST = 3.0
BODY_BOOST = 0.6
TYPE_BOOST = 2.0
THESAURUS_BOOST = 0.5
MAX_TERMS = 12


@dataclass
class SimilarHit:
    id: str
    notice_id: str
    organisation: str
    title: str
    notice_title: str
    score: float
    types: list[str]
    type_labels: list[str]
    shared_types: list[str] = field(default_factory=list)
    shared_terms: list[str] = field(default_factory=list)
    n: int | None = None
    number: str = ""
    province: str | None = None
    city: str | None = None
    year: int | None = None
    status: str = ""
    measures: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def key_terms(title: str, subtitles: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The words that say what a problem is about, in order, without boilerplate."""
    boiler = load_boilerplate()
    out: list[str] = []
    for text in (title, *subtitles):
        for w, _, _ in analysis.words(text):
            if len(w) < 2 or w in boiler or w.isdigit() or w in out:
                continue
            out.append(w)
    return out[:MAX_TERMS]


def similar(index: NoticeIndex, problem_id: str, limit: int = 10) -> list[SimilarHit]:
    """Problems from other notices ranked by how likely they are the same kind of problem."""
    s = index.searcher()
    doc = s.document(id=problem_id)
    if doc is None or doc.get("kind") != "problem":
        raise NotFound(f"没有编号为 {problem_id} 的问题")
    subtitles = [sp["title"] for sp in doc.get("subproblems") or []]
    terms = key_terms(doc.get("title", ""), subtitles)
    types = [t for t in (doc.get("types") or "").split(",") if t]
    parts: list[wq.Query] = []
    for t in terms:
        parts.append(wq.Term("title_words", t, boost=TITLE_BOOST))
        parts.append(wq.Term("words", t, boost=BODY_BOOST))
    thes = load_thesaurus()
    for t in terms:
        for alt, _rel in thes.expand(t):
            for w, _, _ in analysis.words(alt):
                if len(w) >= 2 and w not in terms:
                    parts.append(wq.Term("title_words", w, boost=THESAURUS_BOOST))
    for ty in types:
        parts.append(wq.Term("types", ty, boost=TYPE_BOOST))
    if not parts:
        return []
    results = s.search(
        wq.Or(parts),
        limit=max(1, min(int(limit), 100)),
        filter=wq.Term("kind", "problem"),
        mask=wq.Term("notice_id", doc["notice_id"]),
        terms=False,
    )
    hits = []
    for hit in results:
        f = hit.fields()
        htypes = [t for t in (f.get("types") or "").split(",") if t]
        title_words = {w for w, _, _ in analysis.words(f.get("title", ""))}
        hits.append(
            SimilarHit(
                id=f["id"],
                notice_id=f["notice_id"],
                organisation=f.get("organisation", ""),
                title=f.get("title", ""),
                notice_title=f.get("notice_title", ""),
                score=round(float(hit.score or 0.0), 4),
                types=htypes,
                type_labels=[taxonomy.label(t) for t in htypes],
                shared_types=[t for t in htypes if t in types],
                shared_terms=[t for t in terms if t in title_words],
                n=f.get("n"),
                number=f.get("number", ""),
                province=f.get("province"),
                city=f.get("city"),
                year=f.get("year"),
                status=f.get("status", ""),
                measures=list(f.get("measures") or []),
            )
        )
    return hits
