"""Limits that keep one client from starving the others (web/limits.py): queries refused by
their shape before any search, costly work refused with 503 + Retry-After, and the
indexer's QueryTooCostly in the one error shape. The load side (12 costly clients, one
ordinary) is ``python -m bench.starve``."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask

from indexer.errors import QueryTooCostly
from web import create_app
from web.limits import (
    MAX_ALTERNATIVES,
    MAX_EXCLUDED,
    MAX_SINGLE_CHAR,
    MAX_TERMS,
    CostGate,
    costly_kind,
)


def get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8")


def words(n: int, fmt: str = "公务{}") -> list[str]:
    """``n`` distinct two-or-more-character words (公务甲, 公务乙, …)."""
    return [fmt.format("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄"[i]) for i in range(n)]


SINGLES = "的是在了有就不人都一个上中大"  # not 和 (AND), 或 (OR), 非 (NOT)
# (id, q, expected status, expected words of the message or None for a 200)
CASES = [
    ("terms-max", " ".join(words(MAX_TERMS)), 200, None),
    ("terms-over", " ".join(words(MAX_TERMS + 1)), 400, f"检索词过多（{MAX_TERMS + 1} 个）"),
    ("phrase-is-one", '"' + " ".join(words(MAX_TERMS + 1)) + '"', 200, None),
    ("single-max", " ".join(SINGLES[:MAX_SINGLE_CHAR]), 200, None),
    (
        "single-over",
        " ".join(SINGLES[: MAX_SINGLE_CHAR + 1]),
        400,
        f"单字检索词过多（{MAX_SINGLE_CHAR + 1} 个）",
    ),
    ("or-max", " OR ".join(words(MAX_ALTERNATIVES)), 200, None),
    (
        "or-over",
        " OR ".join(words(MAX_ALTERNATIVES + 1)),
        400,
        f"“或”连接的检索词过多（{MAX_ALTERNATIVES + 1} 个）",
    ),
    ("bar-over", "|".join(words(MAX_ALTERNATIVES + 1)), 400, "“或”连接的检索词过多"),
    ("minus-max", "整改 " + " ".join("-" + w for w in words(MAX_EXCLUDED)), 200, None),
    (
        "minus-over",
        "整改 " + " ".join("-" + w for w in words(MAX_EXCLUDED + 1)),
        400,
        f"排除的检索词过多（{MAX_EXCLUDED + 1} 个）",
    ),
    ("not-over", "整改 " + " ".join("NOT " + w for w in words(MAX_EXCLUDED + 1)), 400, "排除"),
    ("punctuation-is-no-word", " ".join(["*"] * 40), 200, None),
    ("nested", "(" * 30 + "公车" + ")" * 30, 200, None),
    ("too-long", "公" * 501, 400, "检索词过长（501 字）"),
    ("too-long-wins", "公务 " * 167, 400, "检索词过长（501 字）"),
]


@pytest.mark.parametrize(
    ("q", "status", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
@pytest.mark.parametrize("path", ["/api/search", "/search", "/search.csv"])
def test_query_shape_limits_on_a_real_server(live_server, path, q, status, message):
    got, headers, body = get(live_server.url(path, q=q))
    assert got == status, body[:300]
    if status == 200:
        return
    if path.startswith("/api/"):
        assert json.loads(body) == {"ok": False, "error": json.loads(body)["error"], "status": 400}
        assert message in json.loads(body)["error"]
    else:  # the Chinese error page, also for a CSV download
        assert headers["Content-Type"].startswith("text/html")
        assert message in body and 'data-testid="error"' in body


def test_a_refused_query_costs_no_search(live_server):
    """Refused before searching: the answer does not depend on the archive at all."""
    q = " ".join(words(MAX_TERMS + 1))
    for kind in ("problem", "notice"):
        status, _, body = get(live_server.url("/api/search", q=q, kind=kind, year="1990"))
        assert status == 400 and "检索词过多" in json.loads(body)["error"]


@pytest.mark.parametrize(
    ("path", "args", "kind"),
    [
        ("/search.csv", {"q": "公车"}, "export"),
        ("/search.xlsx", {"q": "公车"}, "export"),
        ("/compare.csv", {"notices": "a,b"}, "export"),
        ("/compare.xlsx", {"notices": "a,b"}, "export"),
        ("/problems/0123456789abcdef-1/compare.xlsx", {"with": "x"}, "export"),
        ("/problems/0123456789abcdef-1/compare.csv", {"with": "x"}, "export"),
        ("/compare", {"notices": "a,b"}, None),
        ("/stats.csv", {}, None),
        ("/problems/0123456789abcdef-1", {}, "similar"),
        ("/api/problems/0123456789abcdef-1", {}, "similar"),
        ("/search", {"q": "公车", "view": "side"}, "side"),
        ("/api/search", {"q": "的 是"}, "query"),
        ("/api/search", {"q": "公车 OR 接待 OR 吃喝"}, "query"),
        ("/api/search", {"q": "整改 -公车 -接待"}, "query"),
        ("/api/search", {"q": " ".join(words(6))}, "query"),
        ("/api/search", {"q": "整" * 61}, "query"),
        ("/api/search", {"q": "公务接待 报销"}, None),
        ("/search", {"q": '"三会一课" year:2022'}, None),
        ("/api/search", {"q": "接待", "region": "安徽"}, None),
        ("/stats", {}, None),
        ("/notices/0123456789abcdef", {}, None),
    ],
)
def test_which_requests_are_costly(path, args, kind):
    assert costly_kind(path, args) == kind


def test_cost_gate_limits_each_client_and_the_process():
    gate = CostGate(slots=3, per_client=2, wait=0, max_waiting=0)
    assert gate.enter("a") is None and gate.enter("a") is None
    refused = gate.enter("a")
    assert refused and "已有 2 个" in refused
    assert gate.in_flight("a") == 2
    assert gate.enter("b") is None  # another client still gets the third slot
    busy = gate.enter("c")
    assert busy and "服务器正忙" in busy and gate.in_flight("c") == 0
    gate.leave("a")
    assert gate.enter("c") is None
    for client in ("a", "b", "c"):
        gate.leave(client)
    assert [gate.in_flight(c) for c in "abc"] == [0, 0, 0]


def test_cost_gate_lets_few_requests_wait_for_a_slot():
    """One waits (and gets the slot when it is freed); beyond max_waiting, refused at once."""
    gate = CostGate(slots=1, per_client=9, wait=60, max_waiting=1)
    assert gate.enter("a") is None
    answers: list[str | None] = []
    waiter = threading.Thread(target=lambda: answers.append(gate.enter("b")))
    waiter.start()
    while gate.in_flight("b") == 0:  # b is waiting for the slot
        time.sleep(0.01)
    assert "服务器正忙" in (gate.enter("c") or "")  # the waiting room is full
    gate.leave("a")
    waiter.join(timeout=30)
    assert answers == [None] and gate.in_flight("b") == 1
    gate.leave("b")


@pytest.fixture
def app(seeded_data: Path) -> Flask:
    config = {"TESTING": True, "DATA_DIR": seeded_data, "COSTLY_WAIT": 0, "COSTLY_SLOTS": 4}
    config["COSTLY_PER_CLIENT"] = 2
    app = create_app(config)
    costly = {400: "检索过于复杂，请简化", 503: "检索繁忙，请稍后再试"}

    for status, message in costly.items():

        def raise_it(status: int = status, message: str = message) -> None:
            raise QueryTooCostly(message, status)

        app.add_url_rule(f"/api/costly/{status}", f"api_costly_{status}", raise_it)
        app.add_url_rule(f"/costly/{status}", f"costly_{status}", raise_it)
    return app


@pytest.mark.parametrize("status", [400, 503])
def test_query_too_costly_is_the_one_error_shape(app, status):
    client = app.test_client()
    resp = client.get(f"/api/costly/{status}")
    assert resp.status_code == status
    body = resp.get_json()
    assert body == {"ok": False, "error": body["error"], "status": status}
    assert re.search(r"[\u4e00-\u9fff]", body["error"])
    assert ("Retry-After" in resp.headers) == (status == 503)
    page = client.get(f"/costly/{status}")
    assert page.status_code == status and page.mimetype == "text/html"
    assert body["error"] in page.get_data(as_text=True)


def test_a_client_over_its_costly_requests_gets_503_with_retry_after(app):
    gate = app.extensions["cost_gate"]
    client = app.test_client()
    problem = client.get("/api/search?" + urlencode({"q": "整改"})).get_json()["hits"][0]["id"]
    assert gate.enter("127.0.0.1") is None and gate.enter("127.0.0.1") is None
    try:
        for path in (f"/api/problems/{problem}", "/search.csv?q=整改", "/search?q=的+是"):
            resp = client.get(path)
            assert resp.status_code == 503, path
            assert resp.headers["Retry-After"] == "5"
            assert "耗时请求" in resp.get_data(as_text=True)
        # Ordinary requests of the same client are not limited.
        assert client.get("/api/search?q=整改").status_code == 200
        assert client.get("/").status_code == 200
    finally:
        gate.leave("127.0.0.1")
        gate.leave("127.0.0.1")
    assert client.get(f"/api/problems/{problem}").status_code == 200
    assert gate.in_flight("127.0.0.1") == 0
