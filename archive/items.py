"""Reading one problem item: its statement, title, measures, status and sub-problems.

Everything here works on an item's normalised text and cuts the same spans from the
original text (the two have the same length), so what users see keeps its punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.cnnum import cn_to_int

LEAD_RE = re.compile(r"^(?:针对|关于|对于|就)\s*")
# The end of a problem statement: 问题 (optionally 的整改…情况) before a delimiter.
STATEMENT_END_RE = re.compile(r"问题(?:的?整改(?:落实)?(?:情况)?)?(?=[。,:;!?\n]|$)")
TAIL_RE = re.compile(r"(?:的问题|问题)(?:的?整改(?:落实)?(?:情况)?)?$")
PROBLEM_LIKE_RE = re.compile(
    r"^(?:[“\"]?\s*(?:针对|关于|对于)|(?:反馈|存在|巡察反馈|巡视反馈)?问题\s*:)"
)
CATEGORY_RE = re.compile(r"方面(?:存在的)?(?:问题)?(?:的?整改(?:落实)?(?:情况)?)?[:,]?$")
SENTENCE_END = "。!?\n"

LABELS = {
    "problem": (
        "反馈问题",
        "存在问题",
        "问题表现",
        "巡察反馈问题",
        "巡视反馈问题",
        "问题描述",
        "问题",
    ),
    "measures": ("整改措施", "主要措施", "整改举措"),
    "result": ("整改情况", "整改进展", "整改结果", "整改成效", "完成情况", "落实情况"),
    "status": ("整改状态", "完成状态", "状态"),
    "other": ("整改时限", "完成时限", "责任领导", "责任单位", "责任部门", "责任人", "整改目标"),
}
_ALL_LABELS = sorted((w for ws in LABELS.values() for w in ws), key=len, reverse=True)
LABEL_RE = re.compile(
    r"(?:(?<=^)|(?<=[\n。;]))\s*(" + "|".join(_ALL_LABELS) + r")\s*[:]\s*", re.MULTILINE
)
STATUS_BRACKET_RE = re.compile(
    r"[\[(](已完成|已整改|基本完成|阶段性完成|已完成整改|持续整改|正在整改|长期坚持|长期整改|整改中)[\])]"
)

_CN = "一二三四五六七八九十"
ENUM_RE = re.compile(rf"([{_CN}]{{1,3}})是")
_NOT_BEFORE_ONE = set("统唯第之万同单专")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
INLINE_NUM_RE = re.compile(r"(?:(?<=^)|(?<=[。;\n]))\s*(?:\((\d{1,2})\)|(\d{1,2})[.、](?!\d))")
SUB_RE = re.compile(r"关于[^。\n]{1,200}?问题(?=[。,:;\n]|$)")


@dataclass
class Item:
    """What the parser reads from one item's text (spans are into that text)."""

    statement: tuple[int, int] | None  # the problem statement, lead word included
    rest: tuple[int, int]  # what follows the statement
    labels: dict[str, tuple[int, int]] = field(default_factory=dict)


def strip_span(text: str, a: int, b: int, chars: str = " \n。,;:") -> tuple[int, int]:
    while a < b and text[a] in chars:
        a += 1
    while b > a and text[b - 1] in chars:
        b -= 1
    return a, b


def clean_title(statement: str) -> str:
    """The problem statement without its lead word and trailing 问题 (and quotes around all)."""
    t = statement.strip().rstrip("。,:;!? ")
    t = LEAD_RE.sub("", t)
    t = TAIL_RE.sub("", t).rstrip(",、 ")
    t = re.sub(r"^(?:反馈|存在)?问题\s*[:]\s*", "", t)
    return t.strip()


def is_problem_like(norm: str) -> bool:
    """Does a heading's first sentence state a fed-back problem?"""
    first = re.split(r"[。\n]", norm, maxsplit=1)[0]
    # "…方面" / "…方面问题的整改情况" names a category of problems, not a problem.
    if CATEGORY_RE.search(first):
        return False
    return bool(PROBLEM_LIKE_RE.match(first) or "问题" in first)


def find_labels(norm: str) -> dict[str, tuple[int, int]]:
    """Spans of labelled fields (问题：… 整改措施：…), keyed by field kind."""
    found = list(LABEL_RE.finditer(norm))
    out: dict[str, tuple[int, int]] = {}
    for i, m in enumerate(found):
        end = found[i + 1].start(1) if i + 1 < len(found) else len(norm)
        kind = next(k for k, ws in LABELS.items() if m.group(1) in ws)
        if kind not in out:
            out[kind] = strip_span(norm, m.end(), end)
    return out


