"""Turn a parsed query tree (``querying``) into a Whoosh query.

Every word must occur literally (a phrase of its bigrams on the literal field); whole-word
matches on the jieba fields add to the score; thesaurus alternatives are weaker optional
matches; quoted phrases are never expanded. A second query (``Compiled.concept_query``) also
lets a word match the problems of the types it names (``concepts``); the search ranks those
below every literal match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from indexer import analysis, filters, taxonomy
from indexer.concepts import MAX_TYPES_PER_QUERY, Concept, ConceptMatch, concept_types
from indexer.literal import Literal
from indexer.querying import And, Filter, Node, Not, Or, Word, is_plain
from indexer.thesaurus import load_thesaurus

SYNONYM_BOOST = 0.5
NARROWER_BOOST = 0.4


@dataclass
class Expansion:
    term: str
    alternative: str
    relation: str  # "synonym" | "narrower"


@dataclass
class Compiled:
    query: wq.Query | None
    terms: list[str] = field(default_factory=list)  # literal strings to highlight
    expansions: list[Expansion] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # what was ignored, for the user
    # The query with concept matches (None when no word names a problem type).
    concept_query: wq.Query | None = None
    concepts: list[ConceptMatch] = field(default_factory=list)
    # Unquoted words only (``querying.is_plain``): type feedback may widen it.
    plain: bool = False


def literal_query(fieldname: str, text: str) -> wq.Query | None:
    """Matches documents whose ``fieldname`` contains ``text`` literally."""
    grams = analysis.query_bigrams(text)
    if not grams:
        return None
    if len(grams) == 1:
        g = grams[0]
        return wq.Term(fieldname, g) if len(g) == 2 else wq.Prefix(fieldname, g)
    return Literal(fieldname, grams)


def _word_boost(text: str) -> wq.Query | None:
    ws = [w for w, _, _ in analysis.words(text)]
    if not ws:
        return None
    if len(ws) == 1:
        return wq.Or([wq.Term("title_words", ws[0]), wq.Term("words", ws[0])])
    return wq.Or([wq.Phrase("title_words", ws), wq.Phrase("words", ws)])


def _year_range(value: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"\s*(\d{4})\s*(?:-|~|至|到)?\s*(\d{4})?\s*年?\s*", value)
    if not m:
        return None
    a = int(m.group(1))
    b = int(m.group(2)) if m.group(2) else a
    return (min(a, b), max(a, b))


def type_code(value: str) -> str | None:
    """The code of a problem type given by code or by Chinese label."""
    for t in taxonomy.load_types():
        if value in (t.code, t.label):
            return t.code
    return None


def type_codes(value: str) -> list[str]:
    """The type codes a ``type`` filter value selects: a code or label, an area, or any part
    of a label or a trigger term (all the types it fits); [] when it fits none."""
    return taxonomy.find_types(value)


def unknown_type(value: str) -> str:
    """What to tell a user whose ``type`` value fits no type: the labels that look close."""
    close = taxonomy.close_labels(value)
    if close:
        return f"没有名为“{value}”的问题类型。相近的类型：{'、'.join(close)}"
    return f"没有名为“{value}”的问题类型。可以写类型名称的一部分，如 type:三重一大"


def _unit(f: filters.Filter, value: str, messages: list[str]) -> wq.Query | None:
    exact, lit_field = f.fields
    lit = literal_query(lit_field, value)
    return wq.Or([wq.Term(exact, value)] + ([lit] if lit else []))


def _place(f: filters.Filter, value: str, messages: list[str]) -> wq.Query | None:
    *exact, lit_field = f.fields
    lit = literal_query(lit_field, value)
    return wq.Or([wq.Term(name, value) for name in exact] + ([lit] if lit else []))


def _year(f: filters.Filter, value: str, messages: list[str]) -> wq.Query | None:
    rng = _year_range(value)
    if rng is None:
        messages.append(f"{f.label}“{value}”格式无效（应为 2021 或 2020-2022），已忽略")
        return None
    return wq.NumericRange(f.fields[0], rng[0], rng[1])


def _type(f: filters.Filter, value: str, messages: list[str]) -> wq.Query | None:
    codes = type_codes(value)
    if not codes:
        messages.append(unknown_type(value))
        return wq.NullQuery
    terms = [wq.Term(f.fields[0], code) for code in codes]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def _inspector(f: filters.Filter, value: str, messages: list[str]) -> wq.Query | None:
    level_field, lit_field = f.fields
    if value in filters.INSPECTOR_LEVELS:
        return wq.Term(level_field, value)
    return literal_query(lit_field, value)


def _exact(f: filters.Filter, value: str, messages: list[str]) -> wq.Query | None:
    return wq.Term(f.fields[0], value)


def _text(f: filters.Filter, value: str, messages: list[str]) -> wq.Query | None:
    return literal_query(f.fields[0], value)


_MATCHERS = {
    "unit": _unit,
    "place": _place,
    "year": _year,
    "type": _type,
    "inspector": _inspector,
    "exact": _exact,
    "text": _text,
}


def filter_query(name: str, value: str, messages: list[str]) -> wq.Query | None:
    """A field filter, from the query language or from a facet link (``indexer.filters``
    says which fields a filter reads and how)."""
    value = value.strip()
    if not value:
        return None
    f = filters.by_name(name)
    if f is None:
        messages.append(f"未知的筛选条件“{name}”，已忽略")
        return None
    return _MATCHERS[f.match](f, value, messages)


class _Compiler:
    def __init__(self, expand: bool, concepts: bool = False) -> None:
        self.expand = expand
        self.out = Compiled(None)
        self.thesaurus = load_thesaurus() if expand else None
        self.concepts = concepts
        self.seen: set[tuple[str, bool]] = set()
        self.concept_types = 0

    def word(self, w: Word) -> wq.Query | None:
        key = (w.text, w.quoted)
        if key in self.seen:
            return None  # a repeated word adds nothing but cost
        self.seen.add(key)
        must = literal_query("lit", w.text)
        if must is None:
            return None
        self.out.terms.append(w.text)
        alternatives: list[wq.Query] = [must]
        if not w.quoted and self.thesaurus is not None:
            for alt, relation in self.thesaurus.expand(w.text):
                q = literal_query("lit", alt)
                if q is None:
                    continue
                boost = SYNONYM_BOOST if relation == "synonym" else NARROWER_BOOST
                alternatives.append(q.with_boost(boost))
                self.out.terms.append(alt)
                self.out.expansions.append(Expansion(w.text, alt, relation))
        required = alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)
        boost = _word_boost(w.text)
        q = wq.AndMaybe(required, boost) if boost is not None else required
        concept = self.concept(w) if self.concepts and self.thesaurus is not None else None
        return q if concept is None else wq.Or([q, concept])

    def concept(self, w: Word) -> Concept | None:
        """The types an unquoted word names, within the per-query cap."""
        if w.quoted:
            return None
        room = MAX_TYPES_PER_QUERY - self.concept_types
        found = concept_types(w.text)[: max(0, room)]
        if not found:
            return None
        self.concept_types += len(found)
        codes = tuple(c for c, _ in found)
        weights = tuple(x for _, x in found)
        literal = (w.text, *(e.alternative for e in self.out.expansions if e.term == w.text))
        self.out.concepts.append(ConceptMatch(w.text, codes, weights, literal))
        return Concept(codes, weights)

    def node(self, n: Node) -> wq.Query | None:
        if isinstance(n, Word):
            return self.word(n)
        if isinstance(n, Filter):
            return filter_query(n.name, n.value, self.out.messages)
        if isinstance(n, Not):
            inner = self._quiet(n.child)
            return wq.Not(inner) if inner is not None else None
        if isinstance(n, And):
            return self.conj(n.children)
        if isinstance(n, Or):
            parts = []
            for c in n.children:
                q = self.node(c)
                if isinstance(q, wq.Not):
                    q = wq.AndNot(wq.Every(), q.query)
                if q is not None:
                    parts.append(q)
            if not parts:
                return None
            return parts[0] if len(parts) == 1 else wq.Or(parts)
        return None

    def _quiet(self, n: Node) -> wq.Query | None:
        """Compile a negated part: its words are neither highlighted nor expanded."""
        saved_terms, saved_exp = list(self.out.terms), list(self.out.expansions)
        saved_concepts = list(self.out.concepts)
        thesaurus, self.thesaurus = self.thesaurus, None
        seen, self.seen = self.seen, set()
        try:
            return self.node(n)
        finally:
            self.thesaurus, self.seen = thesaurus, seen
            self.out.terms, self.out.expansions = saved_terms, saved_exp
            self.out.concepts = saved_concepts

    def conj(self, children: list[Node]) -> wq.Query | None:
        pos: list[wq.Query] = []
        neg: list[wq.Query] = []
        for c in children:
            q = self.node(c)
            if q is None:
                continue
            if isinstance(q, wq.Not):
                neg.append(q.query)
            else:
                pos.append(q)
        if not pos and not neg:
            return None
        base: wq.Query = wq.Every() if not pos else (pos[0] if len(pos) == 1 else wq.And(pos))
        if neg:
            return wq.AndNot(base, neg[0] if len(neg) == 1 else wq.Or(neg))
        return base


def _top(c: _Compiler, tree: Node) -> wq.Query | None:
    q = c.node(tree)
    if isinstance(q, wq.Not):
        q = wq.AndNot(wq.Every(), q.query)
    return q


def compile_query(tree: Node | None, expand: bool = True, concepts: bool = True) -> Compiled:
    """The literal query (thesaurus alternatives included) and, when a word names a
    problem type, the same query with concept matches beside it."""
    c = _Compiler(expand)
    if tree is None:
        return c.out
    c.out.query = _top(c, tree)
    c.out.plain = is_plain(tree)
    if expand and concepts:
        wide = _Compiler(expand, concepts=True)
        q = _top(wide, tree)
        if wide.out.concepts:
            c.out.concept_query = q
            c.out.concepts = wide.out.concepts
    return c.out
