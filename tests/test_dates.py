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
