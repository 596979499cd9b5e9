"""One index generation (one Whoosh searcher) as numpy arrays: the in-memory postings layer.

A generation numbers every document globally (segment offset + local number) and holds,
decoded once: the live-document mask, field lengths, facet columns, the date order and an
LRU cache (bounded by bytes) of decoded posting lists and literal matches. Per-segment
arrays are shared between generations (segments never change once written), so a refresh
after an ingest decodes only the new segment. Whoosh stays the on-disk truth; every read of
its internals is in ``postings``.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.fields import NUMERIC

from indexer import fieldarrays, filters, postings
from indexer.highlight import LiteralText
from indexer.schema import FACETS

MULTI = filters.MULTI_FIELDS  # comma-separated keyword fields: several values each
DOC_CACHE = 2048  # stored fields and literal streams of recent hits (≈ 8 KB each)
ARRAYS_RETRY_SECONDS = 5.0  # how often a segment without field arrays looks for them again
DEFAULT_CACHE_MB = 96  # decoded postings per process; NOTICES_POSTINGS_CACHE_MB sets it


def cache_bytes() -> int:
    env = os.environ.get("NOTICES_POSTINGS_CACHE_MB", "")
    return (int(env) if env.isdigit() else DEFAULT_CACHE_MB) * 1024 * 1024


class ByteLRU:
    """A least-recently-used cache bounded by the bytes of its numpy values."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: Any, nbytes: int) -> None:
        if nbytes > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._items[key] = (value, nbytes)
            self.bytes += nbytes
            while self.bytes > self.max_bytes and self._items:
                _, (_, size) = self._items.popitem(last=False)
                self.bytes -= size

    def keys(self) -> list[Hashable]:
        """Most recently used first."""
        with self._lock:
            return list(reversed(self._items))

    def __len__(self) -> int:
        return len(self._items)


def _encode(values: list[Any]) -> tuple[list[Any], np.ndarray]:
    """(distinct values in first-seen order, code of each value)."""
    index: dict[Any, int] = {}
    codes = np.fromiter(
        (index.setdefault(v, len(index)) for v in values), dtype=np.int32, count=len(values)
    )
    return list(index), codes


@dataclass(frozen=True)
class _Missing:
    """A segment's field arrays were not there when last looked for (monotonic time)."""

    checked: float


class SegmentArrays:
    """Per-segment decoded columns, keyed by segment id; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[tuple[str, str], Any] = {}

    @staticmethod
    def _key(reader: Any, what: str) -> tuple[str, str]:
        return (postings.segment_id(reader) or f"empty-{id(reader)}", what)

    def get(self, reader: Any, what: str, compute: Any) -> Any:
        key = self._key(reader, what)
        with self._lock:
            found = self._data.get(key)
        if found is None:
            found = compute()
            with self._lock:
                self._data[key] = found
        return found

    def put(self, reader: Any, what: str, value: Any) -> None:
        with self._lock:
            self._data[self._key(reader, what)] = value

    def keep_only(self, segment_ids: set[str]) -> None:
        with self._lock:
            for key in [k for k in self._data if k[0] not in segment_ids]:
                del self._data[key]


@dataclass(frozen=True)
class ProblemTypes:
    """Problem types by document: document d holds ``codes[ids[indptr[d]:indptr[d + 1]]]``."""

    codes: list[Any]  # type code of each id
    indptr: np.ndarray  # n + 1 offsets into ids
    ids: np.ndarray  # type ids, grouped by document
    tagged: np.ndarray  # live problems per type id

    def of(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(document, type id) pairs of ``docs``, one per type each holds."""
        starts = self.indptr[docs]
        counts = self.indptr[docs + 1] - starts
        firsts = np.cumsum(counts) - counts
        pos = np.repeat(starts - firsts, counts) + np.arange(int(counts.sum()))
        return np.repeat(docs, counts), self.ids[pos]


