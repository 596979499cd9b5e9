"""Figures in the index (indexer/figuresums.py): stored per document at index time, summed per
generation by region, year, problem type and inspection level for any search.

The notices are invented, with invented figures: every expected sum below is added up by hand
from the texts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.store import Archive
from indexer import figuresums
from indexer.schema import SCHEMA_VERSION
from indexer.searching import NoticeIndex, open_index
from indexer.writing import build, sync

# A city-level notice of 2023 with a whole-notice summary of 问责 and money; its problems
# state 问责 too (not counted again) and 制度 only in a problem (counted from the problem).
NOTICE_A = """中共青川市文化局党组关于市委巡察反馈意见整改情况的通报

根据市委统一部署，2023年3月1日至4月20日，市委第二巡察组对青川市文化局党组开展了常规巡察。5月10日，市委第二巡察组向市文化局党组反馈了巡察意见。现将整改情况通报如下。

一、整改工作总体情况
局党组成立整改工作领导小组，逐条制定整改措施。截至2023年9月30日，共问责6人，追回资金12万元。

二、巡察反馈问题整改情况
1.公务用车管理不严。一是对违规使用公车的2名干部进行问责；二是追回违规报销的油费0.5万元。
2.违规发放津贴补贴。一是对违规发放的津贴补贴全面清理，已清退3万元；二是建立完善制度4项。
3.干部选拔任用不规范。一是对程序不规范的1名干部进行批评教育；二是规范干部选任程序。

三、下一步工作打算
局党组将持续巩固整改成果。联系电话：0999-1234567。

中共青川市文化局党组
2023年10月8日
"""

# A county-level notice of 2024 without a summary: its problems' figures add up.
NOTICE_B = """中共白水县林业局党组关于县委巡察反馈意见整改情况的通报

根据县委统一部署，2024年2月1日至3月20日，县委第一巡察组对白水县林业局党组开展了常规巡察。4月8日，县委第一巡察组向县林业局党组反馈了巡察意见。现将整改情况通报如下。

一、整改工作总体情况
局党组召开专题会议研究部署整改工作，制定整改方案，明确责任领导和完成时限。

二、巡察反馈问题整改情况
1.公务用车私用。一是对公车私用的3名干部给予党纪处分；二是追缴相关费用1.2万元。
2.生态补偿资金管理不规范。一是对违规发放的补偿资金逐户核查，已追回8万元；二是对1名干部进行诫勉谈话。

三、下一步工作打算
局党组将持续巩固整改成果。

