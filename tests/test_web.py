"""The web app through Flask's test client: every page, its JSON twin, and the two agreeing.

The archive holds the seeds, the sample notices and the notices of ``test_web_security``
(``build_archive``); expectations come from the archived notices themselves (their texts,
problem counts, dates), never from the app's own answers.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.webarchive import (
    OWN_NOTICES,
    SEED_000,
    SOURCES,
    Truth,
    notice_year,
)

CSV_HEADER = ["单位", "通报", "序号", "问题", "整改措施", "问题类型", "链接"]
# Added after the first seven, which scripts read by position.
CSV_EXTRA = [
    "省",
    "市",
    "区县",
    "巡察组",
    "巡察类型",
    "巡察起止",
    "反馈日期",
    "发布日期",
    "整改状态",
    "问题表述",
]

# The keys of a search hit in the JSON (written out: an interface).
HIT_KEYS = {
    *("id", "kind", "notice_id", "organisation", "title", "notice_title", "snippet", "score"),
    *("types", "n", "number", "province", "city", "district", "year", "inspector"),
    *("published_date", "status", "measures", "expansions", "excerpt", "highlights"),
    *("url", "notice_url"),  # links that carry the query into the problem and its notice
    "concepts",  # the problem types a query word named, when found by type
    "similar_to",  # in ``similar`` (problems like few matches): the match; null in ``hits``
}

# -- helpers (the fixtures web_data, app, client, truth and ids are in conftest.py) -----


def api(client: FlaskClient, path: str, status: int = 200, **params: Any) -> dict[str, Any]:
    resp = client.get(path + ("?" + urlencode(params, doseq=True) if params else ""))
    assert resp.status_code == status, (path, params, resp.get_data(as_text=True)[:300])
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["ok"] is (status == 200)
    return body


def page(client: FlaskClient, url: str, status: int = 200) -> BeautifulSoup:
    resp = client.get(url)
    assert resp.status_code == status, (url, resp.get_data(as_text=True)[:300])
    assert resp.mimetype == "text/html"
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def url(path: str, **params: Any) -> str:
    return path + ("?" + urlencode(params, doseq=True) if params else "")


def total_of(doc: BeautifulSoup) -> int:
    text = doc.select_one("[data-testid=total]").get_text(strip=True)
    assert text.isdigit(), text
    return int(text)


def hit_ids(doc: BeautifulSoup) -> list[str]:
    out = []
    for art in doc.select("article[data-testid=hit]"):
        link = art.select_one("a[data-testid=problem-link]") or art.select_one(
            "a[data-testid=notice-link]"
        )
        out.append(link["href"].split("?")[0].split("#")[0].rsplit("/", 1)[1])
    return out


def all_hits(client: FlaskClient, **params: Any) -> list[dict[str, Any]]:
    first = api(client, "/api/search", per_page=100, **params)
    hits = list(first["hits"])
    for n in range(2, first["pages"] + 1):
        hits += api(client, "/api/search", per_page=100, page=n, **params)["hits"]
    assert len(hits) == first["total"]
    return hits


def assert_error_json(body: dict[str, Any], status: int) -> None:
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]


# -- home ------------------------------------------------------------------------------


def test_home_matches_its_twin_and_the_archive(client: FlaskClient, truth: Truth) -> None:
    d = api(client, "/api/")
    s = d["summary"]
    assert s["notices"] == len(truth.notices) == len(SOURCES) + OWN_NOTICES
    assert s["problems"] == len(truth.problems)
    assert s["organisations"] == len({n.organisation for n in truth.notices.values()})
    doc = page(client, "/")
    form = doc.select_one("form[data-testid=search-form]")
    assert form["action"] == "/search" and form.get("method", "get").lower() == "get"
    assert form.select_one("input[name=q][data-testid=q]") is not None
    numbers = [el.get_text(strip=True) for el in doc.select("[data-testid=summary] strong")]
    assert str(s["notices"]) in numbers and str(s["problems"]) in numbers
    type_links = [a["href"] for a in doc.select("[data-testid=types] a")]
    assert type_links == [url("/search", type=t["code"]) for t in d["types"]]
    recent = [a["href"] for a in doc.select("[data-testid=recent] a")]
    assert recent == [f"/notices/{h['id']}" for h in d["recent"]]
    assert d["recent"] and all(h["id"] in truth.notices for h in d["recent"])


def test_home_type_counts_are_the_search_totals(client: FlaskClient) -> None:
    types = api(client, "/api/")["types"]
    assert types
    for t in types[:4]:
        assert total_of(page(client, url("/search", type=t["code"]))) == t["count"]


# -- search: totals, twins, hits -------------------------------------------------------


@pytest.mark.parametrize("term", ["公务接待", "公车", "三重一大", "红十字", "意识形态"])
def test_quoted_total_is_the_literal_count(client: FlaskClient, truth: Truth, term: str) -> None:
    q = f'"{term}"'
    expected = truth.containing(term)
    assert expected, term
    d = api(client, "/api/search", q=q, per_page=100)
    assert d["total"] == len(expected)
    assert {h["id"] for h in d["hits"]} == expected
    assert d["expansions"] == []
    doc = page(client, url("/search", q=q))
    assert total_of(doc) == len(expected)
    assert len(doc.select("article[data-testid=hit]")) == min(len(expected), 20)
    assert doc.select_one("[data-testid=expansions]") is None


def test_expanded_total_counts_the_term_and_its_alternatives(
    client: FlaskClient, truth: Truth
) -> None:
    d = api(client, "/api/search", q="公务接待", per_page=100)
    alternatives = [e["alternative"] for e in d["expansions"]]
    assert "接待费" in alternatives  # thesaurus: 公务接待 > 接待费, 接待清单
    expected = truth.containing("公务接待", *alternatives)
    assert d["total"] == len(expected)
    assert {h["id"] for h in d["hits"]} == expected
    assert total_of(page(client, url("/search", q="公务接待"))) == len(expected)


def test_thesaurus_expansion_shown_only_when_unquoted(client: FlaskClient, truth: Truth) -> None:
    d = api(client, "/api/search", q="公车")
    assert "公务用车" in [e["alternative"] for e in d["expansions"]]
    assert all(e["term"] == "公车" for e in d["expansions"])
    shown = page(client, url("/search", q="公车")).select_one("[data-testid=expansions]")
    assert shown is not None and "公务用车" in shown.get_text()
    quoted = api(client, "/api/search", q='"公车"')
    assert quoted["expansions"] == []
    assert quoted["total"] == len(truth.containing("公车"))
    assert d["total"] == len(truth.containing("公车", *[e["alternative"] for e in d["expansions"]]))
    assert d["total"] > quoted["total"]
    assert page(client, url("/search", q='"公车"')).select_one("[data-testid=expansions]") is None


def test_json_hits_carry_the_documented_fields(client: FlaskClient) -> None:
    for kind in ("problem", "notice"):
        hits = api(client, "/api/search", q="整改", kind=kind)["hits"]
        assert hits
        for h in hits:
            assert {"id", "notice_id", "organisation", "title", "snippet", "types"} <= set(h)
            assert isinstance(h["types"], list)


def test_search_page_shows_the_api_hits(client: FlaskClient) -> None:
    q = "公务接待"
    d = api(client, "/api/search", q=q)
    doc = page(client, url("/search", q=q))
    assert hit_ids(doc) == [h["id"] for h in d["hits"]]
    for art, h in zip(doc.select("article[data-testid=hit]"), d["hits"], strict=True):
        # A hit's links carry the query, so the page it opens marks it.
        assert art.select_one("a[data-testid=problem-link]")["href"] == url(
            f"/problems/{h['id']}", q=q
        )
        notice_href = art.select_one("a[data-testid=notice-link]")["href"]
        assert notice_href == url(f"/notices/{h['notice_id']}", q=q) + f"#p-{h['n']}"
        assert art.select_one(".snippet mark") is not None
        assert art.select_one("input[name=notices]")["value"] == h["notice_id"]
    assert "<mark>" in d["hits"][0]["snippet"]
    form = doc.select_one("form[data-testid=compare-form]")
    assert form["action"] == "/compare" and form.select_one("button[data-testid=compare-btn]")
    assert doc.select_one("nav[data-testid=pager]") is not None
    side = doc.select_one("a[data-testid=view-side]")["href"]
    assert parse_qs(urlsplit(side).query) == {"q": [q], "view": ["side"]}


def test_empty_query_lists_everything(client: FlaskClient, truth: Truth) -> None:
    assert api(client, "/api/search")["total"] == len(truth.problems)
    assert total_of(page(client, "/search?q=")) == len(truth.problems)
    notices = all_hits(client, kind="notice")
    assert {h["id"] for h in notices} == set(truth.notices)
    doc = page(client, "/search?kind=notice&per_page=100")
    assert total_of(doc) == len(truth.notices)
    assert set(hit_ids(doc)) == set(truth.notices)
    assert doc.select("article[data-testid=hit] a[data-testid=problem-link]") == []


# -- search: facets, chips, filters ----------------------------------------------------


@pytest.mark.parametrize("q", ["", "公务接待", "误工补贴"])
def test_organisation_facet_sums_to_total_and_clicking_filters(
    client: FlaskClient, truth: Truth, q: str
) -> None:
    d = api(client, "/api/search", q=q)
    orgs = next(f for f in d["facets"] if f["name"] == "organisation")["options"]
    assert sum(o["count"] for o in orgs) == d["total"]
    doc = page(client, url("/search", q=q))
    links = doc.select("section[data-facet=organisation] a[data-testid=facet-value]")
    assert [a["data-value"] for a in links] == [o["value"] for o in orgs]
    for a, o in zip(links, orgs, strict=True):
        target = page(client, a["href"])
        assert total_of(target) == o["count"]
        chips = [c.get_text() for c in target.select("a[data-testid=chip]")]
        assert len(chips) == 1 and o["value"] in chips[0]
        hits = all_hits(client, **{k: v[0] for k, v in parse_qs(urlsplit(a["href"]).query).items()})
        assert len(hits) == o["count"]
        assert all(truth.org_of(h["id"]) == o["value"] for h in hits)


def test_year_and_type_facets_filter(client: FlaskClient, truth: Truth) -> None:
    doc = page(client, "/search")
    for name in ("year", "types"):
        link = doc.select(f"section[data-facet={name}] a[data-testid=facet-value]")[0]
        count = int(link.find_next_sibling("span").get_text(strip=True))
        target = page(client, link["href"])
        assert total_of(target) == count
        assert len(target.select("a[data-testid=chip]")) == 1
    year_link = doc.select("section[data-facet=year] a[data-testid=facet-value]")[0]
    year = int(year_link["data-value"])
    expected = {
        pid for pid, (nid, _) in truth.problems.items() if notice_year(truth.notices[nid]) == year
    }
    assert {h["id"] for h in all_hits(client, year=year)} == expected


def test_chip_link_removes_only_its_filter(client: FlaskClient) -> None:
    org = "淮北市红十字会"
    doc = page(client, url("/search", q="整改", org=org, year="2022"))
    chips = doc.select("a[data-testid=chip]")
    assert len(chips) == 2
    org_chip = next(c for c in chips if org in c.get_text())
    args = parse_qs(urlsplit(org_chip["href"]).query)
    assert args == {"q": ["整改"], "year": ["2022"]}
    after = page(client, org_chip["href"])
    assert total_of(after) == api(client, "/api/search", q="整改", year="2022")["total"]
    assert [c.get_text() for c in after.select("a[data-testid=chip]")] != []
    assert all(org not in c.get_text() for c in after.select("a[data-testid=chip]"))


def test_query_language_filters(client: FlaskClient, truth: Truth, ids: dict[str, str]) -> None:
    red_cross = all_hits(client, q="org:红十字")
    assert len(red_cross) == 17  # seed 000 numbers its problems (1) to (17)
    assert {h["notice_id"] for h in red_cross} == {ids["seed000"]}
    for year in (2020, 2022, 2023):
        expected = {
            pid
            for pid, (nid, _) in truth.problems.items()
            if notice_year(truth.notices[nid]) == year
        }
        assert {h["id"] for h in all_hits(client, q=f"year:{year}")} == expected, year
    cars = all_hits(client, q="type:公务用车")
    assert cars and all("official_cars" in [t["code"] for t in h["types"]] for h in cars)
    assert len(cars) == api(client, "/api/search", type="official_cars")["total"]
    both = all_hits(client, q='"公务接待" year:2023')
    assert {h["id"] for h in both} == {
        pid
        for pid in truth.containing("公务接待")
        if notice_year(truth.notices[truth.problems[pid][0]]) == 2023
    }


def test_sort_by_date_orders_by_published_date(client: FlaskClient, truth: Truth) -> None:
    for params in ({"kind": "notice"}, {"q": "整改", "sort": "date"}, {"sort": "date"}):
        hits = all_hits(client, **params)
        dates = [truth.notices[h["notice_id"]].published_date for h in hits]
        known = [d for d in dates if d]
        assert known == sorted(known, reverse=True), params
    doc = page(client, "/search?sort=date&kind=notice&per_page=100")
    dates = [truth.notices[i].published_date for i in hit_ids(doc)]
    assert [d for d in dates if d] == sorted((d for d in dates if d), reverse=True)


def test_pagination(client: FlaskClient, truth: Truth) -> None:
    per = 10
    total = len(truth.problems)
    pages = math.ceil(total / per)
    first = api(client, "/api/search", per_page=per)
    assert first["pages"] == pages and first["total"] == total
    seen: list[str] = []
    for n in range(1, pages + 1):
        d = api(client, "/api/search", per_page=per, page=n)
        seen += [h["id"] for h in d["hits"]]
        assert len(d["hits"]) == (per if n < pages else total - per * (pages - 1))
        assert hit_ids(page(client, url("/search", per_page=per, page=n))) == [
            h["id"] for h in d["hits"]
        ]
    assert len(seen) == len(set(seen)) == total
    assert set(seen) == set(truth.problems)
    # Past the end: the last page, saying so (issue 12 item 5; it used to be empty).
    last = api(client, "/api/search", per_page=per, page=pages)
    beyond = api(client, "/api/search", per_page=per, page=pages + 1)
    assert beyond["hits"] == last["hits"] != [] and beyond["total"] == total
    assert beyond["page"] == pages
    assert f"第 {pages + 1} 页超出范围（共 {pages} 页），已显示最后一页。" in beyond["messages"]
    doc = page(client, url("/search", per_page=per, page=pages + 1))
    assert hit_ids(doc) == [h["id"] for h in last["hits"]] and total_of(doc) == total
    pager = page(client, url("/search", per_page=per, page=2)).select_one("nav[data-testid=pager]")
    rels = {a.get("rel", [""])[0]: a["href"] for a in pager.select("a")}
    assert parse_qs(urlsplit(rels["prev"]).query).get("page") in (None, ["1"])
    assert parse_qs(urlsplit(rels["next"]).query)["page"] == ["3"]


@pytest.mark.parametrize("q", ["误工补贴", '"公务接待"', '"三重一大"', "整改", "问题", "加强"])
def test_side_view_groups_by_organisation(client: FlaskClient, truth: Truth, q: str) -> None:
    d = api(client, "/api/search", q=q, view="side")
    matching = truth.containing(q.strip('"'), *[e["alternative"] for e in d["expansions"]])
    # Problems of the type a word names come too, marked as concept matches.
    matching |= {h["id"] for h in all_hits(client, q=q) if h["concepts"]}
    by_org: dict[str, set[str]] = {}
    for pid in matching:
        by_org.setdefault(truth.org_of(pid), set()).add(pid)
    doc = page(client, url("/search", q=q, view="side"))
    side = doc.select_one("[data-testid=side]")
    assert side is not None
    cols = side.select("section[data-testid=side-col]")
    orgs = [c.find("h2").find("a").get_text(strip=True) for c in cols]
    assert len(orgs) == len(set(orgs)) >= 2
    assert set(orgs) <= set(by_org)
    if len(by_org) <= 8:  # the page shows at most 8 columns
        assert set(orgs) == set(by_org)
    for col, org in zip(cols, orgs, strict=True):
        links = [urlsplit(a["href"]) for a in col.select("a[data-testid=problem-link]")]
        assert {parse_qs(link.query)["q"][0] for link in links} == {q}
        shown = {link.path.rsplit("/", 1)[1] for link in links}
        assert {pid: truth.org_of(pid) for pid in shown if truth.org_of(pid) != org} == {}, org
        if len(by_org[org]) <= 10:  # and at most 10 problems a column
            assert shown == by_org[org], org
            assert col.select_one("[data-testid=side-more]") is None, org
        else:  # a cut column says how many there are and links to them all
            more = col.select_one("[data-testid=side-more] a")
            assert more is not None and str(len(by_org[org])) in more.get_text(), org
    assert [c["organisation"] for c in d["side"]] == orgs
    hidden = doc.select_one("[data-testid=side-hidden]")
    assert d["side_hidden"] == len(by_org) - len(orgs)
    if len(by_org) > len(orgs):
        assert hidden is not None and str(len(by_org) - len(orgs)) in hidden.get_text()
    else:
        assert hidden is None


# -- problem page ----------------------------------------------------------------------


def test_problem_page_and_twin(client: FlaskClient, truth: Truth, ids: dict[str, str]) -> None:
    pid = f"{ids['seed000']}-1"
    d = api(client, f"/api/problems/{pid}")
    _, problem = truth.problems[pid]
    assert d["problem"]["id"] == pid and d["problem"]["title"] == problem.title
    assert d["problem"]["measures"] == problem.measures
    assert len(problem.measures) == 3  # 一是…二是…三是…
    doc = page(client, f"/problems/{pid}")
    assert problem.title in doc.find("h1").get_text()
    items = doc.select("[data-testid=measures] > li")
    assert [li.get_text(strip=True) for li in items] == [m.strip() for m in problem.measures]
    link = doc.select_one("a[data-testid=notice-link]")["href"]
    assert link.split("#")[0] == f"/notices/{ids['seed000']}"


def test_a_problem_has_one_shape_in_search_hits_and_on_its_page(
    client: FlaskClient, truth: Truth
) -> None:
    """The fields of ``ProblemDoc`` are the same in a search hit and on the problem page,
    and they are the archived problem's."""
    hits = all_hits(client, q="公务接待")
    assert len(hits) >= 5
    for hit in hits:
        assert set(hit) == HIT_KEYS
        page_view = api(client, f"/api/problems/{hit['id']}")["problem"]
        nid, problem = truth.problems[hit["id"]]
        notice = truth.notices[nid]
        assert (hit["notice_id"], hit["n"], hit["number"]) == (nid, problem.n, problem.number)
        assert hit["title"] == problem.title and hit["measures"] == problem.measures
        assert hit["organisation"] == (notice.organisation or "")
        assert hit["year"] == notice_year(notice)
        region = {k: hit[k] for k in ("province", "city", "district")}
        assert region == {k: getattr(notice.region, k) for k in region}
        assert all(set(t) == {"code", "label"} for t in hit["types"])
        for key in ("id", "notice_id", "n", "number", "title", "organisation", "notice_title"):
            assert page_view[key] == hit[key], key
        for key in ("measures", "types", "year", "inspector"):
            assert page_view[key] == hit[key], key
        assert page_view["region"] == region
        assert (page_view["status"] or "") == hit["status"]
        assert (page_view["published_date"] or "") == hit["published_date"]