class Generation:
    """A searcher's documents as arrays; the caller serialises use of the searcher."""

    def __init__(self, searcher: Any, segments: SegmentArrays, max_bytes: int | None = None):
        self.searcher = searcher
        self.segments = segments
        self.leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        self.subs = [sub for sub, _ in searcher.leaf_searchers()]
        self.n = searcher.doc_count_all()
        self.live = np.ones(self.n, dtype=bool)
        for reader, offset in self.leaves:
            self.live[postings.deleted(reader) + offset] = False
        self.cache = ByteLRU(cache_bytes() if max_bytes is None else max_bytes)
        self._lock = threading.RLock()
        self._lengths: dict[str, np.ndarray] = {}
        self._kinds: dict[str, np.ndarray] = {}
        self._facets: dict[str, tuple[list[Any], np.ndarray, np.ndarray | None]] | None = None
        self._facet_orders: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._date_rank: np.ndarray | None = None
        self._problem_types: ProblemTypes | None = None
        self._df: dict[tuple[str, str], int] = {}
        self._docs: OrderedDict[int, tuple[dict[str, Any], Any]] = OrderedDict()
        self.ix: Any = None  # the Whoosh index and folder id it was opened from
        self.folder: Any = None
        self.pid = os.getpid()  # a forked worker must not read through these files

    def rebind(self, searcher: Any) -> Generation:
        """The same generation read through ``searcher`` (a forked worker's own files: a
        file inherited across fork shares its read offset with the parent). The decoded
        arrays are reused when ``searcher`` sees the same documents, so workers keep
        sharing the pages decoded before the fork."""
        new = Generation(searcher, self.segments, self.cache.max_bytes)
        new.ix, new.folder = self.ix, self.folder
        if new.segment_ids() == self.segment_ids() and np.array_equal(new.live, self.live):
            new.cache = self.cache
            new._lengths, new._kinds, new._df = self._lengths, self._kinds, self._df
            new._facets, new._date_rank = self._facets, self._date_rank
            new._problem_types = self._problem_types
            new._facet_orders = self._facet_orders
        return new

    def segment_ids(self) -> set[str]:
        return {sid for r, _ in self.leaves if (sid := postings.segment_id(r)) is not None}

    # -- statistics ----------------------------------------------------------------------

    def df(self, fieldname: str, text: str) -> int:
        key = (fieldname, text)
        found = self._df.get(key)
        if found is None:
            found = self._df[key] = postings.doc_frequency(self.searcher, fieldname, text)
        return found

    def prefix_terms(self, fieldname: str, prefix: str) -> list[str]:
        key = ("p", fieldname, prefix)
        found = self.cache.get(key)
        if found is None:
            found = postings.expand_prefix(self.searcher, fieldname, prefix)
            self.cache.put(key, found, 64 * len(found) + 64)
        return found

    def avg_length(self, fieldname: str) -> float:
        return self.searcher.avg_field_length(fieldname) or 1

    def lengths(self, fieldname: str) -> np.ndarray:
        with self._lock:
            found = self._lengths.get(fieldname)
            if found is None:
                parts = [
                    self.segments.get(
                        r, f"len:{fieldname}", lambda r=r: postings.lengths(r, fieldname)
                    )
                    for r, _ in self.leaves
                ]
                found = np.concatenate(parts) if parts else np.zeros(0)
                self._lengths[fieldname] = found
            return found

    # -- posting lists -------------------------------------------------------------------

    def term(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """A term's live postings: global document numbers (int32) and weights (float32)."""
        key = ("t", fieldname, text)
        found = self.cache.get(key)
        if found is None:
            ids, weights = [], []
            for reader, offset in self.leaves:
                arrays = self.field_arrays(reader, fieldname)
                if arrays is not None:
                    i, w = arrays.lookup(text)
                else:
                    i, w = postings.term_postings(reader, fieldname, text)
                if len(i):
                    ids.append(i + offset)
                    weights.append(w)
            if ids:
                gi, gw = np.concatenate(ids), np.concatenate(weights)
                keep = self.live[gi]
                found = (gi[keep], gw[keep])
            else:
                found = (np.zeros(0, np.int32), np.zeros(0, np.float32))
            self.cache.put(key, found, found[0].nbytes + found[1].nbytes)
        return found

    def field_arrays(self, reader: Any, fieldname: str) -> fieldarrays.FieldArrays | None:
        """The segment's memory-mapped arrays of ``fieldname`` (see ``fieldarrays``), mapped
        once per segment and shared by every generation; None: read through Whoosh."""
        if fieldname not in fieldarrays.FIELDS:
            return None
        return self._mapped(reader, f"fa:{fieldname}", fieldarrays.load, fieldname)

    def _mapped(self, reader: Any, what: str, loader: Any, fieldname: str) -> Any:
        if self.ix is None:
            return None
        found = self.segments.get(reader, what, lambda: _Missing(0.0))
        if isinstance(found, _Missing):
            # Not mapped yet: the writer writes a segment's arrays just after its commit,
            # so a miss is retried now and then rather than remembered for good.
            now = time.monotonic()
            if now - found.checked < ARRAYS_RETRY_SECONDS:
                return None
            folder = getattr(self.ix.storage, "folder", None)
            loaded = loader(Path(folder) if folder else None, reader, fieldname)
            self.segments.put(reader, what, loaded if loaded is not None else _Missing(now))
            return loaded
        return found

    def doc_frequencies(self, fieldname: str, texts: list[str]) -> np.ndarray:
        """Each text's document frequency in the whole index (deleted documents included,
        as ``df``), from the segments' lexicons where written (``fieldarrays.LEXICONS``)."""
        out = np.zeros(len(texts), np.int64)
        if not texts:
            return out
        wanted = np.array(texts)
        for reader, _ in self.leaves:
            lex = None
            if fieldname in fieldarrays.LEXICONS:
                lex = self._mapped(reader, f"lex:{fieldname}", fieldarrays.load_lexicon, fieldname)
            if lex is not None:
                out += lex.doc_frequencies(wanted)
            else:
                out += [postings.segment_doc_frequency(reader, fieldname, t) for t in texts]
        return out

    def literal(self, fieldname: str, grams: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Live documents whose bigram field holds the string ``grams`` spell, with how
        many times (the matches are cached, not the positions)."""
        key = ("l", fieldname, tuple(grams))
        found = self.cache.get(key)
        if found is None:
            ids, tfs = [], []
            for reader, offset in self.leaves:
                i, t = postings.literal_matches(reader, fieldname, grams)
                if len(i):
                    ids.append(i + offset)
                    tfs.append(t)
            if ids:
                found = (np.concatenate(ids), np.concatenate(tfs))
            else:
                found = (np.zeros(0, np.int32), np.zeros(0, np.int32))
            self.cache.put(key, found, found[0].nbytes + found[1].nbytes)
        return found

    def whoosh(self, q: Any) -> tuple[np.ndarray, np.ndarray]:
        """Any other query part, scored by Whoosh per segment (cached by its repr)."""
        key = ("q", repr(q))
        found = self.cache.get(key)
        if found is None:
            ids, scores = [], []
            for sub, (_, offset) in zip(self.subs, self.leaves, strict=True):
                i, s = postings.leaf_scores(sub, q)
                if len(i):
                    ids.append(i + offset)
                    scores.append(s)
            if ids:
                gi, gs = np.concatenate(ids), np.concatenate(scores)
                order = np.argsort(gi, kind="stable")
                gi, gs = gi[order], gs[order]
                keep = self.live[gi]
                found = (gi[keep], gs[keep])
            else:
                found = (np.zeros(0, np.int32), np.zeros(0, np.float64))
            self.cache.put(key, found, found[0].nbytes + found[1].nbytes)
        return found

    def kind(self, kind: str) -> np.ndarray:
        """A boolean mask of the live documents of one kind (notice or problem)."""
        with self._lock:
            found = self._kinds.get(kind)
            if found is None:
                found = np.zeros(self.n, dtype=bool)
                for reader, offset in self.leaves:
                    ids, _ = postings.term_postings(reader, "kind", kind)
                    found[ids + offset] = True
                found &= self.live
                self._kinds[kind] = found
            return found

    def document(self, docnum: int) -> tuple[dict[str, Any], LiteralText]:
        """A document's stored fields and the literal stream of its text, read once
        (a small LRU: the hits of popular queries repeat)."""
        found = self._docs.get(docnum)
        if found is None:
            fields = self.searcher.stored_fields(docnum)
            found = (fields, LiteralText(fields.get("text", "").strip()))
            self._docs[docnum] = found
            while len(self._docs) > DOC_CACHE:
                self._docs.popitem(last=False)
        else:
            self._docs.move_to_end(docnum)
        return found

    # -- columns -------------------------------------------------------------------------

    def date_rank(self) -> np.ndarray:
        """Each document's rank in date order (published, else feedback); 0 is undated."""
        with self._lock:
            if self._date_rank is None:
                values, codes = self._global_codes("date", "", ordered=True)
                if not values or values[0] != "":
                    codes = codes + 1  # no undated document: keep 0 meaning undated
                self._date_rank = codes
            return self._date_rank

    def problem_types(self) -> ProblemTypes:
        """The types of every live problem, by document, once per generation (the facets'
        pairs, grouped): what type feedback reads for each search."""
        with self._lock:
            if self._problem_types is None:
                values, codes, docs = self.facet_columns()["types"]
                keep = self.kind("problem")[docs]
                docs, codes = docs[keep], codes[keep]
                order = np.argsort(docs, kind="stable")
                indptr = np.zeros(self.n + 1, dtype=np.int64)
                np.cumsum(np.bincount(docs, minlength=self.n), out=indptr[1:])
                tagged = np.bincount(codes, minlength=len(values))
                self._problem_types = ProblemTypes(values, indptr, codes[order], tagged)
            return self._problem_types

    def _global_codes(self, name: str, default: Any, ordered: bool) -> tuple[list[Any], np.ndarray]:
        locals_ = []
        for reader, _ in self.leaves:
            locals_.append(
                self.segments.get(
                    reader,
                    f"col:{name}",
                    lambda r=reader: _encode(postings.column(r, name, default)),
                )
            )
        vocab: dict[Any, int] = {}
        for values, _ in locals_:
            for v in values:
                vocab.setdefault(v, len(vocab))
        if ordered:
            vocab = {v: i for i, v in enumerate(sorted(vocab))}
        codes = np.zeros(self.n, dtype=np.int32)
        for (values, local), (_, offset) in zip(locals_, self.leaves, strict=True):
            lut = np.array([vocab[v] for v in values], dtype=np.int32)
            if len(local):
                codes[offset : offset + len(local)] = lut[local]
        return list(vocab), codes

    def keyword_pairs(self, name: str) -> tuple[list[Any], np.ndarray, np.ndarray]:
        """(values, documents, value codes) of a comma-keyword field: one pair per value
        of each document, deleted documents included (the caller's live mask)."""
        vocab: dict[Any, int] = {}
        docs, codes = [], []
        for reader, offset in self.leaves:
            values, d, c = self.segments.get(
                reader, f"pairs:{name}", lambda r=reader: postings.keyword_pairs(r, name)
            )
            lut = np.array([vocab.setdefault(v, len(vocab)) for v in values], dtype=np.int32)
            if len(d):
                docs.append(d + offset)
                codes.append(lut[c])
        if not docs:
            return list(vocab), np.zeros(0, np.int32), np.zeros(0, np.int32)
        return list(vocab), np.concatenate(docs), np.concatenate(codes)

    def facet_columns(self) -> dict[str, tuple[list[Any], np.ndarray, np.ndarray | None]]:
        """name -> (values, codes, None) for one value per document, or (values, codes,
        docs) for the multi-valued fields (one pair per value)."""
        with self._lock:
            if self._facets is None:
                out: dict[str, tuple[list[Any], np.ndarray, np.ndarray | None]] = {}
                for name, _ in FACETS:
                    if name in MULTI:
                        values, docs, codes = self.keyword_pairs(name)
                        out[name] = (values, codes, docs)
                    else:
                        values, codes = self._global_codes(name, None, ordered=False)
                        out[name] = (values, codes, None)
                self._facets = out
            return self._facets

    def _facet_order(self, name: str, values: list[Any]) -> tuple[np.ndarray, np.ndarray]:
        """(rank of each value in ``str`` order, whether the value is shown at all), once per
        generation: ties of counts are broken by this rank without sorting Python tuples."""
        with self._lock:
            cached = self._facet_orders.get(name)
            if cached is None or len(cached[0]) != len(values):
                keys = [str(v) for v in values]
                rank = np.empty(len(values), dtype=np.int64)
                rank[sorted(range(len(values)), key=keys.__getitem__)] = np.arange(len(values))
                # A numeric column holds its field's default (the type's largest value)
                # for a document without a value: an undated notice has no year.
                field = self.searcher.schema[name]
                missing = None
                if isinstance(field, NUMERIC):
                    missing = field.from_column_value(field.default)
                shown = np.array(
                    [v not in (None, "", 0) and v != missing for v in values], dtype=bool
                )
                cached = self._facet_orders[name] = (rank, shown)
            return cached

    def facet_counts(self, ids: np.ndarray) -> dict[str, list[tuple[Any, int]]]:
        """Facet values of the documents ``ids`` with their counts, most frequent first (ties
        in ``str`` order of the value)."""
        out: dict[str, list[tuple[Any, int]]] = {}
        mask = None
        for name, (values, codes, docs) in self.facet_columns().items():
            if not len(ids):
                out[name] = []
                continue
            if docs is None:
                counts = np.bincount(codes[ids], minlength=len(values))
            else:
                if mask is None:
                    mask = np.zeros(self.n, dtype=bool)
                    mask[ids] = True
                counts = np.bincount(codes[mask[docs]], minlength=len(values))
            rank, shown = self._facet_order(name, values)
            nz = np.flatnonzero((counts > 0) & shown[: len(counts)])
            nz = nz[np.lexsort((rank[nz], -counts[nz]))]
            out[name] = [
                (values[i], c) for i, c in zip(nz.tolist(), counts[nz].tolist(), strict=True)
            ]
        return out

    # -- ordering ------------------------------------------------------------------------

    def top_by_score(self, ids: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
        """Positions of the ``k`` best (highest score, then lowest document number)."""
        if k <= 0 or not len(ids):
            return np.zeros(0, dtype=np.intp)
        pos = np.arange(len(ids))
        if len(ids) > k:
            kth = np.partition(scores, len(scores) - k)[len(scores) - k]
            pos = np.flatnonzero(scores >= kth)
        order = np.lexsort((ids[pos], -scores[pos]))[:k]
        return pos[order]

    def top_by_date(
        self, ids: np.ndarray, scores: np.ndarray | None, k: int, oldest_first: bool = False
    ) -> np.ndarray:
        """Positions of the ``k`` newest (or oldest), then best score, then lowest document
        number; undated documents last either way."""
        if k <= 0 or not len(ids):
            return np.zeros(0, dtype=np.intp)
        rank = self.date_rank()[ids]
        if oldest_first:
            rank = np.where(rank == 0, np.iinfo(np.int32).min, -rank).astype(np.int32)
        pos = np.arange(len(ids))
        if len(ids) > k:
            kth = np.partition(rank, len(rank) - k)[len(rank) - k]
            pos = np.flatnonzero(rank >= kth)
        keys = [ids[pos]]
        if scores is not None:
            keys.append(-scores[pos])
        keys.append(-rank[pos].astype(np.int64))
        order = np.lexsort(tuple(keys))[:k]
        return pos[order]

    def frequent_words(self, count: int) -> list[str]:
        """The ``count`` most frequent jieba words of two characters or more."""
        found = self.searcher.reader().most_frequent_terms("words", number=count * 2)
        words = [t.decode() if isinstance(t, bytes) else t for _, t in found]
        return [w for w in words if len(w) >= 2 and w.isalnum()][:count]

    def warm_columns(self) -> None:
        """Decode every per-document column now (before forking server workers)."""
        for name in ("lit", "words", "title_words"):
            self.lengths(name)
        self.kind("problem")
        self.kind("notice")
        for name, (values, _, _) in self.facet_columns().items():
            self._facet_order(name, values)
        self.date_rank()
