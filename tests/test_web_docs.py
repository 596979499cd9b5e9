"""Documents as the search leaves them: hits inside notice and problem pages (``?q=``),
metadata as links to filtered searches, the side view's heads and index, and the filters
offered when a query names an inspection group or a unit. Then hostile values of the new
parameters. Expectations are counted from the archived notices themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import opencc
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from archive.model import Notice, Problem
from archive.store import Archive
from web import create_app

REPO = Path(__file__).resolve().parents[1]
SCRIPT = "<script>window.__xss=1</script>"
IMG = '"><img src=x onerror="window.__xss=1">'
HOSTILE_WORD = "档案扫描"  # occurs only in the hostile notice


def _hostile_notice() -> str:
    """A notice in the seeds' layout whose problem text and signature carry payloads."""
    return (
        "根据市委统一部署,2022年3月1日至4月15日,市委第九巡察组对市档案服务中心开展了巡察。"
        "5月10日,市委巡察组向市档案服务中心反馈了巡察意见。按照党务公开原则和巡察工作有关要求,"
        "现将巡察整改情况予以公布。\n"
        "一、巡察整改工作开展情况\n"
        "(一)迅速行动,加强领导。及时成立巡察整改工作领导小组,迅速传达巡察反馈意见。\n"
        "二、巡察反馈问题整改情况\n"
        "(一)落实全面从严治党主体责任不到位方面\n"
        "1.执行财经纪律不规范\n"
        f"(1)针对{HOSTILE_WORD}外包{SCRIPT}监管不严问题。一是修订《{HOSTILE_WORD}管理办法》"
        f"{IMG},明确{HOSTILE_WORD}验收标准。二是建立外包人员保密审查台账。\n"
        "(2)针对公务接待不规范问题。一是严格落实公务接待前置审批。二是建立公务接待台账。\n"
        "三、下一步工作打算\n"
        "中心将持续抓好后续整改,建立健全长效机制。联系电话:0561—3000000。\n"
        f"中共淮北市档案{SCRIPT}服务中心委员会\n"
        "2022年7月20日\n"
    )


# -- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("webdocs")
    hostile = root / "hostile_notice.txt"
    hostile.write_text(_hostile_notice(), encoding="utf-8")
    files = [*sorted((REPO / "seeds").glob("*.txt"))]
    files += sorted((REPO / "tests" / "data" / "notices").glob("*.txt"))
    data = root / "data"
    with Archive(data) as a:
        for f in [*files, hostile]:
            assert a.ingest_path(f).status == "added", f
    return data


@pytest.fixture(scope="module")
def app(data_dir: Path) -> Iterator[Flask]:
    yield create_app({"TESTING": True, "DATA_DIR": data_dir})


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Store:
    """What the archive holds, read straight from the store."""

    def __init__(self, data: Path) -> None:
        with Archive(data) as a:
            stored = list(a.iter_notices())
        self.notices: dict[str, Notice] = {s.id: s.notice for s in stored}
        self.texts: dict[str, str] = {s.id: s.text for s in stored}
        self.problems: dict[str, Problem] = {
            f"{s.id}-{p.n}": p for s in stored for p in s.notice.problems
        }

    def notice_of(self, problem_id: str) -> Notice:
        return self.notices[problem_id.rsplit("-", 1)[0]]


@pytest.fixture(scope="module")
def store(data_dir: Path) -> Store:
    return Store(data_dir)


def get(client: FlaskClient, path: str, status: int = 200, **params: Any) -> Any:
    resp = client.get(path + ("?" + urlencode(params, doseq=True) if params else ""))
    assert resp.status_code == status, (path, params, resp.get_data(as_text=True)[:300])
    if resp.mimetype == "application/json":
        return resp.get_json()
    assert resp.mimetype == "text/html"
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def notice_with(store: Store, word: str, at_least: int = 3) -> str:
    """A notice whose text holds ``word`` at least ``at_least`` times."""
    for nid, text in sorted(store.texts.items()):
        if text.count(word) >= at_least:
            return nid
    raise AssertionError(f"no notice has {word} {at_least} times")


def params_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


# -- hits inside a notice ----------------------------------------------------------------


