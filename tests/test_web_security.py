"""Hostile input against the web app: every answer is 200, 400 or 404 (never a 500), API
errors keep one shape, stored HTML is shown escaped, and every response carries the
security headers. Also the errors (404/400/405), the empty archive and source downloads.

Its archive (``tests/webarchive.py``) also holds, here, a notice stored under a hostile file name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from archive.store import Archive
from indexer.filters import NAMES
from tests.webarchive import HOSTILE, IMG, SCRIPT, Truth, build_archive, hostile_text
from web import create_app


def api(client: FlaskClient, path: str, status: int = 200, **params: Any) -> dict[str, Any]:
    resp = client.get(path + ("?" + urlencode(params, doseq=True) if params else ""))
    assert resp.status_code == status, (path, params, resp.get_data(as_text=True)[:300])
    body = resp.get_json()
    assert body["ok"] is (status == 200)
    return body


def assert_error_json(body: dict[str, Any], status: int) -> None:
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]


# A file name a hostile uploader could choose: header injection through Content-Disposition.
EVIL_NAME = 'evil\r\nX-Injected: 1; filename="x.html".txt'
EVIL_ORG = "淮北市档案协会"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
SEARCHES = ("/search", "/api/search", "/search.csv", "/search.xlsx")
FILTERS = NAMES  # every filter parameter (indexer/filters.py); each accepts 200 characters
NASTY = {
    "control": "整改\x00\x01\x07\x1b\x7f",
    "emoji": "😀🚀 整改 🇨🇳",
    "script": "<script>alert(1)</script>",
    "img": '"><img src=x onerror=alert(1)>',
    "sql": "' OR 1=1; DROP TABLE notices; --",
    "quote": '"公务接待',
    "parens": "((公务 OR (接待",
    "closing": "公务) OR ) -",
    "operators": "OR AND NOT - | :",
    "fields": "org: year: type: inspector: region:",
    "bad-year": "year:abcd year:99999-1",
    "whoosh": "title:* *:* kind:notice id:x",
    "wildcards": "公* ?务 ~2 ^3",
    "backslash": "\\\\ \\x00 %00 %s {0}",
    "rtl": "\u202e整改\u200b\ufeff",
    "surrogate-ish": "\ufffd\uffff",
    "long-word": "整" * 500,
}


def search_cases() -> Iterator[Any]:
    for path in SEARCHES:
        yield pytest.param(path, {"q": "x" * 501}, 400, id=f"{path}-q501")
        yield pytest.param(path, {"q": "公" * 500}, 200, id=f"{path}-q500")
        yield pytest.param(path, {"q": '"(' * 250}, 200, id=f"{path}-q500-syntax")
        for value in ("0", "1001", "-1", "abc", "1e3", "9" * 30, "1.5", "0x10"):
            yield pytest.param(path, {"page": value}, 400, id=f"{path}-page{value[:6]}")
        yield pytest.param(path, {"page": "1000"}, 200, id=f"{path}-page1000")
        for value in ("0", "101", "-5", "many"):
            yield pytest.param(path, {"per_page": value}, 400, id=f"{path}-per{value}")
        yield pytest.param(path, {"per_page": "100"}, 200, id=f"{path}-per100")
        for name in ("kind", "sort", "view"):
            for value in ("x", "PROBLEM", "<script>", "relevance;"):
                yield pytest.param(path, {name: value}, 400, id=f"{path}-{name}-{value}")
        yield pytest.param(path, {"view": "side", "kind": "notice"}, 200, id=f"{path}-side-notice")
        for key, value in NASTY.items():
            yield pytest.param(path, {"q": value}, 200, id=f"{path}-q-{key}")
        for name in FILTERS:
            for key in ("control", "emoji", "script", "sql", "quote", "parens", "bad-year"):
                yield pytest.param(path, {name: NASTY[key]}, 200, id=f"{path}-{name}-{key}")
            yield pytest.param(path, {name: "公" * 200}, 200, id=f"{path}-{name}-200")
            yield pytest.param(path, {name: "公" * 201}, 400, id=f"{path}-{name}-201")
        yield pytest.param(path, {"q": ["a", "b"], "page": ["1", "2"]}, 200, id=f"{path}-dup")


BAD_IDS = {
    "traversal": "../../etc/passwd",
    "encoded": "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "zeros": "0000000000000000",
    "hex17": "0" * 17,
    "upper": "ABCDEF0123456789",
    "script": "<script>alert(1)</script>",
    "sql": "1' OR '1'='1",
    "nul": "%00",
    "emoji": "😀",
}


def id_cases() -> Iterator[Any]:
    for path in ("/compare", "/api/compare", "/compare.csv", "/compare.xlsx"):
        for key, value in BAD_IDS.items():
            status = 404 if key == "zeros" else 400
            yield pytest.param(path, {"notices": value}, status, id=f"{path}-{key}")
        yield pytest.param(path, {"notices": "0" * 16 + ",../x"}, 400, id=f"{path}-mixed")
        yield pytest.param(path, {"notices": ",,, ,"}, 200, id=f"{path}-empty")
        nine = ",".join(f"{i:016x}" for i in range(9))
        yield pytest.param(path, {"notices": nine}, 400, id=f"{path}-nine")
        yield pytest.param(path, {"notices": [f"{i:016x}" for i in range(9)]}, 400, id=f"{path}-9x")
        yield pytest.param(path, {"notices": "0" * 16 + "-1"}, 400, id=f"{path}-problem-id")


PATH_IDS = [
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "0000000000000000",
    "0000000000000000-1",
    "0" * 17,
    "0" * 17 + "-1",
    "0" * 16 + "-0",
    "0" * 16 + "-999999",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "1'%20OR%20'1'='1",
    "%00",
    "%F0%9F%98%80",
    "x" * 2000,
]


@pytest.fixture(scope="module")
def web_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = build_archive(tmp_path_factory.mktemp("websec"))
    evil = data.parent / "hostile" / EVIL_NAME
    evil.write_text(hostile_text(EVIL_ORG, 9).replace("网站内容三审", "档案整理"), encoding="utf-8")
    with Archive(data) as a:
        assert a.ingest_path(evil).status == "added"
    return data


@pytest.fixture(scope="module")
def hostile(client: FlaskClient) -> dict[str, dict[str, Any]]:
    """The two hostile notices, found through the API by a word only they contain."""
    hits = client.get("/api/search?kind=notice&q=" + quote("网站内容三审")).get_json()["hits"]
    assert len(hits) == len(HOSTILE)
    return {("script" if SCRIPT in h["organisation"] else "img"): h for h in hits}


@pytest.fixture(scope="module")
def some_notices(client: FlaskClient) -> list[str]:
    return [h["id"] for h in client.get("/api/search?kind=notice&per_page=8").get_json()["hits"]]


def check_answer(resp: Any, path: str, expected: int) -> None:
    assert resp.status_code == expected, (path, resp.get_data(as_text=True)[:300])
    if path.startswith("/api/"):
        body = resp.get_json()
        if expected == 200:
            assert body["ok"] is True
        else:
            assert_error_json(body, expected)
    elif expected != 200:
        doc = BeautifulSoup(resp.get_data(as_text=True), "html.parser")
        assert doc.find("html")["lang"] == "zh-CN"
        assert doc.select_one("[data-testid=error]") is not None
    assert_no_markup_injection(resp)


# The app's own scripts (static files, allowed by the CSP) are the only script tags a page
# may hold; any other "<script" is injected markup.
OWN_SCRIPT = re.compile(r'<script src="/static/[a-z]+\.js" defer></script>')


def assert_no_markup_injection(resp: Any) -> None:
    if resp.mimetype == "text/html":
        text = OWN_SCRIPT.sub("", resp.get_data(as_text=True)).lower()
        assert "<script" not in text and "<img" not in text and "<imgsrc" not in text


@pytest.mark.parametrize(("path", "params", "expected"), [*search_cases(), *id_cases()])
def test_hostile_parameters(
    client: FlaskClient, path: str, params: dict[str, Any], expected: int
) -> None:
    resp = client.get(path + "?" + urlencode(params, doseq=True))
    check_answer(resp, path, expected)


@pytest.mark.parametrize("raw", PATH_IDS)
@pytest.mark.parametrize(
    "template",
    [
        "/problems/{}",
        "/api/problems/{}",
        "/notices/{}",
        "/notices/{}/source",
        "/problems/{}/compare.csv",
        "/problems/{}/compare.xlsx",
    ],
)
def test_hostile_ids_in_paths(client: FlaskClient, template: str, raw: str) -> None:
    path = template.format(raw)
    check_answer(client.get(path), path, 404)


@pytest.mark.parametrize(
    "path",
    ["/problems/{}", "/api/problems/{}", "/problems/{}/compare.xlsx", "/problems/{}/compare.csv"],
)
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("../../etc/passwd", 400),
        ("%2e%2e%2f", 400),
        ("0000000000000000", 400),
        ("0" * 17 + "-1", 400),
        ("0" * 16 + "-1", 200),
        ("<script>alert(1)</script>", 400),
        (",".join(f"{i:016x}-1" for i in range(9)), 400),
        (",".join(f"{i:016x}-1" for i in range(8)), 200),
    ],
)
def test_hostile_with_ids(
    client: FlaskClient, hostile: dict[str, dict[str, Any]], path: str, value: str, expected: int
) -> None:
    target = path.format(hostile["script"]["id"] + "-1")
    check_answer(client.get(target + "?" + urlencode({"with": value})), target, expected)


def test_nine_notices_compare_is_refused_but_eight_are_fine(
    client: FlaskClient, some_notices: list[str]
) -> None:
    assert len(some_notices) == 8
    check_answer(client.get("/compare?notices=" + ",".join(some_notices)), "/compare", 200)
    nine = ",".join([*some_notices, "f" * 16])
    check_answer(client.get("/api/compare?notices=" + nine), "/api/compare", 400)


def test_source_download_names_the_right_charset(client: FlaskClient, truth: Truth) -> None:
    """A charset in Content-Type must be one the bytes are in (the GB18030 sample is not UTF-8)."""
    wrong = {}
    for nid, name in truth.sources.items():
        resp = client.get(f"/notices/{nid}/source")
        charset = resp.mimetype_params.get("charset")
        if charset:
            try:
                resp.data.decode(charset)
            except UnicodeDecodeError:
                wrong[name] = resp.headers["Content-Type"]
    assert wrong == {}


def test_empty_archive_is_served(tmp_path: Path) -> None:
    """A fresh install: an archive with no notices yet answers every page, request after request."""
    Archive(tmp_path / "data").close()
    c = create_app({"TESTING": True, "DATA_DIR": tmp_path / "data"}).test_client()
    for _ in range(2):
        for path in ("/", "/search", "/api/search", "/search?kind=notice", "/stats", "/api/"):
            assert c.get(path).status_code == 200, path
        assert api(c, "/api/search")["total"] == 0


# -- errors, empty archive, downloads -------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/problems/ffffffffffffffff-1",
        "/notices/ffffffffffffffff",
        "/notices/ffffffffffffffff/source",
        "/problems/not-an-id",
        "/notices/nope",
        "/no/such/page",
        "/compare?notices=ffffffffffffffff",
    ],
)
def test_unknown_ids_are_404_in_chinese(client: FlaskClient, path: str) -> None:
    resp = client.get(path)
    assert resp.status_code == 404
    text = resp.get_data(as_text=True)
    doc = BeautifulSoup(text, "html.parser")
    assert doc.find("html")["lang"] == "zh-CN"
    assert re.search(r"[\u4e00-\u9fff]", doc.select_one("[data-testid=error]").get_text())
    api_path = "/api" + path if not path.endswith("/source") else None
    if api_path:
        body = client.get(api_path)
        assert body.status_code == 404
        assert_error_json(body.get_json(), 404)


def test_problem_number_past_the_last_is_404(
    client: FlaskClient, hostile: dict[str, dict[str, Any]]
) -> None:
    pid = hostile["script"]["id"] + "-3"  # the hostile notice has problems (1) and (2)
    assert client.get(f"/problems/{pid}").status_code == 404
    assert_error_json(client.get(f"/api/problems/{pid}").get_json(), 404)


@pytest.mark.parametrize(
    "query",
    ["q=" + "字" * 501, "page=0", "page=abc", "per_page=101", "kind=x", "sort=x", "view=x"],
)
def test_bad_parameters_are_400(client: FlaskClient, query: str) -> None:
    resp = client.get("/search?" + query)
    assert resp.status_code == 400
    doc = BeautifulSoup(resp.get_data(as_text=True), "html.parser")
    assert doc.find("html")["lang"] == "zh-CN" and doc.select_one("[data-testid=error]")
    body = client.get("/api/search?" + query)
    assert body.status_code == 400
    assert_error_json(body.get_json(), 400)
    assert client.get("/search.csv?" + query).status_code == 400
    assert client.get("/search.xlsx?" + query).status_code == 400


ROUTES = """/ /search /search.csv /stats /stats.csv /compare /api/ /api/search /api/compare
/api/stats /problems/{p} /api/problems/{p} /notices/{n} /api/notices/{n} /notices/{n}/source
/search.xlsx /compare.csv /compare.xlsx /problems/{p}/compare.csv /problems/{p}/compare.xlsx
""".split()


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_no_write_endpoints(
    client: FlaskClient, hostile: dict[str, dict[str, Any]], route: str, method: str
) -> None:
    nid = hostile["script"]["id"]
    path = route.format(p=f"{nid}-1", n=nid)
    resp = getattr(client, method)(path, data={"q": "x"})
    assert resp.status_code == 405
    if path.startswith("/api/"):
        assert_error_json(resp.get_json(), 405)
    elif resp.mimetype == "text/html":
        doc = BeautifulSoup(resp.get_data(as_text=True), "html.parser")
        assert doc.find("html")["lang"] == "zh-CN" and doc.select_one("[data-testid=error]")
    assert client.get(path).status_code == 200


# -- stored markup is shown escaped ----------------------------------------------------


def hostile_pages(hostile: dict[str, dict[str, Any]]) -> list[tuple[str, bool]]:
    """(url, whether the script payload must be visible on it, escaped)."""
    s, i = hostile["script"]["id"], hostile["img"]["id"]
    org = hostile["script"]["organisation"]
    return [
        ("/search?q=" + quote("网站内容三审"), True),
        ("/search?q=" + quote("网站内容三审") + "&kind=notice", True),
        ("/search?q=" + quote("公务接待"), True),
        ("/search?q=" + quote("公务接待") + "&view=side", True),
        ("/search?q=alert", True),
        ("/search?" + urlencode({"org": org}), True),
        ("/search?" + urlencode({"q": SCRIPT + IMG}), True),
        (f"/problems/{s}-1", True),
        (f"/problems/{s}-2", True),
        (f"/problems/{i}-1?with={s}-1,{s}-2", True),
        (f"/notices/{s}", True),
        (f"/notices/{i}", True),
        (f"/compare?notices={s},{i}", True),
        ("/stats", False),
        ("/", False),
        ("/problems/" + quote(SCRIPT), False),
        ("/compare?notices=" + quote(SCRIPT), False),
    ]


def test_hostile_notices_are_shown_escaped(
    client: FlaskClient, hostile: dict[str, dict[str, Any]]
) -> None:
    assert SCRIPT in hostile["script"]["organisation"]
    for url, visible in hostile_pages(hostile):
        resp = client.get(url)
        assert resp.status_code in (200, 400, 404), url
        text = resp.get_data(as_text=True)
        assert SCRIPT not in text and IMG not in text, url
        assert_no_markup_injection(resp)
        if visible:
            assert ESCAPED_SCRIPT in text, url
            assert "&lt;img src=x onerror=alert(1)&gt;" in text, url


def test_img_organisation_is_shown_escaped(
    client: FlaskClient, hostile: dict[str, dict[str, Any]]
) -> None:
    org = hostile["img"]["organisation"]
    assert "onerror" in org and "<" in org
    doc = client.get(f"/notices/{hostile['img']['id']}").get_data(as_text=True)
    assert org not in doc
    meta = BeautifulSoup(doc, "html.parser").select_one("[data-testid=meta]")
    assert org in meta.get_text()  # shown as text, so it was escaped in the markup


@pytest.mark.parametrize("q", ["alert", "公务接待", "网站 script", '"onerror"', "整改"])
@pytest.mark.parametrize("kind", ["problem", "notice"])
def test_snippets_hold_no_markup_but_mark(client: FlaskClient, q: str, kind: str) -> None:
    hits = client.get("/api/search?" + urlencode({"q": q, "kind": kind})).get_json()["hits"]
    assert hits, q  # every query matches: an empty page would check nothing
    for h in hits:
        tags = set(re.findall(r"<[^>]*>", h["snippet"]))
        assert tags <= {"<mark>", "</mark>"}, (q, h["snippet"])
    assert any("<mark>" in h["snippet"] for h in hits), q


# -- headers ---------------------------------------------------------------------------


def header_urls(hostile: dict[str, dict[str, Any]]) -> list[str]:
    s = hostile["script"]["id"]
    return [
        "/",
        "/search?q=x",
        "/search.csv?q=x",
        "/search.xlsx?q=x",
        f"/compare.xlsx?notices={s}",
        f"/problems/{s}-1/compare.csv",
        "/stats",
        "/stats.csv",
        f"/compare?notices={s}",
        f"/problems/{s}-1",
        f"/notices/{s}",
        f"/notices/{s}/source",
        "/api/",
        "/api/search",
        "/api/stats",
        f"/api/problems/{s}-1",
        "/no/such/page",
        "/api/no/such",
        "/search?page=0",
        "/api/search?page=0",
        "/static/style.css",
        "/favicon.ico",
    ]


def csp_directives(value: str) -> dict[str, list[str]]:
    out = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = [w.lower() for w in words[1:]]
    return out


def test_security_headers_on_every_response(
    client: FlaskClient, hostile: dict[str, dict[str, Any]]
) -> None:
    requests = [(u, client.get) for u in header_urls(hostile)]
    requests += [(u, client.post) for u in ("/search", "/api/search", "/stats")]
    for url, method in requests:
        with method(url) as resp:
            check_headers(url, resp)


def check_headers(url: str, resp: Any) -> None:
    assert resp.status_code != 500, url
    csp = resp.headers.get("Content-Security-Policy")
    assert csp, url
    d = csp_directives(csp)
    scripts = d.get("script-src", d.get("default-src"))
    assert scripts is not None, url
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, url
    assert "*" not in scripts and "data:" not in scripts, url
    assert d.get("object-src", ["'none'"]) == ["'none'"], url
    assert resp.headers.get("X-Content-Type-Options") == "nosniff", url


def test_html_source_is_an_attachment(
    client: FlaskClient, hostile: dict[str, dict[str, Any]], web_data: Path
) -> None:
    resp = client.get(f"/notices/{hostile['img']['id']}/source")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    original = web_data.parent / "hostile" / "xss_img.html"
    assert resp.data == original.read_bytes()
    assert SCRIPT.encode() in resp.data  # the raw page is returned as received, never inline


def test_hostile_file_name_cannot_inject_headers(client: FlaskClient, web_data: Path) -> None:
    hits = client.get("/api/search?kind=notice&q=" + quote("org:档案协会")).get_json()["hits"]
    assert [h["organisation"] for h in hits] == [EVIL_ORG]
    nid = hits[0]["id"]
    assert client.get(f"/notices/{nid}").status_code == 200
    resp = client.get(f"/notices/{nid}/source")
    assert resp.status_code == 200
    assert resp.data == (web_data.parent / "hostile" / EVIL_NAME).read_bytes()
    assert "X-Injected" not in resp.headers
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "\r" not in disposition and "\n" not in disposition
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_hostile_names_in_download_file_names(
    client: FlaskClient, hostile: dict[str, dict[str, Any]], ext: str
) -> None:
    """Organisations, titles and queries with markup or header syntax make safe file names."""
    nid = hostile["script"]["id"]
    for path in (
        f"/compare.{ext}?notices={nid},{hostile['img']['id']}",
        f"/problems/{nid}-1/compare.{ext}",
        f"/search.{ext}?" + urlencode({"q": 'x"\r\nX-Injected: 1; filename="a.html'}),
        f"/search.{ext}?" + urlencode({"q": NASTY["script"], "org": NASTY["img"]}),
    ):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert "X-Injected" not in resp.headers
        cd = resp.headers["Content-Disposition"]
        assert cd.startswith('attachment; filename="') and cd.count('"') == 2, cd
        assert "\r" not in cd and "\n" not in cd and "<" not in cd and ">" not in cd
        assert resp.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x","点此")', '\'=HYPERLINK("http://x","点此")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("加强公务接待管理", "加强公务接待管理"),
        ("", ""),
        (None, ""),
        (-3, "-3"),
    ],
)
def test_csv_cells_never_start_a_formula(app: Flask, value: object, written: str) -> None:
    """A spreadsheet opening the export must show text, not run a formula (CSV injection)."""
    import csv as csvlib
    import io

    from web.csvexport import csv_response

    with app.test_request_context():
        resp = csv_response(["标题"], [[value]], "导出.csv")
    rows = list(csvlib.reader(io.StringIO(resp.get_data().decode("utf-8-sig"), newline="")))
    assert rows == [["标题"], [written]]
