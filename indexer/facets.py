"""Facet counts over a whole result set, from per-segment value arrays cached in memory.

Whoosh's ``groupedby`` rebuilds its categorizers on every search (about 30 ms per facet
at 15 k documents); segments never change once written, so their values are read once.
"""

from __future__ import annotations

import bisect
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

from indexer.schema import FACETS

MULTI = ("types", "inspection_kind")


class _Segment:
    """Facet values of one segment's documents, indexed by local document number."""

    def __init__(self, reader: Any) -> None:
        n = reader.doc_count_all()
        self.values: dict[str, list[Any]] = {}
        for name, _ in FACETS:
            if name in MULTI:
                lists: list[Any] = [()] * n
                if name in reader.indexed_field_names():
                    for term in reader.field_terms(name):
                        for doc in reader.postings(name, term).all_ids():
                            lists[doc] = (*lists[doc], term)
                self.values[name] = lists
            elif reader.has_column(name):
                self.values[name] = list(reader.column_reader(name))
            else:
                self.values[name] = [None] * n


class FacetCounter:
    """Counts facet values of matched documents; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._segments: dict[str, _Segment] = {}

    def _segment(self, reader: Any) -> _Segment:
        key = reader.segment().segment_id()
        seg = self._segments.get(key)
        if seg is None:
            with self._lock:
                seg = self._segments.get(key)
                if seg is None:
                    seg = _Segment(reader)
                    self._segments[key] = seg
        return seg

    def forget_except(self, keys: Iterable[str]) -> None:
        """Drop cached segments that the index no longer has (after merges)."""
        keep = set(keys)
        with self._lock:
            for k in list(self._segments):
                if k not in keep:
                    del self._segments[k]

    def count(self, searcher: Any, docnums: Iterable[int]) -> dict[str, list[tuple[Any, int]]]:
        docs = sorted(docnums)
        counters = {name: Counter() for name, _ in FACETS}
        if not docs:
            return {name: [] for name, _ in FACETS}
        leaves = searcher.leaf_searchers()
        keys = []
        for sub, offset in leaves:
            reader = sub.reader()
            if reader.segment() is None:
                continue
            keys.append(reader.segment().segment_id())
            end = offset + reader.doc_count_all()
            lo, hi = bisect.bisect_left(docs, offset), bisect.bisect_left(docs, end)
            if lo == hi:
                continue
            seg = self._segment(reader)
            local = [d - offset for d in docs[lo:hi]]
            for name, _ in FACETS:
                values = seg.values[name]
                c = counters[name]
                if name in MULTI:
                    for d in local:
                        c.update(values[d])
                else:
                    c.update(values[d] for d in local)
        if len(self._segments) > len(keys) * 2:
            self.forget_except(keys)
        out = {}
        for name, c in counters.items():
            items = [(k, v) for k, v in c.items() if k not in (None, "", 0)]
            items.sort(key=lambda kv: (-kv[1], str(kv[0])))
            out[name] = items
        return out
