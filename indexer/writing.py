"""Keeping the index in step with the archive: full builds and incremental syncs.

The index records the archive revision it reflects and a fingerprint of everything that
shapes it (schema, analysis, dictionary, taxonomy, thesaurus). A sync applies the archive's
change log since that revision; a changed fingerprint means a full rebuild.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import pickle
import shutil
import struct
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.searching import Searcher

from archive.errors import NotFound
from archive.store import Archive
from indexer import (
    analysis,
    citing,
    fastwrite,
    features,
    fieldarrays,
    postings,
    taxonomy,
    thesaurus,
)
from indexer.documents import documents
from indexer.errors import IndexBusy, IndexDamaged
from indexer.schema import make_schema, schema_fingerprint

log = logging.getLogger(__name__)

INDEX_DIR = "index"
STATE_FILE = "state.json"
WRITER_TIMEOUT = 60.0


def fingerprint() -> str:
    """Everything that shapes the index; a change means a full rebuild."""
    h = hashlib.sha256(schema_fingerprint().encode())
    h.update(analysis.USERDICT.read_bytes() if analysis.USERDICT.exists() else b"")
    h.update(taxonomy.fingerprint().encode())
    h.update(thesaurus.fingerprint().encode())
    h.update(features.fingerprint().encode())
    h.update(citing.fingerprint().encode())
    return h.hexdigest()[:16]


@dataclass
class State:
    revision: int = -1
    fingerprint: str = ""
    # Segment file name -> size when it was written: segment files never change after, so
    # a different size (or a missing file of a live segment) is damage that sync repairs.
    files: dict[str, int] = field(default_factory=dict)

    @classmethod
    def read(cls, index_dir: Path) -> State:
        try:
            d = json.loads((index_dir / STATE_FILE).read_text(encoding="utf-8"))
            files = {str(k): int(v) for k, v in (d.get("files") or {}).items()}
            return cls(int(d["revision"]), str(d["fingerprint"]), files)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def write(self, index_dir: Path) -> None:
        """Write the state with the sizes of the index's segment files as they are now."""
        self.files = segment_files(index_dir)
        tmp = index_dir / (STATE_FILE + ".tmp")
        tmp.write_text(
            json.dumps(
                {"revision": self.revision, "fingerprint": self.fingerprint, "files": self.files}
            ),
            encoding="utf-8",
        )
        os.replace(tmp, index_dir / STATE_FILE)


def segment_files(d: Path) -> dict[str, int]:
    """Whoosh segment files (not the table of contents, lock or state) with their sizes."""
    out = {}
    for f in Path(d).glob("MAIN_*"):
        try:
            if f.is_file() and "WRITELOCK" not in f.name:
                out[f.name] = f.stat().st_size
        except OSError:
            continue  # removed by a merge meanwhile
    return out


def damaged_files(data_dir: Path) -> list[str]:
    """Segment files of the live index whose size differs from when they were written, or
    that are gone (a cheap stat per file; files written after the state are not judged)."""
    d = index_dir(data_dir)
    recorded = State.read(d).files
    if not recorded or not has_index(d):
        return []
    try:
        live = postings.index_segment_ids(storage(d).open_index())
    except Exception as exc:
        if not is_damage(exc):
            raise
        return ["_MAIN.toc"]
    now = segment_files(d)
    bad = []
    for name, size in recorded.items():
        if name.split(".")[0] not in live:  # segment ids are MAIN_<random>
            continue  # merged away since
        if now.get(name) != size:
            bad.append(name)
    return bad


@dataclass
class SyncReport:
    mode: str  # "build" | "sync" | "none"
    revision: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def has_index(d: Path) -> bool:
    """Whether index files are there (without reading them: they may be damaged)."""
    return d.is_dir() and any(d.glob("_MAIN_*.toc"))


def index_dir(data_dir: Path) -> Path:
    return Path(data_dir) / INDEX_DIR


def storage(d: Path) -> FileStorage:
    """Index files read with plain reads, not memory-mapped: a mapped index counts every
    page a search touched in the web process's memory (1.9 GB at 10 k notices against
    0.2 GB read, for ≈ 12 % more CPU time per search)."""
    return FileStorage(str(d), supports_mmap=False)


def open_or_create(data_dir: Path):
    """The Whoosh index in ``data_dir``, created empty when absent."""
    d = index_dir(data_dir)
    analysis.configure(Path(data_dir) / "cache")
    if has_index(d):
        try:
            return storage(d).open_index()
        except Exception as exc:  # whoosh raises many kinds on damaged files
            raise IndexDamaged(
                f"索引文件损坏（{type(exc).__name__}）："
                f"请运行 python -m indexer build --data {data_dir}"
            ) from exc
    d.mkdir(parents=True, exist_ok=True)
    return storage(d).create_index(make_schema())