def test_similar_problems_come_from_other_notices(client: FlaskClient, truth: Truth) -> None:
    checked = 0
    for pid in sorted(truth.problems)[::15]:
        d = api(client, f"/api/problems/{pid}")
        own = truth.problems[pid][0]
        assert all(s["notice_id"] != own for s in d["similar"])
        assert all(truth.problems[s["id"]][0] == s["notice_id"] for s in d["similar"])
        doc = page(client, f"/problems/{pid}")
        section = doc.select_one("[data-testid=similar]")
        assert section is not None
        boxes = section.select("form[data-testid=side-form] input[name=with]")
        assert [b["value"] for b in boxes] == [s["id"] for s in d["similar"]]
        checked += bool(d["similar"])
    assert checked >= 5


def test_side_by_side_table(client: FlaskClient, truth: Truth, ids: dict[str, str]) -> None:
    pid = f"{ids['seed000']}-11"  # (11) 公务接待不规范
    similar = [s["id"] for s in api(client, f"/api/problems/{pid}")["similar"]]
    assert len(similar) >= 2
    a, b = similar[:2]
    doc = page(client, f"/problems/{pid}")
    form = doc.select_one("form[data-testid=side-form]")
    assert form["action"] == f"/problems/{pid}" and form.select_one("button[data-testid=side-btn]")
    tables = [
        page(client, url(f"/problems/{pid}", **{"with": f"{a},{b}"})),
        page(client, url(f"/problems/{pid}", **{"with": [a, b]})),
    ]
    measures = [truth.problems[x][1].measures for x in (pid, a, b)]
    width = max(len(m) for m in measures)
    for doc in tables:
        table = doc.select_one("table[data-testid=side-by-side]")
        assert table is not None
        heads = table.select("thead th a")
        assert [h["href"] for h in heads] == [f"/problems/{x}" for x in (pid, a, b)]
        rows = {
            r.find("th").get_text(strip=True): r.find_all("td") for r in table.select("tbody tr")
        }
        for label in ("单位", "巡察组", "反馈日期", "问题", "整改状态"):
            assert len(rows[label]) == 3, label
        assert [rows["单位"][i].get_text(strip=True) for i in range(3)] == [
            truth.org_of(x) for x in (pid, a, b)
        ]
        labels = [k for k in rows if k.startswith("整改措施")]
        assert labels == [f"整改措施 {i}" for i in range(1, width + 1)]
        for i in range(width):
            cells = [td.get_text(strip=True) for td in rows[f"整改措施 {i + 1}"]]
            assert cells == [m[i].strip() if i < len(m) else "" for m in measures]
    d = api(client, f"/api/problems/{pid}", **{"with": [a, b]})
    assert [c["id"] for c in d["compare"]] == [pid, a, b]


