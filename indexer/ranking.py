"""Exact scores of every match of a compiled query, vectorised over a generation's arrays.

Whoosh scores document at a time through a tree of matchers (several Python calls per
posting per level), and a search must score every match: the total and the facets need them
all. Here each query term's postings come decoded from the generation's cache and the
boolean structure is applied to whole arrays, with the same BM25F formula, statistics and
field lengths as Whoosh (``tests/test_ranking.py`` pins the scores against Whoosh's own).
Query parts this module does not know are scored by Whoosh's own matchers.

Every query first gets a cost: the postings it would read and its number of terms. A query
over the budget is refused with ``QueryTooCostly`` before any posting is read, and one that
runs past the time budget is stopped between two parts.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.concepts import Concept, concept_idf
from indexer.errors import QueryTooCostly
from indexer.generation import Generation, SegmentArrays
from indexer.literal import Literal
from indexer.postings import bm25_params, idf

# Budgets. Postings are counted per distinct term as its document frequency (a posting
# list is read whole), relative to the index size so that the limit means the same work at
# any size: the ordinary queries of the bench mix and tests/data/queries.json read at most
# 1.6 × the documents at 1 k notices (tests/test_querying.py pins that they pass).
MAX_POSTINGS_PER_DOC = 8  # postings read ≤ this × documents in the index
MIN_POSTINGS = 2_000  # … but a tiny index may always read this many
MAX_TERMS = 150  # distinct terms, thesaurus alternatives included (a prefix or a literal
# phrase counts once)
MAX_NEGATED = 30  # distinct terms under a negation (each is read whole to exclude)
MAX_SECONDS = 5.0  # wall time for scoring one query
CONCEPT_BAND = 0.9  # concept-only matches score at most this × the lowest literal match


@dataclass
class Scored:
    """Matching documents (global numbers, ascending) and their scores."""

    ids: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Cost:
    postings: int = 0
    terms: int = 0
    negated: int = 0


_EMPTY = Scored(np.zeros(0, np.int32), np.zeros(0, np.float64))


def _leaves(node: Any) -> int:
    """How many leaf conditions (words, phrases, literal matches, types) ``node`` holds."""
    if isinstance(node, wq.CompoundQuery | wq.BinaryQuery):
        return sum(_leaves(c) for c in node.children())
    if isinstance(node, wq.Not):
        return _leaves(node.query)
    return 0 if node is wq.NullQuery else 1


def estimate(gen: Generation, q: Any) -> Cost:
    """What scoring ``q`` reads: distinct terms and the sum of their document frequencies."""
    seen: set[tuple[str, str]] = set()  # terms read
    conditions: set[tuple[str, str]] = set()  # terms and phrases counted
    cost = Cost()

    def read(fieldname: str, text: str) -> None:
        if (fieldname, text) not in seen:
            seen.add((fieldname, text))
            cost.postings += gen.df(fieldname, text)

    def term(fieldname: str, text: str) -> None:
        read(fieldname, text)
        if (fieldname, text) not in conditions:
            conditions.add((fieldname, text))
            cost.terms += 1

    def walk(node: Any, negated: bool = False) -> None:
        if negated:
            # Each excluded condition counts once, however many terms it reads (a long
            # excluded phrase is one condition; what it reads is in the postings budget).
            cost.negated += _leaves(node)
            walk(node)
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            walk(node.b, negated=True)
        elif isinstance(node, wq.Not):
            walk(node.query, negated=True)
        elif isinstance(node, Literal | wq.Phrase):
            # A phrase is one condition however long: its grams or words are read in full
            # (priced in postings) but add no breadth the way OR-ed words do.
            parts = node.grams if isinstance(node, Literal) else node.words
            phrase = (node.fieldname, "\0".join(parts))
            if phrase not in conditions:
                conditions.add(phrase)
                cost.terms += 1
            for part in parts:
                read(node.fieldname, part)
        elif isinstance(node, Concept):
            for code in node.codes:
                term("types", code)
        elif isinstance(node, wq.Term):
            term(node.fieldname, node.text)
        elif type(node) is wq.Prefix:
            cost.terms += 1
            for t in gen.prefix_terms(node.fieldname, node.text):
                read(node.fieldname, t)
        elif isinstance(node, wq.Every):
            cost.postings += gen.n
        elif isinstance(node, wq.CompoundQuery | wq.BinaryQuery | wq.Not):
            for child in node.children():
                walk(child)
        elif node is not wq.NullQuery:
            cost.terms += 1
            try:
                cost.postings += int(node.estimate_size(gen.searcher.reader()))
            except Exception:  # a part Whoosh cannot size is priced as reading everything
                cost.postings += gen.n

    walk(q)
    return cost


def postings_limit(gen: Generation) -> int:
    """The most postings one query may read on this generation."""
    return max(MIN_POSTINGS, MAX_POSTINGS_PER_DOC * gen.n)


def within_budget(gen: Generation, q: Any) -> bool:
    """Whether ``q`` stays within every budget: a query's concept expansion is dropped,
    not refused, when it would not (the literal query was checked on its own)."""
    cost = estimate(gen, q)
    return (
        cost.terms <= MAX_TERMS
        and cost.negated <= MAX_NEGATED
        and cost.postings <= postings_limit(gen)
    )


def check_budget(gen: Generation, q: Any) -> Cost:
    """Refuse (400) a query that would read more than the budget allows."""
    cost = estimate(gen, q)
    limit = postings_limit(gen)
    if cost.terms > MAX_TERMS:
        raise QueryTooCostly(
            f"查询过于复杂：含 {cost.terms} 个检索词（含同义扩展），上限为 {MAX_TERMS}。"
            "请减少词语或用引号检索整句"
        )
    if cost.negated > MAX_NEGATED:
        raise QueryTooCostly(
            f"查询的排除条件过多：共 {cost.negated} 个排除的检索词，上限为 {MAX_NEGATED}。"
            "请减少 -词 或 NOT 条件"
        )
    if cost.postings > limit:
        raise QueryTooCostly(
            "查询过于宽泛，计算量超出限制：请减少单字词、OR 和排除条件，"
            "或改用更具体的词语（如用引号检索整个短语）"
        )
    return cost


_MEMO_TYPES = (wq.Or, wq.And, wq.AndMaybe, wq.AndNot, Literal)


class Evaluator:
    """Scores one query on one generation; ``deadline`` is a ``time.perf_counter`` value."""

    def __init__(self, gen: Generation, deadline: float | None = None) -> None:
        self.gen = gen
        self.deadline = deadline
        # Parts already scored in this search, by value: the concept query repeats the
        # literal query's parts, which are then not scored twice.
        self._memo: dict[tuple[Any, float], Scored] = {}

    def run(self, q: Any) -> Scored:
        return self.eval(q)

    def _tick(self) -> None:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise QueryTooCostly("查询耗时过长，已停止：请改用更具体的词语，或稍后再试", 503)

    def eval(self, q: Any) -> Scored:
        self._tick()
        if isinstance(q, wq.NullQuery.__class__):
            return _EMPTY
        if type(q) not in _MEMO_TYPES:
            return self._eval(q)
        key = (q, q.boost)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._eval(q)
        return found

    def _eval(self, q: Any) -> Scored:
        if isinstance(q, Literal):
            return self.literal(q)
        if isinstance(q, Concept):
            return self.concept(q)
        if type(q) is wq.Term and bm25_params(self.gen.searcher, q.fieldname) is not None:
            return self.term(q)
        if type(q) in (wq.Or, wq.And) and q.boost == 1.0 and q.subqueries:
            parts = [self.eval(c) for c in q.subqueries]
            return self._union(parts) if type(q) is wq.Or else self._intersection(parts)
        if type(q) is wq.AndMaybe and q.boost == 1.0:
            required = self.eval(q.a)
            if not len(required):
                return required
            optional = self.eval(q.b)
            acc = np.zeros(self.gen.n, dtype=np.float64)
            acc[optional.ids] = optional.scores
            return Scored(required.ids, required.scores + acc[required.ids])
        if type(q) is wq.AndNot and q.boost == 1.0:
            kept = self.eval(q.a)
            if not len(kept):
                return kept
            drop = np.zeros(self.gen.n, dtype=bool)
            drop[self.eval(q.b).ids] = True
            keep = ~drop[kept.ids]
            return Scored(kept.ids[keep], kept.scores[keep])
        ids, scores = self.gen.whoosh(q)
        return Scored(ids, scores)

    def term(self, q: wq.Term) -> Scored:
        gen = self.gen
        if gen.df(q.fieldname, q.text) == 0:
            return _EMPTY
        ids, weights = gen.term(q.fieldname, q.text)
        if not len(ids):
            return _EMPTY
        b, k1 = bm25_params(gen.searcher, q.fieldname)
        avg = gen.avg_length(q.fieldname)
        # Whoosh's bm25() with the constants taken out of the loop.
        top = idf(gen.searcher, q.fieldname, q.text) * (k1 + 1) * q.boost
        c1, c2 = k1 * (1 - b), k1 * b / avg
        w = weights.astype(np.float64)
        return Scored(ids, top * w / (w + c1 + c2 * gen.lengths(q.fieldname)[ids]))

    def literal(self, q: Literal) -> Scored:
        """BM25 as if the whole string were one term: its own document frequency (matching
        live documents), its number of occurrences and the field length."""
        gen = self.gen
        ids, tfs = gen.literal(q.fieldname, q.grams)
        if not len(ids):
            return _EMPTY
        params = bm25_params(gen.searcher, q.fieldname)
        if params is None:
            return Scored(ids, np.full(len(ids), q.boost, dtype=np.float64))
        b, k1 = params
        idf = math.log(gen.n / (len(ids) + 1)) + 1
        avg = gen.avg_length(q.fieldname)
        tf = tfs.astype(np.float64)
        norm = tf + k1 * ((1 - b) + b * gen.lengths(q.fieldname)[ids] / avg)
        return Scored(ids, q.boost * idf * tf * (k1 + 1) / norm)

    def concept(self, q: Concept) -> Scored:
        """Documents tagged with any of the concept's types: the sum over the types they
        hold of weight × idf (a rare type says more than a common one)."""
        gen = self.gen
        acc = np.zeros(gen.n, dtype=np.float64)
        seen = np.zeros(gen.n, dtype=bool)
        for code, weight in zip(q.codes, q.weights, strict=True):
            ids, _ = gen.term("types", code)
            if not len(ids):
                continue
            acc[ids] += q.boost * weight * concept_idf(gen.n, gen.df("types", code))
            seen[ids] = True
        ids = np.flatnonzero(seen).astype(np.int32)
        return Scored(ids, acc[ids])

    def _union(self, parts: list[Scored]) -> Scored:
        parts = [p for p in parts if len(p)]
        if not parts:
            return _EMPTY
        if len(parts) == 1:
            return parts[0]
        acc = np.zeros(self.gen.n, dtype=np.float64)
        seen = np.zeros(self.gen.n, dtype=bool)
        for p in sorted(parts, key=len, reverse=True):  # the order the sums were pinned in
            acc[p.ids] += p.scores
            seen[p.ids] = True
        ids = np.flatnonzero(seen).astype(np.int32)
        return Scored(ids, acc[ids])

    def _intersection(self, parts: list[Scored]) -> Scored:
        if any(not len(p) for p in parts):
            return _EMPTY
        if len(parts) == 1:
            return parts[0]
        parts = sorted(parts, key=len)
        acc = np.zeros(self.gen.n, dtype=np.float64)
        count = np.zeros(self.gen.n, dtype=np.int32)
        for p in parts:
            acc[p.ids] += p.scores
            count[p.ids] += 1
        ids = parts[0].ids[count[parts[0].ids] == len(parts)]
        return Scored(ids, acc[ids])


def below_literal(literal: Scored, wide: Scored, allowed: np.ndarray) -> Scored:
    """The literal matches with their own scores, then the matches only the concept query
    found, scaled so the best of them stays below the lowest allowed literal match: a
    concept match never pushes a literal one down. Ids ascending, as every ``Scored``."""
    n = len(allowed)
    is_literal = np.zeros(n, dtype=bool)
    is_literal[literal.ids] = True
    extra = ~is_literal[wide.ids] & allowed[wide.ids]
    extra_ids, extra_scores = wide.ids[extra], wide.scores[extra]
    if not len(extra_ids):
        return literal
    floor_scores = literal.scores[allowed[literal.ids]]
    if len(floor_scores):
        ceiling = CONCEPT_BAND * float(floor_scores.min())
        top = float(extra_scores.max())
        if top > ceiling and top > 0:
            extra_scores = extra_scores * (ceiling / top)
    ids = np.concatenate([literal.ids, extra_ids])
    scores = np.concatenate([literal.scores, extra_scores])
    order = np.argsort(ids, kind="stable")
    return Scored(ids[order].astype(np.int32), scores[order])


class Ranker:
    """Scores of every match of a query on a searcher, as a dict (tests and tools)."""

    def __init__(self) -> None:
        self._segments = SegmentArrays()

    def scores(self, searcher: Any, q: wq.Query) -> dict[int, float]:
        found = Evaluator(Generation(searcher, self._segments)).run(q)
        return dict(zip(found.ids.tolist(), found.scores.tolist(), strict=True))
