"""The search API the web app and the CLI call.

``NoticeIndex`` follows the archive: before a search it polls the archive revision (at most
once per ``poll_interval``) and syncs the index when it moved, while other threads keep
searching with the searcher they have.
"""

from __future__ import annotations

import atexit
import heapq
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh import sorting
from whoosh.idsets import BitSet

from archive.store import DB_NAME, Archive
from indexer import taxonomy
from indexer.compiling import compile_query, filter_query
from indexer.errors import IndexBusy, IndexDamaged, IndexMissing
from indexer.facets import FacetCounter
from indexer.highlight import match_spans, snippet
from indexer.querying import parse
from indexer.ranking import Ranker
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

MAX_PER_PAGE = 100
# Recent results per index generation (popular searches, facet links); the environment
# variable NOTICES_SEARCH_CACHE sets the size (0 turns the cache off, as benchmarks do).
# Matches whose scores are kept across query texts (≈ 100 bytes each: ≈ 30 MB in all).
SCORE_CACHE_MATCHES = 300_000
CACHE_SIZE = 256
MAX_PAGE = 1000
FILTER_NAMES = ("org", "region", "year", "type", "inspector", "inspection")


@dataclass
class Hit:
    id: str
    kind: str
    notice_id: str
    organisation: str
    title: str
    notice_title: str
    snippet: str
    score: float
    types: list[str]
    type_labels: list[str]
    n: int | None = None
    number: str = ""
    province: str | None = None
    city: str | None = None
    district: str | None = None
    year: int | None = None
    inspector: str = ""
    published_date: str = ""
    status: str = ""
    measures: list[str] = field(default_factory=list)
    expansions: list[str] = field(default_factory=list)  # thesaurus alternatives found here


