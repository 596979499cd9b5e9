"""The search API the web app and the CLI call.

``NoticeIndex`` follows the archive. It answers from one ``Generation`` at a time (a Whoosh
searcher with its postings decoded into arrays, see ``generation``); a new generation is
opened when the archive moved, inline before a search (command line, tests) or by a
background ``Refresher`` (the web server) while searches go on with the current one.

``warm(data_dir)`` opens the process-wide index and decodes its columns and frequent terms:
a server calls it before forking workers, so they share those pages.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from archive.store import DB_NAME, Archive
from indexer.errors import IndexBusy, IndexDamaged, IndexMissing, QueryTooCostly
from indexer.generation import Generation, SegmentArrays
from indexer.refresher import Refresher
from indexer.resultcache import ResultCache
from indexer.results import (
    FILTER_NAMES,
    MAX_PAGE,
    MAX_PER_PAGE,
    Hit,
    ProblemHit,
    SearchResult,
    TypeRef,
    run_export,
    run_search,
)
from indexer.schema import weighting
from indexer.writing import (
    State,
    damaged,
    fingerprint,
    index_dir,
    is_damage,
    open_or_create,
    sync,
)

__all__ = [
    "FILTER_NAMES",
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "Hit",
    "NoticeIndex",
    "ProblemHit",
    "SearchResult",
    "TypeRef",
    "open_index",
    "warm",
]

# Recent results per index generation (popular searches, facet links); the environment
# variable NOTICES_SEARCH_CACHE sets the size (0 turns the cache off, as benchmarks do).
CACHE_SIZE = 256


class NoticeIndex:
    """Search over one data directory's archive; safe to share between threads.

    Searches read one ``Generation`` (a searcher and its decoded arrays). Without a
    background refresher (command line, tests) a search first polls the archive revision
    and syncs inline; with one (``start_refresher``, the web server) searches never wait
    for a sync: the refresher applies the change log, builds the next generation beside
    the current one and switches when it is ready.
    """

    def __init__(
        self,
        data_dir: str | Path,
        poll_interval: float = 1.0,
        cache_size: int | None = None,
        background: bool = False,
    ) -> None:
        self.data_dir = Path(data_dir)
        if cache_size is None:
            env = os.environ.get("NOTICES_SEARCH_CACHE", "")
            cache_size = int(env) if env.isdigit() else CACHE_SIZE
        self.cache_size = cache_size
        self.poll_interval = poll_interval
        self.background = background
        self._checked = -1e9
        self._sync_lock = threading.Lock()
        self._read_lock = threading.RLock()
        self._cache = ResultCache(cache_size)
        self._segments = SegmentArrays()
        self._gen: Generation | None = None
        self._ix = None
        self._folder: tuple[int, int] | None = None
        self._refresher: Refresher | None = None

    # -- freshness -------------------------------------------------------------------

    def archive_revision(self) -> int:
        if not (self.data_dir / DB_NAME).exists():
            raise IndexMissing(
                f"数据目录 {self.data_dir} 中没有档案库：请先运行 python -m archive ingest"
            )
        with Archive(self.data_dir) as a:
            return a.revision()

    def refresh(self, force: bool = False) -> None:
        """Sync the index when the archive changed since the last look (inline), and open
        the newest generation."""
        now = time.monotonic()
        if not force and now - self._checked < self.poll_interval and self._gen is not None:
            return
        self._checked = now
        revision = self.archive_revision()
        state = State.read(index_dir(self.data_dir))
        stale = state.revision != revision or state.fingerprint != fingerprint()
        if stale or self._ix is None:
            if self._sync_lock.acquire(blocking=self._ix is None):
                try:
                    first = self._ix is None
                    sync(self.data_dir, timeout=30.0 if first else 0.5, rebuild_damaged=first)
                except IndexBusy:
                    pass  # another process is writing; keep the searcher we have
                except IndexDamaged:
                    # Keep answering from the searcher we have (its files stay open) until
                    # someone runs the repair command the error names.
                    if self._ix is None:
                        raise
                finally:
                    self._sync_lock.release()
        with self._read_lock:
            gen = self.next_generation()
            if gen is not None:
                self.switch(gen)

    def next_generation(self) -> Generation | None:
        """A generation for the index on disk when it differs from the current one, else
        None. Reads only new files; callers serialise it with other refreshes."""
        # A rebuild (python -m indexer build) replaces the index folder; its generation
        # number may equal the old one, so the folder itself is compared.
        folder = _folder_id(index_dir(self.data_dir))
        ix = self._ix
        if ix is None or folder != self._folder:
            ix = open_or_create(self.data_dir)
            folder = _folder_id(index_dir(self.data_dir))
        gen = self._gen
        # A fresh searcher, not ``s.refresh()``: Whoosh's refresh reuses the reader of
        # every segment whose id is unchanged, and so misses documents deleted from an old
        # segment (a removed or replaced notice would stay findable).
        if gen is not None and ix is self._ix and gen.searcher.up_to_date():
            return None
        gen = Generation(ix.searcher(weighting=weighting()), self._segments)
        gen.ix, gen.folder = ix, folder
        return gen

    def switch(self, gen: Generation) -> None:
        """Make ``gen`` current (callers hold the read lock: no search uses the old one)."""
        old = self._gen
        self._gen, self._ix, self._folder = gen, gen.ix, gen.folder
        self._cache.clear()  # results of the old generation are stale
        self._segments.keep_only(gen.segment_ids())
        if old is not None:
            old.searcher.close()

    def generation(self) -> Generation:
        """The current generation (callers hold the read lock)."""
        if self._gen is not None and self._gen.pid != os.getpid():
            self._after_fork()
        if not self.background:
            self.refresh()
        else:
            if self._gen is None:
                self.refresh()
            self.start_refresher()  # the first search's (after a fork: the worker's own)
        assert self._gen is not None
        return self._gen

    def _after_fork(self) -> None:
        """In a forked worker: the same index through files of its own (an inherited file
        shares its read offset with the parent), keeping the arrays decoded before."""
        self._sync_lock = threading.Lock()  # a lock is not shared with the parent anyway
        self._refresher = None
        old = self._gen
        ix = open_or_create(self.data_dir)
        self._ix = ix
        self._gen = old.rebind(ix.searcher(weighting=weighting()))
        self._gen.ix = ix
        old.searcher.close()  # this process's copies of the inherited files

    def start_refresher(self) -> None:
        """Apply the change log in a background thread from now on (idempotent; a forked
        worker starts its own)."""
        r = self._refresher
        if r is not None and r.alive():
            return
        self._refresher = Refresher(self)
        self._refresher.start()

    def stop_refresher(self) -> None:
        r, self._refresher = self._refresher, None
        if r is not None:
            r.stop()

    def searcher(self):
        """The current generation's Whoosh searcher (callers hold ``reading()``)."""
        with self._read_lock:
            return self.generation().searcher

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """Hold the searcher for a whole operation (several calls on one searcher)."""
        with self._read_lock, _damage_as_error(self.data_dir):
            yield self.searcher()

    def __enter__(self) -> NoticeIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the refresher and close the index files."""
        self.stop_refresher()
        with self._read_lock:
            if self._gen is not None:
                self._gen.searcher.close()
                self._gen = None
                self._ix = None

    def search(
        self,
        query: str = "",
        kind: str = "problem",
        filters: dict[str, str] | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
    ) -> SearchResult:
        """Search problems or notices. Any query text is answered, except one over the
        cost budget: ``QueryTooCostly`` (see ``ranking.check_budget``).

        ``filters`` keys: org, region, year, type, inspector, inspection.
        """
        key = ("search", query, kind, tuple(sorted((filters or {}).items())), sort, page, per_page)
        t0 = time.perf_counter()
        with self._read_lock, _damage_as_error(self.data_dir):
            gen = self.generation()  # refresh first: a newer generation empties the cache
            hit = self._cache.get(key)
            if hit is not None:
                return replace(hit, cached=True, seconds=time.perf_counter() - t0)
            result = run_search(gen, query, kind, filters, sort, page, per_page)
            self._cache.put(key, result)
            return result

    def cached(self, key: tuple[Any, ...], compute: Any) -> Any:
        """``compute()`` once per index generation for ``key`` (e.g. similar problems)."""
        with self._read_lock, _damage_as_error(self.data_dir):
            self.generation()
            value = self._cache.get(key)
            if value is None:
                value = compute()
                self._cache.put(key, value)
            return value

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """The stored fields of a notice or problem document."""
        with self._read_lock, _damage_as_error(self.data_dir):
            return self.generation().searcher.document(id=doc_id)

    def problems_of(self, notice_id: str) -> list[dict[str, Any]]:
        """The stored problem documents of one notice, in document order."""
        with self._read_lock, _damage_as_error(self.data_dir):
            s = self.generation().searcher
            docs = list(s.documents(notice_id=notice_id, kind="problem"))
            return sorted(docs, key=lambda d: d.get("n") or 0)

    def export(
        self, query: str = "", filters: dict[str, str] | None = None, limit: int = 10_000
    ) -> list[ProblemHit]:
        """Every matching problem (up to ``limit``), best first, for CSV export."""
        with self._read_lock, _damage_as_error(self.data_dir):
            return run_export(self.generation(), query, filters, limit)


def _folder_id(d: Path) -> tuple[int, int] | None:
    try:
        st = d.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


@contextmanager
def _damage_as_error(data_dir: Path) -> Iterator[None]:
    """An index file deleted or truncated under a running search becomes IndexDamaged
    (a clear 503 in the web app), not an internal error."""
    try:
        yield
    except Exception as exc:
        if not is_damage(exc):
            raise
        raise damaged(data_dir, exc) from exc


_open: dict[Path, NoticeIndex] = {}
_open_lock = threading.Lock()


@atexit.register
def _close_all() -> None:
    """Close the process-wide indexes' files before the interpreter tears down."""
    with _open_lock:
        for idx in _open.values():
            idx.close()