def test_notice_page_marks_every_occurrence_in_order(client: FlaskClient, store: Store) -> None:
    word = "整改"
    nid = notice_with(store, word)
    lines = [line for line in store.texts[nid].split("\n") if line.strip()]
    expected = sum(line.count(word) for line in lines)
    doc = get(client, f"/notices/{nid}", q=f'"{word}"')
    marks = doc.select("section[data-testid=fulltext] mark.qhit")
    assert len(marks) == expected > 2
    assert [m["id"] for m in marks] == [f"hit-{k}" for k in range(1, expected + 1)]
    assert {m.get_text() for m in marks} == {word}
    assert doc.select_one("[data-testid=hit-total]").get_text() == str(expected)
    # Each mark is followed by its "第 k/N 处" with plain anchors to its neighbours.
    for k, m in enumerate(marks, start=1):
        nav = m.find_next_sibling()
        assert nav["data-testid"] == "hitnav"
        assert f"第 {k}/{expected} 处" in nav.get_text()
        rels = {a["rel"][0]: a["href"] for a in nav.select("a[rel]")}
        assert rels.get("prev") == (f"#hit-{k - 1}" if k > 1 else None)
        assert rels.get("next") == (f"#hit-{k + 1}" if k < expected else None)
    # The outline says how many matches each problem holds and links to its first one.
    badges = {
        li.select_one("a")["href"]: li.select_one("a[data-testid=outline-hits]")
        for li in doc.select("nav[data-testid=outline] li")
    }
    problems = store.notices[nid].problems
    assert len(badges) == len(problems)
    for p in problems:
        badge = badges[f"#p-{p.n}"]
        if word not in p.text:
            assert badge is None, p.n
            continue
        assert badge.get_text() == f"{p.text.count(word)} 处", p.n
        first = doc.select_one(badge["href"])
        assert first.name == "mark" and first.find_parent("p")["id"] == f"p-{p.n}"
    hitlist = [a["href"] for a in doc.select("nav.hitlist a")]
    assert hitlist == [f"#hit-{k}" for k in range(1, min(expected, 60) + 1)]
    # The JSON twin: where each one is.
    d = get(client, f"/api/notices/{nid}", q=f'"{word}"')
    m = d["matches"]
    assert m["total"] == expected and m["terms"] == [word]
    assert [p["hit"] for p in m["positions"]] == list(range(1, expected + 1))
    paras = d["paragraphs"]
    for p in m["positions"]:
        assert paras[p["paragraph"]]["text"][p["start"] : p["end"]] == word == p["text"]
    # The same page without a query marks nothing, and says where to search it.
    plain = get(client, f"/notices/{nid}")
    assert plain.select("mark") == [] and plain.select_one("[data-testid=hitbar]") is None
    form = plain.select_one("form[data-testid=doc-search]")
    assert form["action"] == f"/notices/{nid}" and form.select_one("input[name=q]")
    assert "matches" not in get(client, f"/api/notices/{nid}")


def test_notice_search_box_keeps_its_query_and_says_when_nothing_is_found(
    client: FlaskClient, store: Store
) -> None:
    nid = notice_with(store, "整改")
    doc = get(client, f"/notices/{nid}", q="量子纠缠")
    assert doc.select_one("form[data-testid=doc-search] input[name=q]")["value"] == "量子纠缠"
    assert "通报全文中没有找到" in doc.select_one("[data-testid=hit-none]").get_text()
    assert get(client, f"/api/notices/{nid}", q="量子纠缠")["matches"]["total"] == 0
    # The page's JSON link is the twin with the same query.
    assert params_of(doc.select_one("footer a")["href"]) == {"q": ["量子纠缠"]}