@dataclass
class SearchResult:
    query: str
    kind: str
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[tuple[Any, int]]]
    expansions: list[dict[str, str]]
    messages: list[str]
    seconds: float
    cached: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class NoticeIndex:
    """Search over one data directory's archive; safe to share between threads."""

    def __init__(
        self, data_dir: str | Path, poll_interval: float = 1.0, cache_size: int | None = None
    ) -> None:
        self.data_dir = Path(data_dir)
        if cache_size is None:
            env = os.environ.get("NOTICES_SEARCH_CACHE", "")
            cache_size = int(env) if env.isdigit() else CACHE_SIZE
        self.cache_size = cache_size
        self.poll_interval = poll_interval
        self._checked = -1e9
        self._sync_lock = threading.Lock()
        self._read_lock = threading.RLock()
        self._generation = 0
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        # Scores of every match by query text: a facet click or the next page filters or
        # pages the same matches, so only the first search of a query text scores them.
        self._score_cache: OrderedDict[str, dict[int, float]] = OrderedDict()
        self._searcher = None
        self._searcher_ix = None
        self._ix = None
        self._folder: tuple[int, int] | None = None
        self._facets = FacetCounter()
        self._ranker = Ranker()
        self._kind_docs: dict[str, Any] = {}  # kind -> docnums, for the current searcher

    # -- freshness -------------------------------------------------------------------

    def _archive_revision(self) -> int:
        if not (self.data_dir / DB_NAME).exists():
            raise IndexMissing(
                f"数据目录 {self.data_dir} 中没有档案库：请先运行 python -m archive ingest"
            )
        with Archive(self.data_dir) as a:
            return a.revision()

    def refresh(self, force: bool = False) -> None:
        """Sync the index when the archive changed since the last look."""
        now = time.monotonic()
        if not force and now - self._checked < self.poll_interval and self._ix is not None:
            return
        self._checked = now
        revision = self._archive_revision()
        state = State.read(index_dir(self.data_dir))
        if state.revision != revision or state.fingerprint != fingerprint() or self._ix is None:
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
        # A rebuild (python -m indexer build) replaces the index folder; its generation
        # number may equal the old one, so the folder itself is compared.
        folder = _folder_id(index_dir(self.data_dir))
        if self._ix is None or folder != self._folder:
            self._ix = open_or_create(self.data_dir)
            self._folder = _folder_id(index_dir(self.data_dir))

    def searcher(self):
        """The shared searcher, reopened when the index has a newer generation.

        One searcher serves every thread (callers hold ``reading()``): searching is pure
        Python, so threads would not run in parallel anyway, and a searcher per thread
        costs its own copy of the index's caches and mapped pages.
        """
        with self._read_lock:
            self.refresh()
            s = self._searcher
            ix = self._ix
            if s is None or self._searcher_ix is not ix:
                if s is not None:
                    s.close()
                s = ix.searcher(weighting=weighting())
                self._searcher_ix = ix
            elif not s.up_to_date():
                # A fresh searcher, not ``s.refresh()``: Whoosh's refresh reuses the reader
                # of every segment whose id is unchanged, and so misses documents deleted
                # from an old segment (a removed or replaced notice would stay findable).
                s.close()
                s = ix.searcher(weighting=weighting())
            if s is not self._searcher:
                self._generation += 1  # results cached for the old searcher are stale
                self._cache.clear()
                self._score_cache.clear()
                self._kind_docs.clear()
                segments = (sub.reader().segment() for sub, _ in s.leaf_searchers())
                self._ranker.forget_except({g.segment_id() for g in segments if g is not None})
            self._searcher = s
            return s

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
        """Close the index files (they are plain open files, see ``writing.storage``)."""
        with self._read_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def search(
        self,
        query: str = "",
        kind: str = "problem",
        filters: dict[str, str] | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
    ) -> SearchResult:
        """Search problems or notices; never raises on any query text.

        ``filters`` keys: org, region, year, type, inspector, inspection.
        """
        key = ("search", query, kind, tuple(sorted((filters or {}).items())), sort, page, per_page)
        t0 = time.perf_counter()
        with self._read_lock, _damage_as_error(self.data_dir):
            self.searcher()  # refresh first: a newer index empties the cache
            hit = self._cache_get(key)
            if hit is not None:
                return replace(hit, cached=True, seconds=time.perf_counter() - t0)
            result = self._search(query, kind, filters, sort, page, per_page)
            self._cache_put(key, result)
            return result

    def cached(self, key: tuple[Any, ...], compute: Any) -> Any:
        """``compute()`` once per index generation for ``key`` (e.g. similar problems)."""
        with self._read_lock, _damage_as_error(self.data_dir):
            self.searcher()
            value = self._cache_get(key)
            if value is None:
                value = compute()
                self._cache_put(key, value)
            return value

    def _cache_get(self, key: tuple[Any, ...]) -> Any:
        value = self._cache.get(key)
        if value is not None:
            self._cache.move_to_end(key)
        return value

    def _cache_put(self, key: tuple[Any, ...], value: Any) -> None:
        if self.cache_size <= 0:
            return
        self._cache[key] = value
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """The stored fields of a notice or problem document."""
        with self._read_lock, _damage_as_error(self.data_dir):
            return self._document(doc_id)

    def problems_of(self, notice_id: str) -> list[dict[str, Any]]:
        """The stored problem documents of one notice, in document order."""
        with self._read_lock, _damage_as_error(self.data_dir):
            return self._problems_of(notice_id)

    def export(
        self, query: str = "", filters: dict[str, str] | None = None, limit: int = 10_000
    ) -> list[Hit]:
        """Every matching problem (up to ``limit``), best first, for CSV export."""
        with self._read_lock, _damage_as_error(self.data_dir):
            return self._export(query, filters, limit)

    # -- search ----------------------------------------------------------------------

    def _search(
        self,
        query: str = "",
        kind: str = "problem",
        filters: dict[str, str] | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
    ) -> SearchResult:
        """Search problems or notices; never raises on any query text."""
        t0 = time.perf_counter()
        if kind not in ("problem", "notice"):
            raise ValueError(f"kind must be 'problem' or 'notice', not {kind!r}")
        page = min(max(int(page), 1), MAX_PAGE)
        per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
        compiled = compile_query(parse(query or ""))
        messages = list(compiled.messages)
        s = self.searcher()
        restrict = self._filters(s, filters, messages)
        q = compiled.query if compiled.query is not None else wq.Every()
        if compiled.query is None and (query or "").strip() and not compiled.messages:
            if not any(c.isalnum() for c in query):
                messages.append("查询中没有可检索的文字")
        browse = isinstance(q, wq.Every)
        allow = self._allowed(s, kind, restrict)
        lo = (page - 1) * per_page
        if browse:
            # Every document that passes the filters, newest first.
            docs = sorted(allow)
            dates = self._ranker.column(s, "date")
            top = heapq.nlargest(page * per_page, docs, key=lambda d: (dates[d], -d))
            scores: dict[int, float] = {}
        else:
            # Every match scored term at a time (ranking.py): the total and the facets
            # need every match anyway, and the top of the ranking is a heap away.
            scores = self._scores(s, query or "", q)
            docs = sorted(d for d in scores if d in allow)
            if sort == "date":
                dates = self._ranker.column(s, "date")
                top = heapq.nlargest(page * per_page, docs, key=lambda d: (dates[d], scores[d], -d))
            else:
                top = heapq.nsmallest(page * per_page, docs, key=lambda d: (-scores[d], d))
        hits = [
            self._hit(s.stored_fields(d), scores.get(d, 0.0), compiled.terms, compiled.expansions)
            for d in top[lo:]
        ]
        total = len(docs)
        facet_counts = self._facets.count(s, docs)
        expansions = []
        for e in compiled.expansions:
            used = sum(1 for h in hits if e.alternative in h.expansions)
            expansions.append({**asdict(e), "hits_on_page": used})
        return SearchResult(
            query=query or "",
            kind=kind,
            total=total,
            page=page,
            per_page=per_page,
            hits=hits,
            facets=facet_counts,
            expansions=expansions,
            messages=messages,
            seconds=time.perf_counter() - t0,
        )

    def _scores(self, s, text: str, q: wq.Query) -> dict[int, float]:
        if self.cache_size <= 0:
            return self._ranker.scores(s, q)
        found = self._score_cache.get(text)
        if found is None:
            found = self._score_cache[text] = self._ranker.scores(s, q)
            kept = sum(map(len, self._score_cache.values()))
            while kept > SCORE_CACHE_MATCHES and len(self._score_cache) > 1:
                kept -= len(self._score_cache.popitem(last=False)[1])
        else:
            self._score_cache.move_to_end(text)
        return found

    def _allowed(self, s, kind: str, restrict: list[wq.Query]) -> Any:
        """The documents a search may return: those of ``kind`` (a set kept for the
        searcher's lifetime: building it walked every document, ≈ 50 ms at 10 k notices)
        passing the filters."""
        docs = self._kind_docs.get(kind)
        if docs is None:
            docs = self._kind_docs[kind] = BitSet(s.docs_for_query(wq.Term("kind", kind)))
        if not restrict:
            return docs
        passing = s.docs_for_query(restrict[0] if len(restrict) == 1 else wq.And(restrict))
        return {d for d in passing if d in docs}

    @staticmethod
    def _filters(s, filters: dict[str, str] | None, messages: list[str]) -> list[wq.Query]:
        """Filters given as parameters (facet links): an organisation is matched exactly
        when it is a known unit, so 某镇 does not also select 某镇某村."""
        out: list[wq.Query] = []
        for name, value in (filters or {}).items():
            if name not in FILTER_NAMES or value is None or str(value).strip() == "":
                continue
            value = str(value).strip()
            if name == "org" and s.doc_frequency("organisation", value) > 0:
                out.append(wq.Term("organisation", value))
                continue
            fq = filter_query(name, value, messages)
            if fq is not None:
                out.append(fq)
        return out

    def _hit(self, f: dict[str, Any], score: Any, terms: list[str], expansions) -> Hit:
        text = f.get("text", "")
        found = [e.alternative for e in expansions if match_spans(text, [e.alternative])]
        types = [t for t in (f.get("types") or "").split(",") if t]
        return Hit(
            id=f["id"],
            kind=f["kind"],
            notice_id=f["notice_id"],
            organisation=f.get("organisation", ""),
            title=f.get("title", ""),
            notice_title=f.get("notice_title", ""),
            snippet=snippet(text, terms),
            score=_score(score),
            types=types,
            type_labels=[taxonomy.label(t) for t in types],
            n=f.get("n"),
            number=f.get("number", ""),
            province=f.get("province"),
            city=f.get("city"),
            district=f.get("district"),
            year=f.get("year"),
            inspector=f.get("inspector", ""),
            published_date=f.get("published_date", ""),
            status=f.get("status", ""),
            measures=list(f.get("measures") or []),
            expansions=found,
        )

    def _document(self, doc_id: str) -> dict[str, Any] | None:
        """The stored fields of a notice or problem document."""
        s = self.searcher()
        return s.document(id=doc_id)

    def _problems_of(self, notice_id: str) -> list[dict[str, Any]]:
        """The stored problem documents of one notice, in document order."""
        s = self.searcher()
        docs = list(s.documents(notice_id=notice_id, kind="problem"))
        return sorted(docs, key=lambda d: d.get("n") or 0)

    def _export(
        self,
        query: str = "",
        filters: dict[str, str] | None = None,
        limit: int = 10_000,
    ) -> list[Hit]:
        """Every matching problem (up to ``limit``), best first, for CSV export."""
        compiled = compile_query(parse(query or ""))
        s = self.searcher()
        allow = self._allowed(s, "problem", self._filters(s, filters, []))
        q = compiled.query if compiled.query is not None else wq.Every()
        sortedby = [sorting.FieldFacet("date", reverse=True)] if isinstance(q, wq.Every) else None
        results = s.search(q, limit=limit, filter=allow, sortedby=sortedby, terms=False)
        return [
            self._hit(h.fields(), h.score, compiled.terms, compiled.expansions) for h in results
        ]


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


def _score(value: Any) -> float:
    """The relevance score; with a date sort Whoosh gives the sort key instead."""
    if isinstance(value, tuple):
        value = next((v for v in reversed(value) if isinstance(v, int | float)), 0.0)
    try:
        return round(abs(float(value or 0.0)), 4)
    except (TypeError, ValueError):
        return 0.0


def _counts(groups: dict[Any, int]) -> list[tuple[Any, int]]:
    items = [(k, int(v)) for k, v in groups.items() if k not in (None, "")]
    items.sort(key=lambda kv: (-kv[1], str(kv[0])))
    return items


_open: dict[Path, NoticeIndex] = {}
_open_lock = threading.Lock()


@atexit.register
def _close_all() -> None:
    """Close the process-wide indexes' files before the interpreter tears down."""
    with _open_lock:
        for idx in _open.values():
            idx.close()


def open_index(data_dir: str | Path, poll_interval: float = 1.0) -> NoticeIndex:
    """The process-wide ``NoticeIndex`` for a data directory."""
    key = Path(data_dir).resolve()
    with _open_lock:
        if key not in _open:
            _open[key] = NoticeIndex(key, poll_interval)
        return _open[key]
