"""Few matches: the problems like them fill the first page below them, on a real archive
and a real index on disk.

浮桥 (a pontoon bridge) is in one problem only: the bridge's upkeep money paid out as staff
welfare. The water bureau's ferry money went the same way, written without the word; a user
who found the one wants the other. The rest of the archive is unrelated routine problems.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.normalize import normalize
from archive.store import Archive
from indexer import neighbours
from indexer.cli import main
from indexer.searching import NoticeIndex
from indexer.writing import sync
from tests.archives import units_archive
from web import create_app

MEASURES = "一是制定整改方案,明确责任人;二是开展专项清理。"
FILLERS = (
    "针对理论学习中心组学习不深入问题。",
    "针对“三会一课”落实不经常问题。",
    "针对意识形态工作责任制落实不到位问题。",
)
MORE = (
    "针对发展党员程序不规范问题。",
    "针对干部选拔任用程序不规范问题。",
    "针对公务接待无公函问题。",
    "针对政府采购未按规定公开招标问题。",
    "针对固定资产账实不符问题。",
    "针对文物藏品登记不全问题。",
    "针对群众文化活动经费使用不规范问题。",
    "针对上轮巡察反馈问题整改不彻底问题。",
)
BRIDGE = "针对浮桥维护专项经费被挪用于发放职工节日福利、账目不清问题。"
FERRY = "针对渡口维护专项经费被挪用于发放职工节日福利、账目不清问题。"
NOTICES = {
    "traffic": ("县交通运输局", (BRIDGE, *FILLERS)),
    "water": ("县水务局", (FERRY, "针对河道采砂监管不到位问题。", *FILLERS)),
    "culture": ("县文化馆", ("针对公共文化场馆免费开放不到位问题。", *FILLERS, *MORE)),
}


def _archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return units_archive(
        tmp_path_factory, "neighbours", NOTICES, MEASURES, "县委第二轮巡察整改情况的通报"
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _archive(tmp_path_factory)


@pytest.fixture(scope="module")
def index(data: Path) -> Iterator[NoticeIndex]:
    with NoticeIndex(data, poll_interval=0) as idx:
        yield idx


def _titled(index: NoticeIndex, start: str) -> str:
    """The id of the problem whose title starts with ``start``."""
    hits = index.search("", kind="problem", per_page=100).hits
    return next(h.id for h in hits if normalize(h.title).startswith(start))


def test_the_archive_is_what_the_test_assumes(index):
    assert index.search("", kind="problem").total == 21
    assert [h.id for h in index.search('"浮桥"').hits] == [_titled(index, "浮桥维护")]
    assert index.search('"渡口"').total == 1


def test_few_matches_are_followed_by_the_problems_like_them(index):
    r = index.search("浮桥", kind="problem")
    bridge, ferry = _titled(index, "浮桥维护"), _titled(index, "渡口维护")
    assert [h.id for h in r.hits] == [bridge]
    assert r.similar and r.similar[0].id == ferry
    like = r.similar[0].similar_to
    assert like is not None and like.id == bridge and like.title.startswith("浮桥维护")
    assert like.relevance >= neighbours.MIN_RELEVANCE
    assert like.confidence == (
        "高" if like.relevance >= 0.65 else "中" if like.relevance >= 0.45 else "低"
    )
    # Listed most like first, none holding the word, none a match already.
    scores = [h.similar_to.relevance for h in r.similar]
    assert scores == sorted(scores, reverse=True)
    assert all("浮桥" not in h.title for h in r.similar)
    assert not {h.id for h in r.similar} & {h.id for h in r.hits}


def test_they_are_not_counted_in_the_total_the_facets_or_an_export(index):
    r = index.search("浮桥", kind="problem")
    assert (r.total, r.literal_total) == (1, 1)
    assert dict(r.facets["organisation"]) == {"县交通运输局": 1}
    assert [h.id for h in index.export("浮桥")] == [_titled(index, "浮桥维护")]


@pytest.mark.parametrize(
    ("query", "kind", "filters"),
    [
        ('"浮桥"', "problem", None),  # a quoted phrase stays literal
        ("浮桥 -河道", "problem", None),  # a negation is taken as written
        ("浮桥 org:县交通运输局", "problem", None),  # so is an in-query filter
        ("浮桥", "notice", None),  # a notice is no problem to be like
        ("浮桥", "problem", {"org": "县交通运输局"}),  # the filter excludes the ferry
    ],
)
def test_searches_that_get_no_neighbours(index, query, kind, filters):
    r = index.search(query, kind=kind, filters=filters)
    assert r.total >= 1
    assert r.similar == []


def test_only_the_first_page_and_only_when_the_matches_are_few(index):
    assert index.search("浮桥", page=2).similar == []
    # 整改方案 is in every problem's measures: a full page, nothing added.
    full = index.search("整改方案", kind="problem")
    assert full.total >= neighbours.MAX_MATCHES and full.similar == []


def test_a_removed_notice_is_no_longer_listed(tmp_path_factory):
    data = _archive(tmp_path_factory)
    with NoticeIndex(data, poll_interval=0) as idx:
        assert idx.search("浮桥").similar  # the ferry, before
    with Archive(data) as a:
        water = next(s.id for s in a.iter_notices() if s.notice.organisation == "县水务局")
        a.remove(water)
    sync(data)
    with NoticeIndex(data, poll_interval=0) as idx:
        assert all("渡口" not in h.title for h in idx.search("浮桥").similar)


def test_the_page_and_its_json_list_them_apart(data):
    client = create_app({"TESTING": True, "DATA_DIR": data}).test_client()
    body = client.get("/api/search", query_string={"q": "浮桥"}).get_json()
    assert body["total"] == 1 and len(body["hits"]) == 1
    assert body["hits"][0]["similar_to"] is None
    first = body["similar"][0]
    assert first["title"].startswith("渡口维护")
    assert first["similar_to"]["id"] == body["hits"][0]["id"]
    assert first["similar_to"]["url"].startswith(f"/problems/{body['hits'][0]['id']}?q=")
    page = client.get("/search", query_string={"q": "浮桥"}).get_data(as_text=True)
    assert 'data-testid="similar-results"' in page and "与检索结果相似的问题" in page
    assert "检索词只找到 1 条问题" in page
    assert page.count('data-testid="similar-hit"') == len(body["similar"])
    assert "与「<a href=" in page and "浮桥维护专项经费" in page
    assert f"」相似（相似度{first['similar_to']['confidence']}）" in page
    quoted = client.get("/search", query_string={"q": '"浮桥"'}).get_data(as_text=True)
    assert 'data-testid="similar-results"' not in quoted


def test_they_fill_the_page_the_user_asked_for(index):
    assert len(index.search("浮桥", kind="problem").similar) >= 1
    assert index.search("浮桥", kind="problem", per_page=1).similar == []  # the page is full
    assert len(index.search("浮桥", kind="problem", per_page=2).similar) == 1


def test_the_command_line_lists_them_apart(data):
    out = CliRunner().invoke(main, ["search", "浮桥", "--data", str(data)])
    assert out.exit_code == 0, out.output
    head, _, tail = out.output.partition("与检索结果相似的问题")
    assert head.startswith("共 1 条") and "浮桥维护" in head and "渡口维护" not in head
    assert "渡口维护" in tail and "相似（" in tail
    as_json = CliRunner().invoke(main, ["search", "浮桥", "--json", "--data", str(data)])
    js = json.loads(as_json.output)
    assert js["total"] == 1 and js["similar"][0]["similar_to"]["id"] == js["hits"][0]["id"]
