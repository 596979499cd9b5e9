"""Exact scores of every match of a compiled query, computed term at a time.

Whoosh scores document at a time through a tree of matchers: several Python calls per
posting per tree level, ≈ 12 µs per hit at 10 k notices, and a search must score every hit
(the total and the facets need them all; Whoosh's block-quality pruning lost top results
in our measurements). Here each term's posting list is read block by block into a dict of
scores and the boolean structure is applied to whole dicts, with the same BM25F formula,
statistics and field lengths as Whoosh. Query parts this module does not know are scored
by Whoosh's own matchers, so any query gives Whoosh's scores.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F, MultiWeighting
from whoosh.util.numeric import byte_to_length

from indexer.literal import Literal

_LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]


def posting_blocks(m: Any) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """A posting list block by block, as (ids, weights) arrays.

    The block arrays are Whoosh's own (the W3 codec of whoosh-reloaded 2.7.5, pinned);
    other matchers are read one posting at a time.
    """
    if not all(hasattr(m, a) for a in ("_read_ids", "_read_weights", "_next_block", "_ids")):
        while m.is_active():
            yield (m.id(),), (m.weight(),)
            m.next()
        return
    while m.is_active():
        m._read_ids()
        m._read_weights()
        yield m._ids, m._weights
        m._next_block()


class Ranker:
    """Scores queries on one index; keeps each segment's field lengths (segments never
    change once written). Safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._per_segment: dict[tuple[str, str], list[float]] = {}

    def forget_except(self, segment_ids: set[str]) -> None:
        with self._lock:
            for key in [k for k in self._per_segment if k[0] not in segment_ids]:
                del self._per_segment[key]

    def lengths(self, reader: Any, fieldname: str) -> list[float]:
        """Every document's length of ``fieldname`` as Whoosh's scorer sees it (one byte
        per document, decoded; 1 when missing)."""
        key = (reader.segment().segment_id(), fieldname)
        with self._lock:
            found = self._per_segment.get(key)
        if found is None:
            found = _read_lengths(reader, fieldname)
            with self._lock:
                self._per_segment[key] = found
        return found

    def column(self, searcher: Any, fieldname: str) -> list[Any]:
        """A sortable field's value for every document, by global number ("" when absent).

        Kept per segment, joined per call (≈ 1 ms at 10 k notices)."""
        out: list[Any] = []
        for sub, _offset in searcher.leaf_searchers():
            reader = sub.reader()
            seg = reader.segment()
            key = (seg.segment_id() if seg is not None else "", f"column:{fieldname}")
            with self._lock:
                found = self._per_segment.get(key)
            if found is None:
                n = reader.doc_count_all()
                found = (
                    list(reader.column_reader(fieldname))
                    if n and reader.has_column(fieldname)
                    else [""] * n
                )
                with self._lock:
                    self._per_segment[key] = found
            out.extend(found)
        return out

    def scores(self, searcher: Any, q: wq.Query) -> dict[int, float]:
        """Every matching document (global number) with its score."""
        out: dict[int, float] = {}
        for sub, offset in searcher.leaf_searchers():
            found = _Leaf(self, searcher, sub).run(q)
            if offset:
                out.update((d + offset, v) for d, v in found.items())
            else:
                out.update(found)
        return out


def _read_lengths(reader: Any, fieldname: str) -> list[float]:
    perdoc = getattr(reader, "_perdoc", None)
    column = None
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        column = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    if column is None:
        return [reader.doc_field_length(d, fieldname, 1) for d in range(reader.doc_count_all())]
    return [_LENGTH_OF_BYTE[b] if b else 1 for b in column]


def bm25_params(searcher: Any, fieldname: str) -> tuple[float, float] | None:
    """(B, K1) when the searcher scores ``fieldname`` with BM25F, else None (Whoosh scores
    an unscorable field, e.g. an ID, by the posting weight alone)."""
    if fieldname not in searcher.schema or not searcher.schema[fieldname].scorable:
        return None
    w = searcher.weighting
    if isinstance(w, MultiWeighting):
        w = w.weightings.get(fieldname, w.default)
    if type(w) is not BM25F:
        return None
    return w._field_B.get(fieldname, w.B), w.K1


class _Leaf:
    def __init__(self, ranker: Ranker, top: Any, sub: Any) -> None:
        self.ranker = ranker
        self.top = top
        self.sub = sub
        self.reader = sub.reader()

    def run(self, q: wq.Query) -> dict[int, float]:
        found = self.eval(q)
        if self.reader.has_deletions() and found:
            for d in self.reader.deleted_docs_set:
                found.pop(d, None)
        return found

    def eval(self, q: wq.Query) -> dict[int, float]:
        if isinstance(q, Literal):
            return q.scored(self.sub, lengths=self.ranker.lengths(self.reader, q.fieldname))
        if type(q) is wq.Term and bm25_params(self.top, q.fieldname) is not None:
            return self.term(q)
        if type(q) in (wq.Or, wq.And) and q.boost == 1.0 and q.subqueries:
            parts = [self.eval(c) for c in q.subqueries]
            return _union(parts) if type(q) is wq.Or else _intersection(parts)
        if type(q) is wq.AndMaybe and q.boost == 1.0:
            required = self.eval(q.a)
            if required:
                for d, v in self.eval(q.b).items():
                    if d in required:
                        required[d] += v
            return required
        if type(q) is wq.AndNot and q.boost == 1.0:
            kept = self.eval(q.a)
            if kept:
                for d in self.eval(q.b):
                    kept.pop(d, None)
            return kept
        return self.whoosh(q)

    def term(self, q: wq.Term) -> dict[int, float]:
        reader = self.reader
        field = reader.schema[q.fieldname]
        try:
            btext = field.to_bytes(q.text)
        except ValueError:
            return {}
        if (q.fieldname, btext) not in reader:
            return {}
        idf = self.top.idf(q.fieldname, btext)
        avg = self.top.avg_field_length(q.fieldname) or 1
        lengths = self.ranker.lengths(reader, q.fieldname)
        b, k1 = bm25_params(self.top, q.fieldname)
        # Whoosh's bm25() with the constants taken out of the loop.
        top_ = idf * (k1 + 1) * q.boost
        c1, c2 = k1 * (1 - b), k1 * b / avg
        m = reader.postings(q.fieldname, btext)
        m = m.child if isinstance(m, FilterMatcher) else m  # deletions: dropped in run()
        out: dict[int, float] = {}
        for ids, weights in posting_blocks(m):
            for d, w in zip(ids, weights, strict=True):
                out[d] = top_ * w / (w + c1 + c2 * lengths[d])
        return out

    def whoosh(self, q: wq.Query) -> dict[int, float]:
        """Any other query part, scored by Whoosh's matcher for it."""
        m = q.matcher(self.sub)
        out: dict[int, float] = {}
        while m.is_active():
            out[m.id()] = m.score()
            m.next()
        return out


def _union(parts: list[dict[int, float]]) -> dict[int, float]:
    parts = sorted(parts, key=len, reverse=True)
    out = dict(parts[0])
    for p in parts[1:]:
        for d, v in p.items():
            out[d] = out.get(d, 0.0) + v
    return out


def _intersection(parts: list[dict[int, float]]) -> dict[int, float]:
    parts = sorted(parts, key=len)
    out = dict(parts[0])
    for p in parts[1:]:
        out = {d: v + p[d] for d, v in out.items() if d in p}
        if not out:
            break
    return out
