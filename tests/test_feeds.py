"""Atom feeds of searches (``/search.atom``) on the shared web archive: valid Atom 1.0 read
back with the standard library's XML parser, the filters of /search, newest notices first,
at most 50 entries, what each entry says (from the store), hostile input, error shapes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask.testing import FlaskClient

from tests.webarchive import IMG, SCRIPT, Truth, notice_year
from web import create_app

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def feed(client: FlaskClient, **args: str) -> ET.Element:
    resp = client.get("/search.atom?" + urlencode(args))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert resp.data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(resp.data)


def instant(text: str | None) -> datetime:
    assert text and RFC3339.match(text), text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_atom(root: ET.Element) -> list[ET.Element]:
    """RFC 4287's required elements on the feed and every entry; returns the entries."""
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated", "author"):
        assert len(root.findall(f"{A}{tag}")) == 1, tag
    instant(root.findtext(f"{A}updated"))
    assert root.find(f"{A}author/{A}name").text
    rels = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert rels["self"].startswith("http://localhost/search.atom")
    assert rels["alternate"].startswith("http://localhost/search")
    entries = root.findall(f"{A}entry")
    ids = [e.findtext(f"{A}id") for e in entries]
    assert len(ids) == len(set(ids)) <= 50
    for e in entries:
        for tag in ("id", "title", "updated", "summary"):
            assert len(e.findall(f"{A}{tag}")) == 1, tag
        instant(e.findtext(f"{A}updated"))
        assert e.find(f"{A}author/{A}name").text
        (alt,) = [x for x in e.findall(f"{A}link") if x.get("rel") == "alternate"]
        assert alt.get("href") == e.findtext(f"{A}id")
        assert e.find(f"{A}summary").get("type") == "text"
    return entries


def problem_ids(entries: list[ET.Element]) -> list[str]:
    return [e.findtext(f"{A}id").rsplit("/", 1)[1] for e in entries]


def notice_date(truth: Truth, pid: str) -> str:
    n = truth.notices[truth.problems[pid][0]]
    return n.published_date or n.feedback_date or n.inspection_end or ""


def test_feed_entries_say_what_the_problems_say(client: FlaskClient, truth: Truth) -> None:
    root = feed(client, q="公务接待")
    entries = check_atom(root)
    wanted = truth.containing("公务接待")
    # Every problem that literally says it (concept and thesaurus matches come besides).
    assert 0 < len(wanted) <= 50 and wanted <= set(problem_ids(entries))
    for e, pid in zip(entries, problem_ids(entries), strict=True):
        nid, p = truth.problems[pid]
        summary = e.findtext(f"{A}summary")
        assert summary.startswith("问题：")
        if p.measures:
            assert f"整改措施：{p.measures[0]}"[:100] in summary
        assert e.find(f"{A}author/{A}name").text == truth.notices[nid].organisation
        assert p.title in e.findtext(f"{A}title")
        date = notice_date(truth, pid)
        if date:
            assert e.findtext(f"{A}updated") == f"{date}T00:00:00+08:00"
    assert "公务接待" in root.findtext(f"{A}title")


def test_newest_notices_first_and_at_most_50(client: FlaskClient, truth: Truth) -> None:
    entries = check_atom(feed(client))
    assert len(entries) == min(50, len(truth.problems))
    dates = [notice_date(truth, pid) for pid in problem_ids(entries)]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)
    assert dates[: len(dated)] == dated  # undated notices come last
    newest = max(notice_date(truth, pid) for pid in truth.problems)
    assert dates[0] == newest
    updated = [instant(e.findtext(f"{A}updated")) for e in entries]
    assert updated == sorted(updated, reverse=True)
    root = feed(client)
    assert instant(root.findtext(f"{A}updated")) == max(updated)


@pytest.mark.parametrize(
    ("args", "keep"),
    [
        (
            {"region": "淮北"},
            lambda n, p: "淮北" in " ".join(filter(None, vars(n.region).values())),
        ),
        ({"org": "红十字"}, lambda n, p: "红十字" in (n.organisation or "")),
        ({"year": "2023"}, lambda n, p: notice_year(n) == 2023),
        ({"q": "公务用车", "region": "淮北"}, None),
    ],
)
def test_filters_of_the_search_page(client: FlaskClient, truth: Truth, args, keep) -> None:
    entries = check_atom(feed(client, **args))
    got = problem_ids(entries)
    api = client.get("/api/search?" + urlencode({**args, "sort": "date", "per_page": 50}))
    assert got == [h["id"] for h in api.get_json()["hits"]]
    if keep is not None:
        wanted = {pid for pid, (nid, p) in truth.problems.items() if keep(truth.notices[nid], p)}
        assert wanted and set(got) == wanted if len(wanted) <= 50 else set(got) <= wanted


def test_notice_feed(client: FlaskClient, truth: Truth) -> None:
    entries = check_atom(feed(client, kind="notice", org="红十字"))
    ids = [e.findtext(f"{A}id") for e in entries]
    wanted = [nid for nid, n in truth.notices.items() if "红十字" in (n.organisation or "")]
    assert ids == [f"http://localhost/notices/{nid}" for nid in wanted]


