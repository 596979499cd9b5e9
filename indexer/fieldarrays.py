"""Whole fields of a segment decoded once, as memory-mapped arrays beside the index.

Decoding a long posting list from Whoosh costs about a microsecond a posting, so a term
nobody searched since the server started (a common word of a problem's text looked up by
the similar-problem ranking, say) cost tens of milliseconds. The writer that commits a
segment therefore also writes, for the fields in ``FIELDS``, every term's postings as
numpy files in ``<index>/arrays/`` (derived data: Whoosh stays the truth). Readers map
them read-only, so all server processes share one copy through the page cache and a
lookup is a binary search and a slice. A segment without its files (written by an older
version, or its files damaged) is read through Whoosh as before.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexer import postings

FIELDS = ("words", "title_words", "sim")
# Fields whose terms are kept with their document frequencies only (no postings): the
# literal bigrams, which the similar-problem ranking weighs by how rare they are.
LEXICONS = ("lit",)
FORMAT = "v1"
DIR = "arrays"
_PARTS = ("terms", "starts", "ids", "weights")
_LEX_PARTS = ("lexterms", "lexdf")
_EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float32))
STALE_TMP_SECONDS = 600  # a temporary file older than this was left by a writer that died


def _path(index_dir: Path, segment_id: str, fieldname: str, part: str) -> Path:
    return Path(index_dir) / DIR / f"{segment_id}.{fieldname}.{FORMAT}.{part}.npy"


@dataclass(frozen=True)
class FieldArrays:
    """One field of one segment: sorted terms, and each term's slice of ``ids``/``weights``
    (local document numbers, deleted documents included, as ``postings.term_postings``)."""

    terms: np.ndarray
    starts: np.ndarray
    ids: np.ndarray
    weights: np.ndarray

    def lookup(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        i = int(np.searchsorted(self.terms, text))
        if i >= len(self.terms) or self.terms[i] != text:
            return _EMPTY
        a, b = int(self.starts[i]), int(self.starts[i + 1])
        return self.ids[a:b], self.weights[a:b]


@dataclass(frozen=True)
class Lexicon:
    """One field's sorted terms of one segment with their document frequencies."""

    terms: np.ndarray
    df: np.ndarray

    def doc_frequencies(self, texts: np.ndarray) -> np.ndarray:
        """Each text's document frequency in the segment (0 when absent), vectorised."""
        if not len(self.terms) or not len(texts):
            return np.zeros(len(texts), np.int64)
        i = np.minimum(np.searchsorted(self.terms, texts), len(self.terms) - 1)
        return np.where(self.terms[i] == texts, self.df[i], 0).astype(np.int64)


def load_lexicon(index_dir: Path | None, reader: Any, fieldname: str) -> Lexicon | None:
    """The segment's lexicon of ``fieldname`` (see LEXICONS), mapped read-only; None when
    missing or damaged."""
    sid = postings.segment_id(reader)
    if index_dir is None or sid is None or fieldname not in LEXICONS:
        return None
    try:
        terms, df = (
            np.load(_path(index_dir, sid, fieldname, p), mmap_mode="r", allow_pickle=False)
            for p in _LEX_PARTS
        )
    except (OSError, ValueError, EOFError):
        return None
    return Lexicon(terms, df) if len(terms) == len(df) else None


def load(index_dir: Path | None, reader: Any, fieldname: str) -> FieldArrays | None:
    """The segment's arrays of ``fieldname``, mapped read-only; None when they are missing
    or do not hold together (the caller then reads Whoosh)."""
    sid = postings.segment_id(reader)
    if index_dir is None or sid is None or fieldname not in FIELDS:
        return None
    try:
        parts = [
            np.load(_path(index_dir, sid, fieldname, p), mmap_mode="r", allow_pickle=False)
            for p in _PARTS
        ]
    except (OSError, ValueError, EOFError):
        return None
    terms, starts, ids, weights = parts
    n = len(ids)
    if (
        len(starts) != len(terms) + 1
        or len(weights) != n
        or (len(starts) and (int(starts[0]) != 0 or int(starts[-1]) != n))
    ):
        return None
    return FieldArrays(terms, starts, ids, weights)


def _decode(reader: Any, fieldname: str) -> list[np.ndarray]:
    rows = sorted(postings.field_postings(reader, fieldname), key=lambda r: r[0])
    width = max((len(t) for t, _, _ in rows), default=1)
    terms = np.array([t for t, _, _ in rows], dtype=f"<U{max(width, 1)}")
    counts = np.array([len(i) for _, i, _ in rows], dtype=np.int64)
    starts = np.concatenate([np.zeros(1, np.int64), np.cumsum(counts)])
    ids = np.concatenate([i for _, i, _ in rows]) if rows else np.zeros(0, np.int32)
    weights = np.concatenate([w for _, _, w in rows]) if rows else np.zeros(0, np.float32)
    return [terms, starts, ids.astype(np.int32), weights.astype(np.float32)]


def _decode_lexicon(reader: Any, fieldname: str) -> list[np.ndarray]:
    rows = sorted(postings.field_doc_frequencies(reader, fieldname))
    width = max((len(t) for t, _ in rows), default=1)
    terms = np.array([t for t, _ in rows], dtype=f"<U{max(width, 1)}")
    return [terms, np.array([n for _, n in rows], dtype=np.int32)]


def _write(index_dir: Path, reader: Any, fieldname: str) -> None:
    sid = postings.segment_id(reader)
    if sid is None:
        return
    if fieldname in LEXICONS:
        parts, arrays = _LEX_PARTS, _decode_lexicon(reader, fieldname)
    else:
        parts, arrays = _PARTS, _decode(reader, fieldname)
    tmp_paths = []
    for part, arr in zip(parts, arrays, strict=True):
        final = _path(index_dir, sid, fieldname, part)
        tmp = final.with_name(f"{final.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            np.save(f, arr, allow_pickle=False)
        tmp_paths.append((tmp, final))
    # The parts are checked against each other on load: a half-renamed set reads as missing.
    for tmp, final in tmp_paths:
        os.replace(tmp, final)


def write_missing(index_dir: Path, ix: Any) -> int:
    """Write the arrays of every live segment that lacks them and remove those of segments
    gone (merged away). Returns how many fields were written. Called by the writer after
    each commit; a failure here costs speed, never correctness, so the caller may ignore it."""
    index_dir = Path(index_dir)
    (index_dir / DIR).mkdir(exist_ok=True)
    written = 0
    live: set[str] = set()
    top = ix.reader()
    try:
        leaves = [top] if top.is_atomic() else [r for r, _ in top.leaf_readers()]
        for reader in leaves:
            sid = postings.segment_id(reader)
            if sid is None:
                continue
            live.add(sid)
            for fieldname in FIELDS + LEXICONS:
                if fieldname not in reader.schema:
                    continue
                loader = load_lexicon if fieldname in LEXICONS else load
                if loader(index_dir, reader, fieldname) is None:
                    _write(index_dir, reader, fieldname)
                    written += 1
    finally:
        top.close()
    _remove_stale(index_dir / DIR, live)
    return written


def _remove_stale(folder: Path, live: set[str]) -> None:
    now = time.time()
    for f in folder.iterdir():
        try:
            if f.name.endswith(".tmp"):
                if now - f.stat().st_mtime > STALE_TMP_SECONDS:
                    f.unlink(missing_ok=True)
            elif f.name.split(".")[0] not in live or f".{FORMAT}." not in f.name:
                f.unlink(missing_ok=True)
        except OSError:
            continue  # removed by another writer meanwhile
