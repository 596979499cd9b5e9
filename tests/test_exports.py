"""Downloads: search results, the ``with=`` table and the compare matrix as CSV and xlsx.

The xlsx files are opened with openpyxl (a different library from the one writing them);
expected values come from the archived notices, never from the app's own answers.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any
from urllib.parse import quote, unquote

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.test_web import CSV_EXTRA, CSV_HEADER, all_hits, api, url
from tests.webarchive import Truth
from web.exports import Table
from web.xlsxexport import xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(resp: Any) -> openpyxl.Workbook:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == XLSX
    return openpyxl.load_workbook(io.BytesIO(resp.data))


def csv_rows(resp: Any) -> list[list[str]]:
    assert resp.status_code == 200
    assert resp.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"), newline="")))


def sheet_rows(ws: Any) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]


def names(resp: Any) -> tuple[str, str]:
    """(ASCII filename, decoded filename*) of an attachment."""
    cd = resp.headers["Content-Disposition"]
    assert cd.startswith("attachment;")
    assert "\r" not in cd and "\n" not in cd
    plain = re.search(r'filename="([^"]*)"', cd)
    star = re.search(r"filename\*=UTF-8''(\S+)", cd)
    assert plain and star, cd
    assert plain.group(1).isascii() and plain.group(1)
    return plain.group(1), unquote(star.group(1))


# -- search results --------------------------------------------------------------------


@pytest.mark.parametrize("q", ["公务接待", "org:红十字"])
def test_search_xlsx_matches_the_csv_and_the_archive(
    client: FlaskClient, truth: Truth, q: str
) -> None:
    book = workbook(client.get(url("/search.xlsx", q=q)))
    ws = book.active
    rows = sheet_rows(ws)
    assert rows[0] == CSV_HEADER + CSV_EXTRA
    assert ws.freeze_panes == "A2"
    expected = {h["id"] for h in all_hits(client, q=q)}
    assert len(rows) - 1 == len(expected) > 0
    # Same content as the CSV (which marks formula-like text with an apostrophe).
    plain = [
        [c[1:] if c.startswith("'") else c for c in r]
        for r in csv_rows(client.get(url("/search.csv", q=q)))
    ]
    assert rows == plain
    seen = set()
    for r, row in enumerate(ws.iter_rows(min_row=2), start=2):
        link = row[6]
        assert link.hyperlink is not None, r
        assert link.hyperlink.target == link.value
        pid = link.value.rsplit("/", 1)[1]
        seen.add(pid)
        _, problem = truth.problems[pid]
        assert row[3].value == problem.title
        assert row[4].alignment.wrap_text
    assert seen == expected
    # Column widths are set: the measures column is wider than the number column.
    assert ws.column_dimensions["E"].width > ws.column_dimensions["C"].width >= 5


def test_download_names_say_what_they_hold(client: FlaskClient) -> None:
    today = date.today().isoformat()
    for ext in ("csv", "xlsx"):
        ascii_name, name = names(client.get(url(f"/search.{ext}", q="公车")))
        assert name == f"巡察整改问题_公车_{today}.{ext}"
        assert ascii_name == f"problems_{today}.{ext}"
        ascii_name, name = names(client.get(url(f"/search.{ext}", q="ABC 公车", year="2022")))
        assert name == f"巡察整改问题_ABC_公车_2022_{today}.{ext}"
        assert ascii_name == f"problems_ABC_2022_{today}.{ext}"
    # Characters a file system or a header cannot take are replaced.
    cd = client.get(url("/search.csv", q='a/b\\c"d;e\r\nX: 1')).headers["Content-Disposition"]
    assert quote("a_b_c_d_e_X_1") in cd and "\n" not in cd


def test_empty_result_gives_a_header_only_file(client: FlaskClient) -> None:
    assert api(client, "/api/search", q="公车", year="1990")["total"] == 0
    rows = csv_rows(client.get(url("/search.csv", q="公车", year="1990")))
    assert rows == [CSV_HEADER + CSV_EXTRA]
    ws = workbook(client.get(url("/search.xlsx", q="公车", year="1990"))).active
    assert sheet_rows(ws) == [CSV_HEADER + CSV_EXTRA]
    assert ws.freeze_panes == "A2"


def test_search_page_links_to_both_downloads(client: FlaskClient) -> None:
    html = client.get(url("/search", q="公务接待", year="2022")).get_data(as_text=True)
    for ext in ("csv", "xlsx"):
        m = re.search(rf'data-testid="export-{ext}" href="([^"]+)"', html)
        assert m, ext
        href = m.group(1).replace("&amp;", "&")
        assert href.startswith(f"/search.{ext}?") and "year=2022" in href
        assert client.get(href).status_code == 200


# -- formula-like text -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://x","点此")', "+1+1", "-2+3", "@SUM(A1)", "=1+1"]
)
def test_xlsx_formula_like_text_stays_text(app: Flask, value: str) -> None:
    table = Table("t", ["标题", "链接"], rows=[[value, "http://example.org/=1"]])
    table.links[(0, 1)] = "http://example.org/=1"
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table))).active
    cell = ws["A2"]
    assert cell.value == value and cell.data_type == "s"
    assert ws["B2"].hyperlink.target == "http://example.org/=1"


# -- the with= table and the compare matrix --------------------------------------------


def test_with_table_downloads(client: FlaskClient, truth: Truth, ids: dict[str, str]) -> None:
    main = f"{ids['seed000']}-1"
    other = f"{ids['seed004']}-2"
    page = client.get(url(f"/problems/{main}", **{"with": other})).get_data(as_text=True)
    hrefs = re.findall(r'data-testid="with-(?:csv|xlsx)" href="([^"]+)"', page)
    assert len(hrefs) == 2
    ws = workbook(client.get(hrefs[1].replace("&amp;", "&"))).active
    rows = sheet_rows(ws)
    assert rows == csv_rows(client.get(hrefs[0].replace("&amp;", "&")))
    assert ws.freeze_panes == "A2"
    by_label = {r[0]: r[1:] for r in rows[1:]}
    problems = [truth.problems[main][1], truth.problems[other][1]]
    assert by_label["问题"] == [p.title for p in problems]
    assert by_label["单位"] == [truth.org_of(main), truth.org_of(other)]
    assert by_label["问题表述"] == [p.text for p in problems]
    assert by_label["整改措施 1"] == [p.measures[0] if p.measures else "" for p in problems]
    links = [c for c in next(r for r in ws.iter_rows() if r[0].value == "链接")[1:]]
    assert [c.hyperlink.target.rsplit("/", 1)[1] for c in links] == [main, other]
    _, name = names(client.get(hrefs[1].replace("&amp;", "&")))
    assert name.startswith("并排对照_") and problems[0].title[:5] in name


def test_compare_downloads(client: FlaskClient, truth: Truth, ids: dict[str, str]) -> None:
    chosen = [ids["seed000"], ids["seed004"]]
    d = api(client, "/api/compare", notices=",".join(chosen))
    rows = csv_rows(client.get(url("/compare.csv", notices=",".join(chosen))))
    ws = workbook(client.get(url("/compare.xlsx", notices=",".join(chosen)))).active
    assert sheet_rows(ws) == rows
    assert rows[0][0] == "问题类型" and len(rows[0]) == 3
    assert [r[0] for r in rows[1:-1]] == [r["label"] for r in d["rows"]]
    for row in rows[1:-1]:
        for nid, cell in zip(chosen, row[1:], strict=True):
            titles = {p.title for pid, (n, p) in truth.problems.items() if n == nid}
            for line in filter(None, cell.split("\n")):
                assert any(line.endswith(t) for t in titles), line
    last = list(ws.iter_rows())[-1]
    assert [c.hyperlink.target.rsplit("/", 1)[1] for c in last[1:]] == chosen
    _, name = names(client.get(url("/compare.xlsx", notices=",".join(chosen))))
    assert name.startswith("通报对照_") and truth.notices[chosen[0]].organisation in name


@pytest.mark.parametrize(
    "path", ["/compare.csv?notices=zz", "/compare.xlsx?notices=0123", "/search.xlsx?page=0"]
)
def test_bad_download_parameters_are_400(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 400


def test_unknown_ids_in_downloads_are_404(client: FlaskClient) -> None:
    assert client.get("/compare.xlsx?notices=0123456789abcdef").status_code == 404
    assert client.get("/problems/0123456789abcdef-1/compare.xlsx").status_code == 404