中共白水县林业局党组
2024年5月20日
"""


def build_two_notices(root: Path) -> Path:
    """An archive of NOTICE_A and NOTICE_B in ``root``/data, indexed."""
    data = root / "data"
    with Archive(data) as a:
        for name, text in (("a.txt", NOTICE_A), ("b.txt", NOTICE_B)):
            path = root / name
            path.write_text(text, encoding="utf-8")
            assert a.ingest_path(path).status == "added"
    build(data)
    return data


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NoticeIndex]:
    data = build_two_notices(tmp_path_factory.mktemp("figures"))
    idx = open_index(data, poll_interval=0)
    yield idx
    idx.close()


def _sums(index: NoticeIndex, query: str = "", **filters: str) -> dict:
    with index.reading():
        return figuresums.sums(index.generation(), query, filters)


def test_schema_version_is_the_figures_one() -> None:
    assert SCHEMA_VERSION == "7"


def test_documents_store_their_figures(index: NoticeIndex) -> None:
    with index.reading():
        s = index.generation().searcher
        docs = list(s.documents(kind="notice"))
    assert len(docs) == 2
    a = next(d for d in docs if "文化局" in d["title"])
    figs = json.loads(a["figures"])
    assert [(f["kind"], f["value"], f["text"], f["source"]) for f in figs] == [
        ("问责", 6, "问责6人", "notice"),
        ("追回退还", 120000, "追回资金12万元", "notice"),
    ]
    problems = index.problems_of(a["id"])
    first = json.loads(problems[0]["figures"])
    assert [(f["kind"], f["value"], f["counted"], f["source"]) for f in first] == [
        ("问责", 2, False, 1),
        ("追回退还", 5000, False, 1),
    ]
    second = json.loads(problems[1]["figures"])
    assert [(f["kind"], f["value"], f["counted"]) for f in second] == [
        ("追回退还", 30000, False),
        ("制度", 4, True),
    ]


def test_sums_follow_the_counting_rule(index: NoticeIndex) -> None:
    s = _sums(index)
    assert s["basis"] == "counted"
    t = s["totals"]
    # 问责: A's summary 6 (its problems' 2 not again) + B none; money: A's summary 12万 + B's
    # problems 1.2万 + 8万; 制度 only in A's problem 2; 党纪处分 3 and 诫勉谈话 1 from B.
    assert t["问责"] == 6 and t["追回退还"] == 120000 + 12000 + 80000
    assert t["制度"] == 4 and t["党纪处分"] == 3 and t["诫勉谈话"] == 1 and t["批评教育"] == 1
    assert "完成率" not in t  # a rate is never added up
    assert s["by"]["year"]["2023"] == {"问责": 6, "追回退还": 120000, "制度": 4, "批评教育": 1}
    assert s["by"]["year"]["2024"] == {"党纪处分": 3, "诫勉谈话": 1, "追回退还": 92000}
    assert s["by"]["inspector_level"]["市委"]["追回退还"] == 120000
    assert s["by"]["inspector_level"]["县委"]["追回退还"] == 92000


def test_sums_by_type_use_the_problems_own_figures(index: NoticeIndex) -> None:
    s = _sums(index)
    cars = s["by"]["types"]["official_cars"]
    # Both notices' car problems: A's 2 people and 0.5万 (own figures), B's 3 and 1.2万.
    assert cars == {"问责": 2, "追回退还": 5000 + 12000, "党纪处分": 3}
    typed = _sums(index, type="official_cars")
    assert typed["basis"] == "problems"
    assert typed["totals"]["追回退还"] == 17000 and typed["totals"]["问责"] == 2


def test_filters_and_queries_apply(index: NoticeIndex) -> None:
    s = _sums(index, year="2024")
    assert s["totals"]["追回退还"] == 92000 and s["totals"]["问责"] == 0
    s = _sums(index, inspector="市委")
    assert s["totals"]["追回退还"] == 120000
    s = _sums(index, "生态补偿")
    assert s["totals"]["追回退还"] == 80000 and s["totals"]["诫勉谈话"] == 1


def test_spans_add_up_to_the_number_they_explain(index: NoticeIndex) -> None:
    with index.reading():
        gen = index.generation()
        r = figuresums.spans(gen, "追回退还")
        assert r["total"] == 212000 and r["documents"] == 3
        assert sum(f.value for _, f in r["items"]) == r["total"]
        assert [f.text for _, f in r["items"]] == [
            "追回资金12万元",
            "追回8万元",
            "追缴相关费用1.2万元",
        ]
        typed = figuresums.spans(gen, "问责", "", {"type": "official_cars"})
        assert [(f.text, f.value) for _, f in typed["items"]] == [("2名干部进行问责", 2)]
        with pytest.raises(ValueError):
            figuresums.spans(gen, "no-such-kind")


def test_a_new_generation_sees_a_new_notice(tmp_path: Path) -> None:
    # Per-generation columns: the sums of a later generation include the new figures. The
    # test adds a notice, so it has its own archive (the module's stays at two notices).
    data = build_two_notices(tmp_path)
    extra = tmp_path / "c.txt"
    extra.write_text(
        NOTICE_B.replace("白水县林业局", "白水县水利局").replace("8万元", "5万元"), "utf-8"
    )
    index = open_index(data, poll_interval=0)
    try:
        before = _sums(index)["totals"]["追回退还"]
        with Archive(data) as a:
            assert a.ingest_path(extra).status == "added"
        sync(data)  # a new segment beside the old ones: its figures are read on their own
        index.refresh(force=True)
        assert _sums(index)["totals"]["追回退还"] == before + 12000 + 50000
    finally:
        index.close()
