"""The stats page's added views: the province tile map (data file and SVG), the type × year
heat table and the rectification durations, checked against the archived notices."""

from __future__ import annotations

import statistics
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from archive.store import Archive
from indexer.documents import inspector_level
from tests.test_web import api, url
from tests.webarchive import Truth, notice_year
from web import create_app
from web.charts import bar_list, tile_map
from web.statsdata import TILES_FILE, load_tiles, tile_of

SVG = "{http://www.w3.org/2000/svg}"
# The 34 provincial-level divisions, written out here rather than read from the data file.
DIVISIONS = """北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南
湖北 湖南 广东 广西 海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 台湾 香港 澳门""".split()


# -- the tile positions ----------------------------------------------------------------


def test_tile_file_places_every_division_once_on_its_own_square() -> None:
    tiles = load_tiles(TILES_FILE)
    assert sorted(t.name for t in tiles) == sorted(DIVISIONS)
    squares = [(t.col, t.row) for t in tiles]
    assert len(set(squares)) == len(squares)
    assert min(t.col for t in tiles) == 0 and min(t.row for t in tiles) == 0
    by_name = {t.name: t for t in tiles}
    # Rough geography: west is left, north is up.
    assert by_name["新疆"].col < by_name["北京"].col < by_name["上海"].col
    assert by_name["黑龙江"].row < by_name["北京"].row < by_name["广东"].row < by_name["海南"].row


@pytest.mark.parametrize(
    ("stored", "square"),
    [
        ("广西壮族自治区", "广西"),
        ("内蒙古自治区", "内蒙古"),
        ("安徽省", "安徽"),
        ("北京市", "北京"),
    ],
)
def test_stored_province_names_find_their_square(stored: str, square: str) -> None:
    t = tile_of(stored, load_tiles(TILES_FILE))
    assert t is not None and t.name == square


def test_every_archived_province_is_on_the_map(truth: Truth) -> None:
    provinces = {n.region.province for n in truth.notices.values() if n.region.province}
    assert provinces
    assert all(tile_of(p, load_tiles(TILES_FILE)) for p in provinces)


# -- SVG -------------------------------------------------------------------------------


def test_tile_map_shades_by_count_and_links_only_squares_with_problems() -> None:
    tiles = [
        ("甲", 0, 0, 0, "/a"),
        ("乙", 1, 0, 1, "/b"),
        ("丙", 0, 1, 50, "/c"),
        ("丁", 1, 1, 100, None),
    ]
    root = ET.fromstring(tile_map(tiles, title="t", testid="m"))
    rects = [r for r in root.iter(SVG + "rect") if "tile" in r.get("class", "").split()]
    assert len(rects) == 4
    levels = [
        int(c.split("heat-")[1]) for r in rects for c in r.get("class").split() if "heat-" in c
    ]
    assert levels == [0, 1, 3, 5]
    assert [a.get("href") for a in root.iter(SVG + "a")] == ["/b", "/c"]
    values = [t.text for t in root.iter(SVG + "text") if t.get("class") == "value"]
    assert values == ["1", "50", "100"]
    xs = sorted({float(r.get("x")) for r in rects})
    assert xs[1] - xs[0] == 40  # one column apart


def test_bar_list_is_proportional_and_keeps_every_count_inside() -> None:
    items = [("财务管理/财经纪律", 200), ("公务接待", 100), ("很长的标签" * 20, 1)]
    root = ET.fromstring(bar_list(items, title="t", testid="b"))
    width = float(root.get("viewBox").split()[2])
    bars = [r for r in root.iter(SVG + "rect") if r.get("class") == "bar"]
    w = [float(b.get("width")) for b in bars]
    assert w[0] == pytest.approx(2 * w[1]) and w[1] == pytest.approx(100 * w[2])
    values = [t for t in root.iter(SVG + "text") if t.get("class") == "value"]
    assert [v.text for v in values] == ["200", "100", "1"]
    for v in values:
        assert float(v.get("x")) + 6 * len(v.text) * 0.6 * 2 <= width
    labels = [t.text for t in root.iter(SVG + "text") if t.get("class") == "label"]
    assert labels[2].endswith("…") and len(labels[2]) < 40


# -- the page and its twin -------------------------------------------------------------


