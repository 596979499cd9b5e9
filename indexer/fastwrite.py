"""Whoosh's segment writing with less Python per posting: same segments, less CPU.

A 300-notice sync turns some 1.6 million postings (nine in ten of them literal bigrams with
positions) into segment files, and Whoosh spends several Python calls on each: a Token
object per bigram, an encoder call, a checked pool append, a checked block append and a
field-length lookup. ``install`` replaces, on one writer only, the three steps that do so
with versions that work a field or a term at a time and produce the same postings, blocks,
statistics and bytes (tests/test_refresher_content.py compares with a plain writer):

* indexing a positional field analysed by one of our stream tokenizers: positions
  grouped straight from the tokenizer's spans, encoded as Whoosh's ``Positions`` does;
* ``add_document``: a document's postings go into the pool a field at a time;
* the W3 field writer's ``add_postings``: the postings of a term are added to the block
  buffer a block at a time, with the field lengths read from a column.

Anything else (another codec, format or analyzer, term vectors, spelling fields) keeps
Whoosh's own code.
"""

from __future__ import annotations

import types
from itertools import groupby, pairwise
from operator import itemgetter
from pickle import dumps
from typing import Any

from whoosh import formats
from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter
from whoosh.system import pack_uint

from indexer.analysis import _StreamTokenizer

_ITEM_BYTES = 150  # PostingPool's size estimate of a posting tuple, without its strings


def install(w: Any) -> Any:
    """Make the SegmentWriter ``w`` use the faster steps where they apply; returns ``w``.

    Only the writer's own attributes change: its schema is pickled into the index."""
    schema = w.schema
    fields = {name: schema[name] for name in schema.names()}
    if any(f.vector or f.separate_spelling() for f in fields.values()):
        return w  # postings that Whoosh writes differently: keep its code
    if not hasattr(getattr(w, "pool", None), "currentsize"):
        return w
    w._stream_fields = {
        name
        for name, f in fields.items()
        if type(f.format) is formats.Positions and isinstance(f.analyzer, _StreamTokenizer)
    }
    w.add_document = types.MethodType(_add_document, w)
    fw = getattr(w, "fieldwriter", None)
    if type(fw) is W3FieldWriter:
        fw.add_postings = types.MethodType(_add_postings, fw)
    return w


def _positions_index(field: Any, value: Any, **kwargs: Any) -> Any:
    """``FieldType.index`` for a ``Positions`` field whose analyzer is a stream tokenizer:
    (term bytes, frequency, weight, encoded positions) per distinct term, in order of
    first occurrence."""
    if kwargs or not isinstance(value, str):
        return type(field).index(field, value, **kwargs)
    poses: dict[str, list[int]] = {}
    for i, (text, _, _) in enumerate(field.analyzer.spans(value)):
        found = poses.get(text)
        if found is None:
            poses[text] = [i]
        else:
            found.append(i)
    weight = field.format.field_boost  # per occurrence (every token's boost is 1)
    once = _ONCE
    out = []
    for text, pl in poses.items():
        n = len(pl)
        if n == 1:  # most terms occur once in a document: pickled once per position
            pickled = once.get(pl[0])
            if pickled is None:
                pickled = once[pl[0]] = dumps(pl, 2)
            # A new bytes object each time: Whoosh pickles a block's values together, and
            # pickle would write a shared object once (same postings, other bytes).
            out.append((text.encode("utf-8"), 1, 1.0 * weight, _COUNT_ONE + pickled))
        else:
            out.append((text.encode("utf-8"), n, float(n) * weight, _encode(pl)))
    return out


_ONCE: dict[int, bytes] = {}  # position -> the pickled list of that one position
_COUNT_ONE = pack_uint(1)


def _encode(positions: list[int]) -> bytes:
    """``formats.Positions.encode``: the count, then the pickled position deltas."""
    deltas = [b - a for a, b in pairwise([0, *positions])]
    return pack_uint(len(deltas)) + dumps(deltas, 2)


