"""Dates and numerals as notices write them."""

from datetime import date

import pytest

from archive.cnnum import cn_to_int, parse_number
from archive.dates import find_period, parse_date
from archive.normalize import normalize


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十九", 19),
        ("二〇二三", 2023),
        ("一百二十三", 123),
        ("十", 10),
        ("五", 5),
        ("两千零二十", 2020),
        ("三万五千", 35000),
        ("四十五", 45),
        ("abc", None),
        ("", None),
    ],
)
def test_chinese_numerals(text, value):
    assert cn_to_int(text) == value


@pytest.mark.parametrize(
    ("text", "value"), [("7.132", 7.132), ("21", 21), ("十九", 19), ("1,200", 1200)]
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022年5月20日", date(2022, 5, 20)),
        ("2021-03-31", date(2021, 3, 31)),
        ("2025年09月29日", date(2025, 9, 29)),
        ("二〇二三年三月五日", date(2023, 3, 5)),
        ("二〇二三年十二月二十一日", date(2023, 12, 21)),
        ("2021.3.31", date(2021, 3, 31)),
        ("2021/11/2", date(2021, 11, 2)),
        ("２０２２年５月２０日", date(2022, 5, 20)),
        ("2022年2月30日", None),
        ("5月20日", None),
        ("没有日期", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(normalize(text)) == expected


@pytest.mark.parametrize(
    ("text", "year", "start", "end"),
    [
        ("2021年11月16日至12月16日,市委第二巡察组", None, date(2021, 11, 16), date(2021, 12, 16)),
        ("2022年11月20日至2023年1月10日", None, date(2022, 11, 20), date(2023, 1, 10)),
        ("2021年11月16日至1月10日", None, date(2021, 11, 16), date(2022, 1, 10)),
        ("5月8日—5月24日,县委巡察组", 2023, date(2023, 5, 8), date(2023, 5, 24)),
        ("8月下旬至9月底", 2022, date(2022, 8, 21), date(2022, 9, 30)),
        ("2020年5月19日至6月24日", None, date(2020, 5, 19), date(2020, 6, 24)),
        ("2023年3月6日到28日", None, date(2023, 3, 6), date(2023, 3, 28)),
        ("2023年5月10日起进驻,为期45天", None, date(2023, 5, 10), date(2023, 6, 23)),
    ],
)
def test_find_period(text, year, start, end):
    p = find_period(normalize(text), year)
    assert p is not None
    assert (p.start, p.end) == (start, end)


def test_no_period():
    assert find_period("市委巡察组对我局开展了巡察", 2022) is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024717日至830日,区委第五巡察组", date(2024, 7, 17), date(2024, 8, 30)),
        ("20241014日至1129日", date(2024, 10, 14), date(2024, 11, 29)),
        ("2023年5月8日至630日", date(2023, 5, 8), date(2023, 6, 30)),
    ],
)
def test_dropped_year_and_month_marks_are_repaired(text, start, end):
    p = find_period(normalize(text), None)
    assert p is not None and p.repaired
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize("text", ["2024111日至1130日", "2024年3月1日至4月5日"])
def test_ambiguous_or_intact_dates_are_not_repaired(text):
    p = find_period(normalize(text), None)
    assert p is None or not p.repaired


def test_vague_period_is_marked():
    p = find_period(normalize("2023年4月上旬至6月上旬,区委"), None)
    assert p is not None and p.vague
    assert not find_period(normalize("2023年4月3日至6月9日"), None).vague


def _notice(period: str, feedback: str = "7月11日") -> str:
    return (
        f"根据区委统一部署，{period}，区委第一巡察组对区住房和城乡建设局党组开展了常规巡察。"
        f"{feedback}，区委第一巡察组向区住房和城乡建设局党组反馈了巡察意见。现将巡察整改情况予以公布。\n"
        "一、反馈问题整改情况\n"
        "1.针对建筑工地扬尘治理监管不力问题。一是开展专项检查；二是建立约谈制度。\n"
        "中共某某市某某区住房和城乡建设局党组\n2023年10月30日"
    )


def test_vague_dates_in_a_notice_are_month_precision_with_a_warning():
    from archive.parser import parse_text

    n = parse_text(_notice("2023年4月上旬至6月上旬"), source="v.txt")
    assert (n.inspection_start, n.inspection_end) == ("2023-04-01", "2023-06-10")
    assert n.date_precision == "month"
    assert any("4月上旬至6月上旬" in w for w in n.warnings)
    exact = parse_text(_notice("2023年4月3日至6月9日"), source="v.txt")
    assert exact.date_precision == "day"
    assert not any("旬" in w for w in exact.warnings)


def test_vague_feedback_date_is_month_precision():
    from archive.parser import parse_text

    n = parse_text(_notice("2023年4月3日至6月9日", "7月下旬"), source="v.txt")
    assert n.feedback_date == "2023-07-21"
    assert n.date_precision == "month"
    assert any("反馈日期只写到旬或月" in w for w in n.warnings)


def test_repaired_dates_in_a_notice_say_so():
    from archive.parser import parse_text

    n = parse_text(_notice("2024717日至830日", "2024年9月20日"), source="r.txt")
    assert (n.inspection_start, n.inspection_end) == ("2024-07-17", "2024-08-30")
    assert any("2024717日至830日" in w for w in n.warnings)