def test_problem_page_marks_title_measures_and_statement(client: FlaskClient, store: Store) -> None:
    word = "学习"
    pid = next(
        pid
        for pid, p in sorted(store.problems.items())
        if word in p.title and any(word in m for m in p.measures)
    )
    p = store.problems[pid]
    pieces = [p.title, *p.measures]
    for s in p.subproblems:
        pieces += [s.title, *s.measures]
    pieces.append(p.text)
    expected = sum(x.count(word) for x in pieces)
    doc = get(client, f"/problems/{pid}", q=f'"{word}"')
    marks = doc.select("article.problem mark.qhit")
    assert len(marks) == expected
    assert [m["id"] for m in marks] == [f"hit-{k}" for k in range(1, expected + 1)]
    assert doc.select_one("h1 mark.qhit")["id"] == "hit-1"
    assert doc.select_one("[data-testid=measures] mark.qhit") is not None
    details = doc.select_one("details.fulltext-problem")
    assert details.has_attr("open") and details.select_one("mark.qhit")
    d = get(client, f"/api/problems/{pid}", q=f'"{word}"')
    assert d["matches"]["total"] == expected
    assert d["marks"]["title"]["first_hit"] == 1
    assert [x["field"] for x in d["matches"]["positions"]][0] == "title"
    # Back to the notice with the query, and a box to search the whole notice.
    link = doc.select_one("a[data-testid=notice-link]")["href"]
    assert params_of(link) == {"q": [f'"{word}"']} and link.endswith(f"#p-{p.n}")
    form = doc.select_one("form[data-testid=doc-search]")
    assert form["action"] == f"/notices/{pid.rsplit('-', 1)[0]}"
    plain = get(client, f"/problems/{pid}")
    assert plain.select("mark") == [] and not plain.select_one("details.fulltext-problem[open]")


def test_thesaurus_alternatives_are_marked_like_in_the_snippet(client: FlaskClient) -> None:
    d = get(client, "/api/search", q="公车")
    assert d["expansions"], "the thesaurus gives 公车 alternatives (indexer/data)"
    alternatives = {e["alternative"] for e in d["expansions"]}
    hit = next(h for h in d["hits"] if "公车" not in h["excerpt"])
    doc = get(client, hit["url"])
    assert {m.get_text() for m in doc.select("mark.qhit")} & alternatives


# -- hits carry their query --------------------------------------------------------------


def test_hit_links_carry_the_query(client: FlaskClient) -> None:
    q = "公务接待"
    d = get(client, "/api/search", q=q)
    doc = get(client, "/search", q=q)
    arts = doc.select("article[data-testid=hit]")
    assert len(arts) == len(d["hits"]) > 0
    for art, h in zip(arts, d["hits"], strict=True):
        href = art.select_one("a[data-testid=problem-link]")["href"]
        assert href == h["url"] == f"/problems/{h['id']}?" + urlencode({"q": q})
        assert h["notice_url"] == f"/notices/{h['notice_id']}?" + urlencode({"q": q}) + (
            f"#p-{h['n']}"
        )
        # The page it opens marks the query.
        assert get(client, href).select("mark.qhit")
    notices = get(client, "/api/search", q=q, kind="notice")["hits"]
    assert notices and all(
        h["url"] == f"/notices/{h['id']}?q={urlencode({'': q})[1:]}" for h in notices
    )
    # Browsing (no query), or a query of filters alone, links plainly: nothing to mark.
    for params in ({}, {"q": "org:淮北"}, {"q": "year:2023 -公车"}):
        hits = get(client, "/api/search", **params)["hits"]
        assert hits and all("?" not in h["url"] + h["notice_url"] for h in hits), params


# -- metadata as links -------------------------------------------------------------------


def _notice_ids(client: FlaskClient, href: str) -> set[str]:
    args = {k: v[0] for k, v in params_of(href).items()}
    d = get(client, "/api/search", **args, per_page=100)
    ids = {h["notice_id"] for h in d["hits"]}
    assert d["total"] <= 100
    return ids


def test_notice_metadata_links_to_filtered_searches(client: FlaskClient, store: Store) -> None:
    nid = next(
        nid
        for nid, n in sorted(store.notices.items())
        if n.region.district and n.inspector and "区委" in n.inspector and n.problems
    )
    n = store.notices[nid]
    doc = get(client, f"/notices/{nid}")
    org = doc.select_one("a[data-testid=meta-org]")
    assert org.get_text() == n.organisation
    assert params_of(org["href"]) == {"kind": ["notice"], "org": [n.organisation]}
    assert nid in _notice_ids(client, org["href"])
    regions = doc.select("[data-testid=meta-region] a")
    assert [a.get_text() for a in regions] == [
        x for x in (n.region.province, n.region.city, n.region.district) if x
    ]
    for a in regions:
        assert nid in _notice_ids(client, a["href"])
    group = doc.select_one("a[data-testid=meta-inspector-more]")
    assert group.get_text() == "本巡察组的其他通报"
    assert params_of(group["href"]) == {
        "kind": ["notice"],
        "inspector": [n.inspector],
        "region": [n.region.district],
    }
    found = _notice_ids(client, group["href"])
    same_group = {
        k
        for k, m in store.notices.items()
        if m.inspector and n.inspector in m.inspector and m.region.district == n.region.district
    }
    assert found == same_group and nid in found
    year = doc.select_one("a[data-testid=meta-year]")
    assert nid in _notice_ids(client, year["href"])
    d = get(client, f"/api/notices/{nid}")
    assert d["links"]["inspector"] == group["href"] and d["links"]["organisation"] == org["href"]