def _add_document(self: Any, **fields: Any) -> None:
    """Whoosh's ``SegmentWriter.add_document`` (no term vectors, no spelling fields),
    adding each field's postings to the pool at once."""
    self._check_state()
    perdocwriter = self.perdocwriter
    schema = self.schema
    docnum = self.docnum
    pool = self.pool
    docboost = self._doc_boost(fields)
    fieldnames = sorted(name for name in fields if not name.startswith("_"))
    self._check_fields(schema, fieldnames)
    perdocwriter.start_doc(docnum)
    try:
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                fieldboost = self._field_boost(fields, fieldname, docboost)
                if fieldname in self._stream_fields:
                    items = _positions_index(field, value)
                else:
                    items = list(field.index(value))
                if field.scorable:
                    length = sum(item[1] for item in items)
                _pool_extend(
                    pool,
                    fieldname,
                    [(fieldname, t, docnum, wt * fieldboost, v) for t, _, wt, v in items],
                )
            customval = fields.get(f"_stored_{fieldname}", value)
            sv = customval if field.stored else None
            perdocwriter.add_field(fieldname, field, sv, length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
    except Exception:
        perdocwriter.cancel_doc()
        raise
    perdocwriter.finish_doc()
    self._added = True
    self.docnum += 1


def _pool_extend(pool: Any, fieldname: str, posts: list[tuple]) -> None:
    """Add postings to a PostingPool, writing a sorted run to disk when its estimated size
    passes its limit (as ``PostingPool.add`` does per posting)."""
    if not posts:
        return
    pool.fieldnames.add(fieldname)
    size = (_ITEM_BYTES + len(fieldname)) * len(posts)
    size += sum(2 * len(p[1]) + len(p[4] or b"") for p in posts)
    if pool.currentsize + size > pool.limit and pool.current:
        pool.save()
    pool.current.extend(posts)
    pool.currentsize += size


def _add_postings(self: Any, schema: Any, lengths: Any, items: Any) -> None:
    """``FieldWriter.add_postings`` of the W3 codec, a term at a time. ``items`` are the
    pool's sorted (fieldname, btext, docnum, weight, value) postings."""
    lastfn = None
    column: Any = None
    for (fieldname, btext), group in groupby(items, key=itemgetter(0, 1)):
        if fieldname != lastfn:
            if lastfn is not None:
                self.finish_field()
            self.start_field(fieldname, schema[fieldname])
            column = _length_column(lengths, fieldname)
            lastfn = fieldname
        self.start_term(btext)
        _add_term(self._postwriter, list(group), column, fieldname, lengths)
        self.finish_term()
    self._fieldid = None
    self._btext = None
    self._fieldobj = None
    self._format = None


def _length_column(lengths: Any, fieldname: str) -> list[Any] | None:
    column = getattr(lengths, "column", None)
    return column(fieldname, 0) if column is not None else None


def _add_term(
    pw: W3PostingsWriter, postings: list[tuple], column: Any, fieldname: str, lengths: Any
) -> None:
    """What ``add_posting`` does for each of ``postings``, a block at a time."""
    limit = pw._blocklimit
    for start in range(0, len(postings), limit):
        if start:
            pw._write_block()  # the buffer holds ``limit`` postings: Whoosh writes it now
        chunk = postings[start : start + limit]
        ids = [p[2] for p in chunk]
        weights = [p[3] for p in chunk]
        pw._ids.extend(ids)
        pw._weights.extend(weights)
        top = max(weights)
        if top > pw._maxweight:
            pw._maxweight = top
        pw._values.extend(v for _, _, _, _, v in chunk if v)
        if column is not None:
            found = [n for n in (column[d] for d in ids) if n]
        elif lengths:
            found = [n for n in (lengths.doc_field_length(d, fieldname) for d in ids) if n]
        else:
            found = []
        if found:
            low, high = min(found), max(found)
            if pw._minlength is None or low < pw._minlength:
                pw._minlength = low
            if high > pw._maxlength:
                pw._maxlength = high
