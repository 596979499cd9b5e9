"""Search over a real archive and a real Whoosh index on disk."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.normalize import normalize
from archive.store import Archive
from indexer.searching import NoticeIndex
from indexer.writing import build
from tests.archives import ingest_all

REPO = Path(__file__).resolve().parents[1]
CORPUS = sorted((REPO / "seeds").glob("*.txt")) + sorted(
    (REPO / "tests" / "data" / "notices").glob("*.txt")
)
XSS = """中共某某市某某局党组关于巡察整改情况的通报
根据市委统一部署，2022年3月1日至4月1日，市委第一巡察组对市某某局党组开展了巡察。2022年5月6日，市委第一巡察组向市某某局党组反馈了巡察意见。现将巡察整改情况予以公布。
一、巡察反馈问题整改情况
1.针对<script>alert("x")</script>网站管理不规范问题。一是删除"><img src=x onerror=alert(1)>\
等非法内容；二是建立网站内容三审制度。
2.针对公务用车管理不严问题。一是建立公务用车使用登记制度；二是每月核查用车记录。
二、下一步工作打算
持续巩固整改成果。
中共某某市某某局党组
2022年8月1日
"""


def literal(text: str) -> str:
    """The test's own statement of 'literally contains': letters, digits, CJK, folded."""
    return "".join(c for c in normalize(text).lower() if c.isalnum())


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("search") / "data"
    src = d.parent / "src"
    src.mkdir()
    for f in CORPUS:
        shutil.copy(f, src / f.name)
    (src / "xss.txt").write_text(XSS, encoding="utf-8")
    ingest_all(d, sorted(src.iterdir()))
    build(d)
    return d


@pytest.fixture(scope="module")
def index(corpus_dir) -> Iterator[NoticeIndex]:
    with NoticeIndex(corpus_dir, poll_interval=0) as idx:
        yield idx


@pytest.fixture(scope="module")
def problems(corpus_dir) -> dict[str, str]:
    """Every archived problem's text by id: the literal truth for recall."""
    out = {}
    with Archive(corpus_dir) as a:
        for stored in a.iter_notices():
            for p in stored.notice.problems:
                out[f"{stored.id}-{p.n}"] = p.text
    return out


@pytest.fixture(scope="module")
def notices(corpus_dir) -> dict[str, str]:
    with Archive(corpus_dir) as a:
        return {stored.id: stored.text for stored in a.iter_notices()}


def all_ids(index: NoticeIndex, q: str, kind: str = "problem", literal: bool = False) -> set[str]:
    """Every hit's id (``literal``: leave out the concept matches, marked by ``concepts``)."""
    ids: set[str] = set()
    page = 1
    while True:
        r = index.search(q, kind=kind, page=page, per_page=100)
        ids.update(h.id for h in r.hits if not (literal and h.concepts))
        if page * 100 >= r.total:
            return ids
        page += 1


def test_corpus_is_indexed(index, problems):
    r = index.search("", per_page=1)
    assert r.total == len(problems) > 100


@pytest.mark.parametrize(
    "q", ["理论学习", "进一步落实", "意见建议", "人员编制", "履约监管改革", "三重一大"]
)
def test_words_the_naive_setup_loses_are_found_everywhere_they_occur(index, problems, notices, q):
    expected = {pid for pid, text in problems.items() if literal(q) in literal(text)}
    expected_notices = {nid for nid, text in notices.items() if literal(q) in literal(text)}
    assert expected_notices, q
    assert all_ids(index, f'"{q}"') == expected
    assert all_ids(index, f'"{q}"', kind="notice") == expected_notices


def test_literal_recall_of_random_substrings(index, problems):
    rnd = random.Random(20261125)
    texts = list(problems.values())
    misses = []
    for _ in range(150):
        stream = literal(rnd.choice(texts))
        k = rnd.randint(2, 8)
        start = rnd.randrange(0, max(1, len(stream) - k))
        needle = stream[start : start + k]
        expected = {pid for pid, text in problems.items() if needle in literal(text)}
        found = all_ids(index, f'"{needle}"')
        if not expected <= found:
            misses.append(needle)
        assert found == expected or expected <= found
    assert misses == []


def test_single_character_query(index, problems):
    expected = {pid for pid, text in problems.items() if "捐" in text}
    assert all_ids(index, "捐") == expected


def test_and_or_not(index, problems):
    both = {p for p, t in problems.items() if "公务接待" in t and "财经纪律" in t}
    # 财经纪律 names a problem type: its problems come too, as marked concept matches.
    assert all_ids(index, "公务接待 财经纪律", literal=True) == both
    either = {p for p, t in problems.items() if "公务接待" in t or "财经纪律" in t}
    assert all_ids(index, '"公务接待" OR "财经纪律"') == either
    assert all_ids(index, '"公务接待" | "财经纪律"') == either
    without = {p for p, t in problems.items() if "公务接待" in t and "财经纪律" not in t}
    assert all_ids(index, '"公务接待" -财经纪律') == without
    assert all_ids(index, '"公务接待" NOT 财经纪律') == without


