"""Concept search and partial ``type:`` values, on a real archive and a real index on disk.

A word that names a problem type (理论学习, 津补贴) also finds that type's problems written in
other words; those come after every literal match and say which type they matched by.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import query as wq

from archive.normalize import normalize
from archive.store import Archive
from indexer import taxonomy
from indexer.compiling import compile_query, unknown_type
from indexer.concepts import (
    AREA_WEIGHT,
    CONTAINED_WEIGHT,
    EXACT,
    MAX_TYPES_PER_QUERY,
    MAX_TYPES_PER_WORD,
    PARTIAL_WEIGHT,
    SYNONYM_WEIGHT,
    TRIGGER_WEIGHT,
    Concept,
    concept_types,
)
from indexer.generation import Generation, SegmentArrays
from indexer.querying import parse
from indexer.ranking import CONCEPT_BAND, Ranker, check_budget, estimate, within_budget
from indexer.schema import weighting
from indexer.searching import NoticeIndex
from indexer.thesaurus import load_thesaurus
from indexer.writing import build, open_or_create
from tests.archives import ingest_all
from web import create_app

REPO = Path(__file__).resolve().parents[1]
CORPUS = sorted((REPO / "seeds").glob("*.txt")) + sorted(
    (REPO / "tests" / "data" / "notices").glob("*.txt")
)


def literal(text: str) -> str:
    """The test's own statement of 'literally contains': letters, digits, CJK, folded."""
    return "".join(c for c in normalize(text).lower() if c.isalnum())


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("concepts") / "data"
    ingest_all(d, CORPUS)
    build(d)
    return d


@pytest.fixture(scope="module")
def index(corpus_dir) -> Iterator[NoticeIndex]:
    with NoticeIndex(corpus_dir, poll_interval=0) as idx:
        yield idx


@pytest.fixture(scope="module")
def problems(corpus_dir) -> dict[str, tuple[str, list[str]]]:
    """Every archived problem's text and its type codes, by id."""
    out = {}
    with Archive(corpus_dir) as a:
        for stored in a.iter_notices():
            for p in stored.notice.problems:
                out[f"{stored.id}-{p.n}"] = (p.text, taxonomy.tag_problem(p))
    return out


def every_hit(index: NoticeIndex, q: str, **kw) -> list:
    hits, page = [], 1
    while True:
        r = index.search(q, page=page, per_page=100, **kw)
        hits += r.hits
        if page * 100 >= r.total:
            return hits
        page += 1


# -- which types a word names ---------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("理论学习", (("theory_study", EXACT),)),  # a label
        ("三重一大", (("collective_decision", EXACT),)),  # a part of a label
        ("公车", (("official_cars", TRIGGER_WEIGHT),)),  # a trigger term
        ("误工补贴", (("allowances", TRIGGER_WEIGHT),)),
        ("议事", (("collective_decision", PARTIAL_WEIGHT),)),  # half of 议事规则
        ("谈话", (("integrity_education", PARTIAL_WEIGHT),)),  # half of 谈心谈话
    ],
)
def test_a_word_names_the_types_of_its_label_trigger_or_name_part(word, expected):
    assert concept_types(word) == expected


def test_a_thesaurus_alternative_names_its_types_more_weakly():
    # 集体研究决定 names no type; its synonym 集体决策 is part of 三重一大/集体决策/议事规则.
    assert ("集体决策", "synonym") in load_thesaurus().expand("集体研究决定")
    assert concept_types("集体研究决定") == (("collective_decision", EXACT * SYNONYM_WEIGHT),)


def test_the_head_of_an_area_names_the_area_types_after_its_own():
    found = dict(concept_types("采购"))
    area = taxonomy.types_in_area("area_procurement")
    assert found["procurement"] == TRIGGER_WEIGHT
    assert {t.code for t in area} - {"procurement"} <= set(found)
    assert all(found[t.code] == AREA_WEIGHT for t in area if t.code != "procurement")
    assert concept_types("采购")[0][0] == "procurement"
    # Only the head: 理论学习 is the second part of 政治建设/理论学习.
    assert dict(concept_types("理论学习")) == {"theory_study": EXACT}


@pytest.mark.parametrize("word", ["管理", "规范", "问题", "制度", "落实", "台账", "干部", "会", ""])
def test_generic_words_and_fragments_name_no_type(word):
    assert concept_types(word) == ()


