"""Similar problems in other notices: a weighted overlap of features (see ``features``).

Shared problem types count most, then shared title words (rare ones more than common
ones), their thesaurus alternatives, and shared title bigrams; problems of the same
notice are masked out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from archive.errors import NotFound
from indexer import taxonomy
from indexer.features import features, query_features
from indexer.generation import Generation
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
        with index.reading():
            return _similar(index.generation(), problem_id, limit)

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


def _top(gen: Generation, wanted: list[tuple[str, float]], notice_id: str, limit: int):
    """The ``limit`` best (docnum, score) pairs outside the notice: each feature adds
    weight × idf × boost (TF-IDF, as the ``sim`` field's weighting), term at a time over
    the generation's decoded postings.

    Only problem documents carry ``sim`` features, so no kind filter is needed.
    """
    s = gen.searcher
    acc = np.zeros(gen.n, dtype=np.float64)
    seen = np.zeros(gen.n, dtype=bool)
    for feature, boost in wanted:
        if gen.df("sim", feature) == 0:
            continue
        ids, weights = gen.term("sim", feature)
        acc[ids] += weights.astype(np.float64) * (s.idf("sim", feature) * boost)
        seen[ids] = True
    own, _ = gen.term("notice_id", notice_id)
    seen[own] = False
    ids = np.flatnonzero(seen)
    pos = gen.top_by_score(ids, acc[ids], limit)
    return [(int(ids[p]), float(acc[ids[p]])) for p in pos]


def _similar(gen: Generation, problem_id: str, limit: int) -> list[SimilarHit]:
    s = gen.searcher
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
    for docnum, score in _top(gen, wanted, doc["notice_id"], limit):
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