@contextmanager
def _build_lock(data_dir: Path, timeout: float) -> Iterator[None]:
    """One full build at a time per data directory (they share the ``index.new`` folder)."""
    path = Path(data_dir) / "index.build.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as f:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexBusy(
                        f"索引正被另一个进程重建，等待 {timeout:g} 秒后仍未结束"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _writer(ix, timeout: float, procs: int = 1):
    """A writer holding the index lock; ``procs`` > 1 analyses and writes new documents
    in that many forked processes (see ``fastwrite.ParallelWriter``)."""
    try:
        # Plain segment files: Whoosh reads a compound one through a file handle it never
        # closes once the index is not memory-mapped (see ``storage``).
        if procs > 1:
            return fastwrite.ParallelWriter(ix, procs, timeout=timeout, compound=False)
        w = ix.writer(timeout=timeout, compound=False)
    except LockError as exc:
        raise IndexBusy(f"索引正被另一个进程写入，等待 {timeout:g} 秒后仍未释放") from exc
    fastwrite.read_lengths_once(w)
    return fastwrite.install(w)


def build(
    data_dir: Path,
    progress: Callable[[Iterable[str]], Iterable[str]] | None = None,
    timeout: float = WRITER_TIMEOUT,
    procs: int = 1,
) -> SyncReport:
    """Rebuild the index from the archive, replacing what was there.

    ``procs`` > 1 analyses documents in that many worker processes (one segment each, no
    final merge); use it from the command line, not from a threaded server.
    """
    with _build_lock(Path(data_dir), timeout):
        return _build(Path(data_dir), progress, timeout, procs)


def _build(
    data_dir: Path,
    progress: Callable[[Iterable[str]], Iterable[str]] | None,
    timeout: float,
    procs: int,
) -> SyncReport:
    t0 = time.perf_counter()
    d = index_dir(data_dir)
    analysis.configure(data_dir / "cache")
    with Archive(data_dir) as archive:
        revision = archive.revision()
        ids = archive.notice_ids()
        tmp = d.with_name(INDEX_DIR + ".new")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        ix = storage(tmp).create_index(make_schema())
        if procs > 1:
            w = fastwrite.ParallelWriter(ix, procs, limitmb=256, compound=False)
        else:
            w = _writer(ix, timeout)
        try:
            for nid in progress(ids) if progress else ids:
                try:
                    stored = archive.notice(nid)
                except NotFound:
                    continue
                for doc in documents(stored):
                    w.add_document(**doc)
            w.commit()
        except BaseException:
            w.cancel()
            raise
    _write_arrays(tmp, ix)
    State(revision, fingerprint()).write(tmp)
    # Swap directories: readers holding the old files keep them until they reopen.
    old = d.with_name(INDEX_DIR + ".old")
    if old.exists():
        shutil.rmtree(old)
    if d.exists():
        os.replace(d, old)
    os.replace(tmp, d)
    shutil.rmtree(old, ignore_errors=True)
    return SyncReport("build", revision, added=list(ids), seconds=time.perf_counter() - t0)


