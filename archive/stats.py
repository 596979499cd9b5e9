"""Summary statistics: numbers with their labels, as notices state them.

Only the opening and organising parts are read: the measures themselves are full of
numbers (45场次学习, 1万份手册) that are not summary figures.
"""

from __future__ import annotations

import re

from archive.cnnum import parse_number
from archive.model import Stat

_NUM = r"(\d+(?:\.\d+)?|[一二三四五六七八九十百千两〇零]+)"
_UNIT = r"(万元|亿元|元|个|项|条|件|次|场|人次|人|名|起|份|家|%|方面)"
# 157项整改措施, 十九个问题, 四条建议, 五方面
NOUN_FIRST_RE = re.compile(
    _NUM
    + _UNIT
    + r"(巡察反馈问题|反馈问题|问题线索|整改措施|整改任务|具体问题|问题|措施|建议|任务|制度|线索)?"
)
# 建立完善制度21项, 整改完成率76%, 追缴资金7.132万元, 政务处分0人
LABEL_FIRST_RE = re.compile(
    r"([\u4e00-\u9fa5、“”\"]{2,20}?)(?:为|达到|达|共计|共|累计|合计)?" + _NUM + _UNIT
)
COUNTERS = ("个", "项", "条", "件", "次", "场", "份", "家", "起")
LABEL_WORDS = (
    "制度",
    "问题",
    "完成",
    "整改",
    "处分",
    "追缴",
    "资金",
    "挽回",
    "损失",
    "提醒",
    "诫勉",
    "函询",
    "谈话",
    "立案",
    "调查",
    "处理",
    "清退",
    "退还",
    "收回",
    "措施",
    "任务",
    "建议",
    "问责",
    "通报",
    "线索",
    "会议",
    "约谈",
    "推进",
)


def read_stats(norm: str, orig: str) -> list[Stat]:
    """Figures in ``norm`` (the header and organising sections), in order."""
    found: dict[int, Stat] = {}
    taken: list[tuple[int, int]] = []
    for m in NOUN_FIRST_RE.finditer(norm):
        noun = m.group(3)
        if noun is None and m.group(2) != "方面":
            continue
        value = parse_number(m.group(1))
        if value is None:
            continue
        label = noun or "方面"
        unit = m.group(2) if noun else ""
        found[m.start()] = Stat(label, value, unit, orig[m.start() : m.end()])
        taken.append((m.start(), m.end()))
    for m in LABEL_FIRST_RE.finditer(norm):
        if any(a <= m.start(2) < b for a, b in taken):
            continue
        # "四个意识", "6次召开": the count belongs to the noun after it, not to a label.
        if m.group(3) in COUNTERS and m.end() < len(norm) and "\u4e00" <= norm[m.end()] <= "\u9fa5":
            continue
        raw = re.split(r"[,;:。()]", m.group(1))[-1].lstrip("、")
        label = re.sub(r"^(其中|目前|现已|累计|共|已)", "", raw)
        if m.group(3) == "方面" or len(label) < 2 or not any(w in label for w in LABEL_WORDS):
            continue
        if re.search(r"[一二三四五六七八九十百千两〇零]", label[-1]):
            continue
        value = parse_number(m.group(2))
        if value is None:
            continue
        start = m.start(1) + m.group(1).rfind(raw)
        found[start] = Stat(label, value, m.group(3), orig[start : m.end()])
    return [found[k] for k in sorted(found)]
