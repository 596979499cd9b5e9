"""Dates as written in notices, on normalised text.

Handles 2022年5月20日, 2025年09月29日, 二〇二三年三月五日, 2021-03-31, 2021.3.31,
month-day dates without a year, ranges (至/到/—/-/~) and vague points such as
8月下旬 or 9月底.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from archive.cnnum import cn_to_int

_CN_DIGIT = "〇零一二三四五六七八九0Oo"
_CN_SMALL = "十一二三四五六七八九"
_Y = rf"(?P<y>\d{{4}}|[{_CN_DIGIT}]{{4}})\s*年\s*"
_M = rf"(?P<m>\d{{1,2}}|[{_CN_SMALL}]{{1,3}})\s*月\s*"
_D = rf"(?P<d>\d{{1,2}}|[{_CN_SMALL}]{{1,3}})\s*[日号]"
_VAGUE = r"(?P<v>上旬|中旬|下旬|月初|月中|月底|月末|初|中|底|末)"

# A date point: optional year, optional month, then a day or a vague part of the month.
POINT_RE = re.compile(rf"(?:{_Y})?(?:{_M})?(?:{_D}|{_VAGUE})")
ISO_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?!\d)"
)
RANGE_SEP_RE = re.compile(r"\s*(?:至|到|—+|–|-|~|－)\s*")
# Digits that lost their 年 and 月: 2024717日 (a year in front) or 830日 after a range separator.
DAMAGED_RE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<md>\d{2,4})日")
DAMAGED_END_RE = re.compile(r"(?<=[至到—~\-])\s*(?P<md>\d{3,4})日")


def _num(s: str | None) -> int | None:
    if s is None:
        return None
    s = s.replace("O", "〇").replace("o", "〇").replace("0", "〇") if not s.isdigit() else s
    return cn_to_int(s)


@dataclass
class Point:
    """A date as written: any part may be missing; ``start``/``end`` are offsets."""

    year: int | None
    month: int | None
    day: int | None
    vague: str | None
    start: int
    end: int
    repaired: bool = False  # read from digits that lost their 年/月 (2024717日)

    def resolve(
        self, year: int | None, month: int | None = None, *, late: bool = False
    ) -> date | None:
        """Fill missing parts from context; vague parts become the first or last day."""
        y = self.year or year
        m = self.month or month
        if y is None or m is None or not 1 <= m <= 12 or not 1900 <= y <= 2100:
            return None
        last = calendar.monthrange(y, m)[1]
        if self.day is not None:
            d = self.day
        elif self.vague in ("上旬", "初", "月初"):
            d = 10 if late else 1
        elif self.vague in ("中旬", "中", "月中"):
            d = 20 if late else 11
        elif self.vague in ("下旬",):
            d = last if late else 21
        elif self.vague in ("底", "末", "月底", "月末"):
            d = last
        else:
            return None
        if not 1 <= d <= last:
            return None
        return date(y, m, d)


def _month_day(digits: str) -> tuple[int, int] | None:
    """Split run-together month and day digits when only one split is a real date."""
    found = []
    for cut in (1, 2):
        m, d = digits[:cut], digits[cut:]
        if 1 <= len(d) <= 2 and 1 <= int(m) <= 12 and 1 <= int(d) <= 31 and not d.startswith("0"):
            found.append((int(m), int(d)))
    return found[0] if len(found) == 1 else None


def _damaged_points(text: str) -> list[Point]:
    out = []
    for rx in (DAMAGED_RE, DAMAGED_END_RE):
        for m in rx.finditer(text):
            md = _month_day(m.group("md"))
            if md is None:
                continue
            year = int(m.group("y")) if "y" in rx.groupindex else None
            out.append(
                Point(
                    year,
                    md[0],
                    md[1],
                    None,
                    m.start("md") if year is None else m.start(),
                    m.end(),
                    True,
                )
            )
    return out


def find_points(text: str) -> list[Point]:
    """Every date point in ``text``, in order (ISO forms included)."""
    points: list[Point] = _damaged_points(text)
    covered = {i for p in points for i in range(p.start, p.end)}
    for m in POINT_RE.finditer(text):
        if not (m.group("m") or m.group("y")):
            # A bare day ("24日") only counts right after a range separator; handled in ranges.
            if (
                m.group("d")
                and m.start() > 0
                and RANGE_SEP_RE.fullmatch(text[max(0, m.start() - 1) : m.start()])
            ):
                pass
            else:
                continue
        if m.group("v") and not m.group("m"):
            continue
        if m.start() in covered:
            continue
        points.append(
            Point(
                _num(m.group("y")),
                _num(m.group("m")),
                _num(m.group("d")),
                m.group("v"),
                m.start(),
                m.end(),
            )
        )
    for p in points:
        covered.update(range(p.start, p.end))
    for m in ISO_RE.finditer(text):
        if m.start() in covered:
            continue
        points.append(
            Point(int(m.group("y")), int(m.group("m")), int(m.group("d")), None, m.start(), m.end())
        )
    points.sort(key=lambda p: p.start)
    return points


def parse_date(text: str) -> date | None:
    """The single full date in ``text`` (year, month and day all written), else None."""
    for p in find_points(text):
        if p.year and p.month and p.day:
            return p.resolve(None)
    return None


@dataclass
class Period:
    start: date | None
    end: date | None
    span: tuple[int, int]  # offsets of the whole range in the text
    end_point: Point | None
    start_point: Point | None = None

    @property
    def vague(self) -> bool:
        """Written only to a part of a month (上旬, 底): the days are estimates."""
        return any(p is not None and p.vague for p in (self.start_point, self.end_point))

    @property
    def repaired(self) -> bool:
        return any(p is not None and p.repaired for p in (self.start_point, self.end_point))


def find_period(text: str, context_year: int | None) -> Period | None:
    """The first date range in ``text`` (the inspection period), with years filled in.

    A start without a year takes ``context_year``; an end without a year takes the start's
    year, or the next one when it would otherwise precede the start.
    """
    points = find_points(text)
    for i, a in enumerate(points[:-1]):
        b = points[i + 1]
        if a.month is None or not RANGE_SEP_RE.fullmatch(text[a.end : b.start]):
            continue
        start = a.resolve(a.year or context_year)
        if start is None:
            continue
        end = b.resolve(b.year or start.year, b.month or start.month, late=True)
        if end is not None and end < start and b.year is None:
            end = b.resolve(start.year + 1, b.month or start.month, late=True)
        return Period(start, end, (a.start, b.end), b, a)
    # Only a start and a duration: "2021年5月10日起…为期45天".
    m = re.search(r"为期\s*(\d+|[十一二三四五六七八九百]+)\s*天", text)
    if m and points and points[0].month is not None and points[0].start < m.start():
        start = points[0].resolve(points[0].year or context_year)
        days = cn_to_int(m.group(1))
        if start and days:
            return Period(start, start + timedelta(days=days - 1), (points[0].start, m.end()), None)
    return None


def first_year(text: str) -> int | None:
    """The first four-digit year written in ``text``."""
    for p in find_points(text):
        if p.year:
            return p.year
    return None