def test_unknown_with_id_is_reported_not_fatal(client: FlaskClient, ids: dict[str, str]) -> None:
    pid = f"{ids['seed000']}-2"
    ghost = "ffffffffffffffff-3"
    other = f"{ids['seed004']}-1"
    doc = page(client, f"/problems/{pid}?with={ghost}")
    assert doc.find("h1") is not None
    d = api(client, f"/api/problems/{pid}", **{"with": f"{ghost},{other}"})
    assert d["missing"] == [ghost] and d["with"] == [other]
    doc = page(client, f"/problems/{pid}?with={ghost},{other}")
    assert ghost in doc.get_text() and doc.select_one("table[data-testid=side-by-side]")
    assert_error_json(api(client, f"/api/problems/{pid}", 400, **{"with": "nonsense"}), 400)


# -- notice page -----------------------------------------------------------------------


def test_notice_page_and_twin(client: FlaskClient, truth: Truth, ids: dict[str, str]) -> None:
    nid = ids["seed000"]
    n = truth.notices[nid]
    d = api(client, f"/api/notices/{nid}")
    assert len(d["problems"]) == 17
    doc = page(client, f"/notices/{nid}")
    meta = doc.select_one("[data-testid=meta]").get_text()
    for value in (n.organisation, n.inspector, n.published_date, n.feedback_date):
        assert value and value in meta
    outline = doc.select("[data-testid=outline] li")
    assert len(outline) == len(d["problems"]) == 17
    assert [li.find("a")["href"] for li in outline] == [f"#p-{i}" for i in range(1, 18)]
    download = doc.select_one("a[data-testid=download]")["href"]
    assert download == f"/notices/{nid}/source"