def test_problem_metadata_links(client: FlaskClient, store: Store) -> None:
    pid = next(pid for pid in sorted(store.problems) if store.notice_of(pid).inspector)
    n = store.notice_of(pid)
    doc = get(client, f"/problems/{pid}")
    org = doc.select_one("a[data-testid=meta-org]")
    assert params_of(org["href"]) == {"org": [n.organisation]}
    problems = get(client, "/api/search", org=n.organisation, per_page=100)
    assert pid in {h["id"] for h in problems["hits"]}
    more = doc.select_one("a[data-testid=meta-inspector-more]")
    assert params_of(more["href"])["kind"] == ["notice"]
    assert params_of(more["href"])["inspector"] == [n.inspector]
    assert pid.rsplit("-", 1)[0] in _notice_ids(client, more["href"])
    assert doc.select_one("a[data-testid=meta-org-notices]")["href"].startswith(
        "/search?kind=notice&org="
    )


# -- a query that names a group or a unit ------------------------------------------------


def test_query_naming_a_group_offers_the_notice_tab_and_the_filter(
    client: FlaskClient, store: Store
) -> None:
    group = "区委第一巡察组"
    holders = {nid for nid, t in store.texts.items() if group in t}
    assert len(holders) >= 2
    assert not any(group in p.text for p in store.problems.values())
    d = get(client, "/api/search", q=group)
    assert d["total"] == 0
    nf = d["name_filters"]
    assert nf["notices"] == len(holders)
    offer = next(f for f in nf["filters"] if f["filter"] == "inspector")
    assert offer["value"] == group and offer["label"] == "巡察组"
    assert params_of(offer["url"]) == {"inspector": [group]}
    # The filter lists the problems of exactly the notices of groups with that name.
    problems = get(client, "/api/search", inspector=group, per_page=100)["hits"]
    with_name = {nid for nid, n in store.notices.items() if n.inspector and group in n.inspector}
    assert {h["notice_id"] for h in problems} == with_name
    doc = get(client, "/search", q=group)
    box = doc.select_one("[data-testid=name-filters]")
    assert "按巡察组筛选" in box.get_text()
    link = box.select_one("a[data-testid=name-filter]")
    assert link["href"] == offer["url"]
    assert params_of(box.select_one("a[data-testid=name-notices]")["href"]) == {
        "q": [group],
        "kind": ["notice"],
    }


def test_query_naming_a_unit_offers_the_unit_filter(client: FlaskClient, store: Store) -> None:
    org = next(
        n.organisation
        for _, n in sorted(store.notices.items())
        if n.organisation
        and len(n.organisation) >= 6
        and not any(n.organisation in p.text for p in store.problems.values())
    )
    d = get(client, "/api/search", q=org)
    assert d["total"] == 0
    offer = next(f for f in d["name_filters"]["filters"] if f["filter"] == "org")
    assert offer["value"] == org and offer["label"] == "单位"
    found = get(client, "/api/search", **{k: v[0] for k, v in params_of(offer["url"]).items()})
    assert found["total"] > 0 and {h["organisation"] for h in found["hits"]} == {org}


def test_queries_that_find_problems_offer_no_filters(client: FlaskClient) -> None:
    assert get(client, "/api/search", q="公务接待")["name_filters"] is None
    assert get(client, "/api/search", q="量子纠缠")["name_filters"] is None
    doc = get(client, "/search", q="量子纠缠")
    assert doc.select_one("[data-testid=name-filters]") is None


# -- the side view -----------------------------------------------------------------------


