"""Query cost budgets on a real index: costly queries are refused with a clear message,
ordinary ones (the bench mix, tests/data/queries.json) never are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.mix import MIX
from indexer.compiling import compile_query
from indexer.errors import QueryTooCostly
from indexer.querying import parse
from indexer.ranking import MAX_TERMS, estimate
from indexer.searching import NoticeIndex
from tests.builtonce import corpus
from web import create_app

REPO = Path(__file__).resolve().parents[1]
CORPUS = sorted((REPO / "seeds").glob("*.txt")) + sorted(
    (REPO / "tests" / "data" / "notices").glob("*.txt")
)
SINGLE_CHARS = "公 务 接 待 报 销 管 理 不 规 范 问 题 整 改 落 实 制 度 建 设"
WORDS = [
    "公车", "接待", "资金", "干部", "学习", "会议", "纪律", "培训", "考核", "项目",
    "采购", "合同", "制度", "台账", "党建", "廉政", "作风", "宣传", "档案", "财务",
    "审计", "招标", "工程", "补贴", "津贴", "福利", "报销", "票据", "车辆", "公务",
    "用车", "办公", "房屋", "资产", "国有", "收入", "支出", "预算", "决算", "经费",
    "巡察", "整改", "问题", "责任", "主体", "监督", "执纪", "问责", "处分", "谈话",
]  # fmt: skip
COSTLY = {
    "single_characters": SINGLE_CHARS,
    "or_chain": " OR ".join(WORDS),
    "negations": "整改 " + " ".join(f"-{w}" for w in WORDS),
}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The seeds and the test notices (CORPUS), shared with other modules (tests/builtonce.py)."""
    return corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def index(data):
    with NoticeIndex(data, poll_interval=0, cache_size=0) as idx:
        yield idx


def ordinary_queries() -> list[tuple[str, dict[str, str]]]:
    judged = json.loads((REPO / "tests" / "data" / "queries.json").read_text(encoding="utf-8"))
    return [(q.q, dict(q.filters)) for q in MIX] + [(j["query"], {}) for j in judged]


def test_ordinary_queries_are_never_refused(index):
    queries = ordinary_queries()
    assert len(queries) > 50
    for text, filters in queries:
        for kind in ("problem", "notice"):
            r = index.search(text, kind=kind, filters=filters)  # raises when refused
            assert r.total >= len(r.hits) and len(r.hits) == min(r.total, 20), text
        export = index.export(text, filters)
        assert len(export) == index.search(text, filters=filters).total, text


@pytest.mark.parametrize("name", sorted(COSTLY))
def test_costly_queries_are_refused_with_a_chinese_message(index, name):
    with pytest.raises(QueryTooCostly) as info:
        index.search(COSTLY[name])
    assert info.value.status == 400
    assert "查询" in str(info.value)
    with pytest.raises(QueryTooCostly):
        index.export(COSTLY[name])


def test_the_budget_counts_distinct_terms_once(index):
    with index.reading():
        gen = index.generation()
        once = estimate(gen, compile_query(parse("公车")).query)
        twice = estimate(gen, compile_query(parse("公车 公车 (公车 OR 公车)")).query)
        long = estimate(gen, compile_query(parse("公" * 500)).query)
    assert twice.terms == once.terms and twice.postings == once.postings
    assert long.terms <= 5 < MAX_TERMS  # one repeated bigram and its words, not 499 reads


# Within the web layer's query-shape limits (web/limits.py: at most 24 words, 12 one-character
# words), so it is the indexer's budget that refuses them.
BROAD_WORDS = (
    "整改 问题 落实 制度 工作 加强 管理 开展 责任 党组 领导 干部 "
    "监督 检查 学习 会议 规定 执行 落实 资金 经费 财务 党员 组织"
)
BROAD_CHARS = "党 的 不 是 在 有 和 了 人 这 中 大"


def test_the_web_answers_a_costly_query_with_400_and_the_reason(data):
    app = create_app({"TESTING": True, "DATA_DIR": data, "POLL_INTERVAL": 0})
    client = app.test_client()
    res = client.get("/api/search", query_string={"q": BROAD_WORDS})
    assert res.status_code == 400
    body = res.get_json()
    assert body["ok"] is False and body["status"] == 400 and "查询" in body["error"]
    assert "计算量超出限制" in body["error"]  # the indexer's reason, not the web's shape limit
    page = client.get("/search", query_string={"q": BROAD_CHARS})
    assert page.status_code == 400 and "计算量超出限制" in page.get_data(as_text=True)
    assert client.get("/api/search", query_string={"q": "公务接待"}).status_code == 200


def test_a_long_excluded_phrase_is_one_condition_not_refused(index):
    """An excluded phrase counts once toward the limit on exclusions, however long it is,
    and it removes exactly the problems containing it."""
    phrase = "淮北市党政机关公务接待管理规定"
    base = {h.id for h in index.export("接待")}
    with_phrase = {h.id for h in index.export(f'接待 "{phrase}"')}
    without = {h.id for h in index.export(f'接待 -"{phrase}"')}
    assert with_phrase and with_phrase < base
    assert without == base - with_phrase
    assert index.search(f"接待 -“{phrase}” -(公车 OR 会议)").total <= len(without)


def test_long_filter_phrases_count_once_not_per_bigram(index):
    """A filter value or quoted phrase is one condition, however long: a valid query with
    long text filters (up to the web's lengths) is not refused for its bigrams."""
    long_text = "淮北市红十字会公务接待管理规定执行情况" * 15  # 285 characters, 284 bigrams
    with index.reading():
        gen = index.generation()
        short = estimate(gen, compile_query(parse('公务接待 "淮北市红十字会"')).query)
        long = estimate(gen, compile_query(parse(f'公务接待 "{long_text}"')).query)
    assert long.terms == short.terms < MAX_TERMS
    assert long.postings > short.postings  # every bigram is still read and priced
    r = index.search("公务接待", filters={"region": long_text, "inspector": long_text})
    assert r.total == 0
