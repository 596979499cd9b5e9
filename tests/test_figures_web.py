"""问责与追缴 on the web: the stats section, /figures with its JSON and CSV twins, and hostile
parameters. The archive holds two invented notices with invented figures
(tests/test_figures_index.py); every number of the stats section is followed to its spans."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.test_figures_index import build_two_notices


@pytest.fixture(scope="module")
def web_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_two_notices(tmp_path_factory.mktemp("figweb"))


def _soup(client: FlaskClient, url: str) -> BeautifulSoup:
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def _api(client: FlaskClient, url: str) -> dict:
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    body = resp.get_json()
    assert body["ok"] is True
    return body


def test_stats_section_shows_the_sums(client: FlaskClient) -> None:
    soup = _soup(client, "/stats")
    section = soup.select_one("[data-testid=stat-figures]")
    assert section is not None and section.h2.get_text() == "问责与追缴"
    totals = section.select_one("[data-testid=figures-totals]").get_text(" ", strip=True)
    # 6 people held accountable (A's summary), 12万 + 1.2万 + 8万 recovered, 4 rules.
    assert "问责 6" in totals and "追回/退还/清退金额 21.2万元" in totals
    assert "建立完善制度 4" in totals and "党纪处分 3" in totals
    for name in ("province", "city", "year", "types", "inspector_level"):
        assert section.select_one(f"[data-testid=figures-{name}]") is not None, name


def test_every_number_of_the_section_is_the_sum_of_its_spans(client: FlaskClient) -> None:
    section = _soup(client, "/stats").select_one("[data-testid=stat-figures]")
    links = section.select("a[href^='/figures']")
    assert len(links) > 15
    sums = _api(client, "/api/stats")["figures"]
    values = {c["url"]: c["value"] for t in sums["tables"] for r in t["rows"] for c in r["cells"]}
    values.update({t["url"]: t["value"] for t in sums["totals"]})
    for a in links:
        href = a["href"]
        listed = _api(client, href.replace("/figures", "/api/figures", 1))
        assert listed["total"] == values[href], href
        assert sum(i["value"] for i in listed["items"]) == listed["total"], href
        assert parse_qs(urlsplit(href).query)["kind"] == [listed["kind"]]


def test_figures_page_marks_each_number_and_links_its_source(client: FlaskClient) -> None:
    soup = _soup(client, "/figures?kind=追回退还&year=2024")
    assert "21.2" not in soup.select_one("[data-testid=figures-total]").get_text()
    assert "9.2万元" in soup.select_one("[data-testid=figures-total]").get_text()
    items = soup.select("[data-testid=figure-item]")
    assert [i.select_one("mark").get_text() for i in items] == ["8", "1.2"]
    for i in items:
        href = i.select_one(".fig-meta a")["href"]
        assert href.startswith("/problems/")
        assert client.get(href).status_code == 200


def test_notice_level_figures_link_the_notice(client: FlaskClient) -> None:
    d = _api(client, "/api/figures?kind=问责")
    assert d["total"] == 6 and d["basis"] == "counted"
    (item,) = d["items"]
    assert item["text"] == "问责6人" and item["source"] == "notice" and item["doc_kind"] == "notice"
    assert item["url"] == f"/notices/{item['doc_id']}"
    assert item["parts"][1] == "6" and "".join(item["parts"]) == item["context"]


def test_a_type_filter_counts_the_problems_own_figures(client: FlaskClient) -> None:
    d = _api(client, "/api/figures?kind=问责&type=official_cars")
    assert d["basis"] == "problems" and d["total"] == 2
    assert [i["text"] for i in d["items"]] == ["2名干部进行问责"]
    assert "只计问题本身" in client.get("/figures?kind=问责&type=official_cars").get_data(True)


def test_overview_without_kind_links_each_total(client: FlaskClient) -> None:
    d = _api(client, "/api/figures?year=2023")
    totals = {t["kind"]: t["value"] for t in d["totals"]}
    assert totals["问责"] == 6 and totals["追回退还"] == 120000 and totals["党纪处分"] == 0
    soup = _soup(client, "/figures?year=2023")
    assert soup.select_one("[data-testid=figures-totals]") is not None


def test_csv_twin_lists_the_same_spans(client: FlaskClient) -> None:
    resp = client.get("/figures.csv?kind=追回退还")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["种类", "数值", "单位", "原文数字", "原文"]
    api = _api(client, "/api/figures?kind=追回退还")
    assert [r[4] for r in rows[1:]] == [i["text"] for i in api["items"]]
    assert sum(float(r[1]) for r in rows[1:]) == 212000


def test_stats_json_and_csv_get_the_sums_as_new_keys(client: FlaskClient) -> None:
    d = _api(client, "/api/stats")
    assert {"totals", "tables", "map", "type_year", "durations"} <= set(d)
    assert {t["kind"]: t["value"] for t in d["figures"]["totals"]}["追回退还"] == 212000
    text = client.get("/stats.csv").get_data(as_text=True)
    assert "问责与追缴·追回/退还/清退金额·合计,追回退还,追回/退还/清退金额,212000" in text
    assert "问责与追缴·问责·年份,2023,2023,6" in text


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "<script>alert(1)</script>"},
        {"kind": "问责" * 100},
        {"kind": "问责", "q": "x" * 600},
        {"kind": "问责", "region": "y" * 300},
    ],
)
def test_bad_parameters_are_a_400_in_both_shapes(client: FlaskClient, query: dict) -> None:
    html = client.get("/figures", query_string=query)
    assert html.status_code == 400 and "<script>alert" not in html.get_data(as_text=True)
    js = client.get("/api/figures", query_string=query)
    body = js.get_json()
    assert js.status_code == 400 and body["ok"] is False and body["status"] == 400 and body["error"]
    assert client.get("/figures.csv", query_string=query).status_code == 400


def test_hostile_filter_values_are_escaped(client: FlaskClient) -> None:
    resp = client.get(
        "/figures", query_string={"kind": "问责", "org": "<img src=x onerror=alert(1)>"}
    )
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert "<img src=x" not in text and "&lt;img src=x" in text
    assert "没有找到这类数字" in text


def test_problem_and_notice_pages_show_their_figures(client: FlaskClient) -> None:
    d = _api(client, "/api/figures?kind=问责&type=official_cars")
    (item,) = d["items"]
    problem = _soup(client, item["url"]).select_one("[data-testid=doc-figures]")
    summary = problem.summary.get_text()
    # The problem's own figures, though its notice's summary is what the sums count.
    assert "问责 2" in summary and "追回/退还/清退金额 5,000元" in summary
    assert [m.get_text() for m in problem.select("mark")] == ["2", "0.5"]
    notice = _soup(client, f"/notices/{item['notice_id']}").select_one("[data-testid=doc-figures]")
    summary = notice.summary.get_text()
    assert (
        "问责 6" in summary
        and "追回/退还/清退金额 12万元" in summary
        and "建立完善制度 4" in summary
    )
    assert len(notice.select("li")) == 7  # 2 of the summary, 2 + 2 + 1 of the problems
    # Not added again: problem 1's 问责 and money, problem 2's money (the summary has both).
    assert len(notice.find_all(string=lambda s: "不重复相加" in s)) == 3


def test_problem_and_notice_json_twins_carry_their_figures(client: FlaskClient) -> None:
    item = _api(client, "/api/figures?kind=问责&type=official_cars")["items"][0]
    problem = _api(client, f"/api/problems/{item['doc_id']}")["figures"]
    assert [(i["kind"], i["value"]) for i in problem["items"]] == [("问责", 2), ("追回退还", 5000)]
    notice = _api(client, f"/api/notices/{item['notice_id']}")["figures"]
    totals = {t["kind"]: t["value"] for t in notice["totals"]}
    assert totals == {"问责": 6, "追回退还": 120000, "制度": 4, "批评教育": 1}