def test_every_problem_has_an_anchor(client: FlaskClient, truth: Truth) -> None:
    missing = {}
    for nid, n in truth.notices.items():
        doc = page(client, f"/notices/{nid}")
        full = doc.select_one("[data-testid=fulltext]")
        anchors = {el["id"] for el in full.select("[id^=p-]")}
        lost = [p.n for p in n.problems if f"p-{p.n}" not in anchors]
        if lost:
            missing[truth.sources[nid]] = lost
    assert missing == {}


def test_source_download_returns_the_original_bytes(
    client: FlaskClient, truth: Truth, ids: dict[str, str], web_data: Path
) -> None:
    files = {f.name: f for f in [*SOURCES, *(web_data.parent / "hostile").iterdir()]}
    assert set(truth.sources.values()) == set(files)
    for nid, name in truth.sources.items():
        resp = client.get(f"/notices/{nid}/source")
        assert resp.status_code == 200, name
        assert resp.data == files[name].read_bytes(), name
        disposition = resp.headers["Content-Disposition"]
        assert disposition.startswith("attachment") and name in disposition, name
    assert SEED_000.name == truth.sources[ids["seed000"]]


# -- compare ---------------------------------------------------------------------------


def test_compare_matrix(client: FlaskClient, ids: dict[str, str]) -> None:
    chosen = [ids["seed000"], ids["seed004"]]
    d = api(client, "/api/compare", notices=",".join(chosen))
    assert [c["id"] for c in d["notices"]] == chosen
    doc = page(client, url("/compare", notices=",".join(chosen)))
    table = doc.select_one("table[data-testid=matrix]")
    heads = [a["href"] for a in table.select("thead th a")]
    assert heads == [f"/notices/{n}" for n in chosen]
    rows = table.select("tbody tr")
    assert len(rows) == len(d["rows"]) > 3
    problem_types: dict[str, list[str]] = {}
    for tr, row in zip(rows, d["rows"], strict=True):
        assert tr.find("th").get_text(strip=True) == row["label"]
        cells = tr.find_all("td")
        assert len(cells) == len(chosen)
        for nid, td in zip(chosen, cells, strict=True):
            for a in td.find_all("a"):
                pid = a["href"].rsplit("/", 1)[1]
                assert pid.startswith(nid + "-")
                if pid not in problem_types:
                    types = api(client, f"/api/problems/{pid}")["problem"]["types"]
                    problem_types[pid] = [t["code"] for t in types] or ["_none"]
                assert row["code"] in problem_types[pid]
    repeated = api(client, "/api/compare", notices=chosen)
    assert repeated["rows"] == d["rows"]
    assert page(client, "/compare").select_one("table[data-testid=matrix]") is None


