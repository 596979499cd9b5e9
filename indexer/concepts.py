"""Concept search: a query word that names a problem type also finds that type's problems.

Users type the name of a kind of problem (理论学习, 津补贴, 三重一大) and expect the problems
of that kind even when they are written in other words (“第一议题”制度落实不严格, 违规发放误工
补贴). A word names a type when it is one of the type's label parts or trigger terms
(``data/problem_types.tsv``), when a thesaurus alternative of it is (``data/thesaurus.txt``),
when it heads an area's label (采购 for 采购/招投标/合同/工程: the area's types, weaker), or
when it is a large part of only a few type names (议事 → 议事规则, weaker still).

Such problems are *concept matches*: they are added below every literal match (see
``ranking.below_literal``) and marked on the hit with the type they matched by. Quoted
phrases and negated words are never expanded, and the number of types per word and per
query is capped so an expanded query stays within the cost budget.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from whoosh import query as wq

from archive.normalize import normalize
from indexer import taxonomy
from indexer.thesaurus import SYNONYM, load_boilerplate, load_thesaurus

MAX_TYPES_PER_WORD = 6  # a word naming more types than this is cut to its best ones
MAX_TYPES_PER_QUERY = 12  # across all the words of one query
MAX_PARTIAL_TYPES = 4  # a fragment found in more types' names than this is too vague

EXACT = 1.0  # the word is a part of the type's label
TRIGGER_WEIGHT = 0.9  # the word is one of the type's trigger terms
SYNONYM_WEIGHT = 0.8  # a synonym of the word is
NARROWER_WEIGHT = 0.6  # a narrower term of the word is
AREA_WEIGHT = 0.5  # the word heads the label of the type's area (at most 6 types)
PARTIAL_WEIGHT = 0.5  # the word is at least half of a part of the type's label
CONTAINED_WEIGHT = 0.5  # the word holds a type's trigger (违规发放奖金 holds 发放奖金)

NAMED = "named"
FEEDBACK = "feedback"

_QUOTES = re.compile(r"[“”\"‘’'「」]")
_PAREN = re.compile(r"[(（][^)）]*[)）]")


@dataclass(frozen=True)
class ConceptMatch:
    """The types one query word was expanded to, and the words that make a hit literal."""

    term: str
    codes: tuple[str, ...]
    weights: tuple[float, ...]
    literal: tuple[str, ...]  # the word and its thesaurus alternatives
    # NAMED: the word names the types; FEEDBACK: the query's literal matches share them.
    source: str = NAMED


class Concept(wq.Query):
    """Documents tagged with any of ``codes``; scored by ``ranking.Evaluator.concept``."""

    def __init__(self, codes: Sequence[str], weights: Sequence[float], boost: float = 1.0):
        self.codes = tuple(codes)
        self.weights = tuple(weights)
        self.boost = boost

    def __repr__(self) -> str:
        return f"Concept({self.codes!r}, {self.weights!r}, boost={self.boost})"

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and other.codes == self.codes
            and other.weights == self.weights
            and other.boost == self.boost
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.codes, self.weights, self.boost))

    def field(self) -> str:
        return "types"

    def has_terms(self) -> bool:
        return True

    def terms(self, phrases: bool = False) -> Iterable[tuple[str, str]]:
        for c in self.codes:
            yield ("types", c)

    def normalize(self) -> Concept:
        return self

    def _as_whoosh(self, searcher: Any | None = None) -> wq.Query:
        """One term per type, boosted by weight × idf (the index-wide idf when a searcher
        is given), as ``ranking.Evaluator.concept`` scores it."""
        top = None
        if searcher is not None:
            top = searcher.get_parent() if searcher.has_parent() else searcher
        terms = []
        for code, weight in zip(self.codes, self.weights, strict=True):
            idf = 1.0 if top is None else concept_idf(top.doc_count_all(), _df(top, code))
            terms.append(wq.Term("types", code, boost=self.boost * weight * idf))
        return wq.Or(terms)

    def estimate_size(self, ixreader: Any) -> int:
        return self._as_whoosh().estimate_size(ixreader)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """Whoosh's own matcher, with the same scores as the array scorer (tests' oracle)."""
        return self._as_whoosh(searcher).matcher(searcher, context)


def concept_idf(documents: int, df: int) -> float:
    """How much holding one type says: a rare type more than a common one."""
    return math.log(documents / (df + 1)) + 1 if documents else 0.0


def _df(searcher: Any, code: str) -> int:
    try:
        return searcher.doc_frequency("types", code)
    except (KeyError, ValueError):
        return 0


def _names(label: str) -> list[str]:
    """The parts of a label a user may type: 津补贴/福利/慰问金 → 津补贴, 福利, 慰问金;
    “第一议题”制度 → 第一议题制度; 因私出国（境） → 因私出国."""
    out: list[str] = []
    for part in normalize(label).split("/"):
        part = _QUOTES.sub("", part).strip()
        for name in (part, _PAREN.sub("", part).strip()):
            if len(name) >= 2 and name not in out:
                out.append(name)
    return out


@dataclass(frozen=True)
class _Vocabulary:
    exact: dict[str, dict[str, float]]  # folded name → {type code: weight}
    labels: dict[str, tuple[str, ...]]  # label parts → type codes
    order: dict[str, int]  # type code → file position


def _add(table: dict[str, dict[str, float]], name: str, code: str, weight: float) -> None:
    bucket = table.setdefault(name, {})
    bucket[code] = max(bucket.get(code, 0.0), weight)


@cache
def _vocabulary() -> _Vocabulary:
    types = taxonomy.load_types()
    exact: dict[str, dict[str, float]] = {}
    labels: dict[str, list[str]] = {}
    for t in types:
        plain = [normalize(x) for x in t.terms if not x.startswith(taxonomy.REGEX_PREFIX)]
        for name in plain:
            _add(exact, name, t.code, TRIGGER_WEIGHT)
        for name in _names(t.label):
            _add(exact, name, t.code, EXACT)
            labels.setdefault(name, []).append(t.code)
    for area in taxonomy.load_areas():
        members = [t.code for t in types if t.area == area.code]
        heads = _names(area.label)
        if len(members) > MAX_TYPES_PER_WORD or not heads:
            continue  # a wide area (民生/社会事业) names no kind of problem in particular
        for code in members:  # only the head of the label names the whole area:
            _add(exact, heads[0], code, AREA_WEIGHT)  # 采购/招投标/… but not 理论学习
    order = {t.code: i for i, t in enumerate(types)}
    return _Vocabulary(exact, {k: tuple(v) for k, v in labels.items()}, order)


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(normalize(w) for w in load_boilerplate())


def _partial(word: str, vocab: _Vocabulary) -> dict[str, float]:
    """Types whose name the word makes up at least half of (议事 → 议事规则, 谈话 → 谈心
    谈话), when there are only a few such types. Names only: a fragment of a trigger
    (台账 of 整改台账) says too little about the kind of problem."""
    found: dict[str, float] = {}
    for name, codes in vocab.labels.items():
        if word in name and len(word) * 2 >= len(name):
            for c in codes:
                found[c] = PARTIAL_WEIGHT
    return found if len(found) <= MAX_PARTIAL_TYPES else {}


def _contained(word: str) -> dict[str, float]:
    """Types the problem tagger finds in the word itself: a word no list names but that
    holds a trigger (违规发放奖金, 骗取补助资金), as a problem's statement would be read. Only
    when it finds a few: a long word holding many triggers names no kind in particular."""
    codes = taxonomy.tag(word)
    return {c: CONTAINED_WEIGHT for c in codes} if len(codes) <= MAX_PARTIAL_TYPES else {}


@lru_cache(maxsize=4096)
def concept_types(word: str) -> tuple[tuple[str, float], ...]:
    """(type code, weight) pairs a query word names, best first, at most
    ``MAX_TYPES_PER_WORD``; () for generic words (规范, 管理 …) and single characters."""
    word = normalize(word).strip()
    if len(word) < 2 or word in _stopwords():
        return ()
    vocab = _vocabulary()
    found: dict[str, float] = dict(vocab.exact.get(word, {}))
    for alt, relation in load_thesaurus().expand(word):
        w = SYNONYM_WEIGHT if relation == SYNONYM else NARROWER_WEIGHT
        for code, base in vocab.exact.get(alt, {}).items():
            found[code] = max(found.get(code, 0.0), base * w)
    if not found:
        for code, w in _partial(word, vocab).items():
            found[code] = max(found.get(code, 0.0), w)
    if not found:
        found = _contained(word)
    ranked = sorted(found.items(), key=lambda kv: (-kv[1], vocab.order.get(kv[0], 0)))
    return tuple(ranked[:MAX_TYPES_PER_WORD])


def concept_marks(
    types: Sequence[str], contains: Any, concepts: Sequence[ConceptMatch]
) -> list[tuple[str, str, str]]:
    """(code, label, source) of the types a hit was found by: for each concept word the hit
    does not contain (nor any thesaurus alternative of it), the hit's types the word names
    most strongly, and how the word came to them (``ConceptMatch.source``).
    ``contains(term)`` says whether the hit's text holds ``term`` literally."""
    held = set(types)
    out: list[tuple[str, str, str]] = []
    for c in concepts:
        if any(contains(t) for t in c.literal):
            continue
        mine = [(code, w) for code, w in zip(c.codes, c.weights, strict=True) if code in held]
        best = max((w for _, w in mine), default=0.0)
        for code, w in mine:
            if w == best and all(code != o for o, _, _ in out):
                out.append((code, taxonomy.label(code), c.source))
    return out
