"""Type feedback: a word no list names finds the problems of the type its literal matches
share, below them and marked, on a real archive and a real index on disk.

舟桥 (a pontoon bridge) names no type; two of its three problems, in two notices, are about
official cars, as no other problem of the archive is so often. A user searching 舟桥 in
an archive of bureaus that run pontoon bridges also wants their other car problems.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from archive.normalize import normalize
from archive.store import Archive
from indexer import feedback
from indexer.concepts import concept_types
from indexer.searching import NoticeIndex
from indexer.writing import sync
from tests.archives import units_archive
from web import create_app

MEASURES = "一是制定整改方案,明确责任人;二是开展专项清理。"
FILLERS = (
    "针对理论学习中心组学习不深入问题。",
    "针对“三会一课”落实不经常问题。",
    "针对发展党员程序不规范问题。",
    "针对意识形态工作责任制落实不到位问题。",
    "针对干部选拔任用程序不规范问题。",
)
NOTICES = {
    "traffic": (
        "县交通运输局",
        (
            "针对舟桥浮箱维护车辆公车私用问题。",
            "针对浮箱作业车辆加油卡管理混乱、公车私用问题。",
            *FILLERS,
        ),
    ),
    "water": (
        "县水务局",
        (
            "针对舟桥养护车辆公车私用、出车登记不全问题。",
            "针对舟桥值班制度执行不严问题。",
            *FILLERS,
        ),
    ),
    "emergency": (
        "县应急管理局",
        (
            "针对公务用车使用登记不全问题。",
            *FILLERS,
        ),
    ),
}


def _archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return units_archive(
        tmp_path_factory, "feedback", NOTICES, MEASURES, "县委第三轮巡察整改进展情况的通报"
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _archive(tmp_path_factory)


@pytest.fixture(scope="module")
def index(data: Path) -> Iterator[NoticeIndex]:
    with NoticeIndex(data, poll_interval=0) as idx:
        yield idx


def _all(index: NoticeIndex, q: str) -> list:
    return index.search(q, kind="problem", per_page=100).hits


def _car_problems(index: NoticeIndex) -> set[str]:
    return {h.id for h in _all(index, "type:official_cars")}


def test_the_archive_is_what_the_test_assumes(index):
    assert concept_types("舟桥") == () and concept_types("浮箱") == ()
    assert index.search("", kind="problem").total == 20
    assert len(_car_problems(index)) == 4  # 4 of 20: a share of 0.2
    word = [h for h in _all(index, '"舟桥"')]
    assert len(word) == 3 and sum("official_cars" in [t.code for t in h.types] for h in word) == 2


def test_a_word_no_list_names_finds_the_type_its_matches_share_below_them(index):
    hits = _all(index, "舟桥")
    literal = [h for h in hits if "舟桥" in normalize(h.title)]
    assert [h.id for h in hits[: len(literal)]] == [h.id for h in literal]
    assert len(literal) == 3
    wider = hits[len(literal) :]
    # The two car problems without the word, one in a notice that never says it.
    assert {h.id for h in wider} == _car_problems(index) - {h.id for h in literal}
    assert len(wider) == 2
    assert all([c.code for c in h.concepts] == ["official_cars"] for h in wider)
    assert all([c.by for c in h.concepts] == ["feedback"] for h in wider)
    assert all(not h.concepts for h in literal)
    assert max(h.score for h in wider) < min(h.score for h in literal)


def test_a_quoted_phrase_or_a_negation_stays_literal(index):
    assert len(_all(index, '"舟桥"')) == 3
    assert {h.title for h in _all(index, "舟桥 -值班")} == {
        h.title for h in _all(index, '"舟桥"') if "值班" not in h.title
    }


def test_matches_of_one_notice_say_nothing_about_the_word(index):
    # 浮箱's two problems are both about cars, but both are the traffic bureau's.
    hits = _all(index, "浮箱")
    assert len(hits) == 2 and all("浮箱" in h.title for h in hits)


def test_a_type_needs_a_share_of_the_matches_well_above_its_share_of_all(index, monkeypatch):
    # The cars' share of 舟桥's matches is 0.67, of all problems 0.2: a lift of 3.3.
    monkeypatch.setattr(feedback, "MIN_LIFT", 4.0)
    with index.reading():
        gen = index.generation()
        literal = [h.id for h in _all(index, '"舟桥"')]
        ids = [gen.searcher.document_number(id=i) for i in literal]
        assert feedback.feedback_types(gen, ids) == []
        monkeypatch.setattr(feedback, "MIN_LIFT", 3.0)
        assert feedback.feedback_types(gen, ids) == [("official_cars", feedback.WEIGHT)]
        assert feedback.feedback_types(gen, ids, exclude={"official_cars"}) == []


def test_a_search_of_notices_is_not_widened(index):
    # A notice carries the types of all its problems: the emergency bureau's has cars too.
    assert {h.title for h in index.search("舟桥", kind="notice").hits} == {
        f"中共{unit}党组关于县委第三轮巡察整改进展情况的通报"
        for unit in ("县交通运输局", "县水务局")
    }


def _stored_types(gen, docnum: int) -> list[str]:
    return [t for t in (gen.searcher.stored_fields(docnum).get("types") or "").split(",") if t]


def test_types_by_document_are_each_problems_stored_types(index):
    with index.reading():
        gen = index.generation()
        table = gen.problem_types()
        problems = np.flatnonzero(gen.kind("problem"))
        docs, type_ids = table.of(problems)
        for d in problems.tolist():
            mine = sorted(table.codes[t] for t in type_ids[docs == d])
            assert mine == sorted(_stored_types(gen, d))
        notices = np.flatnonzero(gen.kind("notice"))
        assert len(table.of(notices)[0]) == 0  # a notice's types are not a problem's


def test_a_removed_notice_neither_holds_types_nor_feeds_back(tmp_path_factory):
    data = _archive(tmp_path_factory)
    with Archive(data) as a:
        water = next(s.id for s in a.iter_notices() if s.notice.organisation == "县水务局")
        a.remove(water)
    sync(data)
    with NoticeIndex(data, poll_interval=0) as idx:
        with idx.reading():
            gen = idx.generation()
            dead = np.flatnonzero(~gen.live)
            assert len(dead) > 0 and len(gen.problem_types().of(dead)[0]) == 0
        # 舟桥 is left in the traffic bureau only: one unit says nothing about the word.
        hits = idx.search("舟桥", kind="problem").hits
        assert len(hits) == 1 and not hits[0].concepts


def test_the_total_says_how_many_hold_the_words(index):
    widened = index.search("舟桥", kind="problem")
    assert (widened.total, widened.literal_total) == (5, 3)
    quoted = index.search('"舟桥"', kind="problem")
    assert (quoted.total, quoted.literal_total) == (3, 3)
    assert index.search("", kind="problem").literal_total is None  # browsing: no words


def test_the_page_and_its_json_say_how_many_were_found_by_type(data):
    client = create_app({"TESTING": True, "DATA_DIR": data}).test_client()
    body = client.get("/api/search", query_string={"q": "舟桥"}).get_json()
    assert (body["total"], body["literal_total"]) == (5, 3)
    page = client.get("/search", query_string={"q": "舟桥"}).get_data(as_text=True)
    assert "，其中 3 条含检索词，2 条按问题类型匹配" in page
    # The two car problems say why they are there: they are of the matches' type.
    assert page.count("与含检索词的结果同类「公务用车」") == 2
    assert [c["by"] for h in body["hits"] for c in h["concepts"]] == ["feedback", "feedback"]
    quoted = client.get("/search", query_string={"q": '"舟桥"'}).get_data(as_text=True)
    assert 'data-testid="literal-total"' not in quoted