def test_a_word_no_list_names_is_read_like_a_statement():
    """A word holding a type's trigger names that type, more weakly than a listed name:
    违规发放奖金 holds 发放奖金 (津补贴), 骗取补助资金 holds 补助资金; but only when the
    tagger finds a few types, and never for generic words."""
    assert concept_types("违规发放奖金") == (("allowances", CONTAINED_WEIGHT),)
    assert dict(concept_types("骗取补助资金")) == {
        "special_funds": CONTAINED_WEIGHT,
        "fund_misuse": CONTAINED_WEIGHT,
    }
    assert CONTAINED_WEIGHT < TRIGGER_WEIGHT
    # A long run of triggers names no kind in particular.
    assert concept_types("公务接待公车津补贴采购合同资产报销") == ()
    assert concept_types("程序不规范") == concept_types("管理不规范") == ()


def test_a_word_holding_a_trigger_finds_that_types_problems(index, problems):
    hits = every_hit(index, "违规发放奖金")
    typed = {pid for pid, (_, types) in problems.items() if "allowances" in types}
    assert typed and typed <= {h.id for h in hits}
    concept_hits = [h for h in hits if h.concepts]
    assert concept_hits and all(
        [t.code for t in h.concepts] == ["allowances"] for h in concept_hits
    )


def test_a_word_names_at_most_a_few_types():
    found = concept_types("八项规定")  # a broader term with many narrower ones
    assert 1 < len(found) <= MAX_TYPES_PER_WORD
    assert found[0] == ("eight_rules", TRIGGER_WEIGHT)


# -- the compiled queries -------------------------------------------------------------


def concepts_in(q: wq.Query | None) -> list[Concept]:
    if q is None:
        return []
    if isinstance(q, Concept):
        return [q]
    return [c for child in q.children() for c in concepts_in(child)]


def test_the_literal_query_stays_as_it_was_and_the_wide_one_adds_the_types():
    c = compile_query(parse("理论学习"))
    assert concepts_in(c.query) == []
    assert [x.codes for x in concepts_in(c.concept_query)] == [("theory_study",)]
    assert [(m.term, m.codes) for m in c.concepts] == [("理论学习", ("theory_study",))]
    # The literal words of a concept: the word and its thesaurus alternatives.
    assert c.concepts[0].literal == ("理论学习", "政治理论学习")


@pytest.mark.parametrize(
    "text", ['"理论学习"', "“理论学习”", "整改 -理论学习", "整改 NOT 理论学习", "type:理论学习", ""]
)
def test_quoted_negated_and_filter_words_are_never_concepts(text):
    c = compile_query(parse(text))
    assert c.concept_query is None and c.concepts == []


def test_the_types_of_a_query_are_capped():
    words = "理论学习 三重一大 公车 津补贴 采购 资产 八项规定 意识形态 捐赠 报销"
    c = compile_query(parse(words))
    total = sum(len(x.codes) for x in concepts_in(c.concept_query))
    assert total == MAX_TYPES_PER_QUERY
    assert sum(len(m.codes) for m in c.concepts) == MAX_TYPES_PER_QUERY


# -- searching ------------------------------------------------------------------------


def test_a_type_name_finds_its_problems_below_every_literal_match(index, problems):
    hits = every_hit(index, "理论学习")
    alternatives = ["理论学习", "政治理论学习"]
    holding = {
        pid
        for pid, (text, _) in problems.items()
        if any(literal(a) in literal(text) for a in alternatives)
    }
    typed = {pid for pid, (_, types) in problems.items() if "theory_study" in types}
    assert typed - holding, "the corpus has theory-study problems in other words"
    ids = [h.id for h in hits]
    assert set(ids) == holding | typed
    # Literal matches first, all of them, with no concept mark; then the concept matches.
    assert set(ids[: len(holding)]) == holding
    assert all(h.concepts == [] for h in hits[: len(holding)])
    rest = hits[len(holding) :]
    assert rest and all(
        [(t.code, t.label) for t in h.concepts] == [("theory_study", "理论学习")] for h in rest
    )
    assert max(h.score for h in rest) < min(h.score for h in hits[: len(holding)])


