"""A literal-substring query over the bigram field, matched without span machinery.

A string of three or more characters occurs literally when its bigrams sit at consecutive
positions. Whoosh's span queries check that generically, one object per span, and dominated
the search profile (≈ 45 % of a common query at 10 k notices). ``Literal`` walks the posting
lists of the needed bigrams in step (rarest first, skipping by blocks), compares positions
only for documents that hold them all, and scores each match with BM25 as if the whole
string were one term: its own document frequency, its number of occurrences and the field
length. The matches are those of the phrase; only the work differs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh import formats, matching
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher

B = 0.75  # BM25F's defaults (indexer.schema.weighting uses scoring.BM25F())
K1 = 1.2


def checked_offsets(count: int) -> list[int]:
    """Every other bigram and the last: 公务接待 is 公务 then 接待 two positions later.
    Checking half the bigrams finds the same documents as checking all of them."""
    offsets = list(range(0, count, 2))
    if offsets[-1] != count - 1:
        offsets.append(count - 1)
    return offsets


def _postings(reader: Any, fieldname: str, btext: bytes) -> dict[int, Any]:
    """One term's postings in a segment: document number -> encoded positions.

    Read block by block from the W3 codec's arrays (whoosh-reloaded 2.7.5, pinned): the
    dict is built at C speed, and only the documents that hold every needed bigram have
    their positions decoded. Other matchers are read one posting at a time.
    """
    m = reader.postings(fieldname, btext)
    raw = m.child if isinstance(m, FilterMatcher) else m
    if not all(hasattr(raw, a) for a in ("_read_ids", "_read_values", "_next_block")):
        out = {}
        while m.is_active():
            out[m.id()] = m.value()
            m.next()
        return out
    out = {}
    while raw.is_active():
        raw._read_ids()
        raw._read_values()
        out.update(zip(raw._ids, raw._values, strict=True))
        raw._next_block()
    if isinstance(m, FilterMatcher):  # a segment with deleted documents
        for d in reader.deleted_docs_set:
            out.pop(d, None)
    return out


def _position_decoder(field: Any) -> Callable[[bytes], Iterable[int]]:
    """Whoosh's positions decoder, or for its Positions format the same decoding without
    the per-call overhead (a 4-byte count, then the pickled position deltas)."""
    if type(field.format) is not formats.Positions:
        return field.format.decoder("positions")

    def decode(v: bytes) -> Iterable[int]:
        return accumulate(loads(v[4:] if v.endswith(b".") else v[4:] + b"."))

    return decode


def leaf_matches(reader: Any, fieldname: str, grams: list[str]) -> tuple[list[int], list[int]]:
    """Document numbers of one segment whose field holds ``grams`` at consecutive
    positions, with how many times.

    Candidates are the documents holding every checked bigram, narrowed by the other
    bigrams no commoner than those (务接 in 公务接待: cheap to read, and it removes most
    documents that hold 公务 and 接待 apart); positions are decoded only for candidates.
    """
    field = reader.schema[fieldname]
    decode = _position_decoder(field)
    checked = set(checked_offsets(len(grams)))
    terms = []
    for off, gram in enumerate(grams):
        btext = field.to_bytes(gram)
        if (fieldname, btext) not in reader:
            return [], []
        terms.append((reader.doc_frequency(fieldname, btext), off, btext))
    ceiling = max(df for df, off, _ in terms if off in checked)
    terms = sorted(t for t in terms if t[1] in checked or t[0] <= ceiling)
    positional: list[tuple[dict[int, Any], int]] = []
    candidates: set[int] | None = None
    for _, off, btext in terms:
        p = _postings(reader, fieldname, btext)
        if candidates is None:
            candidates = set(p)
        else:
            candidates.intersection_update(p)
        if not candidates:
            return [], []
        if off in checked:
            positional.append((p, off))
    ids: list[int] = []
    tfs: list[int] = []
    for doc in sorted(candidates or ()):
        starts = None
        for p, off in positional:
            here = {q - off for q in decode(p[doc])}
            starts = here if starts is None else starts & here
            if not starts:
                break
        if starts:
            ids.append(doc)
            tfs.append(len(starts))
    return ids, tfs


class Literal(wq.Query):
    """Documents whose ``fieldname`` (a bigram field) contains the string ``grams`` spell."""

    def __init__(self, fieldname: str, grams: list[str], boost: float = 1.0) -> None:
        if len(grams) < 2:
            raise ValueError("a literal of one bigram is a Term query")
        self.fieldname = fieldname
        self.grams = list(grams)
        self.boost = boost
        self._found: dict[int, tuple[list[int], list[int]]] = {}  # per reader, this search

    def __repr__(self) -> str:
        return f"Literal({self.fieldname!r}, {self.text!r}, boost={self.boost})"

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and other.fieldname == self.fieldname
            and other.grams == self.grams
            and other.boost == self.boost
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.fieldname, tuple(self.grams), self.boost))

    def __copy__(self) -> Literal:
        return Literal(self.fieldname, self.grams, self.boost)

    def __deepcopy__(self, memo: dict) -> Literal:
        return self.__copy__()

    @property
    def text(self) -> str:
        return self.grams[0] + "".join(g[-1] for g in self.grams[1:])

    def field(self) -> str:
        return self.fieldname

    def has_terms(self) -> bool:
        return True

    def terms(self, phrases: bool = False):
        for g in self.grams:
            yield (self.fieldname, g)

    def normalize(self) -> Literal:
        return self

    def estimate_size(self, ixreader: Any) -> int:
        field = ixreader.schema[self.fieldname]
        sizes = []
        for g in self.grams:
            btext = field.to_bytes(g)
            sizes.append(ixreader.doc_frequency(self.fieldname, btext))
        return min(sizes) if sizes else 0

    def estimate_min_size(self, ixreader: Any) -> int:
        return 0

    def _matches(self, reader: Any) -> tuple[list[int], list[int]]:
        key = id(reader)
        if key not in self._found:
            self._found[key] = leaf_matches(reader, self.fieldname, self.grams)
        return self._found[key]

    def document_frequency(self, searcher: Any) -> int:
        """Matching documents in the whole index: the literal's own idf."""
        top = searcher.get_parent() if searcher.has_parent() else searcher
        if top.is_atomic():
            return len(self._matches(top.reader())[0])
        return sum(len(self._matches(s.reader())[0]) for s, _ in top.leaf_searchers())

    def scored(
        self, searcher: Any, weighted: bool = True, lengths: Sequence[float] | None = None
    ) -> dict[int, float]:
        """Matches in one segment with their BM25 scores (``searcher`` is atomic).

        ``lengths``: the segment's field lengths by document, when the caller keeps them
        (ranking.Ranker does); otherwise each is looked up."""
        ids, tfs = self._matches(searcher.reader())
        if not ids:
            return {}
        if not weighted:
            return dict.fromkeys(ids, self.boost)
        top = searcher.get_parent() if searcher.has_parent() else searcher
        n = top.doc_count_all()
        idf = math.log(n / (self.document_frequency(searcher) + 1)) + 1
        avg = top.avg_field_length(self.fieldname) or 1
        out = {}
        for doc, tf in zip(ids, tfs, strict=True):
            if lengths is not None:
                length = lengths[doc]
            else:
                length = searcher.doc_field_length(doc, self.fieldname, 1)
            norm = tf + K1 * ((1 - B) + B * length / avg)
            out[doc] = self.boost * idf * tf * (K1 + 1) / norm
        return out

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        if self.fieldname not in searcher.schema:
            return matching.NullMatcher()
        if not searcher.is_atomic():
            return self._multi_matcher(searcher, context)
        weighting = searcher.weighting if context is None else context.weighting
        found = self.scored(searcher, weighted=weighting is not None)
        if not found:
            return matching.NullMatcher()
        return matching.ListMatcher(list(found), weights=list(found.values()))

    def _multi_matcher(self, searcher: Any, context: Any) -> Any:
        ids: list[int] = []
        weights: list[float] = []
        for sub, offset in searcher.leaf_searchers():
            m = self.matcher(sub, context)
            while m.is_active():
                ids.append(m.id() + offset)
                weights.append(m.score())
                m.next()
        return matching.ListMatcher(ids, weights=weights) if ids else matching.NullMatcher()

    def docs(self, searcher: Any):
        if searcher.is_atomic():
            return iter(self._matches(searcher.reader())[0])
        out = []
        for sub, offset in searcher.leaf_searchers():
            out.extend(d + offset for d in self._matches(sub.reader())[0])
        return iter(out)
