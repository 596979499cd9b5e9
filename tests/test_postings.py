"""The in-memory postings layer against plain Whoosh on a real index on disk.

The index spans several segments with deleted documents (a build, two syncs and a removed
notice). The oracle is Whoosh itself: its matcher scores (a conjunction scores the sum of its
parts, see tests/test_ranking.py), its ``docs_for_query`` for filters, the stored fields for
facets, and a linear scan of the stored text for literal matches.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from whoosh import query as wq

from archive.normalize import normalize
from indexer.compiling import compile_query, filter_query
from indexer.generation import ByteLRU
from indexer.querying import parse
from indexer.ranking import CONCEPT_BAND
from indexer.results import FILTER_NAMES
from indexer.schema import FACETS
from indexer.searching import NoticeIndex, warm
from tests.archives import ingest_all
from tests.builtonce import segmented

REPO = Path(__file__).resolve().parents[1]
NOTICES = sorted((REPO / "tests" / "data" / "notices").glob("*.txt"))
SEEDS = sorted((REPO / "seeds").glob("*.txt"))

CASES = [
    ("整改", {}),
    ("公务接待", {}),
    ("公车", {}),
    ("八项规定", {}),
    ("捐", {}),
    ('"三会一课"', {}),
    ("公务接待 报销", {}),
    ("资金 OR 经费", {}),
    ("干部 -培训", {}),
    ("NOT 学习", {}),
    ("(公车 OR 公务用车) -私用", {}),
    ("学习 year:2021-2023", {}),
    ("整改", {"org": "淮北市红十字会"}),
    ("制度", {"region": "广东"}),
    ("台账", {"inspector": "市委"}),
    ("", {"year": "2020"}),
    ("", {}),
]


def _ingest(d: Path, files: list[Path]) -> None:
    ingest_all(d, files)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """Three segments and a removed notice, shared with test_ranking (tests/builtonce.py)."""
    return segmented(tmp_path_factory)


@pytest.fixture(scope="module")
def index(data):
    idx = NoticeIndex(data, poll_interval=0, cache_size=0)
    with idx.reading() as s:
        assert len(s.leaf_searchers()) > 1, "the fixture must span several segments"
        assert any(sub.reader().has_deletions() for sub, _ in s.leaf_searchers())
    yield idx
    idx.close()


def whoosh_scores(s, q: wq.Query) -> dict[int, float]:
    if isinstance(q, wq.And):  # Whoosh's own intersection drops optional scores
        parts = [whoosh_scores(s, p) for p in q.subqueries]
        return {d: sum(p[d] for p in parts) for d in parts[0] if all(d in p for p in parts)}
    c = s.collector(limit=None, optimize=False, terms=False)
    c.replace = 0
    s.search_with_collector(q, c)
    return {h.docnum: h.score for h in c.results()}


def concept_only(s, wide: wq.Query, literal: dict[int, float], allowed: set[int]):
    """Matches only the concept query finds, scaled below the lowest literal match."""
    extra = {d: v for d, v in whoosh_scores(s, wide).items() if d in allowed - set(literal)}
    if extra and literal:
        ceiling = CONCEPT_BAND * min(literal.values())
        top = max(extra.values())
        if top > ceiling:
            extra = {d: v * ceiling / top for d, v in extra.items()}
    return extra


def oracle(s, text: str, filters: dict[str, str]):
    """(total, top-20 (id, score), facet counts) computed with plain Whoosh."""
    compiled = compile_query(parse(text))
    allowed = set(s.docs_for_query(wq.Term("kind", "problem")))
    for name, value in filters.items():
        assert name in FILTER_NAMES
        fq = filter_query(name, value, [])
        if name == "org" and s.doc_frequency("organisation", value) > 0:
            fq = wq.Term("organisation", value)
        allowed &= set(s.docs_for_query(fq))
    if compiled.query is None:
        date = {d: s.stored_fields(d).get("date", "") for d in allowed}
        ranked = sorted(allowed, key=lambda d: (date[d], -d), reverse=True)
        scores = dict.fromkeys(allowed, 0.0)
    else:
        scores = {d: v for d, v in whoosh_scores(s, compiled.query).items() if d in allowed}
        if compiled.concept_query is not None:
            scores.update(concept_only(s, compiled.concept_query, scores, allowed))
        ranked = sorted(scores, key=lambda d: (-round(scores[d], 9), d))
    facets: dict[str, Counter] = {name: Counter() for name, _ in FACETS}
    for d in scores:
        f = s.stored_fields(d)
        for name, _ in FACETS:
            value = f.get(name)
            multi = name in ("types", "inspection_kind") and value is not None
            values = str(value).split(",") if multi else [value]
            facets[name].update(v for v in values if v not in (None, "", 0))
    top = [(s.stored_fields(d)["id"], scores[d]) for d in ranked[:20]]
    counts = {n: sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0]))) for n, c in facets.items()}
    return len(scores), top, counts


@pytest.mark.parametrize(("text", "filters"), CASES)
def test_same_page_total_scores_and_facets_as_whoosh(index, text, filters):
    r = index.search(text, filters=filters, per_page=20)
    with index.reading() as s:
        total, top, facets = oracle(s, text, filters)
    assert total > 0, (text, filters)
    assert r.total == total
    assert [h.id for h in r.hits] == [i for i, _ in top]
    for h, (_, score) in zip(r.hits, top, strict=True):
        assert h.score == pytest.approx(score, abs=1e-4)
    assert r.facets == facets


def literal(text: str) -> str:
    return "".join(c for c in normalize(text).lower() if c.isalnum())


@pytest.mark.parametrize(
    "needle", ["三重一大", "公务接待", "整改落实", "制度", "红十字会", "党风廉政"]
)
def test_literal_matches_equal_a_linear_scan_of_stored_text(index, needle):
    with index.reading() as s:
        truth = {
            f["id"]
            for d, f in ((d, s.stored_fields(d)) for d in s.docs_for_query(wq.Every()))
            if f["kind"] == "problem" and literal(needle) in literal(f.get("text", ""))
        }
    assert truth, needle
    found = {h.id for h in index.export(f'"{needle}"', limit=100_000)}
    assert found == truth


def test_a_filter_that_matches_nothing_returns_nothing(index):
    assert index.search("公车").total > 0
    for filters in ({"year": "1990"}, {"org": "不存在"}, {"type": "不存在的类型"}):
        assert index.search("公车", filters=filters).total == 0, filters
        assert index.export("公车", filters) == [], filters
        assert index.export("", filters) == [], filters


def test_the_postings_cache_is_bounded_and_changes_nothing(data):
    small = NoticeIndex(data, poll_interval=0, cache_size=0)
    free = NoticeIndex(data, poll_interval=0, cache_size=0)
    try:
        small.refresh(force=True)
        small.generation().cache = ByteLRU(4096)  # a few small lists at most
        for text, filters in CASES:
            a = small.search(text, filters=filters)
            b = free.search(text, filters=filters)
            assert (a.total, [h.id for h in a.hits], a.facets) == (
                b.total,
                [h.id for h in b.hits],
                b.facets,
            )
            assert small.generation().cache.bytes <= 4096
        assert free.generation().cache.bytes > 4096
    finally:
        small.close()
        free.close()


def test_byte_lru_evicts_the_least_recently_used():
    import numpy as np

    lru = ByteLRU(100)
    lru.put("a", np.zeros(10), 40)
    lru.put("b", np.zeros(10), 40)
    assert lru.get("a") is not None  # a is now the most recent
    lru.put("c", np.zeros(10), 40)
    assert lru.get("b") is None and lru.get("a") is not None and lru.get("c") is not None
    assert lru.bytes == 80
    lru.put("huge", np.zeros(10), 1000)  # larger than the cache: not kept
    assert lru.get("huge") is None and lru.bytes == 80


def test_warm_decodes_columns_and_frequent_words(data):
    from indexer import searching

    report = warm(data, seconds=30.0, terms=20)
    idx = searching.open_index(data)
    try:
        gen = idx._gen
        assert report.documents == gen.n > 0
        assert report.terms > 0 and len(gen.cache) > 0 and report.cache_mb >= 0
        assert gen._facets is not None and gen._date_rank is not None
        assert idx._refresher is None, "warm starts no thread (it runs before forking)"
    finally:
        idx.close()
        searching._open.pop(Path(data).resolve(), None)


def test_a_forked_worker_reads_through_its_own_files_and_keeps_the_arrays(data):
    """Workers forked after ``warm`` share the decoded arrays, not the open index files
    (an inherited file shares its read offset with the parent)."""
    import json
    import os

    from indexer import searching

    warm(data, seconds=10.0, terms=5)
    idx = searching.open_index(data)
    try:
        parent = idx._gen
        expected = [(r.total, [h.id for h in r.hits]) for r in map(idx.search, ["整改", "公车"])]
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                os.close(read)
                got = [(r.total, [h.id for h in r.hits]) for r in map(idx.search, ["整改", "公车"])]
                gen = idx._gen
                report = {
                    "got": got,
                    "own_searcher": gen.searcher is not parent.searcher,
                    "shared_arrays": gen._facets is parent._facets and gen.cache is parent.cache,
                }
                os.write(write, json.dumps(report).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        with os.fdopen(read, "rb") as f:
            report = json.loads(f.read() or b"{}")
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert [tuple(x) for x in report["got"]] == [tuple(x) for x in expected]
        assert report["own_searcher"] and report["shared_arrays"]
        assert idx._gen is parent and idx.search("公务接待").total > 0  # the parent unharmed
    finally:
        idx.close()
        searching._open.pop(Path(data).resolve(), None)