def test_literal_matches_keep_their_scores_and_order(index, problems):
    """The literal part of the result equals the quoted search (no thesaurus either)
    where the word has no thesaurus alternatives: the concept band changes nothing above it."""
    word = "津补贴"
    assert [a for a, _ in load_thesaurus().expand(word)]  # it has alternatives: use OR of them
    wide = index.search(word, per_page=100)
    alternatives = [word] + [e["alternative"] for e in wide.expansions]
    literal_hits = [h for h in wide.hits if not h.concepts]
    assert {h.id for h in literal_hits} == {
        pid
        for pid, (text, _) in problems.items()
        if any(literal(a) in literal(text) for a in alternatives)
    }
    concept_hits = [h for h in wide.hits if h.concepts]
    assert concept_hits
    assert wide.hits == literal_hits + concept_hits
    # 误工补贴 is an allowance in other words.
    assert any("误工补贴" in h.title for h in concept_hits)


def test_every_word_of_a_conjunction_is_literal_or_a_concept(index, problems):
    hits = every_hit(index, "议事 决策")
    assert hits
    for h in hits:
        text, types = problems[h.id]
        for word in ("议事", "决策"):
            assert literal(word) in literal(text) or "collective_decision" in types, (h.id, word)
    both = [
        h for h in hits if all(literal(w) in literal(problems[h.id][0]) for w in ("议事", "决策"))
    ]
    assert hits[: len(both)] == both  # problems holding both words come first
    assert all(h.concepts == [] for h in both)
    assert all(h.concepts for h in hits[len(both) :])


def test_negation_applies_to_concept_matches_too(index, problems):
    hits = every_hit(index, "理论学习 -第一议题")
    assert hits and all(literal("第一议题") not in literal(problems[h.id][0]) for h in hits)
    assert any(h.concepts for h in hits)


def test_a_quoted_type_name_stays_literal(index, problems):
    hits = every_hit(index, '"理论学习"')
    assert {h.id for h in hits} == {
        pid for pid, (text, _) in problems.items() if literal("理论学习") in literal(text)
    }
    assert all(h.concepts == [] for h in hits)


def test_filters_apply_to_concept_matches(index, problems):
    all_hits = every_hit(index, "理论学习")
    org = next(h.organisation for h in all_hits if h.concepts)
    hits = every_hit(index, "理论学习", filters={"org": org})
    assert hits and all(h.organisation == org for h in hits)
    assert any(h.concepts for h in hits)
    assert len(hits) == sum(1 for h in all_hits if h.organisation == org)


def test_concept_scores_equal_whoosh_and_stay_within_budget(corpus_dir):
    ix = open_or_create(corpus_dir)
    with ix.searcher(weighting=weighting()) as s:
        for text in ("理论学习", "采购 合同", "议事 决策", "公车 OR 津补贴"):
            c = compile_query(parse(text))
            assert c.concept_query is not None, text
            got = Ranker().scores(s, c.concept_query)
            coll = s.collector(limit=None, optimize=False, terms=False)
            coll.replace = 0
            s.search_with_collector(c.concept_query, coll)
            expected = {h.docnum: h.score for h in coll.results()}
            assert set(got) == set(expected), text
            for d, score in expected.items():
                assert got[d] == pytest.approx(score, rel=1e-9), (text, d)
            gen = Generation(s, SegmentArrays())
            narrow, wide = estimate(gen, c.query), estimate(gen, c.concept_query)
            codes = {code for m in c.concepts for code in m.codes}
            assert wide.terms == narrow.terms + len(codes)
            assert wide.postings > narrow.postings
            check_budget(gen, c.concept_query)


def test_the_band_keeps_concept_matches_strictly_below(index):
    r = index.search("采购", per_page=100)
    lit = [h.score for h in r.hits if not h.concepts]
    con = [h.score for h in r.hits if h.concepts]
    assert lit and con
    assert max(con) <= CONCEPT_BAND * min(lit) + 1e-4


# -- type: with part of a label -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ("三重一大", ["collective_decision"]),
        ("议事规则", ["collective_decision"]),
        ("collective_decision", ["collective_decision"]),
        ("三重一大/集体决策/议事规则", ["collective_decision"]),
        ("area_decision", ["collective_decision", "front_research"]),
        ("前置研究", ["political_building", "collective_decision", "front_research"]),
        ("第一议题", ["theory_study", "first_topic"]),
        ("“第一议题”制度", ["first_topic"]),
    ],
)
def test_type_values_select_by_label_part_or_trigger(value, codes):
    assert taxonomy.find_types(value) == codes


def test_an_unknown_type_lists_close_labels():
    assert taxonomy.find_types("公务接侍") == []
    assert "公务接待" in unknown_type("公务接侍")
    assert taxonomy.close_labels("公务接侍")[0] == "公务接待"
    assert "type:三重一大" in unknown_type("完全不相干的东西")


