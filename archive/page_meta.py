"""Page furniture in copied web pages: what to drop before parsing and what to keep as metadata.

Users copy a notice from a government page with its navigation, breadcrumb
(当前位置：首页 >> …), disclosure rows (索引号 / 发布机构 / 文件名称 / 发布日期 / 成文日期),
tool lines (来源：… 时间：…, 字号 大 中 小, 打印本页 关闭窗口) and footer (版权所有, ICP备).
Only lines above the first sentence of prose and below the last one are examined, so the
notice body is never touched. The words are in ``data/page_words.tsv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from archive.html_text import _is_noise
from archive.normalize import normalize

WORDS_PATH = Path(__file__).with_name("data") / "page_words.tsv"

# Label → metadata key; the first label of a key found on the page wins, in this order.
_LABEL_KEYS = (
    ("文件名称", "title"),
    ("信息名称", "title"),
    ("标题", "title"),
    ("发布机构", "publisher"),
    ("发文机关", "publisher"),
    ("发文单位", "publisher"),
    ("所属机构", "publisher"),
    ("成文日期", "date"),
    ("发布日期", "date"),
    ("发布时间", "date"),
    ("生成日期", "date"),
    ("日期", "date"),
    ("时间", "date"),
    ("信息来源", "source"),
    ("来源", "source"),
)
_OTHER_LABELS = (
    "信息索引号 索引号 文号 发文字号 主题分类 公开方式 公开范围 体裁分类 组配分类 信息分类 "
    "有效性 主题词 作者 责任编辑 编辑 浏览次数 浏览量 阅读次数 阅读量 点击数 点击量 访问量 "
    "字号 字体 分享到 分享"
).split()
_ALL_LABELS = sorted({k for k, _ in _LABEL_KEYS} | set(_OTHER_LABELS), key=len, reverse=True)
# A label and its colon, or a tab when a metadata table was copied (索引号<TAB>…).
_LABEL_RE = re.compile(r"(?:^|(?<=[\s|｜【\[]))(" + "|".join(_ALL_LABELS) + r")(?:\s*[:：]\s*|\t+)")
_BREADCRUMB_RE = re.compile(
    r"^(当前位置|您现在的位置|您当前的位置|您的位置|当前页面|所在位置|位置)\s*[是]?\s*[:：]"
)
_CRUMB_SEP_RE = re.compile(r"(>>|»|＞＞|>|＞|→|/)")
# A line of prose: a sentence, long enough to be part of the notice itself.
_PROSE_RE = re.compile(r"[。；;]")


@cache
def _nav_words() -> frozenset[str]:
    words: set[str] = set()
    for line in WORDS_PATH.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            kind, _, value = line.partition("\t")
            if kind == "nav":
                words.update(value.split())
    return frozenset(words)


@dataclass
class Page:
    """The lines of the notice itself and the metadata read from the page around it."""

    lines: list[str]
    meta: dict[str, str] = field(default_factory=dict)
    dropped: int = 0


def _fields(line: str) -> list[tuple[str, str]]:
    """``label：value`` pairs of one metadata line (several may share a line)."""
    found = list(_LABEL_RE.finditer(line))
    if not found or line[: found[0].start()].strip(" |｜【[]】"):
        return []
    out = []
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(line)
        out.append((m.group(1), line[m.end() : end].strip(" \u3000|｜【】[]")))
    return out


def _is_nav(line: str) -> bool:
    """A menu line: short words only, at least one of them a known menu word."""
    tokens = [t for t in re.split(r"[\s|｜·•]+", line) if t]
    if not tokens or len(line) > 60 or _PROSE_RE.search(line):
        return False
    nav = _nav_words()
    return all(len(t) <= 8 for t in tokens) and all(t in nav for t in tokens)


def _is_breadcrumb(line: str) -> bool:
    compact = line.replace(" ", "").replace("\u3000", "")
    if _BREADCRUMB_RE.match(compact):
        return True
    return compact.startswith(("首页", "网站首页")) and bool(_CRUMB_SEP_RE.search(compact))


def furniture(line: str) -> tuple[bool, list[tuple[str, str]]]:
    """Is the line page furniture, and which metadata fields does it carry?"""
    fields = _fields(line)
    if fields and len(line) <= 160:
        return True, fields
    if _is_breadcrumb(line) or _is_nav(line):
        return True, []
    return _is_noise(line), []


def _collect(meta: dict[str, str], rank: dict[str, int], fields: list[tuple[str, str]]) -> None:
    order = {label: i for i, (label, _) in enumerate(_LABEL_KEYS)}
    keys = dict(_LABEL_KEYS)
    for label, value in fields:
        key = keys.get(label)
        if key is None or not value:
            continue
        if key not in meta or order[label] < rank[key]:
            meta[key], rank[key] = value, order[label]


def strip_page(text: str) -> Page:
    """Split a page copy into the notice's lines and the page's metadata."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    norm = [normalize(ln) for ln in lines]
    prose = [i for i, ln in enumerate(norm) if _PROSE_RE.search(ln) and len(ln) >= 30]
    if not prose:
        return Page(lines)
    first, last = prose[0], prose[-1]
    meta: dict[str, str] = {}
    rank: dict[str, int] = {}
    keep: list[str] = []
    dropped = 0
    for i, line in enumerate(lines):
        if first <= i <= last:
            keep.append(line)
            continue
        is_furniture, fields = furniture(line)
        _collect(meta, rank, fields)
        if is_furniture:
            dropped += 1
        else:
            keep.append(line)
    return Page(keep, meta, dropped)
