"""The filter vocabulary (indexer/filters.py) pins what every layer accepts: each spelling
of a filter in the query language selects the same problems as its URL parameter, on a real
archive and index; every filter's facets are on the search JSON and set that filter; every
URL parameter the web layer reads is in the table. Expected problems come from the archived
notices (``Truth``), never from the index."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from indexer import filters, taxonomy
from indexer.filters import FACETS, FILTERS, NAMES, by_alias, by_facet, by_name
from indexer.querying import Filter, Word, parse
from indexer.schema import make_schema
from tests.webarchive import Truth, notice_year
from web.errors import BadParameter
from web.params import SearchParams


def problems_of(client: FlaskClient, **params: Any) -> set[str]:
    """Every problem id the search API returns for ``params`` (all pages)."""
    out: set[str] = set()
    page, pages = 1, 1
    while page <= pages:
        resp = client.get("/api/search", query_string={**params, "per_page": 100, "page": page})
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        body = resp.get_json()
        out |= {h["id"] for h in body["hits"]}
        pages = body["pages"]
        page += 1
    assert len(out) == body["total"]
    return out


def truth_of(truth: Truth, keep: Any) -> set[str]:
    """Problem ids of the archived notices ``keep(notice)`` accepts."""
    return {pid for pid, (nid, _) in truth.problems.items() if keep(truth.notices[nid])}


# -- the table itself --------------------------------------------------------------------


def test_the_table_names_real_index_fields_and_unique_spellings() -> None:
    schema = set(make_schema().names())
    spellings: list[str] = []
    for f in FILTERS:
        assert f.match in filters.MATCHES and f.label and f.max_length > 0
        assert set(f.fields) <= schema, f.name
        assert {x.field for x in f.facets} <= schema, f.name
        spellings += [f.name, *f.aliases]
    lowered = [s.lower() for s in spellings]
    assert len(set(lowered)) == len(lowered)
    assert [x.position for x in FACETS] == sorted({x.position for x in FACETS})
    assert NAMES == (
        "org",
        "region",
        "year",
        "type",
        "inspector",
        "inspection",
        "pubyear",
        "doc",
    )


def test_a_filter_with_an_unknown_match_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown match"):
        filters.Filter("x", "某", (), "fuzzy", ("year",))


@pytest.mark.parametrize("f", FILTERS, ids=NAMES)
def test_every_spelling_parses_to_its_filter(f: filters.Filter) -> None:
    for spelling in (f.name, f.name.upper(), *f.aliases):
        assert parse(f"{spelling}:某值") == Filter(f.name, "某值"), spelling
        assert by_alias(spelling) is f
    assert by_name(f.name) is f
    for facet in f.facets:
        assert by_facet(facet.field) is f and filters.facet(facet.field) is facet


def test_a_name_outside_the_table_is_a_word() -> None:
    assert by_alias("标题") is None and by_name("年份") is None
    assert parse("标题:整改") == Word("标题:整改")


def test_the_chinese_aliases_users_type_are_in_the_table() -> None:
    # Written out here: the query syntax users already rely on.
    expected = {
        "单位": "org",
        "organisation": "org",
        "organization": "org",
        "地区": "region",
        "年份": "year",
        "年": "year",
        "类型": "type",
        "巡察组": "inspector",
        "巡察类型": "inspection",
    }
    assert {a: by_alias(a).name for a in expected} == expected


# -- the same problems through every spelling, on a real index -------------------------


def _inspection_kinds(kind: str | None) -> list[str]:
    return re.split(r"[、,]", kind or "")


# (filter, value, what the archived notices say it selects)
SELECTIONS = [
    ("year", "2022", lambda n: notice_year(n) == 2022),
    ("year", "2020-2022", lambda n: 2020 <= (notice_year(n) or 0) <= 2022),
    ("pubyear", "2021", lambda n: (n.published_date or "")[:4] == "2021"),
    (
        "region",
        "淮北",
        lambda n: any("淮北" in (x or "") for x in (n.region.province, n.region.city)),
    ),
    ("region", "湖南省", lambda n: n.region.province == "湖南省"),
    ("inspector", "第二巡察组", lambda n: "第二巡察组" in (n.inspector or "")),
    ("inspection", "回头看", lambda n: "回头看" in _inspection_kinds(n.inspection_kind)),
    ("org", "岳西县温泉镇青杠岭村", lambda n: n.organisation == "岳西县温泉镇青杠岭村"),
]


@pytest.mark.parametrize(("name", "value", "keep"), SELECTIONS, ids=[s[1] for s in SELECTIONS])
def test_every_spelling_selects_the_archived_problems(
    client: FlaskClient, truth: Truth, name: str, value: str, keep: Any
) -> None:
    expected = truth_of(truth, keep)
    assert expected, "the archive must hold problems this filter selects"
    f = by_name(name)
    assert problems_of(client, **{name: value}) == expected
    for spelling in (f.name, *f.aliases):
        assert problems_of(client, q=f"{spelling}:{value}") == expected, spelling
    # Filters narrow a query like any other condition.
    assert problems_of(client, q=f"{f.aliases[0]}:{value} -{f.name}:{value}") == set()


def test_a_type_is_chosen_by_code_or_label_and_an_area_by_either(client: FlaskClient) -> None:
    area = next(a for a in taxonomy.load_areas() if a.code == "area_finance")
    leaves = taxonomy.types_in_area(area.code)
    by_type = {t.code: problems_of(client, type=t.code) for t in leaves}
    union = set().union(*by_type.values())
    assert len([c for c, ids in by_type.items() if ids]) >= 2, "need two types of the area"
    for t in leaves:
        assert problems_of(client, q=f"类型:{t.label}") == by_type[t.code]
    for value in (area.code, area.label):
        assert problems_of(client, type=value) == union
        assert problems_of(client, q=f"type:{value}") == union


def test_a_filter_that_matches_nothing_selects_nothing(client: FlaskClient) -> None:
    for name, value in (("year", "1990"), ("org", "不存在的单位"), ("type", "不存在的类型")):
        assert problems_of(client, **{name: value}) == set(), name
        assert problems_of(client, q=f"整改 {name}:{value}") == set(), name


# -- the web layer reads the same table -------------------------------------------------


def test_every_facet_of_the_table_is_on_the_search_json_and_sets_its_filter(
    client: FlaskClient,
) -> None:
    body = client.get("/api/search", query_string={"q": "整改"}).get_json()
    assert [f["name"] for f in body["facets"]] == [x.field for x in FACETS]
    for shown, facet in zip(body["facets"], FACETS, strict=True):
        assert shown["label"] == facet.label
        assert 0 < len(shown["options"]) <= facet.shown, facet.field
        target = by_facet(facet.field).name
        for option in shown["options"]:
            args = parse_qs(urlsplit(option["url"]).query)
            assert args[target] == [str(option["value"])], option


def test_a_chosen_filter_shows_its_label_from_the_table(client: FlaskClient) -> None:
    chosen = {"org": "长丰县水务局", "region": "合肥", "year": "2022", "inspector": "县委"}
    body = client.get("/api/search", query_string=chosen).get_json()
    assert {c["name"]: c["label"] for c in body["chips"]} == {k: by_name(k).label for k in chosen}
    assert body["total"] == 9  # the 9 problems of 长丰县水务局's notice (2022, 县委)


def test_every_web_parameter_is_a_filter_of_the_table() -> None:
    given = MultiDict({f.name: "值" for f in FILTERS} | {"标题": "x", "年份": "2021"})
    assert tuple(SearchParams.from_args(given).filters) == NAMES
    for f in FILTERS:
        SearchParams.from_args(MultiDict({f.name: "公" * f.max_length}))
        with pytest.raises(BadParameter, match=f"参数 {f.name} 过长"):
            SearchParams.from_args(MultiDict({f.name: "公" * (f.max_length + 1)}))
    url = SearchParams.from_args(given).url()
    assert list(parse_qs(urlsplit(url).query)) == list(NAMES)


def test_multi_valued_facets_are_the_comma_keyword_fields_of_the_schema() -> None:
    from whoosh.fields import KEYWORD

    from indexer.filters import MULTI_FIELDS
    from indexer.schema import make_schema

    schema = make_schema()
    commas = {name for name, f in schema.items() if isinstance(f, KEYWORD) and f.analyzer}
    facets = {x.field for x in FACETS}
    assert set(MULTI_FIELDS) == {"types", "inspection_kind"}
    assert set(MULTI_FIELDS) == {name for name in commas if name in facets}


@pytest.mark.parametrize(
    ("inspector", "level"),
    [
        ("中央第三巡视组", "中央"),
        ("国务院第一督查组", "中央"),
        ("广西壮族自治区党委第五巡视组", "省委"),
        ("安徽省委第二巡视组", "省委"),
        ("淮北市委第一巡察组", "市委"),
        ("黔东南州委第二巡察组", "市委"),
        ("庐阳区委第三巡察组", "区委"),
        ("长丰县委第一巡察组", "县委"),
        ("鄂托克旗委巡察组", "县委"),
        ("集团公司党委巡察组", "其他"),
        ("", "其他"),
        (None, "其他"),
    ],
)
def test_every_inspector_level_is_one_the_filter_table_knows(inspector, level) -> None:
    from indexer.documents import inspector_level
    from indexer.filters import INSPECTOR_LEVELS

    assert inspector_level(inspector) == level
    assert level in INSPECTOR_LEVELS