def test_type_filter_in_query_and_parameter_by_label_part(index, problems):
    typed = {pid for pid, (_, types) in problems.items() if "collective_decision" in types}
    assert typed
    for q, filters in (("type:三重一大", {}), ("类型:议事规则", {}), ("", {"type": "三重一大"})):
        r = every_hit(index, q, filters=filters)
        assert {h.id for h in r} == typed, (q, filters)
    many = {h.id for h in every_hit(index, "type:前置研究")}
    assert typed <= many
    r = index.search("type:公务接侍")
    assert r.total == 0 and any("公务接待" in m for m in r.messages)


# -- the web page and the JSON twin ---------------------------------------------------


@pytest.fixture(scope="module")
def client(corpus_dir):
    app = create_app({"TESTING": True, "DATA_DIR": str(corpus_dir)})
    with app.test_client() as c:
        yield c


def test_api_hits_carry_concepts_and_the_page_explains_them(client):
    body = client.get("/api/search", query_string={"q": "理论学习", "per_page": 100}).get_json()
    marked = [h for h in body["hits"] if h["concepts"]]
    assert marked and all(
        h["concepts"] == [{"code": "theory_study", "label": "理论学习", "by": "named"}]
        for h in marked
    )
    assert all(h["concepts"] == [] for h in body["hits"][: len(body["hits"]) - len(marked)])
    html = client.get("/search", query_string={"q": "理论学习", "per_page": 100}).get_data(
        as_text=True
    )
    assert html.count("按问题类型「理论学习」匹配") == len(marked)
    quoted = client.get("/search", query_string={"q": '"理论学习"'}).get_data(as_text=True)
    assert "按问题类型" not in quoted


def test_web_type_parameter_accepts_part_of_a_label(client):
    body = client.get("/api/search", query_string={"type": "三重一大"}).get_json()
    assert body["total"] > 0
    assert all("collective_decision" in [t["code"] for t in h["types"]] for h in body["hits"])
    bad = client.get("/api/search", query_string={"type": "公务接侍"}).get_json()
    assert bad["total"] == 0 and any("公务接待" in m for m in bad["messages"])


# -- vocabulary entries, by their effect on a search ------------------------------------


def test_tendering_finds_problems_that_write_it_the_other_way(index, problems):
    holding = {pid for pid, (text, _) in problems.items() if literal("招投标") in literal(text)}
    without = {pid for pid in holding if literal("招标") not in literal(problems[pid][0])}
    assert without, "the corpus writes 招投标 without 招标 somewhere"
    r = index.search("招标", per_page=100)
    found = {h.id: h for h in r.hits}
    assert without <= set(found)
    assert all("招投标" in found[pid].expansions and not found[pid].concepts for pid in without)


def test_new_types_are_reachable_by_their_colloquial_names():
    assert concept_types("违建") == (("illegal_construction", EXACT),)
    assert concept_types("欠薪") == (("wage_arrears", TRIGGER_WEIGHT),)
    assert taxonomy.find_types("违建") == ["illegal_construction"]


def test_an_expansion_over_the_budget_is_dropped_not_refused(index, corpus_dir):
    """A query the budget allows stays allowed: when its concept types would take it over
    the budget, it is answered with its literal matches alone."""
    words = ["八项规定", "招标", "采购", "津补贴", "财务管理", "基层党建", "公务接待", "报销"]
    pool = ["资产", "理论学习", "三重一大", "意识形态", "捐赠", "报销", "公车", "组织生活"]
    ix = open_or_create(corpus_dir)
    found = None
    with ix.searcher(weighting=weighting()) as s:
        gen = Generation(s, SegmentArrays())
        # More words until one of the pool's types takes the query over the budget (how
        # many it needs depends on the thesaurus; a phrase counts once, see ranking.py).
        for k in range(3, len(words) + 1):
            for word in pool:
                c = compile_query(parse(" OR ".join([*words[:k], word])))
                if c.concept_query is None or not within_budget(gen, c.query):
                    continue
                if not within_budget(gen, c.concept_query):
                    found = " OR ".join([*words[:k], word])
                    break
            if found:
                break
    assert found, "the pool should hold a query whose types take it over the budget"
    r = index.search(found, per_page=100)
    assert r.total > 0
    assert all(h.concepts == [] for h in r.hits)
    quoted = " OR ".join(f'"{w}"' for w in found.split(" OR "))
    assert r.total >= index.search(quoted).total
