"""Finding one's way on the search page (issue 12 items 5, 7, 10) through Flask's test
client on a real archive and index: typo suggestions, the reading of an unclosed quote, the
last page past the end, numbered pages, the jump form, the page-size choice, the skip link,
the "/" key script, which date the year and the date order use — and every new parameter
and link fed hostile values.

Expectations come from the archived notices (their texts and dates) and from values
written here, never from the app's own answers.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from archive.store import Archive
from indexer.writing import build
from tests.archives import ingest_all
from tests.test_web_security import assert_no_markup_injection
from web import create_app
from web.security import CSP

REPO = Path(__file__).resolve().parents[1]
CORPUS = sorted((REPO / "seeds").glob("*.txt")) + sorted(
    (REPO / "tests" / "data" / "notices").glob("*.txt")
)
BODY = (
    (
        "根据市委统一部署，{period}市委第{group}巡察组对{unit}党组开展了巡察{feedback}。"
        "现将巡察整改情况予以公布。\n"
    )
    + """一、巡察反馈问题整改情况
1.针对档案甲乙管理不规范问题。一是建立档案甲乙登记制度；二是每月核查档案甲乙记录。
2.针对档案甲乙借阅不严问题。一是建立档案甲乙借阅审批制度；二是每月核查借阅记录。
二、下一步工作打算
持续巩固整改成果。
中共{unit}党组
{published}
"""
)
# Four notices whose dates differ in which are present: (unit, period, feedback, published).
DATED = {
    "某甲市某甲局": ("2022年3月1日至4月1日，", "2022年5月6日", "2023年1月10日"),
    "某乙市某乙局": ("2019年3月1日至4月1日，", "", "2020年2月3日"),
    "某丙市某丙局": ("", "", "2018年8月1日"),
    "某丁市某丁局": ("", "", ""),
}
# What each notice's year must be: the feedback date's, else the inspection end's, else the
# published date's; and its date for sorting: published, else feedback, else inspection end.
YEAR = {"某甲市某甲局": 2022, "某乙市某乙局": 2019, "某丙市某丙局": 2018, "某丁市某丁局": None}
SORT_DATE = {
    "某甲市某甲局": "2023-01-10",
    "某乙市某乙局": "2020-02-03",
    "某丙市某丙局": "2018-08-01",
    "某丁市某丁局": "",
}


def dated_notice(unit: str, group: int) -> str:
    period, feedback, published = DATED[unit]
    fb = f"，{feedback}向{unit}党组反馈了巡察意见" if feedback else "，并反馈了巡察意见"
    head = f"中共{unit}党组关于巡察整改情况的通报\n"
    return head + BODY.format(
        period=period, group="一二三四"[group], unit=unit, feedback=fb, published=published
    )


@pytest.fixture(scope="module")
def web_nav_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("webnav") / "data"
    src = d.parent / "src"
    src.mkdir()
    for f in CORPUS:
        shutil.copy(f, src / f.name)
    for i, unit in enumerate(DATED):
        (src / f"dated_{i}.txt").write_text(dated_notice(unit, i), encoding="utf-8")
    ingest_all(d, sorted(src.iterdir()))
    build(d)
    return d


@pytest.fixture(scope="module")
def app(web_nav_data: Path) -> Iterator[Flask]:
    yield create_app({"TESTING": True, "DATA_DIR": web_nav_data})


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def problem_texts(web_nav_data: Path) -> list[str]:
    with Archive(web_nav_data) as a:
        return [p.text for s in a.iter_notices() for p in s.notice.problems]


@pytest.fixture(scope="module")
def notices(web_nav_data: Path) -> dict[str, Any]:
    """Archived notices by organisation."""
    with Archive(web_nav_data) as a:
        return {s.notice.organisation: s for s in a.iter_notices()}


def url(path: str, **params: Any) -> str:
    return path + ("?" + urlencode(params, doseq=True) if params else "")


def api(client: FlaskClient, path: str, status: int = 200, **params: Any) -> dict[str, Any]:
    resp = client.get(url(path, **params))
    assert resp.status_code == status, (path, params, resp.get_data(as_text=True)[:300])
    return resp.get_json()


def page(client: FlaskClient, path: str, status: int = 200, **params: Any) -> BeautifulSoup:
    resp = client.get(url(path, **params))
    assert resp.status_code == status, (path, params, resp.get_data(as_text=True)[:300])
    assert_no_markup_injection(resp)
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def args_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


# -- the archive holds what the tests assume ---------------------------------------------


def test_the_dated_notices_are_archived_with_their_dates(notices: dict[str, Any]) -> None:
    for unit, (period, feedback, published) in DATED.items():
        n = notices[unit].notice
        assert bool(n.feedback_date) == bool(feedback), unit
        assert bool(n.inspection_end) == bool(period), unit
        assert bool(n.published_date) == bool(published), unit


# -- help when a query goes wrong ---------------------------------------------------------


def test_a_typo_offers_the_frequent_word(client: FlaskClient, problem_texts: list[str]) -> None:
    d = api(client, "/api/search", q="公务接侍")
    assert d["total"] == 0
    assert [s["query"] for s in d["suggestions"]] == ["公务接待"]
    s = d["suggestions"][0]
    assert s["corrections"] == [{"typed": "公务接侍", "word": "公务接待"}]
    assert s["total"] >= sum(1 for t in problem_texts if "公务接待" in t) > 0
    assert args_of(s["url"])["q"] == ["公务接待"]
    doc = page(client, "/search", q="公务接侍")
    shown = doc.select("[data-testid=suggestion]")
    assert len(shown) == 1
    assert shown[0].get_text(strip=True).startswith("您要找的是")
    link = shown[0].select_one("a")
    assert link.get_text() == "公务接待" and args_of(link["href"])["q"] == ["公务接待"]
    # the link runs the corrected query
    assert api(client, "/api/search", q="公务接待")["total"] == s["total"]


def test_a_suggestion_keeps_filters_kind_and_page_size(client: FlaskClient) -> None:
    params = {"q": "三重一打", "kind": "notice", "per_page": "50", "sort": "date"}
    d = api(client, "/api/search", **params)
    assert d["total"] == 0 and d["suggestions"], d
    got = args_of(d["suggestions"][0]["url"])
    assert got["q"] == ["三重一大"] and got["kind"] == ["notice"]
    assert got["per_page"] == ["50"] and got["sort"] == ["date"] and "page" not in got


def test_no_suggestion_when_the_query_finds_enough(client: FlaskClient) -> None:
    d = api(client, "/api/search", q="公务接待")
    assert d["total"] >= 5 and d["suggestions"] == []
    assert page(client, "/search", q="公务接待").select("[data-testid=suggestion]") == []


def test_an_unclosed_quote_says_how_it_was_read(client: FlaskClient) -> None:
    d = api(client, "/api/search", q='规定 "公务接待')
    assert d["reading"]["query"] == '规定 "公务接待"'
    assert '引号未闭合，已按 规定 "公务接待" 检索' in d["messages"]
    closed = api(client, "/api/search", q='规定 "公务接待"')
    assert [h["id"] for h in d["hits"]] == [h["id"] for h in closed["hits"]]
    texts = [m.get_text() for m in page(client, "/search", q='规定 "公务接待').select(".message")]
    assert '引号未闭合，已按 规定 "公务接待" 检索' in texts
    assert api(client, "/api/search", q='"公务接待"')["reading"] is None


def test_past_the_end_shows_the_last_page_and_says_so(client: FlaskClient) -> None:
    q = "整改"
    per = 5
    first = api(client, "/api/search", q=q, per_page=per)
    pages = math.ceil(first["total"] / per)
    assert pages > 2
    last = api(client, "/api/search", q=q, per_page=per, page=pages)
    for asked in (pages + 1, 1000):
        d = api(client, "/api/search", q=q, per_page=per, page=asked)
        assert d["page"] == pages and d["params"]["page"] == pages
        assert [h["id"] for h in d["hits"]] == [h["id"] for h in last["hits"]] != []
        note = f"第 {asked} 页超出范围（共 {pages} 页），已显示最后一页。"
        assert note in d["messages"]
        doc = page(client, "/search", q=q, per_page=per, page=asked)
        assert note in [m.get_text() for m in doc.select(".message")]
        assert doc.select_one("input[name=q]")["value"] == q  # the query is kept
        assert len(doc.select("article[data-testid=hit]")) == len(last["hits"])


def test_nothing_found_past_the_end_is_page_one(client: FlaskClient) -> None:
    d = api(client, "/api/search", q="火星人登陆", page=7)
    assert d["total"] == 0 and d["page"] == 1 and d["pages"] == 1
    assert "第 7 页超出范围（共 1 页），已显示最后一页。" in d["messages"]


# -- paging -------------------------------------------------------------------------------


def page_numbers(doc: BeautifulSoup) -> list[str]:
    pager = doc.select_one("nav[data-testid=pager] .pages")
    out = []
    for el in pager.find_all(["a", "span"]):
        if "of" in (el.get("class") or []) or el.get("rel"):
            continue
        out.append(el.get_text(strip=True))
    return out


def test_numbered_pages_around_the_current_one(client: FlaskClient) -> None:
    total = api(client, "/api/search", per_page=5)["total"]
    pages = math.ceil(total / 5)
    assert pages >= 12
    doc = page(client, "/search", per_page=5, page=7)
    assert page_numbers(doc) == ["1", "…", "5", "6", "7", "8", "9", "…", str(pages)]
    assert doc.select_one("[data-testid=page-current]").get_text() == "7"
    assert doc.select_one("[data-testid=page-current]")["aria-current"] == "page"
    for a in doc.select("a[data-testid=page-link]"):
        got = args_of(a["href"])
        assert got.get("page", ["1"]) == [a.get_text()] and got["per_page"] == ["5"]
    first = page(client, "/search", per_page=5)
    assert page_numbers(first) == ["1", "2", "3", "…", str(pages)]
    far = [a.get_text() for a in doc.select("a[data-testid=page-link].far")]
    assert far == ["5", "9"]  # the window's outer numbers, hidden on phones
    d = api(client, "/api/search", per_page=5, page=2)
    assert [n.get("page") for n in d["pager"]["numbers"]] == [1, 2, 3, 4, None, pages]


def test_every_page_link_lands_on_its_page(client: FlaskClient) -> None:
    doc = page(client, "/search", q="整改", per_page=5, page=3)
    for a in doc.select("a[data-testid=page-link]"):
        d = api(client, "/api" + a["href"])
        assert d["page"] == int(a.get_text()) and d["params"]["q"] == "整改"


def test_the_jump_form_keeps_every_other_parameter(client: FlaskClient) -> None:
    params = {"q": "整改", "kind": "problem", "sort": "date", "per_page": "5", "year": "2020"}
    params["year"] = "2019-2023"
    doc = page(client, "/search", page=2, **params)
    form = doc.select_one("form[data-testid=jump]")
    assert form["action"] == "/search" and form["method"] == "get"
    hidden = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert hidden == {"q": "整改", "year": "2019-2023", "sort": "date", "per_page": "5"}
    number = form.select_one("input[name=page]")
    total = api(client, "/api/search", **params)["total"]
    assert number["type"] == "number" and number["min"] == "1"
    assert number["max"] == str(math.ceil(total / 5)) and number["value"] == "2"
    # submitting it: the hidden fields and the typed number
    d = api(client, "/api/search", **hidden, page="3")
    assert d["page"] == 3 and d["params"]["year"] == "2019-2023"


def test_one_page_has_no_jump_form(client: FlaskClient) -> None:
    doc = page(client, "/search", q="档案甲乙")
    assert doc.select_one("form[data-testid=jump]") is None
    assert doc.select_one("nav[data-testid=pager] .pages") is None
    assert doc.select_one("[data-testid=per-page]") is None  # fewer results than 20


@pytest.mark.parametrize("per_page", ["20", "50", "100"])
def test_page_size_choice_is_kept_in_links(client: FlaskClient, per_page: str) -> None:
    doc = page(client, "/search", q="整改", per_page=per_page)
    choice = doc.select_one("[data-testid=per-page]")
    current = choice.select_one("[aria-current]")
    assert current.get_text() == per_page
    links = {a.get_text(): args_of(a["href"]) for a in choice.select("a")}
    assert set(links) == {"20", "50", "100"} - {per_page}
    for size, got in links.items():
        assert got.get("per_page", ["20"]) == [size] and got["q"] == ["整改"]
    kept = [
        a["href"]
        for a in doc.select("nav.switch a, .facet a, a[data-testid=page-link], a[rel]")
        if "/search?" in a["href"] and "kind=notice" not in a["href"]
    ]
    assert kept
    for href in kept:
        assert args_of(href).get("per_page", ["20"]) == [per_page], href
    assert len(doc.select("article[data-testid=hit]")) <= int(per_page)
    box = doc.select_one("form.big-search")
    hidden = {i["name"]: i["value"] for i in box.select("input[type=hidden]")}
    assert hidden.get("per_page", "20") == per_page


def test_a_page_size_change_keeps_the_first_result_in_view(client: FlaskClient) -> None:
    assert api(client, "/api/search", per_page=1)["total"] > 100
    d = api(client, "/api/search", per_page=20, page=3)  # results 41-60
    sizes = {o["per_page"]: args_of(o["url"]) for o in d["pager"]["per_page"]}
    assert sizes[50].get("page", ["1"]) == ["1"] and sizes[100].get("page", ["1"]) == ["1"]
    d = api(client, "/api/search", per_page=50, page=2)  # results 51-100
    sizes = {o["per_page"]: args_of(o["url"]) for o in d["pager"]["per_page"]}
    assert sizes[20]["page"] == ["3"]  # results 41-60 hold the 51st


# -- keyboard ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/search?q=整改", "/stats"])
def test_skip_link_targets_exist(client: FlaskClient, path: str) -> None:
    doc = page(client, path)
    skip = doc.select_one("a[data-testid=skip-link]")
    body_first = next(el for el in doc.body.children if getattr(el, "name", None))
    assert body_first is skip
    target = skip["href"]
    assert target.startswith("#") and doc.select_one(target) is not None
    if path.startswith("/search"):
        assert target == "#results" and skip.get_text() == "跳到检索结果"


@pytest.mark.parametrize("path", ["/", "/search?q=整改", "/stats"])
def test_one_search_box_and_the_slash_script(client: FlaskClient, path: str) -> None:
    doc = page(client, path)
    assert len(doc.select('input[type=search][name="q"]')) == 1
    scripts = doc.select("script")
    assert [s.get("src") for s in scripts] == ["/static/keys.js"]
    assert all(not s.string for s in scripts)  # no inline code: the CSP forbids it


def test_the_script_is_served_under_the_csp(client: FlaskClient) -> None:
    with client.get("/static/keys.js") as resp:
        assert resp.status_code == 200
        assert resp.mimetype in ("text/javascript", "application/javascript")
        assert b'key !== "/"' in resp.data
    page_resp = client.get("/search?q=x")
    assert page_resp.headers["Content-Security-Policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP


def test_focus_rings_are_styled(client: FlaskClient) -> None:
    with client.get("/static/style.css") as resp:
        css = resp.get_data(as_text=True)
    assert ":focus-visible" in css and ".skip-link:focus" in css


# -- which date ----------------------------------------------------------------------------


def test_the_year_facet_uses_feedback_then_inspection_end_then_published(
    client: FlaskClient,
) -> None:
    for unit, year in YEAR.items():
        d = api(client, "/api/search", kind="notice", org=unit)
        assert d["total"] == 1, unit
        assert d["hits"][0]["year"] == year, unit
        if year is None:  # no year at all, not the numeric column's filler value
            assert next(f for f in d["facets"] if f["name"] == "year")["options"] == []
        else:
            assert api(client, "/api/search", kind="notice", org=unit, year=str(year))["total"]
            facet = next(f for f in d["facets"] if f["name"] == "year")
            assert [o["value"] for o in facet["options"]] == [year]


PUBYEAR = {"某甲市某甲局": 2023, "某乙市某乙局": 2020, "某丙市某丙局": 2018, "某丁市某丁局": None}


def test_the_published_year_is_a_second_facet_and_filter(client: FlaskClient) -> None:
    for unit, pubyear in PUBYEAR.items():
        d = api(client, "/api/search", kind="notice", org=unit)
        facet = next(f for f in d["facets"] if f["name"] == "pubyear")
        assert facet["label"] == "发布年份"
        assert [o["value"] for o in facet["options"]] == ([pubyear] if pubyear else []), unit
        for option in facet["options"]:
            assert args_of(option["url"])["pubyear"] == [str(pubyear)]
    # 某甲: fed back in 2022, published in 2023 — the two filters tell them apart
    for params in ({"pubyear": "2023"}, {"q": "档案甲乙 发布年份:2023"}, {"q": "pubyear:2023"}):
        orgs = {
            h["organisation"]
            for h in api(client, "/api/search", kind="notice", per_page=100, **params)["hits"]
        }
        assert "某甲市某甲局" in orgs and "某乙市某乙局" not in orgs, params
    orgs = {
        h["organisation"] for h in api(client, "/api/search", year="2023", kind="notice")["hits"]
    }
    assert "某甲市某甲局" not in orgs
    doc = page(client, "/search", q="档案甲乙", pubyear="2020")
    chips = [c.get_text(strip=True) for c in doc.select("[data-testid=chip]")]
    assert chips == ["发布年份：2020 ✕"]
    assert {a.get_text(strip=True) for a in doc.select(".facet[data-facet=pubyear] a")} == {"2020"}
    bad = api(client, "/api/search", pubyear="二〇二〇")
    assert "发布年份“二〇二〇”格式无效（应为 2021 或 2020-2022），已忽略" in bad["messages"]


def test_the_date_note_is_on_the_search_and_stats_pages(client: FlaskClient) -> None:
    for path in ("/search", "/stats"):
        note = page(client, path).select_one("[data-testid=date-note]").get_text()
        assert "按巡察反馈日期计" in note and "巡察结束日期" in note and "发布日期" in note
        assert "排在最后" in note
    assert "按巡察反馈日期计" in api(client, "/api/search")["date_note"]
    # beside the year facets when they are shown, and in the syntax help on every search
    doc = page(client, "/search")
    assert doc.select_one("[data-testid=date-note]").parent["data-facet"] == "pubyear"
    assert doc.select_one("details.syntax [data-testid=syntax-date]").get_text() == note
    doc = page(client, "/search", q="火星人登陆")
    assert doc.select_one("[data-testid=date-note]") is None  # no year facet, no results
    assert doc.select_one("details.syntax [data-testid=syntax-date]").get_text() == note


@pytest.mark.parametrize("sort", ["date", "date_asc"])
@pytest.mark.parametrize("kind", ["notice", "problem"])
def test_undated_notices_sort_last_both_ways(client: FlaskClient, kind: str, sort: str) -> None:
    d = api(client, "/api/search", q="档案甲乙", kind=kind, sort=sort, per_page=100)
    orgs = [h["organisation"] for h in d["hits"]]
    assert set(orgs) == set(DATED)
    order = list(dict.fromkeys(orgs))
    dated = sorted((u for u in DATED if SORT_DATE[u]), key=SORT_DATE.__getitem__)
    expected = (dated[::-1] if sort == "date" else dated) + ["某丁市某丁局"]
    assert order == expected
    doc = page(client, "/search", q="档案甲乙", kind=kind, sort=sort)
    on = doc.select_one(
        "a.on[data-testid=sort-date]" if sort == "date" else "a.on[data-testid=sort-date-asc]"
    )
    assert on is not None


def test_browsing_by_date_oldest_first_keeps_undated_last(client: FlaskClient) -> None:
    d = api(client, "/api/search", kind="notice", sort="date_asc", per_page=100)
    orgs = [h["organisation"] for h in d["hits"]]
    assert orgs[-1] == "某丁市某丁局"
    assert orgs.index("某丙市某丙局") < orgs.index("某乙市某乙局") < orgs.index("某甲市某甲局")


# -- hostile values in the new parameters and links ---------------------------------------

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "attr": '"><img src=x onerror=alert(1)>',
    "quote": '公务接侍 "><svg onload=alert(1)>',
    "js-url": "javascript:alert(1)",
    "crlf": "a\r\nSet-Cookie: x=1",
}


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_hostile_values_survive_the_pager_and_the_jump_form(client: FlaskClient, key: str) -> None:
    value = HOSTILE[key]
    params = {"q": f"整改 {value}", "org": value, "per_page": "5", "page": "999"}
    doc = page(client, "/search", **params)
    form = doc.select_one("form[data-testid=jump]")
    if form is not None:  # more than one page
        hidden = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
        assert hidden["q"] == params["q"]
        assert hidden["org"] == value.strip()
    for a in doc.select("nav[data-testid=pager] a, [data-testid=suggestion] a"):
        assert a["href"].startswith("/search?"), a["href"]
    d = api(client, "/api/search", **params)
    for s in d["suggestions"]:
        assert s["url"].startswith("/search?")
        assert args_of(s["url"])["org"] == [value.strip()]


def test_a_hostile_typo_query_is_escaped_in_the_suggestion(client: FlaskClient) -> None:
    q = "公务接侍 " + HOSTILE["attr"]
    resp = client.get(url("/search", q=q))
    assert resp.status_code == 200
    assert_no_markup_injection(resp)
    d = api(client, "/api/search", q="公务接侍 公务")
    assert d["suggestions"], d  # the typo is corrected with the rest of the query kept
    assert args_of(d["suggestions"][0]["url"])["q"] == ["公务接待 公务"]


@pytest.mark.parametrize(
    "params, status",
    [
        ({"sort": "date_asc"}, 200),
        ({"sort": "date_asc;"}, 400),
        ({"sort": "DATE_ASC"}, 400),
        ({"sort": "<script>"}, 400),
        ({"per_page": "50"}, 200),
        ({"per_page": "101"}, 400),
        ({"per_page": "0"}, 400),
        ({"per_page": "<script>"}, 400),
        ({"per_page": "20", "page": "1000"}, 200),
        ({"page": "1001"}, 400),
        ({"page": "-1"}, 400),
        ({"page": ["999", "1"]}, 200),
        ({"pubyear": "2021"}, 200),
        ({"pubyear": "2020-2022"}, 200),
        ({"pubyear": "<script>alert(1)</script>"}, 200),
        ({"pubyear": '"><img src=x onerror=alert(1)>'}, 200),
        ({"pubyear": "1-99999999"}, 200),
        ({"pubyear": "公" * 200}, 200),
        ({"pubyear": "公" * 201}, 400),
        ({"q": "发布年份:<script>alert(1)</script>"}, 200),
        ({"per_page": ["50", "abc"]}, 200),
    ],
)
def test_new_parameter_values(client: FlaskClient, params: dict[str, Any], status: int) -> None:
    for path in ("/search", "/api/search"):
        resp = client.get(url(path, **params))
        assert resp.status_code == status, (path, params)
        assert_no_markup_injection(resp)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "公务接待", "page": "1001"},
        {"q": "公务接待", "per_page": "500"},
        {"q": HOSTILE["attr"], "sort": "x"},
    ],
)
def test_a_refused_search_keeps_its_words(client: FlaskClient, params: dict[str, str]) -> None:
    doc = page(client, "/search", status=400, **params)
    assert doc.select_one("[data-testid=error]") is not None
    assert doc.select_one("input[type=search][name=q]")["value"] == params["q"]
    retry = doc.select_one("a[data-testid=retry-search]")
    assert args_of(retry["href"]) == {"q": [params["q"]]}
    assert params["q"] in retry.get_text()


def test_a_refused_search_without_words_offers_no_retry(client: FlaskClient) -> None:
    doc = page(client, "/search", status=400, page="0")
    assert doc.select_one("a[data-testid=retry-search]") is None
    doc = page(client, "/search", status=400, q="字" * 501)
    assert doc.select_one("input[type=search][name=q]")["value"] == ""
