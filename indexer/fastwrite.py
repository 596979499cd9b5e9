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
Whoosh's own code. ``ParallelWriter`` runs such writers in several processes. This module
owns every use of Whoosh's writing internals, as ``postings`` owns its reading ones.
"""

from __future__ import annotations

import queue
import types
from itertools import groupby, pairwise
from operator import itemgetter
from pickle import dumps
from typing import Any

from whoosh import formats
from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

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


# -- field lengths read once per document ---------------------------------------------


class _Lengths:
    """A segment's per-document field lengths, decoded once per field.

    Writing a segment's postings asks the length column for every posting (1.6 M reads of
    one byte each for 300 notices, about an eighth of a sync); the values are the same,
    read once per document and field instead."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._by_field: dict[tuple[str, int], list[int | None]] = {}

    def column(self, fieldname: str, default: int = 0) -> list[int | None]:
        """Every document's length of ``fieldname``: exactly what Whoosh's reader answers
        (None for 0)."""
        column = self._by_field.get((fieldname, default))
        if column is None:
            read = self._reader.doc_field_length
            n = self._reader.doc_count_all()
            column = [read(i, fieldname, default) for i in range(n)]
            self._by_field[(fieldname, default)] = column
        return column

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        return self.column(fieldname, default)[docnum]

    def close(self) -> None:
        self._reader.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)


def read_lengths_once(w: Any) -> None:
    """Have ``w`` (a Whoosh SegmentWriter) read field lengths through ``_Lengths``."""
    per_document_reader = getattr(w, "per_document_reader", None)
    if per_document_reader is None:
        return
    w.per_document_reader = lambda: _Lengths(per_document_reader())


# -- several writer processes -----------------------------------------------------------
# A Whoosh writer that analyses and writes new documents in several processes.
#
# A bulk sync spends nearly all its time in Whoosh's pure-Python indexing (analysing each
# field, turning tokens into postings, writing posting blocks), one core's worth. Whoosh's
# ``MpWriter`` hands batches of documents to forked processes, each writing a segment of its
# own (``multisegment``: no merge at commit). This subclass fixes what a background sync
# cannot live with in it: a process that dies silently dropped its documents (the commit
# went on without them), ``cancel`` left the processes waiting for work forever, and the
# processes read field lengths one byte per posting (see ``_Lengths``).
#
# Fork only from a single-threaded process (the refresher's child sync, the command line).

RESULT_TIMEOUT = 600.0  # a process that neither answers nor exits within this is stuck


class _Task(SubWriterTask):
    """One forked writer process: Whoosh's, reading lengths once, with ``fastwrite``."""

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = SegmentWriter(ix, _lk=False, **self.kwargs)
        read_lengths_once(writer)
        install(writer)
        while True:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        segment = writer._finalize_segment()
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=30)


class ParallelWriter(MpWriter):
    """``MpWriter`` with ``multisegment``; a commit fails unless every process delivered
    its segment."""

    def __init__(self, ix: Any, procs: int, batchsize: int = 100, **kwargs: Any) -> None:
        super().__init__(ix, procs=procs, batchsize=batchsize, multisegment=True, **kwargs)
        self.subargs = {k: v for k, v in kwargs.items() if k != "timeout"}

    def _new_task(self) -> _Task:
        task = _Task(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, True
        )
        task.daemon = True  # never keeps the interpreter alive
        self.tasks.append(task)
        task.start()
        return task

    def _collect(self) -> list[Any]:
        """Every process's segment, read before joining (a full pipe would block it)."""
        results: list[Any] = []
        waited = 0.0
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=1.0))
                continue
            except queue.Empty:
                waited += 1.0
            alive = sum(t.is_alive() for t in self.tasks)
            if len(results) + alive < len(self.tasks) or waited > RESULT_TIMEOUT:
                # A process died without its segment: its documents would be lost.
                codes = [t.exitcode for t in self.tasks]
                raise RuntimeError(f"an index writer process failed (exit codes {codes})")
        for task in self.tasks:
            task.join()
        return results

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        finalsegments += [segment for _, _, segment in self._collect()]
        if self._added:  # documents the parent wrote itself (none: all go to processes)
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def cancel(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
            task.join()
        self.tasks = []
        SegmentWriter.cancel(self)