def open_index(
    data_dir: str | Path, poll_interval: float = 1.0, background: bool | None = None
) -> NoticeIndex:
    """The process-wide ``NoticeIndex`` for a data directory. ``background`` (default: when
    ``poll_interval`` > 0) keeps it fresh from a background refresher, so a search never
    waits for an ingest to be indexed."""
    key = Path(data_dir).resolve()
    with _open_lock:
        if key not in _open:
            if background is None:
                background = poll_interval > 0
            _open[key] = NoticeIndex(key, poll_interval, background=background)
        return _open[key]


@dataclass
class WarmReport:
    documents: int
    terms: int
    cache_mb: float
    seconds: float


def warm(data_dir: str | Path, seconds: float = 20.0, terms: int = 400) -> WarmReport:
    """Open the process-wide index and decode what searches need before they come: field
    lengths, kind masks, facet and date columns, then the literal matches and word postings
    of the most frequent words (at most ``terms``, for at most ``seconds``).

    A server calls this before forking its workers: the arrays are then shared by them
    (copy-on-write pages that nobody writes). It starts no thread; each worker's first
    search starts that worker's refresher.
    """
    t0 = time.perf_counter()
    idx = open_index(data_dir)
    idx.refresh(force=True)
    with idx._read_lock:
        gen = idx.generation() if not idx.background else idx._gen
        assert gen is not None
        gen.warm_columns()
        done = 0
        for word in gen.frequent_words(terms):
            if time.perf_counter() - t0 > seconds:
                break
            try:
                run_search(gen, word, per_page=1)
            except QueryTooCostly:
                continue
            done += 1
    return WarmReport(gen.n, done, round(gen.cache.bytes / 2**20, 1), time.perf_counter() - t0)
