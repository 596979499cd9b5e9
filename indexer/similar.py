"""Similar problems in other notices: a weighted overlap of features (see ``features``).

Shared problem types count most, then shared title words (rare ones more than common
ones), their thesaurus alternatives, and shared title bigrams; problems of the same
notice are masked out.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from archive.errors import NotFound
from indexer import closeness, taxonomy
from indexer.features import (
    STATEMENT_BOOST,
    body_words,
    features,
    load_stopwords,
    query_features,
)
from indexer.generation import Generation
from indexer.highlight import LiteralText
from indexer.results import ProblemDoc, flat_types
from indexer.searching import NoticeIndex

_LEAD = re.compile(r"(?:针对|关于|对于)(.+?)(?:的)?问题")

MAX_FEATURES = 20
TYPE_FLOOR = 1.0  # boosts at or above this mark a problem's own types (not mentioned ones)
WORD_FLOOR = 1.0  # … and its own title words (not thesaurus or body ones)
IDF_POWER = 1.5
LENGTH_POWER = 0.5
BODY_RARE_BOOST = 0.1
MAX_BODY_WORDS = 20
MAX_BODY_CHARS = 1000  # bounds the cost of segmenting the query text (jieba, per call)
MAX_TEXT = 2000  # similar to a pasted text: at most this many characters
MAX_TITLE = 80  # … whose first sentence (at most this long) is taken as its title
# Relevance is the score over the query's own score (a copy of itself), divided by SCALE
# and capped at 1: a hit scoring SCALE of a copy already reads 1. At or above HIGH it reads
# 高, at or above CUTOFF 中; below CUTOFF a hit is 低 and not listed by default (dev split:
# 92 % of the listed hits are grade >= 2, held-out 87 %).
SCALE = 0.45
# The best RERANK candidates of the feature score are ranked again by their feature
# relevance plus COSINE_WEIGHT times their bigram cosine (``closeness``); the sum over
# BLEND_SCALE (capped at 1) is the relevance shown. Chosen on the dev split only.
RERANK = 30
COSINE_WEIGHT = 3.0
BLEND_SCALE = 1.45
HIGH = 0.65
CUTOFF = 0.45
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


def idf(gen: Generation, fieldname: str, term: str) -> float:
    """How much a shared term says, from this generation's document frequencies: a word
    every problem has says nothing (0), a word of one problem in a thousand says most.
    Squared, as in a cosine of TF-IDF vectors (both sides carry the weight)."""
    df = gen.df(fieldname, term)
    if df == 0:
        return 0.0
    n = max(gen.searcher.doc_count(), 1)
    return max(0.0, math.log((n + 1) / (df + 0.5))) ** IDF_POWER


def _body_words(gen: Generation, text: str, have: set[str]) -> list[tuple[str, float]]:
    """The rarest words of the whole problem text (measures included) with their weights:
    the specific objects (which fund, which subsidy) a problem names anywhere."""
    if BODY_RARE_BOOST <= 0 or not text:
        return []
    stop = load_stopwords()
    scored = []
    for w in body_words(text[:MAX_BODY_CHARS]):
        if w in have or w in stop:
            continue
        # A word only this problem has (df 1) can match nothing.
        weight = idf(gen, "words", w) if gen.df("words", w) > 1 else 0.0
        if weight > 0:
            scored.append((w, weight * BODY_RARE_BOOST))
    scored.sort(key=lambda x: -x[1])
    return scored[: int(MAX_BODY_WORDS)]


@dataclass
class _Query:
    """What is looked for: weighted features, rare body words, and the reference score
    (the query matching a copy of itself) that relevance is measured against."""

    wanted: list[tuple[str, float]]
    body: list[tuple[str, float]]
    types: list[str]
    terms: list[str]  # its own statement words, most telling first
    length: int  # its number of indexed features
    exclude_notice: str = ""
    title: str = ""
    literal: str = ""  # its text's literal stream (for the bigram cosine)

    def reference(self, gen: Generation) -> float:
        own = sum(idf(gen, "sim", f) * b for f, b in self.wanted)
        own /= max(self.length, 1) ** LENGTH_POWER
        return own + sum(w for _, w in self.body)


def _make_query(
    gen: Generation,
    title: str,
    subtitles: list[str],
    types: list[str],
    text: str,
    exclude_notice: str = "",
) -> _Query | None:
    wanted = query_features(title, subtitles, types, body=text)
    if not wanted:
        return None
    length = len(features(title, subtitles, types, body=text))
    wanted = _rarest(gen.searcher, wanted)
    have = {f[2:] for f, _ in wanted if f.startswith("W:")}
    body = _body_words(gen, text, have)
    own_words = [f[2:] for f, b in wanted if f.startswith("W:") and b >= STATEMENT_BOOST]
    own_words.sort(key=lambda w: -idf(gen, "sim", f"W:{w}"))
    literal = LiteralText(text[: closeness.MAX_CHARS * 2]).joined
    return _Query(wanted, body, types, own_words, length, exclude_notice, title, literal)


def _top(gen: Generation, q: _Query, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best (docnum, score) pairs outside the query's notice: each feature
    adds boost × idf^IDF_POWER to the problems that have it, term at a time over the
    generation's decoded postings; then the rare words of the body.

    Only problem documents carry ``sim`` features, so no kind filter is needed for them.
    """
    acc = np.zeros(gen.n, dtype=np.float64)
    seen = np.zeros(gen.n, dtype=bool)
    for feature, boost in q.wanted:
        weight = idf(gen, "sim", feature) * boost
        if weight <= 0:
            continue
        ids, _ = gen.term("sim", feature)
        acc[ids] += weight
        seen[ids] = True
    if LENGTH_POWER > 0:
        # A problem with many features (several issues run together) matches many by
        # chance: divide by a power of its feature count, as a cosine divides by the norm.
        acc /= np.maximum(gen.lengths("sim"), 1.0) ** LENGTH_POWER
    if q.body:
        problems = gen.kind("problem")
        for word, weight in q.body:
            ids, _ = gen.term("words", word)
            ids = ids[problems[ids]]
            acc[ids] += weight
            seen[ids] = True
    if q.exclude_notice:
        own, _ = gen.term("notice_id", q.exclude_notice)
        seen[own] = False
    ids = np.flatnonzero(seen)
    pos = gen.top_by_score(ids, acc[ids], limit)
    return [(int(ids[p]), float(acc[ids[p]])) for p in pos]


