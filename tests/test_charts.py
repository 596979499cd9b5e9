"""SVG charts for the statistics page: well-formed, proportional, escaped, accessible."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from urllib.parse import quote

import pytest

from web.charts import bar_list, column_chart, nice_ticks

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def with_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [el for el in root.iter(SVG + tag) if cls in el.get("class", "").split()]


def bars(root: ET.Element) -> list[ET.Element]:
    return with_class(root, "rect", "bar")


def width(el: ET.Element) -> float:
    return float(el.get("width", "nan"))


def viewbox_width(root: ET.Element) -> float:
    return float(root.get("viewBox", "").split()[2])


def link(label: str) -> str:
    return "/search?type=" + quote(label)


def rows(root: ET.Element, kind: str = "row") -> list[ET.Element]:
    return with_class(root, "g", kind)


def test_bar_list_root_is_accessible_and_scalable() -> None:
    root = parse(bar_list([("财务管理", 35)], title="按问题类型", testid="by-type"))
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.get("data-testid") == "by-type"
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert "chart" in root.get("class", "").split()
    assert "Noto Sans CJK SC" in root.get("font-family", "")
    assert "Microsoft YaHei" in root.get("font-family", "")
    ids = root.get("aria-labelledby", "").split()
    assert len(ids) == 2
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    assert by_id[ids[0]].tag == SVG + "title"
    assert by_id[ids[0]].text == "按问题类型"
    assert by_id[ids[1]].tag == SVG + "desc"


def test_two_charts_on_one_page_have_distinct_ids() -> None:
    a = parse(bar_list([("甲", 1)], title="A", testid="by-type"))
    b = parse(column_chart([("2020", 1)], title="B", testid="by-year"))
    assert set(a.get("aria-labelledby", "").split()).isdisjoint(
        b.get("aria-labelledby", "").split()
    )


def test_desc_summarises_count_total_and_first_maximum() -> None:
    items = [("作风建设", 12), ("财务管理", 35), ("组织建设", 35), ("意识形态", 0)]
    root = parse(bar_list(items, title="t", testid="x"))
    # 4 items, 12 + 35 + 35 + 0 = 82, the first of the two 35s wins.
    assert root.find("svg:desc", NS).text == "共 4 项，合计 82，最多：财务管理 35"


def test_exact_bar_count_and_values_shown_in_order() -> None:
    items = [("甲", 5), ("乙", 4), ("丙", 3), ("丁", 2), ("戊", 1)]
    root = parse(bar_list(items, title="t", testid="x"))
    assert len(bars(root)) == 5
    assert [el.text for el in with_class(root, "text", "value")] == ["5", "4", "3", "2", "1"]
    assert [el.text for el in with_class(root, "text", "label")] == ["甲", "乙", "丙", "丁", "戊"]


def test_bar_widths_are_proportional_to_values() -> None:
    items = [("甲", 40), ("乙", 10), ("丙", 0), ("丁", 25)]
    root = parse(bar_list(items, title="t", testid="x"))
    widths = [width(el) for el in bars(root)]
    full = widths[0]
    assert full > 100
    assert widths[1] == pytest.approx(full * 10 / 40, abs=0.01)
    assert widths[2] == 0
    assert widths[3] == pytest.approx(full * 25 / 40, abs=0.01)
    # Bars start at the same x (under their labels) and the longest stays inside the viewBox.
    xs = {float(el.get("x", "nan")) for el in bars(root)}
    assert len(xs) == 1
    assert xs.pop() + full < viewbox_width(root)


def test_very_large_values_stay_inside_and_small_ones_keep_their_number() -> None:
    items = [("大", 150000), ("小", 1), ("零", 0)]
    root = parse(bar_list(items, title="t", testid="x"))
    big, small, zero = bars(root)
    assert width(small) == pytest.approx(width(big) / 150000, abs=0.01)
    assert width(zero) == 0
    values = with_class(root, "text", "value")
    assert [el.text for el in values] == ["150,000", "1", "0"]
    # "150,000" is 7 characters of at most ~0.6 em at its font size.
    end = float(values[0].get("x", "nan")) + 7 * 0.6 * float(values[0].get("font-size", "12"))
    assert end <= viewbox_width(root)


def test_all_zero_values_do_not_divide_by_zero() -> None:
    root = parse(bar_list([("甲", 0), ("乙", 0)], title="t", testid="x"))
    assert [width(el) for el in bars(root)] == [0, 0]


def test_markup_in_labels_is_text_not_elements() -> None:
    evil = '<script>alert("x")</script> & co'
    markup = bar_list([(evil, 3)], title="<b>标题</b> & 统计", testid="x", href=link)
    assert "<script" not in markup
    assert "<b>" not in markup
    root = parse(markup)
    assert not any(el.tag.endswith("script") or el.tag.endswith("}b") for el in root.iter())
    assert root.find("svg:title", NS).text == "<b>标题</b> & 统计"
    (row,) = rows(root)
    assert row.find("svg:title", NS).text.startswith(evil)
    assert with_class(root, "text", "label")[0].text.startswith("<script>")


def test_control_characters_are_dropped_so_the_xml_stays_valid() -> None:
    root = parse(bar_list([("财务\x0b管理\x00", 2)], title="t", testid="x"))
    assert with_class(root, "text", "label")[0].text == "财务管理"


def test_long_label_is_truncated_with_full_text_in_tooltip() -> None:
    long = "选人用人和干部队伍建设方面存在的突出问题以及整改落实情况"
    root = parse(bar_list([(long, 7), ("短标签", 3)], title="t", testid="x"))
    first, second = with_class(root, "text", "label")
    assert first.text.endswith("…")
    shown = first.text[:-1]
    assert 0 < len(shown) < len(long)
    assert long.startswith(shown)
    assert second.text == "短标签"
    tooltips = [row.find("svg:title", NS).text for row in rows(root)]
    assert tooltips == [f"{long}：7", "短标签：3"]


def test_links_wrap_each_bar_when_href_is_given() -> None:
    items = [("财务管理", 3), ("A&B", 1)]
    root = parse(bar_list(items, title="t", testid="x", href=link))
    anchors = list(root.iter(SVG + "a"))
    assert [a.get("href") for a in anchors] == [link("财务管理"), link("A&B")]
    for anchor in anchors:
        assert len(bars(anchor)) == 1
    plain = parse(bar_list(items, title="t", testid="x"))
    assert list(plain.iter(SVG + "a")) == []


def test_height_grows_with_rows_and_extra_items_are_counted() -> None:
    items = [(f"地区{i}", 100 - i) for i in range(50)]
    few = parse(bar_list(items[:3], title="t", testid="x"))
    many = parse(bar_list(items, title="t", testid="x", max_items=10))
    assert len(bars(many)) == 10
    assert float(many.get("viewBox", "").split()[3]) > float(few.get("viewBox", "").split()[3])
    assert "另有 40 项未在图中显示" in "".join(many.itertext())
    # The summary still describes all 50 items.
    assert many.find("svg:desc", NS).text.startswith("共 50 项")
    assert len(bars(parse(bar_list(items, title="t", testid="x")))) == 40


@pytest.mark.parametrize("chart", [bar_list, column_chart])
def test_empty_input_says_no_data(chart: Callable[..., str]) -> None:
    root = parse(chart([], title="按年份", testid="empty"))
    assert root.get("data-testid") == "empty"
    assert root.get("role") == "img"
    assert bars(root) == []
    assert "暂无数据" in "".join(root.itertext())
    assert root.find("svg:desc", NS).text == "暂无数据"


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [
        (35, [0, 10, 20, 30, 40]),
        (41, [0, 20, 40, 60]),
        (1, [0, 1]),
        (7, [0, 2, 4, 6, 8]),
        (100, [0, 50, 100]),
        (150000, [0, 50000, 100000, 150000]),
        (0, [0, 1]),
    ],
)
def test_nice_ticks(maximum: int, expected: list[int]) -> None:
    assert nice_ticks(maximum) == expected


def is_nice(step: int) -> bool:
    while step % 10 == 0:
        step //= 10
    return step in (1, 2, 5)


@pytest.mark.parametrize("maximum", [1, 3, 9, 12, 35, 99, 101, 999, 4321, 150000, 987654])
def test_column_ticks_are_nice_and_cover_the_maximum(maximum: int) -> None:
    items = [("2019", 0), ("2020", maximum), ("2021", maximum // 2)]
    root = parse(column_chart(items, title="按年份", testid="by-year"))
    ticks = [int(el.text.replace(",", "")) for el in with_class(root, "text", "tick")]
    assert ticks[0] == 0
    step = ticks[1]
    assert is_nice(step)
    assert ticks == [i * step for i in range(len(ticks))]
    assert 3 <= len(ticks) <= 6 or maximum <= 2
    assert ticks[-1] >= maximum > ticks[-2]
    assert len(with_class(root, "line", "grid")) == len(ticks)


def test_columns_meet_gridlines_of_equal_value() -> None:
    items = [("2019", 40), ("2020", 20), ("2021", 0), ("2022", 30)]
    root = parse(column_chart(items, title="按年份", testid="by-year"))
    ticks = [int(el.text) for el in with_class(root, "text", "tick")]
    lines = [float(el.get("y1", "nan")) for el in with_class(root, "line", "grid")]
    grid_y = dict(zip(ticks, lines, strict=True))
    assert sorted(grid_y) == [0, 10, 20, 30, 40]
    cols = bars(root)
    assert len(cols) == 4
    for col, (_, value) in zip(cols, items, strict=True):
        top = float(col.get("y", "nan"))
        assert top == pytest.approx(grid_y[value], abs=0.01)
        assert top + float(col.get("height", "nan")) == pytest.approx(grid_y[0], abs=0.01)


def test_column_labels_below_axis_and_values_above_columns() -> None:
    items = [("2023", 12), ("2024", 5)]
    root = parse(column_chart(items, title="按年份", testid="by-year"))
    (axis,) = with_class(root, "line", "axis")
    axis_y = float(axis.get("y1", "nan"))
    labels = with_class(root, "text", "label")
    values = with_class(root, "text", "value")
    assert [el.text for el in labels] == ["2023", "2024"]
    assert [el.text for el in values] == ["12", "5"]
    assert all(float(el.get("y", "nan")) > axis_y for el in labels)
    for value, col in zip(values, bars(root), strict=True):
        assert float(value.get("y", "nan")) < float(col.get("y", "nan"))
    assert root.find("svg:desc", NS).text == "共 2 项，合计 17，最多：2023 12"


def test_many_columns_keep_every_bar_and_tooltip() -> None:
    items = [(str(year), year - 1989) for year in range(1990, 2026)]
    root = parse(column_chart(items, title="按年份", testid="by-year", href=link))
    assert len(bars(root)) == 36
    tips = [g.find("svg:title", NS).text for g in rows(root, "column")]
    assert tips[0] == "1990：1"
    assert tips[-1] == "2025：36"
    assert [a.get("href") for a in root.iter(SVG + "a")] == [link(y) for y, _ in items]
    # Labels are thinned rather than overlapping, but the first year is always shown.
    labels = [el.text for el in with_class(root, "text", "label")]
    assert labels[0] == "1990"
    assert 1 < len(labels) < 36
    # Values are shown for every column or for none, never for a stray few.
    assert len(with_class(root, "text", "value")) in (0, 36)
