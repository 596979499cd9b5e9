"""Every read of Whoosh's internals, in one place: posting lists, field lengths, columns.

The rest of the indexer works on numpy arrays decoded here once per segment (segments never
change once written; deletions are applied by the caller's live mask). The block arrays are
those of the W3 codec of whoosh-reloaded 2.7.5 (pinned); other matchers are read one posting
at a time, so any codec gives the same arrays, only slower.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from pickle import loads
from typing import Any

import numpy as np
from whoosh import formats
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F, MultiWeighting
from whoosh.util.numeric import byte_to_length

_LENGTH_OF_BYTE = np.array([byte_to_length(b) if b else 1 for b in range(256)], dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)


def bm25_params(searcher: Any, fieldname: str) -> tuple[float, float] | None:
    """(B, K1) when the searcher scores ``fieldname`` with BM25F, else None (Whoosh scores
    an unscorable field, e.g. an ID, by the posting weight alone). The one place the
    BM25 constants are read: from the schema's weighting model."""
    if fieldname not in searcher.schema or not searcher.schema[fieldname].scorable:
        return None
    w = searcher.weighting
    if isinstance(w, MultiWeighting):
        w = w.weightings.get(fieldname, w.default)
    if type(w) is not BM25F:
        return None
    return w._field_B.get(fieldname, w.B), w.K1


def _raw(m: Any) -> Any:
    """The codec's matcher under Whoosh's deletion filter (deletions: the caller's mask)."""
    return m.child if isinstance(m, FilterMatcher) else m


def _all_postings(reader: Any, fieldname: str, btext: bytes) -> Any:
    """A term's matcher over every document of the segment, deleted ones included.

    Not ``_raw(reader.postings(...))``: Whoosh's deletion filter has already moved its
    matcher past the deleted documents at the start, so what a segment's arrays held
    would depend on when they were decoded (they are shared between generations)."""
    terms = getattr(reader, "_terms", None)
    if terms is None or not hasattr(terms, "matcher"):
        return reader.postings(fieldname, btext)
    return terms.matcher(fieldname, btext, reader.schema[fieldname].format)


def _blocks(m: Any, values: bool) -> Iterator[tuple[Sequence[int], Sequence[Any]]]:
    """A posting list block by block: (ids, weights) or (ids, encoded values)."""
    m = _raw(m)
    needed = ("_read_ids", "_read_weights", "_read_values", "_next_block", "_ids")
    if not all(hasattr(m, a) for a in needed):
        while m.is_active():
            yield (m.id(),), ((m.value(),) if values else (m.weight(),))
            m.next()
        return
    while m.is_active():
        m._read_ids()
        if values:
            m._read_values()
            yield m._ids, m._values
        else:
            m._read_weights()
            yield m._ids, m._weights
        m._next_block()


def btext_of(reader: Any, fieldname: str, text: str) -> bytes | None:
    """The term's bytes in this segment, or None when the segment lacks it."""
    try:
        btext = reader.schema[fieldname].to_bytes(text)
    except (ValueError, KeyError):
        return None
    return btext if (fieldname, btext) in reader else None