def test_thesaurus_expansion_is_weaker_and_reported(index, problems):
    r = index.search("公车", per_page=100)
    with_alt = {p for p, t in problems.items() if "公务用车" in t and "公车" not in t}
    assert with_alt and with_alt <= {h.id for h in r.hits}
    assert any(e["alternative"] == "公务用车" for e in r.expansions)
    literal_hits = [h for h in r.hits if "公车" in problems[h.id]]
    expanded_hits = [h for h in r.hits if h.id in with_alt]
    assert literal_hits and expanded_hits
    # An alternative is weaker: every problem found only through it ranks below every
    # problem that holds the word itself.
    assert min(h.score for h in literal_hits) > max(h.score for h in expanded_hits) > 0
    ranks = {h.id: i for i, h in enumerate(r.hits)}
    assert max(ranks[h.id] for h in literal_hits) < min(ranks[h.id] for h in expanded_hits)
    assert all(h.expansions == ["公务用车"] for h in expanded_hits)
    quoted = index.search('"公车"', per_page=100)
    assert quoted.expansions == []
    assert {h.id for h in quoted.hits} == {p for p, t in problems.items() if "公车" in t}


def test_filters_and_facets(index):
    r = index.search("", filters={"org": "淮北市红十字会"}, per_page=100)
    assert r.total == 17
    assert {h.organisation for h in r.hits} == {"淮北市红十字会"}
    assert sum(c for _, c in r.facets["organisation"]) == r.total
    r2 = index.search("org:红十字", per_page=100)
    assert r2.total == 17
    r3 = index.search("year:2020", per_page=100)
    assert r3.total > 0 and all(h.year == 2020 for h in r3.hits)
    r4 = index.search("", filters={"region": "广东省"}, per_page=100)
    assert r4.total >= 19 and all(h.province == "广东省" for h in r4.hits)
    r5 = index.search("inspector:区委", per_page=100)
    assert r5.total >= 19
    bad = index.search("year:abcd 公务")
    assert bad.messages


def test_notice_search(index):
    r = index.search("红十字 捐赠", kind="notice")
    assert r.total == 1 and r.hits[0].organisation == "淮北市红十字会"


def test_pagination_is_stable_and_bounded(index):
    first = index.search("问题", per_page=5, page=1)
    second = index.search("问题", per_page=5, page=2)
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    far = index.search("问题", per_page=5, page=1000)
    assert far.hits == [] and far.total == first.total


def test_highlight_is_escaped(index):
    r = index.search("网站管理")
    assert r.total == 1
    snip = r.hits[0].snippet
    assert "<script>" not in snip and "&lt;script&gt;" in snip
    assert "<img" not in snip
    assert "<mark>网站管理</mark>" in snip
    # The same window as plain text, with the marks as offsets (no HTML to undo).
    hit = r.hits[0]
    assert "<script>" in hit.excerpt and "&lt;" not in hit.excerpt
    assert [hit.excerpt[a:b] for a, b in hit.highlights] == ["网站管理"]


@pytest.mark.parametrize(
    "q",
    [
        "",
        " ",
        '"',
        '"""',
        "(",
        ")",
        "((公车",
        "OR",
        "AND",
        "NOT",
        "-",
        "|",
        "org:",
        "year:",
        "year:99999999999999999999",
        "type:不存在的类型",
        "公" * 500,
        "公车" * 300,
        "😀",
        "\x00\x01\x02",
        "<script>alert(1)</script>",
        "'; DROP TABLE notices; --",
        "*",
        "?",
        "公车~2",
        "title:公车",
        "year:2021-",
        "region:",
        "\u200b\u202e",
    ],
)
def test_hostile_queries_never_raise(index, q):
    for kind in ("problem", "notice"):
        r = index.search(q, kind=kind)
        assert len(r.hits) == min(r.total, 20)
        assert all(h.kind == kind for h in r.hits)
        assert sum(c for _, c in r.facets["organisation"]) == r.total