def test_self_link_is_the_feed_without_paging(client: FlaskClient) -> None:
    root = feed(client, q="接待", region="淮北", page="3", sort="date_asc", per_page="100")
    (self_link,) = [x for x in root.findall(f"{A}link") if x.get("rel") == "self"]
    url = urlsplit(self_link.get("href"))
    assert url.path == "/search.atom"
    assert parse_qs(url.query) == {"q": ["接待"], "region": ["淮北"]}
    assert root.findtext(f"{A}id") == self_link.get("href")


def test_an_empty_result_is_a_valid_feed(client: FlaskClient) -> None:
    root = feed(client, q="完全不存在的检索词组合", region="不存在的地区")
    assert check_atom(root) == []


def test_hostile_text_is_escaped(client: FlaskClient) -> None:
    resp = client.get("/search.atom?" + urlencode({"q": SCRIPT + IMG + "\x00\x01\ufffe"}))
    assert resp.status_code == 200
    assert b"<script" not in resp.data and b"<img" not in resp.data
    root = ET.fromstring(resp.data)
    assert SCRIPT in root.findtext(f"{A}title")  # text, escaped in the document
    # The hostile notices carry markup in their organisation, titles and measures.
    resp = client.get("/search.atom?" + urlencode({"q": "网站内容三审制度"}))
    assert b"<script" not in resp.data and b"<img" not in resp.data
    assert b"&lt;script&gt;" in resp.data
    entries = check_atom(ET.fromstring(resp.data))
    authors = {e.find(f"{A}author/{A}name").text for e in entries}
    assert any(SCRIPT in a for a in authors)
    assert any("onerror" in a and "<" in a for a in authors)  # the IMG notice, as text
    assert any(IMG in e.findtext(f"{A}summary") for e in entries)


@pytest.mark.parametrize(
    ("args", "status"),
    [
        ({"q": "公" * 501}, 400),  # longer than a query may be
        ({"q": " ".join(f"词{i}" for i in range(40))}, 400),  # too many words
        ({"kind": "<script>"}, 400),
        ({"region": "淮" * 300}, 400),
        ({"page": "x"}, 400),
    ],
)
def test_bad_requests_answer_the_error_shape(client: FlaskClient, args, status) -> None:
    resp = client.get("/search.atom?" + urlencode(args))
    assert resp.status_code == status
    body = resp.get_json()
    assert body["ok"] is False and body["status"] == status and body["error"]
    assert "<script>" not in resp.get_data(as_text=True)


def test_search_page_offers_the_feed(client: FlaskClient) -> None:
    html = client.get("/search?" + urlencode({"q": "公务接待", "region": "淮北"})).get_data(
        as_text=True
    )
    link = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html)
    assert (
        link
        and link.group(1)
        == "/search.atom?q=%E5%85%AC%E5%8A%A1%E6%8E%A5%E5%BE%85&amp;region=%E6%B7%AE%E5%8C%97"
    )
    assert 'data-testid="feed"' in html and ">订阅</a>" in html
    d = client.get("/api/search?" + urlencode({"q": "公务接待", "sort": "date", "page": 1}))
    assert d.get_json()["links"]["atom"] == "/search.atom?q=%E5%85%AC%E5%8A%A1%E6%8E%A5%E5%BE%85"


def test_a_busy_server_answers_503_with_retry_after(web_data) -> None:
    """A costly feed query waits for the same slots as a costly search; none free: 503."""
    app = create_app(
        {"TESTING": True, "DATA_DIR": web_data, "COSTLY_SLOTS": 0, "COSTLY_WAIT": 0.05}
    )
    q = "公务 接待 审批 制度 公函 清单"  # six words: costly
    resp = app.test_client().get("/search.atom?" + urlencode({"q": q}))
    assert resp.status_code == 503
    assert resp.headers["Retry-After"] == "5"
    body = resp.get_json()
    assert body == {"ok": False, "error": body["error"], "status": 503} and "正忙" in body["error"]
    cheap = app.test_client().get("/search.atom?" + urlencode({"q": "公务接待"}))
    assert cheap.status_code == 200


HOSTILE_VALUES = [
    "",
    SCRIPT,
    IMG,
    "\x00\x07\x1b",
    "%ff%fe",
    "😀" * 10,
    '"' * 30,
    "(((((公务",
    "公务 OR " * 20,
    "-公车 " * 20,
    "x" * 5000,
    "type:<b>",
    "year:9999999999999",
]


@pytest.mark.parametrize("name", ["q", "kind", "org", "region", "year", "type", "sort", "page"])
def test_any_value_of_any_parameter_gives_a_feed_or_the_error_shape(
    client: FlaskClient, name: str
) -> None:
    raw = [f"{name}=%ED%A0%80%FF", f"q=%E6%8E%A5%E5%BE%85&{name}=%00%C0"]  # not UTF-8
    queries = [urlencode({"q": "接待"} | {name: v}) for v in HOSTILE_VALUES] + raw
    for query in queries:
        resp = client.get("/search.atom?" + query)
        assert resp.status_code in (200, 400), (query, resp.status_code)
        if resp.status_code == 200:
            check_atom(ET.fromstring(resp.data))
        else:
            body = resp.get_json()
            assert body["ok"] is False and body["status"] == 400 and body["error"]
