"""Problem lists laid out as tables (问题 | 整改措施 | 完成情况 …), one problem per row.

The loaders write each row of such a table as one line with its cells separated by tabs
(as a browser does when a table is copied), so DOCX, HTML and copied text all reach the
parser in the same shape. A header row names the columns; each following row with
tabs is a problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive import items as it
from archive.model import Problem

PROBLEM_COL_RE = re.compile(r"^(巡[察视])?(反馈|存在的?|主要)?问题(表现|描述|清单|内容)?$")
MEASURES_COL_RE = re.compile(r"^(整改)?(措施|举措)$|^整改(措施|举措)")
RESULT_COL_RE = re.compile(r"^(整改|完成|落实)(情况|进展|结果|成效)$")
STATUS_COL_RE = re.compile(r"^(整改|完成)?状态$|^是否(完成|整改)")
NUMBER_COL_RE = re.compile(r"^(序号|编号|号)$")


def is_header(cells: list[str]) -> bool:
    """Does a row name a problem column and a measures column?"""
    compact = [re.sub(r"\s+", "", c) for c in cells]
    has_problem = any(PROBLEM_COL_RE.match(c) for c in compact)
    # A measures column is required: a two-column 问题 | 整改情况 grid is left as paragraphs.
    has_measures = any(MEASURES_COL_RE.match(c) for c in compact)
    return has_problem and has_measures


def cells_of(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


@dataclass
class TableRows:
    """Lines (indices into the document's lines) of one problem table and its problems."""

    lines: list[int]
    problems: list[Problem]


def _columns(header: list[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, cell in enumerate(re.sub(r"\s+", "", c) for c in header):
        for key, rx in (
            ("number", NUMBER_COL_RE),
            ("problem", PROBLEM_COL_RE),
            ("measures", MEASURES_COL_RE),
            ("result", RESULT_COL_RE),
            ("status", STATUS_COL_RE),
        ):
            if key not in cols and rx.match(cell):
                cols[key] = i
                break
    return cols


def _row_problem(cells: list[str], norm_cells: list[str], cols: dict[str, int]) -> Problem | None:
    def cell(key: str) -> tuple[str, str]:
        i = cols.get(key)
        return (cells[i], norm_cells[i]) if i is not None and i < len(cells) else ("", "")

    orig, norm = cell("problem")
    if not norm:
        return None
    item = it.split_statement(norm)
    st = item.statement or (0, len(norm))
    title = it.clean_title(orig[st[0] : st[1]]) or orig[:60]
    m_orig, m_norm = cell("measures")
    if not m_norm:
        m_orig, m_norm = cell("result")
    measures = [m_orig[a:b] for a, b in it.split_measures(m_norm, 0, len(m_norm))]
    status = cell("status")[0] or None
    result = cell("result")[0]
    if status is None and result and len(result) <= 12:
        status = result
    number = cell("number")[0]
    return Problem(
        n=0,
        number=number,
        category=None,
        subcategory=None,
        title=title,
        text="\t".join(c for c in cells if c),
        measures=measures,
        status=status,
    )


def find_tables(norm_lines: list[str], orig_lines: list[str]) -> list[TableRows]:
    """Every problem table in the text: a header row and the tab-separated rows after it."""
    out: list[TableRows] = []
    i = 0
    while i < len(norm_lines):
        header = cells_of(norm_lines[i])
        if len(header) < 2 or not is_header(header):
            i += 1
            continue
        cols = _columns(header)
        rows = TableRows([i], [])
        j = i + 1
        while j < len(norm_lines) and "\t" in norm_lines[j]:
            p = _row_problem(cells_of(orig_lines[j]), cells_of(norm_lines[j]), cols)
            rows.lines.append(j)
            if p is not None:
                rows.problems.append(p)
            j += 1
        if rows.problems:
            out.append(rows)
        i = j
    return out


def docx_rows(table) -> list[str] | None:  # type: ignore[no-untyped-def]
    """A python-docx problem table as tab-separated row lines; None for any other table."""
    lines: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        cells: list[str] = []
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is listed once per column it spans
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        if any(cells):
            lines.append("\t".join(cells))
    if not lines or not is_header(cells_of(lines[0])):
        return None
    return lines
