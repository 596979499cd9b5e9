"""The outline of a notice: its lines and the tree of numbered headings.

Chinese official documents nest numbered parts by marker style (一、 → (一) → 1. → (1) → ①),
and a style's depth is fixed by the order in which styles first appear. The tree built here
is what the parser reads sections, categories and problems from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.cnnum import cn_to_int
from archive.normalize import normalize

_CN = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# (style, pattern): group 1 is the number, the match covers the marker and spaces after it.
MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("cn", re.compile(rf"^([{_CN}]{{1,3}})\s*[、.,]\s*")),
    ("pcn", re.compile(rf"^\(\s*([{_CN}]{{1,3}})\s*\)\s*[、.]?\s*")),
    ("ar", re.compile(r"^(\d{1,3})\s*(?:[、]|\.(?!\d))\s*")),
    ("par", re.compile(r"^\(\s*(\d{1,3})\s*\)\s*[、.]?\s*")),
    ("circ", re.compile(rf"^([{_CIRCLED}])\s*")),
    ("ord", re.compile(rf"^第([{_CN}]{{1,3}})[,、:]\s*")),
    # 问题1：… / 反馈问题一：… — a labelled field that numbers the item itself.
    (
        "lab",
        re.compile(rf"^(?:反馈|存在|巡察反馈|巡视反馈)?问题\s*(\d{{1,3}}|[{_CN}]{{1,3}})\s*:\s*"),
    ),
]


def marker_value(style: str, label: str) -> int:
    if style == "circ":
        return _CIRCLED.index(label) + 1
    return cn_to_int(label) or 0


@dataclass
class Line:
    start: int  # offsets of the stripped line in the document
    end: int


@dataclass
class Node:
    """A numbered heading with the lines under it (``body``) and its sub-headings."""

    style: str
    value: int
    number: str  # the printed marker, original characters, trimmed
    line: Line | None  # the heading line; None for the root
    text_start: int  # where the heading's text starts, after the marker
    body: list[Line] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def own_lines(self) -> list[tuple[int, int]]:
        """Spans of the heading text and the body lines (not the children)."""
        spans = []
        if self.line is not None:
            spans.append((self.text_start, self.line.end))
        spans.extend((ln.start, ln.end) for ln in self.body)
        return spans

    def all_lines(self) -> list[tuple[int, int]]:
        """Spans of the heading text, its body and every descendant line, in order."""
        spans = self.own_lines()
        for c in self.children:
            if c.line is not None:
                spans.append((c.line.start, c.line.end))
            for sub in c.walk():
                if sub is not c and sub.line is not None:
                    spans.append((sub.line.start, sub.line.end))
                spans.extend((ln.start, ln.end) for ln in sub.body)
        spans.sort()
        return spans


class Document:
    """The original text, its normalised twin (same length) and its lines."""

    def __init__(self, text: str) -> None:
        self.orig = text
        self.norm = normalize(text)
        self.lines: list[Line] = []
        pos = 0
        for raw in text.split("\n"):
            s = len(raw) - len(raw.lstrip())
            e = len(raw.rstrip())
            if e > s:
                self.lines.append(Line(pos + s, pos + e))
            pos += len(raw) + 1

    def norm_of(self, spans: list[tuple[int, int]]) -> str:
        return "\n".join(self.norm[a:b] for a, b in spans)

    def orig_of(self, spans: list[tuple[int, int]]) -> str:
        return "\n".join(self.orig[a:b] for a, b in spans)


def heading_of(doc: Document, line: Line) -> tuple[str, int, str, int] | None:
    """(style, value, printed marker, text start) when the line starts with a marker."""
    text = doc.norm[line.start : line.end]
    for style, pat in MARKERS:
        m = pat.match(text)
        if m:
            if len(text) == m.end():
                return None  # a marker alone on a line is not a heading
            number = doc.orig[line.start : line.start + m.end()].strip()
            if style == "lab":
                number = number.rstrip(":： ")  # 问题1： prints as 问题1
            return style, marker_value(style, m.group(1)), number, line.start + m.end()
    return None


_ITEM_LEAD_RE = re.compile(r"^(关于|针对|对于)[^。]*问题")
_LIST_LEAD_RE = re.compile(r"(整改措施|主要措施|整改举措|具体措施|措施如下)\s*[:]?$|[:]$")


def _opens_list(doc: Document, node: Node) -> bool:
    """An item whose last line announces a list (整改措施：): a 1. after it starts that list."""
    if node.line is None:
        return False
    last = node.body[-1] if node.body else node.line
    return bool(_LIST_LEAD_RE.search(doc.norm[last.start : last.end].strip()))


def build_tree(doc: Document, first: int = 0) -> Node:
    """The heading tree of ``doc.lines[first:]``.

    A style seen before nests at its first depth; a restart at 1 of a style that is open
    higher up is instead a list nested inside the current item.
    """
    root = Node("root", 0, "", None, 0)
    stack: list[Node] = [root]
    for line in doc.lines[first:]:
        h = heading_of(doc, line)
        if h is None:
            stack[-1].body.append(line)
            continue
        style, value, number, text_start = h
        levels = [i for i, n in enumerate(stack) if n.style == style]
        if levels:
            # The level this number continues (3. after 2.), else the innermost one: a list
            # nested in an item ends where the next item's number follows the item's own.
            fits = [i for i in levels if stack[i].value + 1 == value]
            i = fits[-1] if fits else levels[-1]
            if len(fits) > 1 and _ITEM_LEAD_RE.match(doc.norm[text_start : line.end]):
                i = fits[0]  # 3.关于…问题 after measure 2. of item 2.: the next item
            prev = stack[i]
            nested = style != "cn" and value == 1 and prev.value >= 1 and i < len(stack) - 1
            nested = nested or (
                style != "cn" and value == 1 and prev.value >= 1 and _opens_list(doc, prev)
            )
            if not nested:
                del stack[i:]
        node = Node(style, value, number, line, text_start, parent=stack[-1])
        stack[-1].children.append(node)
        stack.append(node)
    return root