def split_statement(norm: str) -> Item:
    """Separate the problem statement from the rest of an item."""
    labels = find_labels(norm)
    # First sentence of the item: the statement when it names the problem.
    m_end = re.search(r"[。!?\n]", norm)
    first_end = m_end.start() if m_end else len(norm)
    m = STATEMENT_END_RE.search(norm, 0, first_end)
    first = norm[:first_end]
    if (
        "problem" in labels
        and not (m or LEAD_RE.match(first))
        or ("problem" in labels and labels["problem"][0] < first_end)
    ):
        # 问题：… labelled field carries the statement.
        a, b = labels["problem"]
        first_stop = re.search(r"[。\n]", norm[a:b])
        stmt_end = a + first_stop.start() if first_stop and "measures" in labels else b
        rest_start = min(
            (s for k, (s, _) in labels.items() if k != "problem" and s >= a), default=len(norm)
        )
        return Item((a, stmt_end), (rest_start, len(norm)), labels)
    stmt = (0, m.end()) if m is not None else (0, first_end)
    rest = stmt[1]
    if rest < len(norm) and norm[rest] in "。,:;!?\n":
        rest += 1
    return Item(stmt, (rest, len(norm)), labels)


def _sequence(matches: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Keep the matches that count 1, 2, 3 … in order: (start, end) of each enumerator."""
    out: list[tuple[int, int]] = []
    expected = 1
    for value, s, e in matches:
        if value == expected:
            out.append((s, e))
            expected += 1
    return out


def enumerators(norm: str) -> list[tuple[int, int]]:
    """Spans of 一是/二是…, ①②③ or inline 1. 2. / (1)(2) that enumerate measures."""
    cands: list[list[tuple[int, int, int]]] = [[], [], []]
    for m in ENUM_RE.finditer(norm):
        value = cn_to_int(m.group(1)) or 0
        if value == 1 and m.start() > 0 and norm[m.start() - 1] in _NOT_BEFORE_ONE:
            continue
        cands[0].append((value, m.start(), m.end()))
    for i, ch in enumerate(norm):
        if ch in CIRCLED:
            cands[1].append((CIRCLED.index(ch) + 1, i, i + 1))
    for m in INLINE_NUM_RE.finditer(norm):
        value = int(m.group(1) or m.group(2))
        cands[2].append((value, m.start(), m.end()))
    best: list[tuple[int, int]] = []
    for c in cands:
        seq = _sequence(c)
        if len(seq) >= 2 and (not best or seq[0][0] < best[0][0]):
            best = seq
    return best


def split_measures(norm: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans of the measures in ``norm[a:b]``."""
    a, b = strip_span(norm, a, b)
    if a >= b:
        return []
    seg = norm[a:b]
    enums = enumerators(seg)
    spans: list[tuple[int, int]] = []
    if enums:
        pre = strip_span(seg, 0, enums[0][0])
        if pre[1] - pre[0] >= 15:
            spans.append(pre)
        for i, (_, e) in enumerate(enums):
            end = enums[i + 1][0] if i + 1 < len(enums) else len(seg)
            spans.append(strip_span(seg, e, end))
    else:
        # A lone leading 一是/① (a list cut short) is not part of the measure.
        lone = re.match(r"^(?:一是|①|\(1\)|1[.、](?!\d))\s*", seg)
        if lone:
            a += lone.end()
            seg = seg[lone.end() :]
        # Separate paragraphs are separate measures; one paragraph is one measure.
        pos = 0
        for para in seg.split("\n"):
            s = strip_span(seg, pos, pos + len(para))
            if s[1] > s[0]:
                spans.append(s)
            pos += len(para) + 1
    return [(a + s, a + e) for s, e in spans if e > s]


# 针对……问题 opening a sentence and followed by its own list of measures (一是…).
INLINE_SUB_RE = re.compile(r"针对[^。\n]{1,200}?问题[,:;]?\s*(?=一是|①|\(1\)|1[.、])")


def _sentence_start(norm: str, a: int, p: int) -> bool:
    j = p - 1
    while j >= a and norm[j] == " ":
        j -= 1
    return j < a or norm[j] in "。;\n"


def find_subproblems(norm: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans of sub-problems in ``norm[a:b]``: 关于……问题 starting a paragraph or sentence,
    or a second 针对……问题 sentence that restarts the measure list after measures of its own
    (a 针对 sentence without its own list is a measure, as in 一是针对…问题，…)."""
    starts: list[int] = []
    for m in SUB_RE.finditer(norm, a, b):
        if _sentence_start(norm, a, m.start()):
            starts.append(m.start())
    for m in INLINE_SUB_RE.finditer(norm, a, b):
        if _sentence_start(norm, a, m.start()) and enumerators(norm[a : m.start()]):
            starts.append(m.start())
    starts.sort()
    spans = []
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else b
        spans.append(strip_span(norm, s, e))
    return spans


def find_status(norm: str, labels: dict[str, tuple[int, int]]) -> tuple[int, int] | None:
    if "status" in labels:
        a, b = labels["status"]
        m = re.search(r"[。;,\n]", norm[a:b])
        return strip_span(norm, a, a + m.start() if m else b)
    found = list(STATUS_BRACKET_RE.finditer(norm))
    if found:
        return found[-1].start(1), found[-1].end(1)
    return None