def test_map_counts_are_problems_per_province(client: FlaskClient, truth: Truth) -> None:
    d = api(client, "/api/stats")
    expected: Counter[str] = Counter()
    for nid, _ in truth.problems.values():
        p = truth.notices[nid].region.province
        if p:
            expected[tile_of(p, load_tiles(TILES_FILE)).name] += 1
    got = {t["name"]: t["count"] for t in d["map"]["tiles"] if t["count"]}
    assert got == dict(expected)
    assert d["map"]["unplaced"] == []
    doc = BeautifulSoup(client.get("/stats").get_data(as_text=True), "html.parser")
    svg = doc.select_one("svg[data-testid=map-provinces]")
    for a in svg.select("a"):
        name, count = a.find("title").get_text().split("：")
        region = parse_qs(urlsplit(a["href"]).query)["region"][0]
        assert region.startswith(name)
        assert api(client, "/api/search", region=region)["total"] == int(count.replace(",", ""))


def test_type_year_cells_are_the_search_totals(client: FlaskClient, truth: Truth) -> None:
    ty = api(client, "/api/stats")["type_year"]
    years = sorted({notice_year(truth.notices[nid]) for nid, _ in truth.problems.values()} - {None})
    # Every year from the first to the last: a year without problems is an empty column.
    assert ty["years"] == list(range(years[0], years[-1] + 1))
    assert len(ty["rows"]) > 5
    for row in ty["rows"][:4]:
        for c in row["cells"]:
            total = api(client, "/api/search", type=row["code"], year=str(c["year"]))["total"]
            assert c["count"] == total, (row["code"], c["year"])
    doc = BeautifulSoup(client.get("/stats").get_data(as_text=True), "html.parser")
    shown = doc.select("table[data-testid=type-year] tbody tr") + doc.select(
        "table[data-testid=type-year-rest] tbody tr"
    )
    assert len(shown) == len(ty["rows"])
    first = shown[0]
    assert first.th.get_text(strip=True) == ty["rows"][0]["label"]
    cells = first.find_all("td")[:-1]
    assert [td.get_text(strip=True) or "0" for td in cells] == [
        str(c["count"]) for c in ty["rows"][0]["cells"]
    ]
    darkest = max(ty["rows"][0]["cells"], key=lambda c: c["count"])
    assert f"heat-{darkest['level']}" in cells[ty["years"].index(darkest["year"])]["class"]


def _days(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    d = (date.fromisoformat(b) - date.fromisoformat(a)).days
    return d if d >= 0 else None


def test_durations_are_medians_per_level(client: FlaskClient, truth: Truth) -> None:
    got = {r["level"]: r for r in api(client, "/api/stats")["durations"]}
    feedback: dict[str, list[int]] = {}
    publish: dict[str, list[int]] = {}
    for n in truth.notices.values():
        lv = inspector_level(n.inspector)
        for store, a, b in (
            (feedback, n.inspection_end, n.feedback_date),
            (publish, n.feedback_date, n.published_date),
        ):
            d = _days(a, b)
            if d is not None:
                store.setdefault(lv, []).append(d)
    assert feedback, "the test archive has no inspection end and feedback dates"
    for lv, values in feedback.items():
        s = got[lv]["feedback_days"]
        assert s["n"] == len(values)
        assert s["median"] == statistics.median(values)
        assert s["min"] == min(values) and s["max"] == max(values)
        assert s["q1"] <= s["median"] <= s["q3"]
    for lv, values in publish.items():
        assert got[lv]["publish_days"]["median"] == statistics.median(values)
    doc = BeautifulSoup(client.get("/stats").get_data(as_text=True), "html.parser")
    rows = doc.select("table[data-testid=durations] tbody tr")
    assert [tr.th.get_text(strip=True) for tr in rows] == list(got)


def test_stats_on_an_empty_archive(tmp_path: Path) -> None:
    Archive(tmp_path / "empty").close()
    c = create_app({"TESTING": True, "DATA_DIR": tmp_path / "empty"}).test_client()
    d = api(c, "/api/stats")
    assert d["type_year"]["rows"] == [] and d["durations"] == []
    assert all(t["count"] == 0 for t in d["map"]["tiles"])
    assert c.get(url("/stats")).status_code == 200