def term_postings(reader: Any, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """One term's postings in a segment: local document numbers (int32, ascending, deleted
    documents included) and weights (float32: term frequency times the field boost)."""
    btext = btext_of(reader, fieldname, text)
    if btext is None:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for i, w in _blocks(_all_postings(reader, fieldname, btext), values=False):
        ids.append(np.asarray(i, dtype=np.int32))
        weights.append(np.asarray(w, dtype=np.float32))
    if not ids:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    return np.concatenate(ids), np.concatenate(weights)


def field_postings(reader: Any, fieldname: str) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """Every term of ``fieldname`` in a segment with its postings, in the lexicon's order:
    (text, local document numbers, weights) as ``term_postings`` gives them."""
    if fieldname not in reader.schema:
        return
    field = reader.schema[fieldname]
    for btext in reader.lexicon(fieldname):
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for i, w in _blocks(_all_postings(reader, fieldname, btext), values=False):
            ids.append(np.asarray(i, dtype=np.int32))
            weights.append(np.asarray(w, dtype=np.float32))
        if ids:
            yield field.from_bytes(btext), np.concatenate(ids), np.concatenate(weights)


def index_segment_ids(ix: Any) -> set[str]:
    """The ids of an index's live segments, from its table of contents alone."""
    return {seg.segment_id() for seg in ix._segments()}


def field_doc_frequencies(reader: Any, fieldname: str) -> Iterator[tuple[str, int]]:
    """Every term of ``fieldname`` in a segment with its document frequency."""
    if fieldname not in reader.schema:
        return
    field = reader.schema[fieldname]
    for btext, info in reader.iter_field(fieldname):
        yield field.from_bytes(btext) if isinstance(btext, bytes) else btext, info.doc_frequency()


def segment_doc_frequency(reader: Any, fieldname: str, text: str) -> int:
    """A term's document frequency in one segment (deleted documents included)."""
    btext = btext_of(reader, fieldname, text)
    return reader.doc_frequency(fieldname, btext) if btext is not None else 0


def segment_id(reader: Any) -> str | None:
    """The segment's id (None for an empty reader): names what is derived from it."""
    seg = reader.segment()
    return seg.segment_id() if seg is not None else None


def doc_frequency(searcher: Any, fieldname: str, text: str) -> int:
    """Documents holding the term in the whole index (deleted ones included, as Whoosh)."""
    try:
        btext = searcher.schema[fieldname].to_bytes(text)
    except (ValueError, KeyError):
        return 0
    return searcher.doc_frequency(fieldname, btext)


def expand_prefix(searcher: Any, fieldname: str, prefix: str) -> list[str]:
    """The index's terms of ``fieldname`` that start with ``prefix``."""
    if fieldname not in searcher.schema:
        return []
    out = []
    for t in searcher.reader().expand_prefix(fieldname, prefix):
        out.append(t.decode("utf-8") if isinstance(t, bytes) else t)
    return out


def idf(searcher: Any, fieldname: str, text: str) -> float:
    """Whoosh's idf of a term for the searcher's weighting (BM25F: log(N/(df+1)) + 1)."""
    return searcher.idf(fieldname, searcher.schema[fieldname].to_bytes(text))


def lengths(reader: Any, fieldname: str) -> np.ndarray:
    """Every document's length of ``fieldname`` as Whoosh's scorer sees it (one byte per
    document, decoded; 1 when missing), as float64."""
    n = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    column = None
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        column = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    if column is None:
        return np.array(
            [reader.doc_field_length(d, fieldname, 1) for d in range(n)], dtype=np.float64
        )
    return _LENGTH_OF_BYTE[np.fromiter(iter(column), dtype=np.uint8, count=n)]


def column(reader: Any, fieldname: str, default: Any = None) -> list[Any]:
    """A sortable field's stored column by local document number (``default`` when the
    segment has none)."""
    n = reader.doc_count_all()
    if n and reader.has_column(fieldname):
        return list(reader.column_reader(fieldname))
    return [default] * n


def keyword_pairs(reader: Any, fieldname: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """A multi-valued keyword field as (values, docs, value codes): one pair per posting,
    deleted documents included like every per-segment array (the caller's live mask
    applies deletions), so arrays decoded before a deletion stay right after it."""
    values: list[str] = []
    docs: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    if fieldname in reader.indexed_field_names():
        field = reader.schema[fieldname]
        for btext in reader.lexicon(fieldname):
            ids = np.fromiter(_all_postings(reader, fieldname, btext).all_ids(), np.int32)
            docs.append(ids)
            codes.append(np.full(len(ids), len(values), dtype=np.int32))
            values.append(field.from_bytes(btext))
    if not docs:
        return values, _EMPTY_IDS, _EMPTY_IDS
    return values, np.concatenate(docs), np.concatenate(codes)


def deleted(reader: Any) -> np.ndarray:
    """Local numbers of the segment's deleted documents."""
    if not reader.has_deletions():
        return _EMPTY_IDS
    return np.fromiter(reader.deleted_docs_set, dtype=np.int32)


# -- literal strings over a bigram field -----------------------------------------------


def checked_offsets(count: int) -> list[int]:
    """Every other bigram and the last: 公务接待 is 公务 then 接待 two positions later.
    Checking half the bigrams finds the same documents as checking all of them."""
    offsets = list(range(0, count, 2))
    if offsets[-1] != count - 1:
        offsets.append(count - 1)
    return offsets


def _position_decoder(field: Any) -> Callable[[bytes], Iterable[int]]:
    """Whoosh's positions decoder, or for its Positions format the same decoding without
    the per-call overhead (a 4-byte count, then the pickled position deltas)."""
    if type(field.format) is not formats.Positions:
        return field.format.decoder("positions")

    def decode(v: bytes) -> Iterable[int]:
        return accumulate(loads(v[4:] if v.endswith(b".") else v[4:] + b"."))

    return decode


def _values(reader: Any, fieldname: str, btext: bytes) -> dict[int, Any]:
    """One term's postings in a segment: local document number -> encoded positions."""
    out: dict[int, Any] = {}
    for ids, values in _blocks(_all_postings(reader, fieldname, btext), values=True):
        out.update(zip(ids, values, strict=True))
    if reader.has_deletions():
        for d in reader.deleted_docs_set:
            out.pop(d, None)
    return out


def literal_plan(reader: Any, fieldname: str, grams: list[str]) -> list[tuple[int, int, bytes]]:
    """The bigrams to read for a literal, rarest first, as (df, offset, bytes): the checked
    ones and the others no commoner than those (务接 in 公务接待: cheap to read, and it
    removes most documents that hold 公务 and 接待 apart). Empty when one is absent."""
    checked = set(checked_offsets(len(grams)))
    terms = []
    for off, gram in enumerate(grams):
        btext = btext_of(reader, fieldname, gram)
        if btext is None:
            return []
        terms.append((reader.doc_frequency(fieldname, btext), off, btext))
    ceiling = max(df for df, off, _ in terms if off in checked)
    return sorted(t for t in terms if t[1] in checked or t[0] <= ceiling)


def literal_matches(reader: Any, fieldname: str, grams: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Local numbers of the live documents whose field holds ``grams`` at consecutive
    positions (ascending, int32), with how many times (int32).

    Candidates are the documents holding every planned bigram; positions are decoded only
    for candidates.
    """
    plan = literal_plan(reader, fieldname, grams)
    if not plan:
        return _EMPTY_IDS, _EMPTY_IDS
    checked = set(checked_offsets(len(grams)))
    decode = _position_decoder(reader.schema[fieldname])
    positional: list[tuple[dict[int, Any], int]] = []
    candidates: set[int] | None = None
    for _, off, btext in plan:
        p = _values(reader, fieldname, btext)
        if candidates is None:
            candidates = set(p)
        else:
            candidates.intersection_update(p)
        if not candidates:
            return _EMPTY_IDS, _EMPTY_IDS
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
    return np.array(ids, dtype=np.int32), np.array(tfs, dtype=np.int32)


def leaf_scores(sub: Any, q: Any) -> tuple[np.ndarray, np.ndarray]:
    """Any query part Whoosh knows, scored by Whoosh's matcher on one atomic searcher."""
    m = q.matcher(sub)
    ids: list[int] = []
    scores: list[float] = []
    while m.is_active():
        ids.append(m.id())
        scores.append(m.score())
        m.next()
    return np.array(ids, dtype=np.int32), np.array(scores, dtype=np.float64)
