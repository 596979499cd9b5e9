"""A search on one generation: compile, filter, score, count facets, build the page of hits.

Filters and the query are evaluated into arrays (``ranking.Evaluator``); an empty allowed
set is a filter like any other (it allows nothing). Facets are ``numpy.bincount`` over the
generation's columns and the page is chosen by ``argpartition``; only the hits on the page
read their stored fields.

``ProblemDoc`` is the one shape of a problem across layers (search hits here, similar
problems, the problem page); ``ProblemHit`` extends it with what a search adds.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer import analysis, likeness, neighbours, taxonomy
from indexer.compiling import Compiled, Expansion, compile_query, filter_query
from indexer.concepts import FEEDBACK, NAMED, Concept, ConceptMatch, concept_marks
from indexer.errors import QueryTooCostly
from indexer.feedback import feedback_types
from indexer.filters import NAMES, by_name
from indexer.generation import Generation
from indexer.highlight import LiteralText, excerpt, mark
from indexer.neighbours import Neighbour
from indexer.querying import And, Word, parse
from indexer.ranking import (
    MAX_SECONDS,
    Evaluator,
    Scored,
    below_literal,
    check_budget,
    within_budget,
)

MAX_PER_PAGE = 100
MAX_PAGE = 1000
FILTER_NAMES = NAMES  # the name callers used before


@dataclass(frozen=True)
class TypeRef:
    """A problem type as shown: its code and Chinese label."""

    code: str
    label: str


@dataclass(frozen=True)
class ConceptRef(TypeRef):
    """A type a hit was found by: named by a query word, or shared by the query's literal
    matches (``by``: ``concepts.NAMED`` or ``concepts.FEEDBACK``)."""

    by: str = NAMED


@dataclass(frozen=True)
class LikeRef:
    """The match a hit was found as like (``neighbours``): its id, title, how like (0–1)
    and that relevance's reading (高/中/低, as similar problems read it)."""

    id: str
    title: str
    relevance: float
    confidence: str = ""


@dataclass(kw_only=True)
class ProblemDoc:
    """The fields every problem has wherever it is shown (a search hit, a similar problem,
    the problem page): one shape, read from the stored index document by ``from_stored``.
    Subclasses add what their view knows (``ProblemHit``: score, snippet, highlights)."""

    id: str
    notice_id: str
    organisation: str = ""
    title: str = ""
    notice_title: str = ""
    n: int | None = None
    number: str = ""
    province: str | None = None
    city: str | None = None
    district: str | None = None
    year: int | None = None
    inspector: str = ""
    published_date: str = ""
    status: str = ""
    types: list[TypeRef] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)

    @staticmethod
    def stored_fields(f: dict[str, Any]) -> dict[str, Any]:
        """ProblemDoc's fields from a stored index document, as keyword arguments (a
        subclass adds its own: ``ProblemHit(**ProblemDoc.stored_fields(f), score=…)``)."""
        codes = [t for t in (f.get("types") or "").split(",") if t]
        return {
            "id": f["id"],
            "notice_id": f["notice_id"],
            "organisation": f.get("organisation", ""),
            "title": f.get("title", ""),
            "notice_title": f.get("notice_title", ""),
            "n": f.get("n"),
            "number": f.get("number", ""),
            "province": f.get("province"),
            "city": f.get("city"),
            "district": f.get("district"),
            "year": f.get("year"),
            "inspector": f.get("inspector", ""),
            "published_date": f.get("published_date", ""),
            "status": f.get("status", ""),
            "types": [TypeRef(t, taxonomy.label(t)) for t in codes],
            "measures": list(f.get("measures") or []),
        }

    @classmethod
    def from_stored(cls, f: dict[str, Any]) -> ProblemDoc:
        """The problem (or notice) of a stored index document."""
        return cls(**cls.stored_fields(f))