# What reading a deleted, truncated or overwritten index file raises inside Whoosh.
DAMAGE = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError)


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` comes from unreadable index files; Whoosh reports bad contents
    ("Block tag error") as a bare Exception, which nothing else raises."""
    return isinstance(exc, DAMAGE) or type(exc) is Exception


def damaged(data_dir: Path, exc: BaseException) -> IndexDamaged:
    return IndexDamaged(
        f"索引文件损坏（{type(exc).__name__}）：请运行 python -m indexer build --data {data_dir}"
    )


def sync(
    data_dir: Path,
    timeout: float = WRITER_TIMEOUT,
    rebuild_damaged: bool = True,
    merge: bool = True,
    verify: bool = False,
    batch: int | None = None,
    procs: int = 1,
) -> SyncReport:
    """Bring the index up to the archive's revision (or rebuild when its shape changed).

    Damaged index files (a segment file whose size changed, or unreadable; ``verify`` also
    reads the document list as ``check`` does) are rebuilt from the archive, or with
    ``rebuild_damaged=False`` (a server answering requests) reported as IndexDamaged naming
    the command. ``merge=False`` leaves small segments for a later ``merge`` (the
    background refresher merges only when the archive is quiet). ``batch`` applies the
    changes of at most that many notices (the oldest) and records the revision reached,
    so a long ingest becomes searchable step by step. ``procs`` > 1 writes new documents
    in that many forked processes: only from a single-threaded process."""
    t0 = time.perf_counter()
    data_dir = Path(data_dir)
    d = index_dir(data_dir)
    state = State.read(d)
    if not has_index(d) or state.fingerprint != fingerprint():
        return build(data_dir, timeout=timeout)
    try:
        ix = open_or_create(data_dir)
        bad = damaged_files(data_dir)
        if bad:
            raise IndexDamaged(
                f"索引文件损坏（{'、'.join(bad[:3])}）："
                f"请运行 python -m indexer build --data {data_dir}"
            )
        if verify:
            with ix.searcher() as s:
                indexed_notice_ids(s)
    except Exception as exc:
        if not (isinstance(exc, IndexDamaged) or is_damage(exc)):
            raise
        if not rebuild_damaged:
            if isinstance(exc, IndexDamaged):
                raise
            raise damaged(data_dir, exc) from exc
        return build(data_dir, timeout=timeout)  # damaged files: rebuild from the archive
    try:
        return _apply_changes(data_dir, ix, timeout, t0, merge, batch, procs)
    except Exception as exc:
        if not is_damage(exc):
            raise
        if not rebuild_damaged:
            raise damaged(data_dir, exc) from exc
        return build(data_dir, timeout=timeout)


def _apply_changes(
    data_dir: Path,
    ix: Any,
    timeout: float,
    t0: float,
    merge: bool,
    batch: int | None = None,
    procs: int = 1,
) -> SyncReport:
    d = index_dir(data_dir)
    state = State.read(d)
    with Archive(data_dir) as archive:
        revision = archive.revision()
        if revision == state.revision:
            return SyncReport("none", revision)
        w = _writer(ix, timeout, procs)
        try:
            # Re-read the state under the lock: another process may have synced meanwhile.
            state = State.read(d)
            revision = archive.revision()
            changed: dict[str, str] = {}
            if state.revision > revision:
                state.revision = -1  # archive replaced: reconcile everything below
            for rev, nid, op in archive.changes_since(max(state.revision, 0)):
                if batch and state.revision >= 0 and nid not in changed and len(changed) >= batch:
                    revision = rev - 1  # the rest in the next batch
                    break
                changed[nid] = op
            if state.revision < 0:
                changed = dict.fromkeys(archive.notice_ids(), "add")
                with ix.searcher() as s:
                    changed.update(dict.fromkeys(indexed_notice_ids(s) - set(changed), "remove"))
            added, removed = [], []
            present = set(archive.notice_ids()) if changed else set()
            for nid, op in changed.items():
                w.delete_by_term("notice_id", nid)
                if op == "add" and nid in present:
                    for doc in documents(archive.notice(nid)):
                        w.add_document(**doc)
                    added.append(nid)
                else:
                    removed.append(nid)
            w.commit(merge=merge)
        except BaseException:
            try:
                w.cancel()
            except DAMAGE:
                pass  # the original error says more
            raise
        _write_arrays(d, ix)
        State(revision, state.fingerprint).write(d)
    return SyncReport("sync", revision, added, removed, time.perf_counter() - t0)


def merge(data_dir: Path, timeout: float = WRITER_TIMEOUT) -> None:
    """Merge small segments (Whoosh's MERGE_SMALL) without changing any document."""
    d = index_dir(data_dir)
    ix = open_or_create(Path(data_dir))
    w = _writer(ix, timeout)
    try:
        state = State.read(d)
        w.commit(merge=True)
    except BaseException:
        w.cancel()
        raise
    _write_arrays(d, ix)
    state.write(d)


def _write_arrays(d: Path, ix: Any) -> None:
    """The new segments' field arrays (``fieldarrays``): derived data that only saves
    readers time, so an error writing them (a full disk) is logged, not raised."""
    try:
        fieldarrays.write_missing(d, ix)
    except (OSError, ValueError, MemoryError) as exc:
        log.warning("index arrays not written: %s", exc)


def indexed_notice_ids(searcher: Searcher) -> set[str]:
    """Ids of the notice documents in the index (live ones only), read from a column."""
    out: set[str] = set()
    for sub, _offset in searcher.leaf_searchers():
        reader = sub.reader()
        if reader.doc_count_all() == 0:
            continue  # an empty index's reader has no columns
        column = reader.column_reader("notice_id")
        for docnum in sub.document_numbers(kind="notice"):
            out.add(column[docnum])
    return out


@dataclass
class Drift:
    archive_revision: int
    index_revision: int
    missing: list[str]  # in the archive, not in the index
    extra: list[str]  # in the index, not in the archive
    stale_fingerprint: bool

    @property
    def ok(self) -> bool:
        return (
            not self.missing
            and not self.extra
            and not self.stale_fingerprint
            and self.archive_revision == self.index_revision
        )


def check(data_dir: Path) -> Drift:
    """Compare the index with the archive without changing either."""
    data_dir = Path(data_dir)
    d = index_dir(data_dir)
    state = State.read(d)
    with Archive(data_dir) as archive:
        revision = archive.revision()
        in_archive = set(archive.notice_ids())
    in_index: set[str] = set()
    if has_index(d):
        ix = open_or_create(data_dir)
        try:
            with ix.searcher() as s:
                in_index = indexed_notice_ids(s)
        except Exception as exc:
            if not is_damage(exc):
                raise
            raise damaged(data_dir, exc) from exc
    return Drift(
        archive_revision=revision,
        index_revision=state.revision,
        missing=sorted(in_archive - in_index),
        extra=sorted(in_index - in_archive),
        stale_fingerprint=state.fingerprint != fingerprint(),
    )
