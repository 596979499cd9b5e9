"""Similar problems in other notices: a weighted overlap of features (see ``features``).

Shared problem types count most, then shared title words (rare ones more than common
ones), their thesaurus alternatives, and shared title bigrams; problems of the same
notice are masked out.
"""

from __future__ import annotations

import heapq
from dataclasses import asdict, dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher

from archive.errors import NotFound
from indexer import taxonomy
from indexer.features import features, query_features
from indexer.ranking import posting_blocks
from indexer.searching import NoticeIndex

MAX_FEATURES = 20
TYPE_FLOOR = 1.0  # boosts at or above this mark a problem's own types (not mentioned ones)
WORD_FLOOR = 1.0  # … and its own title words (not thesaurus or body ones)


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
    """The words that say what a problem is about (for explaining a match)."""
    return [f[2:] for f in features(title, subtitles) if f.startswith("W:")]


def similar(index: NoticeIndex, problem_id: str, limit: int = 10) -> list[SimilarHit]:
    """Problems from other notices ranked by how likely they are the same kind of problem."""

    def compute() -> list[SimilarHit]:
        with index.reading() as s:
            return _similar(s, problem_id, limit)

    return list(index.cached(("similar", problem_id, limit), compute))


def _rarest(s: Any, wanted: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The problem's own types and title words, then the rarest other features, at most
    MAX_FEATURES in all.

    A long statement that runs several problems together has 50 features or more; the rare
    ones decide the ranking, and the common ones cost most to look up.
    """
    own = [
        (f, b)
        for f, b in wanted
        if (f.startswith("T:") and b >= TYPE_FLOOR) or (f.startswith("W:") and b >= WORD_FLOOR)
    ][:MAX_FEATURES]
    rest = [(f, b) for f, b in wanted if (f, b) not in own]
    df = {f: s.doc_frequency("sim", f) for f, _ in rest}
    rest = sorted((fb for fb in rest if df[fb[0]] > 0), key=lambda fb: df[fb[0]])
    return own + rest[: max(0, MAX_FEATURES - len(own))]


def _top(s: Any, wanted: list[tuple[str, float]], notice_id: str, limit: int):
    """The ``limit`` best (docnum, score) pairs outside the notice: each feature adds
    weight × idf × boost (TF-IDF, as the ``sim`` field's weighting), term at a time.

    Only problem documents carry ``sim`` features, so no kind filter is needed.
    """
    field = s.schema["sim"]
    acc: dict[int, float] = {}
    get = acc.get
    for sub, offset in s.leaf_searchers():
        reader = sub.reader()
        for feature, boost in wanted:
            btext = field.to_bytes(feature)
            if ("sim", btext) not in reader:
                continue
            factor = s.idf("sim", feature) * boost
            m = reader.postings("sim", btext)
            m = m.child if isinstance(m, FilterMatcher) else m  # deletions: dropped below
            for ids, weights in posting_blocks(m):
                for d, w in zip(ids, weights, strict=True):
                    d += offset
                    acc[d] = get(d, 0.0) + w * factor
        if reader.has_deletions():
            for d in reader.deleted_docs_set:
                acc.pop(d + offset, None)
    for d in s.docs_for_query(wq.Term("notice_id", notice_id)):
        acc.pop(d, None)
    return heapq.nsmallest(limit, acc.items(), key=lambda ds: (-ds[1], ds[0]))


def _similar(s: Any, problem_id: str, limit: int) -> list[SimilarHit]:
    doc = s.document(id=problem_id)
    if doc is None or doc.get("kind") != "problem":
        raise NotFound(f"没有编号为 {problem_id} 的问题")
    subtitles = [sp["title"] for sp in doc.get("subproblems") or []]
    types = [t for t in (doc.get("types") or "").split(",") if t]
    wanted = query_features(doc.get("title", ""), subtitles, types, body=doc.get("text", ""))
    if not wanted:
        return []
    wanted = _rarest(s, wanted)
    terms = [f[2:] for f, _ in wanted if f.startswith("W:")]
    limit = max(1, min(int(limit), 100))
    hits = []
    for docnum, score in _top(s, wanted, doc["notice_id"], limit):
        f = s.stored_fields(docnum)
        htypes = [t for t in (f.get("types") or "").split(",") if t]
        their = set(key_terms(f.get("title", ""), [x["title"] for x in f.get("subproblems") or []]))
        hits.append(
            SimilarHit(
                id=f["id"],
                notice_id=f["notice_id"],
                organisation=f.get("organisation", ""),
                title=f.get("title", ""),
                notice_title=f.get("notice_title", ""),
                score=round(score, 4),
                types=htypes,
                type_labels=[taxonomy.label(t) for t in htypes],
                shared_types=[t for t in htypes if t in types],
                shared_terms=[t for t in terms if t in their],
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