@pytest.mark.parametrize("q", ['"公务接待"', '"整改"'])
def test_side_view_heads_index_and_marked_excerpts(
    client: FlaskClient, store: Store, q: str
) -> None:
    word = q.strip('"')
    matching = {pid for pid, p in store.problems.items() if word in p.text}
    orgs = {store.notice_of(pid).organisation for pid in matching}
    doc = get(client, "/search", q=q, view="side")
    assert doc.select_one("[data-testid=side-total]").get_text() == f"共 {len(orgs)} 个单位"
    cols = doc.select("section[data-testid=side-col]")
    jumps = doc.select("a[data-testid=side-jump]")
    assert [a["href"] for a in jumps] == [f"#{c['id']}" for c in cols]
    assert len(cols) == min(8, len(orgs))
    if len(cols) > 1:
        assert "左右滑动" in doc.select_one("[data-testid=side-hint]").get_text()
    for i, col in enumerate(cols, start=1):
        org = col.find("h2").find("a").get_text(strip=True)
        assert jumps[i - 1].get_text().startswith(f"{i}. {org}")
        notices = [
            store.notice_of(pid) for pid in matching if store.notice_of(pid).organisation == org
        ]
        head = col.select_one("[data-testid=side-head]")
        inspectors = [s.get_text() for s in head.select("[data-testid=side-inspector]")]
        assert set(inspectors) <= {n.inspector for n in notices}
        region = head.select_one("[data-testid=side-region]")
        if region is not None:
            places = {
                " ".join(x for x in (n.region.province, n.region.city, n.region.district) if x)
                for n in notices
            }
            assert set(region.get_text().split("；")) <= places
        years = head.select_one("[data-testid=side-year]")
        assert years is not None
        excerpts = col.select("[data-testid=side-excerpt]")
        assert len(excerpts) == len(col.select("a[data-testid=problem-link]")) > 0
        for ex in excerpts:
            marked = [m.get_text() for m in ex.select("mark")]
            assert marked and set(marked) == {word}, ex
    d = get(client, "/api/search", q=q, view="side")
    assert d["side_total"] == len(orgs)
    assert [c["organisation"] for c in d["side"]] == [
        c.find("h2").find("a").get_text(strip=True) for c in cols
    ]
    rest = doc.select("[data-testid=side-hidden] li a")
    assert [a.get_text() for a in rest] == [r["organisation"] for r in d["side_rest"]]
    assert len(d["side"]) + len(d["side_rest"]) == min(len(orgs), 8 + 60)


# -- hostile values of the new parameters ------------------------------------------------

HOSTILE_Q = [
    SCRIPT,
    IMG,
    '"><mark id="hit-1">',
    "</mark><script>x</script>",
    "javascript:alert(1)",
    "\x00\x01\x7f",
    "\u202e\u200b",
    "'",
    '"',
    "((((",
    "-",
    "org:<b>x</b>",
    "a" * 500,
    "%3Cscript%3E",
    "&lt;script&gt;",
]


def _hostile_ids(client: FlaskClient) -> tuple[str, str]:
    hits = get(client, "/api/search", q=HOSTILE_WORD)["hits"]
    assert hits
    return hits[0]["notice_id"], hits[0]["id"]


@pytest.mark.parametrize("q", HOSTILE_Q)
def test_hostile_query_on_document_pages_is_escaped(client: FlaskClient, q: str) -> None:
    nid, pid = _hostile_ids(client)
    for path in (f"/notices/{nid}", f"/problems/{pid}"):
        resp = client.get(path, query_string={"q": q})
        assert resp.status_code == 200, (path, q)
        body = resp.get_data(as_text=True)
        assert "<script>" not in body and "<img" not in body and "<b>x" not in body
        doc = BeautifulSoup(body, "html.parser")
        assert all(m.get("class") == ["qhit"] for m in doc.select("mark"))
        api = client.get("/api" + path, query_string={"q": q})
        assert api.status_code == 200 and api.get_json()["ok"] is True


@pytest.mark.parametrize("raw", ["%ED%A0%80", "%FF%FE", "%C0%BC", "%E2%80%AE%3Cscript%3E"])
def test_undecodable_query_bytes_on_document_pages(client: FlaskClient, raw: str) -> None:
    nid, pid = _hostile_ids(client)
    for path in (f"/notices/{nid}", f"/problems/{pid}", f"/api/notices/{nid}"):
        resp = client.get(f"{path}?q={raw}")
        assert resp.status_code in (200, 400), (path, raw)
        if resp.mimetype == "text/html":
            assert "<script>" not in resp.get_data(as_text=True)
        else:
            assert resp.get_json()["ok"] is (resp.status_code == 200)


