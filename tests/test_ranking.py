"""The term-at-a-time ranker against Whoosh's own matchers on a real index on disk.

Whoosh is the oracle for which documents match and for the score of every query part.
For a conjunction the oracle is the sum of each conjunct's Whoosh score: Whoosh's own
intersection of "required AND MAYBE optional" parts drops some optional contributions,
which is why the product does not rank with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import query as wq

from indexer.compiling import compile_query
from indexer.querying import parse
from indexer.ranking import Ranker
from indexer.searching import NoticeIndex
from tests.builtonce import segmented

REPO = Path(__file__).resolve().parents[1]

QUERIES = [
    "整改",
    "台账",
    "捐",
    "公务接待",
    "公车",
    "八项规定",
    '"三会一课"',
    "党风廉政建设",
    "资金 OR 经费",
    "干部 -培训",
    "NOT 学习",
    "(公车 OR 公务用车) -私用",
    "inspector:市委",
    "org:红十字会",
    "year:2020-2022",
]
CONJUNCTIONS = ["公务接待 报销", "资金 管理", "学习 year:2021-2023", "inspector:市委 台账"]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    """Three segments (a build and two syncs) and a removed notice: deleted documents
    in an old segment."""
    d = segmented(tmp_path_factory)  # shared with test_postings (tests/builtonce.py)
    idx = NoticeIndex(d, poll_interval=0, cache_size=0)
    with idx.reading() as s:
        assert len(s.leaf_searchers()) > 1, "the fixture must span several segments"
        assert any(sub.reader().has_deletions() for sub, _ in s.leaf_searchers())
        yield s
    idx.close()


def whoosh_scores(s, q: wq.Query) -> dict[int, float]:
    c = s.collector(limit=None, optimize=False, terms=False)
    c.replace = 0
    s.search_with_collector(q, c)
    return {h.docnum: h.score for h in c.results()}


def compiled(text: str) -> wq.Query:
    q = compile_query(parse(text)).query
    assert q is not None, text
    return q


@pytest.mark.parametrize("text", QUERIES)
def test_same_matches_and_scores_as_whoosh(searcher, text):
    q = compiled(text)
    expected = whoosh_scores(searcher, q)
    got = Ranker().scores(searcher, q)
    assert expected, f"{text}: the corpus should match"
    assert set(got) == set(expected)
    for d, score in expected.items():
        assert got[d] == pytest.approx(score, rel=1e-9), (text, d)


@pytest.mark.parametrize("text", CONJUNCTIONS)
def test_a_conjunction_scores_the_sum_of_its_parts(searcher, text):
    q = compiled(text)
    assert isinstance(q, wq.And)
    parts = [whoosh_scores(searcher, part) for part in q.subqueries]
    expected = {d: sum(p[d] for p in parts) for d in parts[0] if all(d in p for p in parts)}
    got = Ranker().scores(searcher, q)
    assert expected, f"{text}: the corpus should match"
    assert set(got) == set(expected)
    for d, score in expected.items():
        assert got[d] == pytest.approx(score, rel=1e-9), (text, d)


def test_deleted_documents_never_score(searcher):
    got = Ranker().scores(searcher, compiled("整改"))
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if reader.has_deletions():
            assert not {d + offset for d in reader.deleted_docs_set} & set(got)