# -- stats -----------------------------------------------------------------------------


def test_stats_page_csv_and_twin(client: FlaskClient, truth: Truth) -> None:
    d = api(client, "/api/stats")
    assert d["totals"] == {"notices": len(truth.notices), "problems": len(truth.problems)}
    doc = page(client, "/stats")
    charts = doc.select("svg[data-testid^=chart-]")
    assert len(charts) == len(d["tables"]) >= 4
    # The number tables behind the charts (the heat table and durations are tested apart).
    tables = doc.select("details > table")
    assert len(tables) == len(d["tables"])
    for table, t in zip(tables, d["tables"], strict=True):
        shown = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.tbody("tr")]
        assert shown == [[r["label"], str(r["count"])] for r in t["rows"]]
    years = next(t for t in d["tables"] if t["name"] == "year")["rows"]
    expected_years: dict[str, int] = {}
    for nid, _ in truth.problems.values():
        y = notice_year(truth.notices[nid])
        if y is not None:
            expected_years[str(y)] = expected_years.get(str(y), 0) + 1
    # Every year from the first to the last, in order; a year without problems shows as 0.
    first, last = min(map(int, expected_years)), max(map(int, expected_years))
    for y in range(first, last + 1):
        expected_years.setdefault(str(y), 0)
    assert [r["key"] for r in years] == [str(y) for y in range(first, last + 1)]
    assert {r["key"]: r["count"] for r in years} == expected_years
    resp = client.get("/stats.csv")
    assert resp.status_code == 200
    text = resp.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["维度", "值", "名称", "数量"]
    counts = [
        [t["label"], r["key"], r["label"], str(r["count"])] for t in d["tables"] for r in t["rows"]
    ]
    assert rows[1 : len(counts) + 1] == counts
    # After the counts, the figure sums (问责与追缴), one row per number of the stats JSON.
    figures = d["figures"]
    n_figures = len(figures["totals"]) + sum(
        1 for t in figures["tables"] for r in t["rows"] for c in r["cells"] if c["value"]
    )
    assert len(rows) == 1 + len(counts) + n_figures
    assert all(r[0].startswith("问责与追缴·") for r in rows[len(counts) + 1 :])


