"""Similar problems in other notices, as hits with their confidence and what they share
(the score itself is ``likeness``)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from archive.errors import NotFound
from indexer import taxonomy
from indexer.features import features
from indexer.generation import Generation
from indexer.likeness import SimilarQuery, confidence, make_query, problem_query, reranked
from indexer.results import ProblemDoc, flat_types
from indexer.searching import NoticeIndex

_LEAD = re.compile(r"(?:针对|关于|对于)(.+?)(?:的)?问题")

MAX_TEXT = 2000  # similar to a pasted text: at most this many characters
MAX_TITLE = 80  # … whose first sentence (at most this long) is taken as its title
FLOOR = 0.18  # … except a best hit at or above FLOOR scoring STANDOUT times the next one
STANDOUT = 2.0
COMMON_SHARE = 0.05  # a word in more than this share of problems is not shown as shared
MAX_SHARED_TERMS = 5


@dataclass(kw_only=True)
class SimilarHit(ProblemDoc):
    """A similar problem: the common problem fields (``ProblemDoc``), how it was matched,
    and how confident the match is."""

    score: float = 0.0
    shared_types: list[str] = field(default_factory=list)  # type codes both problems have
    shared_terms: list[str] = field(default_factory=list)
    feedback_date: str = ""
    category: str = ""
    subcategory: str = ""
    statement: str = ""  # the sentence that says what went wrong
    shared_type_labels: list[str] = field(default_factory=list)
    # What to show as shared: the terms (those a shared type's label says are left out),
    # then the shared types' labels.
    shared: list[str] = field(default_factory=list)
    # Score relative to the query matching itself (0–1), and its reading: 高/中/低.
    relevance: float = 0.0
    confidence: str = ""

    @property
    def type_codes(self) -> list[str]:
        return [t.code for t in self.types]

    def to_dict(self) -> dict[str, Any]:
        """JSON as it always was: ``types`` as codes with ``type_labels`` beside them."""
        return flat_types(asdict(self))


def key_terms(title: str, subtitles: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The words that say what a problem is about (for explaining a match)."""
    return [f[2:] for f in features(title, subtitles) if f.startswith("W:")]


def similar(index: NoticeIndex, problem_id: str, limit: int = 10) -> list[SimilarHit]:
    """Problems from other notices ranked by how likely they are the same kind of problem."""

    def compute() -> list[SimilarHit]:
        with index.reading():
            return _similar(index.generation(), problem_id, limit)

    return list(index.cached(("similar", problem_id, limit), compute))


def confident(hits: list[SimilarHit]) -> list[SimilarHit]:
    """The hits worth listing by default: fewer, but right ones."""
    return [h for h in hits if h.confidence != "低"]


def _shared_terms(gen: Generation, q: SimilarQuery, f: dict[str, Any]) -> list[str]:
    """The query's own telling words the other problem also states (title, sub-problems,
    text): what they really share, not the routine words every problem has."""
    their = "\n".join([f.get("title", ""), *(x["title"] for x in f.get("subproblems") or [])])
    their += "\n" + (f.get("text") or "")
    n = max(gen.searcher.doc_count(), 1)
    out: list[str] = []
    for w in q.terms:
        if gen.df("sim", f"W:{w}") > n * COMMON_SHARE:
            continue
        if w in their:
            out.append(w)
    # 公务接待 says what 接待 says: keep the longer of two nested words.
    out = [w for w in out if not any(w != o and w in o for o in out)]
    return out[:MAX_SHARED_TERMS]


def _hit(
    gen: Generation, q: SimilarQuery, docnum: int, score: float, relevance: float
) -> SimilarHit:
    f = gen.document(docnum)[0]
    htypes = [t for t in (f.get("types") or "").split(",") if t]
    shared = [t for t in htypes if t in q.types]
    labels = [taxonomy.label(t) for t in shared]
    terms = _shared_terms(gen, q, f)
    return SimilarHit(
        **ProblemDoc.stored_fields(f),
        score=round(score, 4),
        shared_types=shared,
        shared_terms=terms,
        feedback_date=f.get("feedback_date", ""),
        category=f.get("category", ""),
        subcategory=f.get("subcategory", ""),
        statement=problem_statement(f.get("text") or "", f.get("title", "")),
        shared_type_labels=labels,
        shared=[t for t in terms if not any(t in label for label in labels)] + labels,
        relevance=round(relevance, 3),
        confidence=confidence(relevance),
    )


def problem_statement(text: str, title: str = "") -> str:
    """The sentence that says what went wrong (the labelled 问题： line when there is one),
    at most 200 characters."""
    st = [line for line in taxonomy.statement(text).split("\n") if line.strip()]
    out = st[-1] if len(st) > 1 else (st[0] if st else title)
    lead = _LEAD.fullmatch(out)  # 针对“…”问题: the title again
    if lead:
        out = lead.group(1).strip('“”"')
    return out[:200]


def _rank(gen: Generation, q: SimilarQuery, limit: int) -> list[SimilarHit]:
    limit = max(1, min(int(limit), 100))
    hits = [_hit(gen, q, d, score, rel) for d, score, rel in reranked(gen, q, limit)]
    if hits and hits[0].confidence == "低" and hits[0].relevance >= FLOOR:
        # In a small or one-sided archive the best match may stay under the cut-off while
        # standing far above every other: that one is still worth listing.
        if len(hits) == 1 or hits[0].score >= STANDOUT * hits[1].score:
            hits[0].confidence = "中"
    return hits


def _similar(gen: Generation, problem_id: str, limit: int) -> list[SimilarHit]:
    s = gen.searcher
    doc = s.document(id=problem_id)
    if doc is None or doc.get("kind") != "problem":
        raise NotFound(f"没有编号为 {problem_id} 的问题")
    q = problem_query(gen, doc)
    return _rank(gen, q, limit) if q else []


def _similar_text(gen: Generation, text: str, limit: int) -> list[SimilarHit]:
    text = text.strip()[:MAX_TEXT]
    if not text:
        return []
    title = taxonomy.statement(text).split("\n")[0][:MAX_TITLE]
    types = taxonomy.tag(title, text)
    q = make_query(gen, title, [], types, text)
    return _rank(gen, q, limit) if q else []


def similar_to_text(index: NoticeIndex, text: str, limit: int = 10) -> list[SimilarHit]:
    """Problems of every notice ranked by how likely they are the problem ``text`` states
    (a draft finding pasted by an officer)."""
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"文字过长：最多 {MAX_TEXT} 个字符")

    def compute() -> list[SimilarHit]:
        with index.reading():
            return _similar_text(index.generation(), text, limit)

    return list(index.cached(("similar-text", text, limit), compute))