def test_a_new_notice_is_searchable_after_ingest_in_another_process(tmp_path, request):
    d = tmp_path / "data"
    with Archive(d) as a:
        a.ingest_path(REPO / "seeds" / "000_15f829d25a69815d.txt")
    idx = NoticeIndex(d, poll_interval=0)
    request.addfinalizer(idx.close)
    assert idx.search("罗湖").total == 0
    subprocess.run(
        [
            sys.executable,
            "-m",
            "archive",
            "ingest",
            "--data",
            str(d),
            "seeds/004_b1ce438446146357.txt",
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    assert idx.search("残联").total > 0


def test_results_are_cached_until_the_index_changes(tmp_path, request):
    d = tmp_path / "data"
    with Archive(d) as a:
        a.ingest_path(REPO / "seeds" / "000_15f829d25a69815d.txt")
    idx = NoticeIndex(d, poll_interval=0, cache_size=8)
    request.addfinalizer(idx.close)
    first = idx.search("整改")
    again = idx.search("整改")
    assert not first.cached and again.cached
    assert [h.id for h in again.hits] == [h.id for h in first.hits]
    with Archive(d) as a:
        a.ingest_path(REPO / "seeds" / "004_b1ce438446146357.txt")
    after = idx.search("整改")
    assert not after.cached and after.total > first.total
    off = NoticeIndex(d, poll_interval=0, cache_size=0)
    request.addfinalizer(off.close)
    off.search("整改")
    assert not off.search("整改").cached


def test_a_removed_notice_leaves_search_and_similar_problems(tmp_path, request):
    """Removing a notice deletes its documents from a segment without rewriting it; an
    index object opened before must stop finding them (search and similar problems)."""
    from indexer.similar import similar
    from indexer.writing import sync

    d = tmp_path / "data"
    ingest_all(d, CORPUS)
    build(d)
    idx = NoticeIndex(d, poll_interval=0, cache_size=0)
    request.addfinalizer(idx.close)
    target = next(h for h in idx.search("公务用车", per_page=50).hits)
    before = similar(idx, target.id, limit=10)
    assert before, "the corpus has other notices about official cars"
    gone = before[0].notice_id
    with Archive(d) as a:
        a.remove(gone)
    sync(d)
    after = similar(idx, target.id, limit=10)
    assert after
    assert all(h.notice_id != gone for h in idx.search("公务用车", per_page=100).hits)
    assert all(h.notice_id != gone for h in after)
    assert all(h.notice_id != target.notice_id for h in after)


def test_facet_clicks_and_pages_of_one_query_agree_with_a_fresh_index(corpus_dir, request):
    """Filtering or paging a query reuses its scored matches; the results must be those
    an index without any cache gives."""
    cached = NoticeIndex(corpus_dir, poll_interval=0)
    fresh = NoticeIndex(corpus_dir, poll_interval=0, cache_size=0)
    request.addfinalizer(cached.close)
    request.addfinalizer(fresh.close)
    first = cached.search("整改", per_page=5)
    orgs = [k for k, _ in first.facets["organisation"][:3]]
    assert len(orgs) == 3
    for org in orgs:
        for page in (1, 2):
            a = cached.search("整改", filters={"org": org}, page=page, per_page=5)
            b = fresh.search("整改", filters={"org": org}, page=page, per_page=5)
            assert (a.total, [h.id for h in a.hits]) == (b.total, [h.id for h in b.hits])
            assert [h.score for h in a.hits] == [h.score for h in b.hits]
            assert a.facets == b.facets


@pytest.mark.parametrize(
    "params",
    [{"q": "公车", "year": "1990"}, {"q": "公车", "org": "不存在"}, {"org": "不存在"}],
)
def test_a_filter_matching_nothing_exports_and_finds_nothing(corpus_dir, params):
    """An empty allowed set once reached Whoosh as "no filter": the CSV held every 公车
    problem (or the whole archive)."""
    import csv
    import io

    from web import create_app

    app = create_app({"TESTING": True, "DATA_DIR": corpus_dir, "POLL_INTERVAL": 0})
    client = app.test_client()
    unfiltered = {k: v for k, v in params.items() if k == "q"}
    full = client.get("/search.csv", query_string=unfiltered).get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(full.lstrip("\ufeff"))))) > 2
    res = client.get("/search.csv", query_string=params)
    assert res.status_code == 200
    rows = list(csv.reader(io.StringIO(res.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 1, rows[:3]  # the header only
    api = client.get("/api/search", query_string=params).get_json()
    assert api["total"] == 0 and api["hits"] == []
    found = client.get("/api/search", query_string=unfiltered).get_json()["hits"]
    assert found and all({"snippet", "excerpt", "highlights"} <= set(h) for h in found)
    assert all(h["excerpt"][a:b] for h in found for a, b in h["highlights"])


def test_hits_are_typed_records_and_the_cli_json_keeps_its_shape(index):
    from indexer import taxonomy
    from indexer.results import ProblemHit, TypeRef

    r = index.search("公务接待", per_page=50)
    typed = [h for h in r.hits if h.types]
    assert typed and all(isinstance(h, ProblemHit) for h in r.hits)
    for h in typed:
        assert all(isinstance(t, TypeRef) and t.label == taxonomy.label(t.code) for t in h.types)
        assert all(t.label != t.code for t in h.types)  # every code has a Chinese label
    flat = r.to_dict()["hits"]
    assert [h["types"] for h in flat] == [[t.code for t in h.types] for h in r.hits]
    assert [h["type_labels"] for h in flat] == [[t.label for t in h.types] for h in r.hits]
