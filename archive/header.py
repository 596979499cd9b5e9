"""Facts stated in a notice's title and opening sentence.

Who inspected whom, when, when the findings were fed back, and what kind of inspection
it was. All searches run on normalised text and return original slices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from archive.cnnum import cn_to_int
from archive.dates import find_period, find_points, first_year
from archive.normalize import normalize

_N = r"[一二三四五六七八九十百\d]"
INSPECTOR_RE = re.compile(
    rf"((?:{_N}+届)?(?:中央|国务院|省委|自治区党委|区党委|市委|州委|盟委|区委|县委|旗委|工委|"
    rf"[\u4e00-\u9fa5]{{1,12}}?(?:\([\u4e00-\u9fa5]{{1,6}}\))?(?:党委|党组|委员会))"
    rf"[\u4e00-\u9fa5\d“”\"]{{0,24}}?巡[察视](?:第?{_N}+)?组"
    rf"(?:第?{_N}+(?:组|小组))?)"
    r"(\s*\([^()\n]{2,40}\))?"
)
# "对…开展/进行了…巡察": the inspected unit, as the opening sentence names it.
TARGET_RE = re.compile(
    r"对\s*([\u4e00-\u9fa5“”\"()]{2,40}?)\s*(?:党组|党委|党工委|党总支|党支部|领导班子)?"
    r"(?:开展|进行|实施)(?:了)?[\u4e00-\u9fa5“”\"]{0,12}?巡[察视]"
)
# "向…反馈": the inspected unit as the feedback sentence names it.
FEEDBACK_TARGET_RE = re.compile(
    r"向\s*([\u4e00-\u9fa5“”\"()]{2,40}?)\s*(?:党组|党委|党工委|党总支|党支部|领导班子)?"
    r"(?:书记)?(?:集中|进行|作|书面)?反馈"
)
TARGET_TAIL_RE = re.compile(
    r"(?:党组|党委|党工委|党总支|党支部)?(?:\((?:党组|党委|党工委)\))?(?:领导班子(?:及其?成员)?)?$"
)
KINDS = ("常规", "专项", "机动", "交叉", "联动", "回头看")
ROUND_RE = re.compile(rf"第({_N}+)轮")
FEEDBACK_WORD_RE = re.compile(r"反馈")
TITLE_WORD_RE = re.compile(r"(通报|情况|公告|公布|公示|报告|公开)")


@dataclass
class Header:
    title: str | None = None
    title_lines: int = 0
    inspector: str | None = None
    inspection_kind: str | None = None
    round: int | None = None
    inspection_start: date | None = None
    inspection_end: date | None = None
    feedback_date: date | None = None
    target: str | None = None  # the inspected unit as the text names it (often abbreviated)
    date_precision: str = "day"  # "month" when a date was written only to part of a month
    warnings: list[str] = field(default_factory=list)


def find_title(norm_lines: list[str], orig_lines: list[str]) -> tuple[str | None, int]:
    """The title at the top (one or two lines) and how many lines it takes."""

    def titleish(s: str) -> bool:
        return (
            len(s) <= 70
            and "。" not in s
            and not re.match(r"^(根据|按照|依据|为|现将|\d{4}年)", s)
            and not re.match(r"^[一二三四五六七八九十]+、|^\(", s)
        )

    if not norm_lines:
        return None, 0
    a = norm_lines[0]
    if len(norm_lines) > 1:
        b = norm_lines[1]
        if (
            titleish(a)
            and titleish(b)
            and TITLE_WORD_RE.search(b)
            and not TITLE_WORD_RE.search(a[-4:])
            and len(a) + len(b) <= 80
            and re.search(r"(巡察|巡视|整改)", a + b)
        ):
            return orig_lines[0] + orig_lines[1], 2
    if titleish(a) and TITLE_WORD_RE.search(a) and re.search(r"(巡察|巡视|整改)", a):
        return orig_lines[0], 1
    return None, 0


def kinds_in(*texts: str | None) -> str | None:
    found: list[str] = []
    for t in texts:
        if not t:
            continue
        for k in KINDS:
            if k in t and k not in found:
                if k == "常规" and "常规巡" not in t:
                    continue
                found.append(k)
    return "、".join(found) or None


def read_header(
    norm: str, orig: str, title: str | None, context_year: int | None, published: date | None
) -> Header:
    """Read the opening paragraph(s): ``norm``/``orig`` are the header text."""
    h = Header(title=title)
    year = first_year(norm) or (first_year(title) if title else None) or context_year
    period = find_period(norm, year)
    if (
        period
        and published
        and period.start
        and period.start > published
        and not re.search(r"\d{4}年", norm[period.span[0] : period.span[1]])
    ):
        period = find_period(norm, period.start.year - 1)
    if period:
        h.inspection_start, h.inspection_end = period.start, period.end
        written = orig[period.span[0] : period.span[1]]
        if period.vague:
            h.date_precision = "month"
            h.warnings.append(
                f"巡察时间只写到旬或月（{written}），日期为估计：按{_iso(period.start)}至"
                f"{_iso(period.end)}记录"
            )
        if period.repaired:
            h.warnings.append(
                f"巡察时间缺少“年”“月”字样（{written}），按{_iso(period.start)}至"
                f"{_iso(period.end)}读取"
            )
    else:
        h.warnings.append("未找到巡察时间")

    m = INSPECTOR_RE.search(norm)
    if m:
        h.inspector = orig[m.start() : m.end()].strip()
    else:
        h.warnings.append("未找到巡察组名称")

    h.inspection_kind = kinds_in(h.inspector, title, norm.split("。")[0])
    for t in (title, h.inspector, norm):
        rm = ROUND_RE.search(t or "")
        if rm:
            h.round = cn_to_int(rm.group(1))
            break

    t = TARGET_RE.search(norm) or FEEDBACK_TARGET_RE.search(norm)
    if t:
        target = orig[t.start(1) : t.end(1)].strip()
        # 某局党组（党委）, 某局领导班子及其成员: the unit is 某局.
        cut = TARGET_TAIL_RE.search(normalize(target))
        h.target = target[: cut.start()] if cut and cut.start() >= 2 else target

    h.feedback_date = _feedback(norm, period.span if period else None, h)
    return h


def _iso(d: date | None) -> str:
    return d.isoformat() if d else "?"


def _feedback(norm: str, period_span: tuple[int, int] | None, h: Header) -> date | None:
    """The feedback date: the date nearest before 反馈 (or just after 反馈会), year inferred."""
    points = [
        p
        for p in find_points(norm)
        if p.month is not None and not (period_span and period_span[0] <= p.start < period_span[1])
    ]
    best = None
    for fm in FEEDBACK_WORD_RE.finditer(norm):
        before = [p for p in points if p.end <= fm.start() and "。" not in norm[p.end : fm.start()]]
        before = [p for p in before if fm.start() - p.end <= 60]
        if before:
            best = before[-1]
            break
        after = [p for p in points if p.start >= fm.end() and p.start - fm.end() <= 12]
        if after and "。" not in norm[fm.end() : after[0].start]:
            best = after[0]
            break
    if best is None:
        h.warnings.append("未找到反馈日期")
        return None
    if best.vague:
        h.date_precision = "month"
        h.warnings.append("反馈日期只写到旬或月，日期为估计")
    if best.repaired:
        h.warnings.append("反馈日期缺少“年”“月”字样，已按数字推断")
    if best.year:
        return best.resolve(None)
    anchor = h.inspection_end or h.inspection_start
    if anchor is None:
        h.warnings.append("反馈日期未写年份，且无巡察时间可推断年份")
        return None
    d = best.resolve(anchor.year)
    if d is not None and d < anchor:
        d = best.resolve(anchor.year + 1)
    if d is not None:
        h.warnings.append(f"反馈日期未写年份，按巡察时间推断为{d.year}年")
    return d