def test_marks_inside_hostile_text_stay_escaped(client: FlaskClient) -> None:
    nid, pid = _hostile_ids(client)
    for path in (f"/notices/{nid}", f"/problems/{pid}"):
        for q in (HOSTILE_WORD, "script", "onerror", "img"):
            body = client.get(path, query_string={"q": q}).get_data(as_text=True)
            assert "<script>" not in body and "<img" not in body, (path, q)
            doc = BeautifulSoup(body, "html.parser")
            marks = doc.select("mark.qhit")
            if q == HOSTILE_WORD:
                assert len(marks) >= 3
            for m in marks:
                assert m.get_text().lower() == q.lower() and not m.find_all(True)
    doc = get(client, "/search", q=HOSTILE_WORD, view="side")
    assert doc.select("[data-testid=side-excerpt] mark")
    assert not doc.select("[data-testid=side] script, [data-testid=side] img")


@pytest.mark.parametrize(
    ("q", "reason"),
    [("a" * 501, "检索词过长"), (" ".join(f"词{i}" for i in range(30)), "检索词过多")],
)
def test_refused_queries_on_document_pages(client: FlaskClient, q: str, reason: str) -> None:
    nid, pid = _hostile_ids(client)
    for path in (f"/notices/{nid}", f"/problems/{pid}"):
        assert reason in client.get(path, query_string={"q": q}).get_data(as_text=True)
        body = get(client, "/api" + path, 400, q=q)
        assert set(body) == {"ok", "error", "status"} and body["status"] == 400
        assert reason in body["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/notices/0000000000000000?q=整改",
        "/notices/<script>?q=整改",
        "/problems/0000000000000000-1?q=整改",
        "/api/notices/zz?q=整改",
    ],
)
def test_unknown_documents_with_a_query_are_404(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_repeated_and_empty_query_parameters(client: FlaskClient) -> None:
    nid, pid = _hostile_ids(client)
    doc = get(client, f"/notices/{nid}?q=&q={HOSTILE_WORD}")
    assert doc.select("mark.qhit") == []  # the first value counts, as on /search
    doc = get(client, f"/problems/{pid}?q=%20%20")
    assert doc.select("mark") == [] and doc.select_one("[data-testid=hitbar]") is None
    d = get(client, f"/api/problems/{pid}", q="org:淮北")
    assert d["matches"]["total"] == 0  # filters mark nothing


def test_side_view_with_hostile_parameters(client: FlaskClient) -> None:
    for params in (
        {"q": SCRIPT, "view": "side"},
        {"q": HOSTILE_WORD, "view": "side", "org": IMG},
        {"q": IMG, "view": "side", "region": SCRIPT, "kind": "problem"},
    ):
        resp = client.get("/search", query_string=params)
        assert resp.status_code == 200
        body = resp.get_data(as_text=True)
        assert "<script>" not in body and "<img" not in body
    assert re.search(r"共 \d+ 个单位", get(client, "/search", q=HOSTILE_WORD, view="side").text)


# -- a traditional-character copy ---------------------------------------------------------


def test_traditional_copy_marks_the_simplified_query(tmp_path: Path) -> None:
    seed = REPO / "seeds" / "000_15f829d25a69815d.txt"
    traditional = opencc.OpenCC("s2t").convert(seed.read_text(encoding="utf-8"))
    assert "領導小組" in traditional and "领导小组" not in traditional
    src = tmp_path / "traditional.txt"
    src.write_text(traditional, encoding="utf-8")
    with Archive(tmp_path / "data") as a:
        nid = a.ingest_path(src).notice_id
    client = create_app({"TESTING": True, "DATA_DIR": tmp_path / "data"}).test_client()
    lines = [line for line in traditional.split("\n") if line.strip()]
    expected = sum(line.count("領導小組") for line in lines)
    doc = get(client, f"/notices/{nid}", q='"领导小组"')
    marks = doc.select("mark.qhit")
    assert len(marks) == expected > 0
    assert {m.get_text() for m in marks} == {"領導小組"}  # shown as written
