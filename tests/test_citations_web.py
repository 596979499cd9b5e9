"""Cited documents end to end: archive → index → ``doc:`` search, ``/documents`` (page, JSON,
CSV) and the problem page, on a real archive and index. Three invented notices cite invented
rules; what the seeds and sample notices cite comes from the hand-written labels, and units
from the store (``Truth``), never from the app."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from archive.store import Archive
from tests.webarchive import REPO, Truth, build_archive
from web import create_app

HEAD = """根据县委统一部署,2023年3月1日至4月1日,县委第三巡察组对{org}党组开展了巡察。\
2023年5月6日,县委第三巡察组向{org}党组反馈了巡察意见。现将巡察整改情况予以公布。
一、巡察整改工作开展情况
{opening}
二、巡察反馈问题整改情况
(一)作风建设方面
"""
TAIL = """三、下一步工作打算
持续巩固整改成果。
联系电话:0561-3110009。
中共{org}党组
2023年9月{day}日
"""
XSS = "<script>alert(1)</script>"
XSS_NORM = "<script>alert</script>"  # brackets go from a normalised title
INVENTED = {
    "qinghe_finance.txt": (
        "青禾县财政局",
        "局党组成立整改工作领导小组。",
        [
            "1.针对公务接待审批不严问题。一是修订《青禾县财政局公务接待管理办法（试行）》,严格执行接待审批;\
二是组织干部学习《党政机关厉行节约反对浪费条例》。",
            "2.针对预算执行不规范问题。一是制定《预算绩效管理实施细则》;二是按照《青禾县预算管理规定》开展自查。",
        ],
    ),
    "qinghe_transport.txt": (
        "青禾县交通运输局",
        "局党组召开专题会议部署整改。",
        [
            "1.针对公务接待超标准问题。一是制定《县交通运输局公务接待管理办法》;二是超标准费用已全部退回。",
            f"2.针对理论学习不深入问题。一是传达学习《中国共产党纪律处分条例》和《{XSS}学习读本》。",
        ],
    ),
    "baishi_culture.txt": (
        "白石县文化旅游局",
        "局党组传达《关于巡察白石县文化旅游局党组的反馈意见》,制定《巡察整改工作方案》。",
        [
            "1.针对公务接待无公函问题。一是修订《局机关公务接待管理办法》;二是每季度公示接待费用。",
            "2.针对项目资金管理不严问题。一是出台《文旅项目资金管理实施细则》;二是开展专项检查。",
        ],
    ),
}
# (file, problem n or "notice", normalised title, kind) — written by hand for INVENTED.
INVENTED_CITES = [
    ("qinghe_finance.txt", 1, "公务接待管理办法", "issued"),
    ("qinghe_finance.txt", 1, "党政机关厉行节约反对浪费条例", "studied"),
    ("qinghe_finance.txt", 2, "预算绩效管理实施细则", "issued"),
    ("qinghe_finance.txt", 2, "预算管理规定", "cited"),
    ("qinghe_transport.txt", 1, "公务接待管理办法", "issued"),
    ("qinghe_transport.txt", 2, "中国共产党纪律处分条例", "studied"),
    ("qinghe_transport.txt", 2, f"{XSS_NORM}学习读本", "studied"),
    ("baishi_culture.txt", "notice", "关于巡察白石县文化旅游局党组的反馈意见", "studied"),
    ("baishi_culture.txt", "notice", "巡察整改工作方案", "issued"),
    ("baishi_culture.txt", 1, "公务接待管理办法", "issued"),
    ("baishi_culture.txt", 2, "文旅项目资金管理实施细则", "issued"),
]
LABELS = json.loads((REPO / "tests/data/facts/citations_labels.json").read_text("utf-8"))


def _notice_text(org: str, opening: str, problems: list[str], day: int) -> str:
    return (
        HEAD.format(org=org, opening=opening)
        + "\n".join(problems)
        + "\n"
        + TAIL.format(org=org, day=day)
    )


@pytest.fixture(scope="module")
def web_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cite")
    data = build_archive(root)
    src = root / "invented"
    src.mkdir()
    with Archive(data) as a:
        for day, (name, (org, opening, problems)) in enumerate(INVENTED.items(), start=1):
            path = src / name
            path.write_text(_notice_text(org, opening, problems, day), encoding="utf-8")
            assert a.ingest_path(path).status == "added", name
    return data


@pytest.fixture(scope="module")
def app(web_data: Path) -> Iterator[Flask]:
    yield create_app({"TESTING": True, "DATA_DIR": web_data})


def _by_source(truth: Truth, source: str) -> str:
    return next(nid for nid, s in truth.sources.items() if Path(s).name == Path(source).name)


def expected(truth: Truth, title: str, kind: str) -> tuple[set[str], set[str]]:
    """(problem ids, organisations) citing ``title`` as ``kind``: the invented table and the
    labels of the archived seeds and sample notices."""
    rows = [(f, w, t, k) for f, w, t, k in INVENTED_CITES]
    for name, entry in LABELS["notices"].items():
        if entry["split"] == "dev":
            rows += [(name, c["where"], c["norm"], c["kind"]) for c in entry["citations"]]
    problems, orgs = set(), set()
    for f, where, t, k in rows:
        if t != title or k != kind:
            continue
        nid = _by_source(truth, f)
        orgs.add(truth.notices[nid].organisation)
        if where != "notice":
            problems.add(f"{nid}-{where}")
    return problems, orgs


def search_ids(client: FlaskClient, **params: Any) -> set[str]:
    body = client.get("/api/search", query_string={**params, "per_page": 100}).get_json()
    assert body["pages"] <= 1
    return {h["id"] for h in body["hits"]}


# -- doc: in the query language ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("公务接待管理办法", "issued"),
        ("预算绩效管理实施细则", "issued"),
        ("中国共产党纪律处分条例", "studied"),
    ],
)
def test_doc_finds_the_problems_citing_a_document(
    client: FlaskClient, truth: Truth, value: str, kind: str
) -> None:
    want, _ = expected(truth, value, kind)
    assert want
    for q in (f"doc:{value}", f'doc:"{value}"', f"文件:{value}", f"document:{value}"):
        assert search_ids(client, q=q) == want, q
    assert search_ids(client, doc=value) == want
    assert search_ids(client, q=f"doc:{value} -doc:{value}") == set()


def test_doc_matches_part_of_a_title_as_written_or_normalised(
    client: FlaskClient, truth: Truth
) -> None:
    a, _ = expected(truth, "预算绩效管理实施细则", "issued")
    b, _ = expected(truth, "文旅项目资金管理实施细则", "issued")
    assert search_ids(client, q='doc:"实施细则"') == a | b
    # The issuer is in the title as written: 《青禾县财政局公务接待管理办法（试行）》.
    finance = _by_source(truth, "qinghe_finance.txt")
    assert search_ids(client, q="doc:青禾县财政局") == {f"{finance}-1"}
    assert search_ids(client, q="doc:不存在的管理办法") == set()


# -- /documents ---------------------------------------------------------------------------


def _row(body: dict[str, Any], title: str) -> dict[str, Any]:
    return next(r for r in body["titles"] if r["title"] == title)


def test_the_listing_counts_problems_and_names_the_units(client: FlaskClient, truth: Truth) -> None:
    body = client.get("/api/documents", query_string={"q": "公务接待"}).get_json()
    assert body["ok"] and body["kind"] == "issued"
    problems, orgs = expected(truth, "公务接待管理办法", "issued")
    row = _row(body, "公务接待管理办法")
    assert row["problems"] == len(problems) and row["units"] == len(orgs) == row["notices"]
    assert {u["name"] for u in row["top_units"]} == orgs
    assert {v["verb"] for v in row["verbs"]} == {"修订", "制定"}
    assert all("公务接待" in r["title"] for r in body["titles"])
    assert all(r["kind"] == "issued" for r in body["titles"])
    # The problems link is the doc: search, and it finds those problems.
    assert row["search_url"].startswith("/search?q=doc%3A%22")
    target = client.get(row["search_url"].replace("/search", "/api/search", 1)).get_json()
    assert {h["id"] for h in target["hits"]} == problems


def test_issued_and_studied_are_listed_apart(client: FlaskClient, truth: Truth) -> None:
    studied = client.get("/api/documents", query_string={"kind": "studied"}).get_json()
    issued = client.get("/api/documents", query_string={"kind": "issued"}).get_json()
    s_titles = {r["title"] for r in studied["titles"]}
    i_titles = {r["title"] for r in issued["titles"]}
    assert {
        "中国共产党纪律处分条例",
        "党政机关厉行节约反对浪费条例",
        f"{XSS_NORM}学习读本",
    } <= s_titles
    assert {"公务接待管理办法", "巡察整改工作方案", "文旅项目资金管理实施细则"} <= i_titles
    assert "公务接待管理办法" not in s_titles and "中国共产党纪律处分条例" not in i_titles
    want = {
        k: len({(t, kk) for _, _, t, kk in _all_rows() if kk == k})
        for k in ("issued", "studied", "cited")
    }
    assert studied["kinds"] == issued["kinds"] == want
    everything = client.get(
        "/api/documents", query_string={"kind": "all", "per_page": 100}
    ).get_json()
    assert everything["total"] == sum(want.values())


def _all_rows() -> list[tuple[str, Any, str, str]]:
    rows = list(INVENTED_CITES)
    for name, entry in LABELS["notices"].items():
        if entry["split"] == "dev":
            rows += [(name, c["where"], c["norm"], c["kind"]) for c in entry["citations"]]
    return rows


def test_organising_sections_count_as_notices_not_problems(client: FlaskClient) -> None:
    body = client.get("/api/documents", query_string={"q": "巡察整改工作方案"}).get_json()
    row = _row(body, "巡察整改工作方案")
    assert (row["problems"], row["notices"], row["units"]) == (0, 1, 1)
    target = client.get(row["notices_url"].replace("/search", "/api/search", 1)).get_json()
    assert [h["organisation"] for h in target["hits"]] == ["白石县文化旅游局"]


def test_a_filter_narrows_the_listing(client: FlaskClient, truth: Truth) -> None:
    org = truth.notices[_by_source(truth, "qinghe_transport.txt")].organisation
    body = client.get("/api/documents", query_string={"org": org, "kind": "all"}).get_json()
    assert {(r["title"], r["kind"]) for r in body["titles"]} == {
        (t, k) for f, _, t, k in INVENTED_CITES if f == "qinghe_transport.txt"
    }
    assert body["filters"] == {"org": org}


def test_long_lists_are_paged(client: FlaskClient) -> None:
    first = client.get("/api/documents", query_string={"per_page": 2}).get_json()
    assert first["pages"] == -(-first["total"] // 2) and len(first["titles"]) == 2
    assert first["prev_url"] is None and "page=2" in first["next_url"]
    second = client.get(first["next_url"].replace("/documents", "/api/documents", 1)).get_json()
    assert second["page"] == 2
    assert not {r["title"] for r in first["titles"]} & {r["title"] for r in second["titles"]}
    html = client.get("/documents", query_string={"per_page": 2}).get_data(as_text=True)
    assert 'data-testid="documents-pager"' in html and "下一页" in html


def test_the_csv_twin_holds_every_title_of_the_kind(client: FlaskClient) -> None:
    resp = client.get("/documents.csv", query_string={"kind": "studied"})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["文件名称（归一化）", "类别", "问题数"]
    body = client.get(
        "/api/documents", query_string={"kind": "studied", "per_page": 100}
    ).get_json()
    assert [r[0] for r in rows[1:]] == [r["title"] for r in body["titles"]]
    assert all(r[1] == "学习传达" for r in rows[1:])


def test_the_page_lists_titles_with_links_and_escapes_them(client: FlaskClient) -> None:
    html = client.get("/documents", query_string={"kind": "studied"}).get_data(as_text=True)
    assert "《中国共产党纪律处分条例》" in html and 'data-testid="document-row"' in html
    assert XSS not in html and "&lt;script&gt;alert&lt;/script&gt;学习读本" in html
    assert 'href="/documents"' in html  # the site navigation links the page
    assert "/search?q=doc%3A%22" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "rules"}, "参数 kind"),
        ({"q": "规" * 101}, "文件名称过长"),
        ({"page": "abc"}, "参数 page"),
        ({"per_page": "100000"}, "参数 per_page"),
        ({"org": "单" * 500}, "参数 org 过长"),
    ],
)
def test_bad_parameters_are_a_400_with_the_reason(
    client: FlaskClient, params: dict[str, str], message: str
) -> None:
    resp = client.get("/api/documents", query_string=params)
    body = resp.get_json()
    assert resp.status_code == 400 and body["ok"] is False and body["status"] == 400
    assert message in body["error"]
    assert client.get("/documents", query_string=params).status_code == 400
    assert client.get("/documents.csv", query_string=params).status_code == 400


def test_hostile_queries_are_answered_and_escaped(client: FlaskClient) -> None:
    for q in (XSS, '"><img src=x onerror=alert(1)>', "doc:", "《》", "\x00\x01", "%" * 50):
        resp = client.get("/documents", query_string={"q": q})
        assert resp.status_code == 200, q
        assert "<script>alert" not in resp.get_data(
            as_text=True
        ) and "<img src=x" not in resp.get_data(as_text=True)
        assert client.get("/api/documents", query_string={"q": q}).status_code == 200


# -- the problem page ---------------------------------------------------------------------


def test_the_problem_page_lists_its_cited_documents(client: FlaskClient, truth: Truth) -> None:
    pid = f"{_by_source(truth, 'qinghe_finance.txt')}-1"
    body = client.get(f"/api/problems/{pid}").get_json()
    got = [
        (c["title"], c["normalised"], c["verb"], c["kind"]) for c in body["problem"]["citations"]
    ]
    assert got == [
        ("青禾县财政局公务接待管理办法（试行）", "公务接待管理办法", "修订", "issued"),
        ("党政机关厉行节约反对浪费条例", "党政机关厉行节约反对浪费条例", "学习", "studied"),
    ]
    text = body["problem"]["text"]
    for c in body["problem"]["citations"]:
        assert text[c["start"] : c["end"]] == f"《{c['title']}》"
    html = client.get(f"/problems/{pid}").get_data(as_text=True)
    assert 'data-testid="citations-issued"' in html and 'data-testid="citations-studied"' in html
    assert "《青禾县财政局公务接待管理办法（试行）》" in html
    none = f"{_by_source(truth, 'qinghe_transport.txt')}-1"
    assert 'data-testid="citations-studied"' not in client.get(f"/problems/{none}").get_data(
        as_text=True
    )


def test_a_problem_citing_nothing_has_an_empty_list(client: FlaskClient, truth: Truth) -> None:
    pid = next(p for p, (_, pr) in truth.problems.items() if "《" not in pr.text)
    body = client.get(f"/api/problems/{pid}").get_json()
    assert body["problem"]["citations"] == []
    assert 'data-testid="citations"' not in client.get(f"/problems/{pid}").get_data(as_text=True)


def test_the_notice_page_lists_what_its_organising_sections_cite(
    client: FlaskClient, truth: Truth
) -> None:
    nid = _by_source(truth, "baishi_culture.txt")
    body = client.get(f"/api/notices/{nid}").get_json()
    got = [(c["normalised"], c["kind"]) for c in body["citations"]]
    assert got == [
        (t, k) for f, w, t, k in INVENTED_CITES if f == "baishi_culture.txt" and w == "notice"
    ]
    html = client.get(f"/notices/{nid}").get_data(as_text=True)
    assert "整改工作部分引用的文件" in html and "《巡察整改工作方案》" in html
    plan = next(c for c in body["citations"] if c["normalised"] == "巡察整改工作方案")
    found = client.get(plan["search_url"].replace("/search", "/api/search", 1)).get_json()
    assert [h["id"] for h in found["hits"]] == [nid]
    other = _by_source(truth, "qinghe_finance.txt")
    assert client.get(f"/api/notices/{other}").get_json()["citations"] == []
    assert 'data-testid="citations"' not in client.get(f"/notices/{other}").get_data(as_text=True)
