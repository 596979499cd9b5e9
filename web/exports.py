"""What the downloads hold: search results, the ``with=`` table and the compare matrix as
plain tables (header, rows, links), written as CSV or xlsx by the routes in ``downloads``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import url_for

from archive.errors import NotFound
from archive.model import Notice
from web import data
from web.params import SearchParams
from web.resources import get_archive

# The first seven columns are what scripts read; new columns only ever go after them.
SEARCH_HEADER = ["单位", "通报", "序号", "问题", "整改措施", "问题类型", "链接"]
SEARCH_EXTRA = [
    "省",
    "市",
    "区县",
    "巡察组",
    "巡察类型",
    "巡察起止",
    "反馈日期",
    "发布日期",
    "整改状态",
    "问题表述",
]
# An Excel cell holds at most 32,767 characters.
MAX_CELL = 32_000
# Characters a file name may not hold on Windows or in a header, and runs of space.
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f;,\s]+')


@dataclass
class Table:
    """One sheet: a title, the header, the rows and, per row, the column holding a link."""

    title: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    # (row index, column index) -> URL for a hyperlinked cell
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    widths: list[int] = field(default_factory=list)  # in characters, per column


def _clip(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _span(n: Notice) -> str:
    if n.inspection_start and n.inspection_end:
        return f"{n.inspection_start} 至 {n.inspection_end}"
    return n.inspection_start or n.inspection_end or ""


class _Notices:
    """Notices read from the archive once per download (many hits share a notice)."""

    def __init__(self) -> None:
        self._cache: dict[str, Notice | None] = {}

    def get(self, notice_id: str) -> Notice | None:
        if notice_id not in self._cache:
            try:
                self._cache[notice_id] = get_archive().notice(notice_id).notice
            except NotFound:
                self._cache[notice_id] = None  # removed since the index was read
        return self._cache[notice_id]


def search_table(p: SearchParams, base: str) -> Table:
    """Every matching problem with its notice's metadata and the problem statement."""
    notices = _Notices()
    header = [*SEARCH_HEADER, *SEARCH_EXTRA]
    t = Table("检索结果", header, widths=[18, 24, 6, 40, 60, 18, 30, 8, 10, 10, 18, 14, 22])
    t.widths += [11, 11, 10, 80]
    for i, h in enumerate(data.export_rows(p)):
        n = notices.get(h["notice_id"])
        prob = None
        if n is not None and h.get("n"):
            prob = next((x for x in n.problems if x.n == h["n"]), None)
        link = base + url_for("pages.problem", problem_id=h["id"])
        t.rows.append(
            [
                h["organisation"],
                h["notice_title"] or h["organisation"],
                h["number"],
                h["title"],
                _clip("\n".join(h["measures"])),
                "、".join(x["label"] for x in h["types"]),
                link,
                h.get("province") or "",
                h.get("city") or "",
                h.get("district") or "",
                h.get("inspector") or "",
                (n.inspection_kind or "") if n else "",
                _span(n) if n else "",
                (n.feedback_date or "") if n else "",
                h.get("published_date") or "",
                h.get("status") or "",
                _clip(prob.text if prob else ""),
            ]
        )
        t.links[(i, 6)] = link
    return t


def with_table(cols: list[dict[str, Any]], base: str) -> Table:
    """The ``with=`` side-by-side table: one column per problem, rows as on the page."""
    t = Table("并排对照", ["", *(f"{c['number']} {c['title']}".strip() for c in cols)])
    t.widths = [12, *([40] * len(cols))]

    def row(label: str, values: list[Any]) -> None:
        t.rows.append([label, *values])

    def place(c: dict[str, Any]) -> str:
        return " ".join(v for v in c["region"].values() if v)

    row("单位", [c["organisation"] for c in cols])
    row("地区", [place(c) for c in cols])
    row("巡察组", [c["inspector"] for c in cols])
    row("反馈日期", [c["feedback_date"] or "未注明" for c in cols])
    row("发布日期", [c["published_date"] or "未注明" for c in cols])
    row("问题", [c["title"] for c in cols])
    row("问题类型", ["、".join(x["label"] for x in c["types"]) for c in cols])
    row("问题表述", [_clip(c["text"]) for c in cols])
    width = max(len(c["measures"]) for c in cols)
    for i in range(width):
        row(f"整改措施 {i + 1}", [c["measures"][i] if i < len(c["measures"]) else "" for c in cols])
    row("整改状态", [c["status"] or "未注明" for c in cols])
    row("链接", [base + url_for("pages.problem", problem_id=c["id"]) for c in cols])
    last = len(t.rows) - 1
    for j in range(len(cols)):
        t.links[(last, j + 1)] = t.rows[last][j + 1]
    return t


def compare_table(d: dict[str, Any], base: str) -> Table:
    """The compare matrix: problem types down, notices across, problems in the cells."""
    head = [f"{c['organisation']} {c['year'] or ''} {c['inspector']}".strip() for c in d["notices"]]
    t = Table("通报对照", ["问题类型", *head], widths=[18, *([40] * len(head))])
    for r in d["rows"]:
        cells = ["\n".join(f"{p['number']} {p['title']}".strip() for p in c) for c in r["cells"]]
        t.rows.append([r["label"], *(_clip(c) for c in cells)])
    links = ["通报链接", *(base + url_for("pages.notice", notice_id=c["id"]) for c in d["notices"])]
    t.rows.append(links)
    last = len(t.rows) - 1
    for j in range(1, len(links)):
        t.links[(last, j)] = links[j]
    return t


def describe(p: SearchParams) -> str:
    """What a search holds, for a file name: the query words and filter values."""
    parts = [p.q.strip(), *p.filters.values()]
    return " ".join(x for x in parts if x) or "全部"


def filenames(what: str, subject: str, ext: str) -> tuple[str, str]:
    """(UTF-8 name, ASCII fallback) such as 巡察整改问题_公车_2026-12-07.xlsx."""
    today = date.today().isoformat()
    subject = _UNSAFE_NAME.sub("_", subject).strip("._")[:40] or "全部"
    name = f"{what}_{subject}_{today}.{ext}"
    ascii_subject = re.sub("_+", "_", subject.encode("ascii", "ignore").decode()).strip("._")
    ascii_what = {"巡察整改问题": "problems", "并排对照": "side-by-side", "通报对照": "compare"}
    stem = ascii_what.get(what, "export")
    fallback = f"{stem}_{ascii_subject}_{today}.{ext}" if ascii_subject else f"{stem}_{today}.{ext}"
    return name, fallback