@dataclass(kw_only=True)
class ProblemHit(ProblemDoc):
    """One search hit (a problem, or a notice with ``kind="notice"``): the problem's fields,
    the snippet both as escaped HTML and as plain text with highlight offsets."""

    kind: str = "problem"
    snippet: str = ""
    score: float = 0.0
    expansions: list[str] = field(default_factory=list)  # thesaurus alternatives found here
    # Found by a query word naming a problem type, not by its words: those types.
    concepts: list[ConceptRef] = field(default_factory=list)
    # Found as like one of the search's few matches (``neighbours``): that match.
    similar_to: LikeRef | None = None
    # The snippet as plain text and the [start, end) offsets of the matches in it: the
    # marks without HTML (``snippet`` is the same window, escaped and marked).
    excerpt: str = ""
    highlights: list[list[int]] = field(default_factory=list)


Hit = ProblemHit  # the name callers used before


@dataclass
class SearchResult:
    query: str
    kind: str
    total: int
    page: int
    per_page: int
    hits: list[ProblemHit]
    facets: dict[str, list[tuple[Any, int]]]
    expansions: list[dict[str, str]]
    messages: list[str]
    seconds: float
    cached: bool = False
    relaxed: str = ""  # the query searched instead (its words split), when it found nothing
    # How many of ``total`` hold the query's words or a thesaurus alternative; the others
    # were found by problem type (concept search, type feedback). None when browsing.
    literal_total: int | None = None
    # A search finding fewer than ``neighbours.MAX_MATCHES`` problems: the problems most
    # like the best of them (first page only; not in ``total`` or the facets).
    similar: list[ProblemHit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The command line's JSON: a hit's ``types`` as codes with ``type_labels`` beside
        them, as it always was."""
        d = asdict(self)
        d["hits"] = [flat_types(h) for h in d["hits"]]
        return d


def flat_types(hit: dict[str, Any]) -> dict[str, Any]:
    """A problem as JSON: ``types`` as codes, ``type_labels`` beside them."""
    out: dict[str, Any] = {}
    for key, value in hit.items():
        if key == "types":
            out["types"] = [t["code"] for t in value]
            out["type_labels"] = [t["label"] for t in value]
        else:
            out[key] = value
    return out


@dataclass
class _Matches:
    compiled: Compiled
    messages: list[str]
    browse: bool
    ids: np.ndarray  # allowed matches, ascending
    scores: np.ndarray | None  # None when browsing
    relaxed: str = ""  # the query searched instead, when the one written found nothing
    literal: int | None = None  # how many of ``ids`` hold the words (None when browsing)
    near: dict[int, Neighbour] = field(default_factory=dict)  # like a match (not in ids)


@lru_cache(maxsize=512)
def _compiled(query: str) -> Compiled:
    """The compiled query of a text (shared: nothing downstream changes it)."""
    return compile_query(parse(query))


def _filter_queries(gen: Generation, filters: dict[str, str] | None, messages: list[str]):
    """Filters given as parameters (facet links): an organisation is matched exactly when
    it is a known unit, so 某镇 does not also select 某镇某村."""
    out: list[Any] = []
    for name, value in (filters or {}).items():
        f = by_name(name)
        if f is None or value is None or str(value).strip() == "":
            continue
        value = str(value).strip()
        if f.match == "unit" and gen.df(f.fields[0], value) > 0:
            out.append(wq.Term(f.fields[0], value))
            continue
        fq = filter_query(name, value, messages)
        if fq is not None:
            out.append(fq)
    return out


def _matches(
    gen: Generation,
    query: str,
    kind: str,
    filters: dict[str, str] | None,
    page_room: int = 0,
) -> _Matches:
    """What a query matches; when nothing, what its words split into their parts match
    (税收减免 → 税收 减免), with a message saying so. ``page_room``: a first page of this
    many results is filled with the problems like the matches when they are fewer
    (``neighbours``)."""
    m = _matches_as_written(gen, query, kind, filters, page_room)
    if m.browse or len(m.ids):
        return m
    parts = relaxed_words(query or "")
    if not parts:
        return m
    try:
        wider = _matches_as_written(gen, " ".join(parts), kind, filters, page_room)
    except QueryTooCostly:
        return m  # the query as written was answered; its wider form is not owed
    if not len(wider.ids):
        return m
    shown = "”“".join(parts)
    note = f"没有找到包含“{query.strip()}”的结果，以下是同时包含“{shown}”的结果"
    return replace(wider, messages=[*m.messages, note], relaxed=" ".join(parts))


def relaxed_words(query: str) -> list[str]:
    """The words of a plain query with each word that holds several words split into them
    (税收减免 → 税收, 减免); [] when none does, or the query is more than plain words."""
    tree = parse(query)
    words = [tree] if isinstance(tree, Word) else tree.children if isinstance(tree, And) else []
    if not words or not all(isinstance(w, Word) and not w.quoted for w in words):
        return []
    out: list[str] = []
    for w in words:
        parts = [p for p, _, _ in analysis.words(w.text) if len(p) >= 2]
        out += parts if len(parts) > 1 else [w.text]
    return out if len(out) > len(words) else []


def _matches_as_written(
    gen: Generation,
    query: str,
    kind: str,
    filters: dict[str, str] | None,
    page_room: int = 0,
) -> _Matches:
    compiled = _compiled(query or "")
    messages = list(compiled.messages)
    if compiled.query is None and (query or "").strip() and not compiled.messages:
        if not any(c.isalnum() for c in query):
            messages.append("查询中没有可检索的文字")
    restrict = _filter_queries(gen, filters, messages)
    q = compiled.query if compiled.query is not None else wq.Every()
    browse = isinstance(q, wq.Every)
    check_budget(gen, wq.And([q, *restrict]) if restrict else q)
    wide = compiled.concept_query
    if wide is not None and not within_budget(gen, wq.And([wide, *restrict]) if restrict else wide):
        compiled = replace(compiled, concept_query=None, concepts=[])  # literal matches only
    # The time budget is for scoring: compiling may first load the dictionaries (seconds).
    ev = Evaluator(gen, deadline=time.perf_counter() + MAX_SECONDS)
    allowed = gen.kind(kind)
    for fq in restrict:
        passing = np.zeros(gen.n, dtype=bool)
        passing[ev.run(fq).ids] = True
        allowed = allowed & passing
    if browse:
        return _Matches(compiled, messages, True, np.flatnonzero(allowed).astype(np.int32), None)
    found: Scored = ev.run(q)
    words = found
    literal = int(np.count_nonzero(allowed[words.ids]))
    if compiled.concept_query is not None:
        found = below_literal(found, ev.run(compiled.concept_query), allowed)
    near: dict[int, Neighbour] = {}
    if compiled.plain and kind == "problem":  # a notice carries too many types to say
        found, compiled = _widened(ev, compiled, found, words.ids, allowed)
        room = page_room - int(np.count_nonzero(allowed[found.ids])) if page_room else 0
        if literal and room > 0:
            seeds = neighbours.seeds(ev.gen, words, allowed)
            shown = found.ids[allowed[found.ids]]  # fewer than the page holds
            near = neighbours.neighbours(ev.gen, seeds, shown, allowed, room)
    keep = allowed[found.ids]
    ids = found.ids[keep]
    return _Matches(compiled, messages, False, ids, found.scores[keep], "", literal, near)


def _widened(
    ev: Evaluator, compiled: Compiled, found: Scored, literal_ids: np.ndarray, allowed: np.ndarray
) -> tuple[Scored, Compiled]:
    """The matches with the problems of the types the literal matches share (``feedback``)
    below them, and the compiled query with that concept, so the hits are marked."""
    named = {code for c in compiled.concepts for code in c.codes}
    found_types = feedback_types(ev.gen, literal_ids, named)
    if not found_types:
        return found, compiled
    codes = tuple(c for c, _ in found_types)
    weights = tuple(w for _, w in found_types)
    wider = below_literal(found, ev.run(Concept(codes, weights)), allowed)
    match = ConceptMatch(" ".join(compiled.terms), codes, weights, tuple(compiled.terms), FEEDBACK)
    return wider, replace(compiled, concepts=[*compiled.concepts, match])


def run_search(
    gen: Generation,
    query: str = "",
    kind: str = "problem",
    filters: dict[str, str] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
) -> SearchResult:
    """A page of results with the total and every facet."""
    t0 = time.perf_counter()
    if kind not in ("problem", "notice"):
        raise ValueError(f"kind must be 'problem' or 'notice', not {kind!r}")
    page = min(max(int(page), 1), MAX_PAGE)
    per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
    room = min(per_page, neighbours.MAX_MATCHES) if page == 1 else 0
    m = _matches(gen, query, kind, filters, page_room=room)
    lo = (page - 1) * per_page
    k = page * per_page
    if m.browse or sort in ("date", "date_asc"):
        pos = gen.top_by_date(m.ids, m.scores, k, oldest_first=sort == "date_asc")
    else:
        pos = gen.top_by_score(m.ids, m.scores, k)
    pos = pos[lo:]
    hits = _hits(gen, m, pos)
    expansions = []
    for e in m.compiled.expansions:
        used = sum(1 for h in hits if e.alternative in h.expansions)
        expansions.append(
            {"term": e.term, "alternative": e.alternative, "relation": e.relation}
            | {"hits_on_page": used}
        )
    return SearchResult(
        query=query or "",
        kind=kind,
        total=len(m.ids),
        page=page,
        per_page=per_page,
        hits=hits,
        facets=gen.facet_counts(m.ids),
        expansions=expansions,
        messages=m.messages,
        seconds=time.perf_counter() - t0,
        relaxed=m.relaxed,
        literal_total=m.literal,
        similar=_similar_hits(gen, m) if page == 1 else [],
    )


def run_export(
    gen: Generation, query: str = "", filters: dict[str, str] | None = None, limit: int = 10_000
) -> list[ProblemHit]:
    """Every matching problem (up to ``limit``), best first (newest first when browsing)."""
    m = _matches(gen, query, "problem", filters)
    if m.browse:
        pos = gen.top_by_date(m.ids, None, limit)
    else:
        pos = gen.top_by_score(m.ids, m.scores, limit)
    return _hits(gen, m, pos)


def _hits(gen: Generation, m: _Matches, pos: np.ndarray) -> list[ProblemHit]:
    out = []
    for p in pos.tolist():
        score = 0.0 if m.scores is None else float(m.scores[p])
        fields, lit = gen.document(int(m.ids[p]))
        hit = make_hit(fields, score, m.compiled.terms, m.compiled.expansions, lit)
        if m.compiled.concepts:
            hit.concepts = _concepts(hit, lit, m.compiled.concepts)
        out.append(hit)
    return out


def _similar_hits(gen: Generation, m: _Matches) -> list[ProblemHit]:
    """The problems like the few matches, most like first, each naming the match."""
    out = []
    for docnum in sorted(m.near, key=lambda d: (-m.near[d].relevance, d)):
        near = m.near[docnum]
        fields, lit = gen.document(docnum)
        hit = make_hit(fields, near.relevance, m.compiled.terms, m.compiled.expansions, lit)
        seed = gen.document(near.seed)[0]
        relevance = round(near.relevance, 3)
        hit.similar_to = LikeRef(
            seed["id"], seed.get("title", ""), relevance, likeness.confidence(relevance)
        )
        out.append(hit)
    return out


def _concepts(hit: ProblemHit, lit: LiteralText, concepts: list[ConceptMatch]) -> list[ConceptRef]:
    codes = [t.code for t in hit.types]
    marks = concept_marks(codes, lit.contains, concepts)
    return [ConceptRef(c, label, by) for c, label, by in marks]


def make_hit(
    f: dict[str, Any],
    score: float,
    terms: list[str],
    expansions: list[Expansion],
    lit: LiteralText | None = None,
) -> ProblemHit:
    text = f.get("text", "")
    lit = LiteralText(text.strip()) if lit is None else lit
    found = [e.alternative for e in expansions if lit.contains(e.alternative)]
    plain, spans = excerpt(text, terms, spans=lit.spans(terms))
    return ProblemHit(
        **ProblemDoc.stored_fields(f),
        kind=f["kind"],
        snippet=mark(plain, spans),
        score=round(abs(float(score or 0.0)), 4),
        expansions=found,
        excerpt=plain,
        highlights=[[a, b] for a, b in spans],
    )