def confidence(relevance: float) -> str:
    """The reading of a relevance: 高 (very likely the same problem), 中 (same kind), 低."""
    if relevance >= HIGH:
        return "高"
    return "中" if relevance >= CUTOFF else "低"


def confident(hits: list[SimilarHit]) -> list[SimilarHit]:
    """The hits worth listing by default: fewer, but right ones."""
    return [h for h in hits if h.confidence != "低"]


def _shared_terms(gen: Generation, q: _Query, f: dict[str, Any]) -> list[str]:
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


def _hit(gen: Generation, q: _Query, docnum: int, score: float, relevance: float) -> SimilarHit:
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


def _reranked(gen: Generation, q: _Query, limit: int) -> list[tuple[int, float, float]]:
    """(docnum, ranking score, relevance) of the best ``limit``: the feature score's best
    ``RERANK`` ranked again with the bigram cosine (see ``closeness``)."""
    ref = q.reference(gen)
    top = _top(gen, q, max(limit, RERANK))
    if not top or ref <= 0:
        return [(d, 0.0, 0.0) for d, _ in top[:limit]]
    docs = [gen.document(d) for d, _ in top]
    counts = [closeness.bigram_counts(q.title, q.literal)]
    counts += [closeness.bigram_counts(f.get("title", ""), lit.joined) for f, lit in docs]
    mine, *theirs = closeness.unit_vectors(gen, counts)
    ranked = []
    for (d, score), v in zip(top, theirs, strict=True):
        blend = min(1.0, score / ref / SCALE) + COSINE_WEIGHT * closeness.cosine(mine, v)
        ranked.append((d, blend, min(1.0, blend / BLEND_SCALE)))
    ranked.sort(key=lambda x: (-x[1], x[0]))
    return ranked[:limit]


def problem_statement(text: str, title: str = "") -> str:
    """The sentence that says what went wrong (the labelled 问题： line when there is one),
    at most 200 characters."""
    st = [line for line in taxonomy.statement(text).split("\n") if line.strip()]
    out = st[-1] if len(st) > 1 else (st[0] if st else title)
    lead = _LEAD.fullmatch(out)  # 针对“…”问题: the title again
    if lead:
        out = lead.group(1).strip('“”"')
    return out[:200]


def _rank(gen: Generation, q: _Query, limit: int) -> list[SimilarHit]:
    limit = max(1, min(int(limit), 100))
    hits = [_hit(gen, q, d, score, rel) for d, score, rel in _reranked(gen, q, limit)]
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
    subtitles = [sp["title"] for sp in doc.get("subproblems") or []]
    types = [t for t in (doc.get("types") or "").split(",") if t]
    q = _make_query(
        gen, doc.get("title", ""), subtitles, types, doc.get("text", ""), doc["notice_id"]
    )
    return _rank(gen, q, limit) if q else []


def _similar_text(gen: Generation, text: str, limit: int) -> list[SimilarHit]:
    text = text.strip()[:MAX_TEXT]
    if not text:
        return []
    title = taxonomy.statement(text).split("\n")[0][:MAX_TITLE]
    types = taxonomy.tag(title, text)
    q = _make_query(gen, title, [], types, text)
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