def test_stats_chart_links_lead_to_their_counts(client: FlaskClient) -> None:
    """Each bar links to a search whose total is the number on the bar."""
    doc = page(client, "/stats")
    wrong = []
    for svg in doc.select("svg[data-testid^=chart-]"):
        links = svg.select("a")
        assert links, svg["data-testid"]
        for a in links:
            label, count = a.find("title").get_text().rsplit("：", 1)
            total = total_of(page(client, a["href"]))
            if total != int(count.replace(",", "")):
                wrong.append((svg["data-testid"], label, count, total, a["href"]))
    assert wrong == []


# -- CSV export ------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["公务接待", '"三重一大"', "org:红十字"])
def test_search_csv(client: FlaskClient, truth: Truth, q: str) -> None:
    resp = client.get(url("/search.csv", q=q))
    assert resp.status_code == 200
    assert resp.data.startswith(b"\xef\xbb\xbf")
    assert resp.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"), newline="")))
    assert rows[0][:7] == CSV_HEADER
    assert rows[0] == CSV_HEADER + CSV_EXTRA
    body = rows[1:]
    expected = {h["id"] for h in all_hits(client, q=q)}
    assert len(body) == len(expected) > 0
    seen = set()
    for row in body:
        assert len(row) == len(CSV_HEADER) + len(CSV_EXTRA)
        link = urlsplit(row[6])
        assert link.scheme in ("http", "https") and link.netloc
        pid = link.path.rsplit("/", 1)[1]
        seen.add(pid)
        _, problem = truth.problems[pid]
        assert row[0] == truth.org_of(pid) and row[3] == problem.title
        assert row[4] == "\n".join(problem.measures)
        assert_extra_columns(dict(zip(rows[0], row, strict=True)), truth, pid)
    assert seen == expected
    for row in body[:5]:
        assert client.get(row[6]).status_code == 200


def assert_extra_columns(row: dict[str, str], truth: Truth, pid: str) -> None:
    """The added columns hold the notice's metadata and the problem's own text."""
    nid, problem = truth.problems[pid]
    n = truth.notices[nid]
    assert row["省"] == (n.region.province or "")
    assert row["市"] == (n.region.city or "")
    assert row["区县"] == (n.region.district or "")
    assert row["巡察组"] == (n.inspector or "")
    assert row["巡察类型"] == (n.inspection_kind or "")
    assert row["反馈日期"] == (n.feedback_date or "")
    assert row["发布日期"] == (n.published_date or "")
    assert row["整改状态"] == (problem.status or "")
    for d in (n.inspection_start, n.inspection_end):
        assert (d or "") in row["巡察起止"]
    text = problem.text
    assert row["问题表述"] == ("'" + text if text.startswith(("=", "+", "-", "@")) else text)
