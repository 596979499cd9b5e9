"""Similar to a text (``/similar``, ``/api/similar``), the long-query offer on the search
page, and the problem page's similar list (what is shared, first measure, relevance, the
cut-off), through Flask's test client on a real archive and index. Hostile parameters for
the new page are tabled here. Expected neighbours come from tests/data/judgments.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from archive.store import Archive
from indexer.evaluate import _Ids
from indexer.similar import MAX_TEXT
from indexer.writing import build
from web import create_app

REPO = Path(__file__).resolve().parents[1]
JUDGMENTS = {
    j["query"]: j["relevant"]
    for j in json.loads((REPO / "tests" / "data" / "judgments.json").read_text("utf-8"))
}
SEED = "000_15f829d25a69815d.txt"
DRAFT = "公务接待无公函、无接待清单，超标准列支接待费用"


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("simtext") / "data"
    with Archive(d) as a:
        for folder in (REPO / "seeds", REPO / "tests" / "data" / "notices"):
            for path in sorted(folder.glob("*.txt")):
                a.ingest_path(path)
    build(d)
    return d


@pytest.fixture(scope="module")
def client(data: Path) -> FlaskClient:
    return create_app({"TESTING": True, "DATA_DIR": data, "POLL_INTERVAL": 0}).test_client()


@pytest.fixture(scope="module")
def ids(data: Path) -> _Ids:
    return _Ids(data)


def _page(client: FlaskClient, path: str, status: int = 200, **args: Any) -> BeautifulSoup:
    resp = client.get(path + ("?" + urlencode(args, doseq=True) if args else ""))
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def _api(client: FlaskClient, path: str, status: int = 200, **args: Any) -> dict[str, Any]:
    resp = client.get(path + "?" + urlencode(args, doseq=True))
    assert resp.status_code == status
    return resp.get_json()


def test_empty_text_shows_the_form(client):
    for args in ({}, {"text": ""}, {"text": "   "}):
        doc = _page(client, "/similar", **args)
        assert doc.select_one("form[data-testid=similar-text-form] textarea[name=text]")
        assert not doc.select("[data-testid=similar-hit]")
        assert _api(client, "/api/similar", **args)["similar"] == []


def test_a_draft_finding_lists_other_units_problems_and_their_measures(client, ids):
    d = _api(client, "/api/similar", text=DRAFT)
    assert d["ok"] is True and d["similar"]
    grades = JUDGMENTS[f"{SEED}#11"]  # 公务接待不规范: the judged 公务接待 problems
    top = [ids.ref(h["id"]) for h in d["similar"][:3]]
    assert all(grades.get(r, 0) >= 2 or r == f"{SEED}#11" for r in top), top
    doc = _page(client, "/similar", text=DRAFT)
    assert doc.select_one("textarea[name=text]").get_text() == DRAFT
    items = doc.select("[data-testid=similar-hit]")
    assert [li["data-id"] for li in items] == [h["id"] for h in d["similar"]]
    first = d["similar"][0]["id"]
    for li, h in zip(items, d["similar"], strict=True):
        assert li.select_one("a.similar-title")["href"] == f"/problems/{h['id']}"
        assert h["organisation"] in li.get_text()
        assert li.select_one("[data-testid=relevance] meter")["value"] == str(h["relevance"])
        previews = [p.get_text() for p in li.select("[data-testid=first-measure]")]
        assert len(previews) == min(2, len(h["measures"]))
        for text, measure in zip(previews, h["measures"], strict=False):
            assert text.split("：", 1)[1].rstrip("…") in measure
        if h["id"] != first:
            link = li.select_one("a[data-testid=compare-link]")["href"]
            assert link == f"/problems/{first}?with={h['id']}"
    assert doc.select_one("form[data-testid=side-form]")["action"] == f"/problems/{first}"


def test_weak_matches_are_held_back_unless_all(client):
    some = _api(client, "/api/similar", text=DRAFT)
    every = _api(client, "/api/similar", text=DRAFT, all="1")
    assert len(every["similar"]) == len(some["similar"]) + some["hidden"]
    assert some["hidden"] > 0 and every["hidden"] == 0
    assert all(h["confidence"] != "低" for h in some["similar"])
    assert [h["id"] for h in every["similar"][: len(some["similar"])]] == [
        h["id"] for h in some["similar"]
    ]
    doc = _page(client, "/similar", text=DRAFT)
    more = doc.select_one("[data-testid=similar-more]")
    assert f"其余 {some['hidden']} 个相似度较低" in more.get_text()
    assert "all=1" in more.select_one("a")["href"]
    assert len(
        _page(client, "/similar", text=DRAFT, all="1").select("[data-testid=similar-hit]")
    ) == len(every["similar"])


def test_a_text_over_the_limit_is_a_clear_400(client):
    text = "公" * (MAX_TEXT + 1)
    body = _api(client, "/api/similar", 400, text=text)
    assert set(body) == {"ok", "error", "status"} and body["status"] == 400
    assert f"最多 {MAX_TEXT} 字" in body["error"] and f"{MAX_TEXT + 1} 字" in body["error"]
    doc = _page(client, "/similar", 400, text=text)
    assert f"最多 {MAX_TEXT} 字" in doc.select_one("[data-testid=error]").get_text()
    assert doc.select_one("textarea[name=text]")  # the form stays, to shorten the text
    assert _api(client, "/api/similar", text="公" * MAX_TEXT)["ok"] is True


def test_a_long_search_offers_the_similar_to_text_search(client):
    q = "针对" + DRAFT * 30  # over the query limit of 500 characters
    doc = _page(client, "/search", 400, q=q)
    assert "检索词过长" in doc.select_one("[data-testid=error]").get_text()
    form = doc.select_one("form[data-testid=similar-text-form]")
    assert form["action"] == "/similar"
    assert form.select_one("textarea[name=text]").get_text() == q[:MAX_TEXT]
    # The JSON twin keeps its canonical error.
    body = _api(client, "/api/search", 400, q=q)
    assert set(body) == {"ok", "error", "status"} and "检索词过长" in body["error"]
    longer = "公" * (MAX_TEXT + 50)
    doc = _page(client, "/search", 400, q=longer)
    assert doc.select_one("textarea[name=text]").get_text() == longer[:MAX_TEXT]
    assert "已截取" in doc.select_one("[data-testid=error]").get_text()


def test_problem_page_lists_what_is_really_shared(client, ids):
    for ref in list(JUDGMENTS)[::6]:
        pid = ids.problem_id(ref)
        d = _api(client, f"/api/problems/{pid}")
        own = {t["label"] for t in d["problem"]["types"]}
        doc = _page(client, f"/problems/{pid}")
        items = doc.select("[data-testid=similar] [data-testid=similar-hit]")
        assert [li["data-id"] for li in items] == [s["id"] for s in d["similar"]]
        for li, s in zip(items, d["similar"], strict=True):
            assert s["confidence"] in ("高", "中")
            why = li.select_one("[data-testid=shared]")
            shared = why.get_text().split("：", 1)[1].split("、") if why else []
            for word in shared:
                # A shared type is one of this problem's own types; a shared word is in both.
                assert word in own or word in d["problem"]["text"] + d["problem"]["title"]
            not_shared = set(s["type_labels"]) - own
            assert not (not_shared & set(shared)), (ref, not_shared, shared)
            if s["measures"]:
                preview = li.select_one("[data-testid=first-measure]").get_text()
                assert preview.split("：", 1)[1].rstrip("…") in s["measures"][0]
            assert (
                li.select_one("[data-testid=relevance]")
                .get_text()
                .strip()
                .endswith(s["confidence"])
            )


def test_problem_page_cut_off_and_all(client, ids):
    seen_hidden = 0
    for ref in list(JUDGMENTS)[::4]:
        pid = ids.problem_id(ref)
        d = _api(client, f"/api/problems/{pid}")
        every = _api(client, f"/api/problems/{pid}", all="1")
        assert len(every["similar"]) == len(d["similar"]) + d["similar_hidden"]
        if d["similar_hidden"]:
            seen_hidden += 1
            doc = _page(client, f"/problems/{pid}")
            link = doc.select_one("[data-testid=similar-more] a")["href"]
            assert link == f"/problems/{pid}?all=1"
            doc = _page(client, link)
            assert len(doc.select("[data-testid=similar-hit]")) == len(every["similar"])
    assert seen_hidden >= 3


HOSTILE_TEXT = {
    "script": "<script>alert(1)</script>公务接待",
    "img": '"><img src=x onerror=alert(1)>公车',
    "template": "{{ 7*7 }} {% raw %} 公务接待",
    "control": "公务\x00\x01\x07\x1b\x7f接待",
    "rtl": "\u202e公务接待\u200b\ufeff",
    "surrogate-ish": "\ufffd\uffff",
    "sql": "' OR 1=1; DROP TABLE notices; --",
    "query-syntax": 'org:x type:y "( OR NOT - * ?',
    "punctuation": "。，、；：！？" * 50,
    "max": "公务接待" * (MAX_TEXT // 4),
}


def _cases():
    for path in ("/similar", "/api/similar"):
        for key, text in HOSTILE_TEXT.items():
            yield pytest.param(path, {"text": text}, 200, id=f"{path}-{key}")
            yield pytest.param(path, {"text": text, "all": text}, 200, id=f"{path}-{key}-all")
        yield pytest.param(path, {"text": "x" * (MAX_TEXT + 1)}, 400, id=f"{path}-over")
        yield pytest.param(path, {"text": ["公务接待", "公车"]}, 200, id=f"{path}-dup")
        yield pytest.param(path, {"all": "<script>"}, 200, id=f"{path}-all-only")


@pytest.mark.parametrize(("path", "params", "expected"), list(_cases()))
def test_hostile_parameters(client, path, params, expected):
    resp = client.get(path + "?" + urlencode(params, doseq=True))
    assert resp.status_code == expected
    if path.startswith("/api/"):
        body = resp.get_json()
        if expected == 200:
            assert body["ok"] is True
        else:
            assert set(body) == {"ok", "error", "status"} and body["status"] == expected
        return
    html = resp.get_data(as_text=True)
    assert resp.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "<img" not in html.lower()
    doc = BeautifulSoup(html, "html.parser")
    # The only scripts are the app's own files (no inline or injected ones).
    scripts = doc.find_all("script")
    assert all(s.get("src", "").startswith("/static/") and not s.string for s in scripts)
    assert doc.find("html")["lang"] == "zh-CN"
    if expected == 400:
        assert doc.select_one("[data-testid=error]")
    if "{{" in params.get("text", ""):
        assert "49" not in doc.select_one("textarea[name=text]").get_text()


@pytest.mark.parametrize("path", ["/similar", "/api/similar"])
def test_similar_to_a_text_goes_through_the_cost_gate(path):
    from web.limits import costly_kind

    assert costly_kind(path, {"text": DRAFT}) == "similar"
    assert costly_kind(path + "/x", {}) is None
