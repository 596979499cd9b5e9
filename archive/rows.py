"""Rows of the notices and problems tables, built from a loaded file and its parsed notice."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from archive.model import Notice, SubProblem

if TYPE_CHECKING:
    from archive.loaders import Loaded


def notice_year(notice: Notice) -> int | None:
    """Year of the feedback, else of the inspection end, else of publication."""
    for value in (notice.feedback_date, notice.inspection_end, notice.published_date):
        if value and len(value) >= 4 and value[:4].isdigit():
            return int(value[:4])
    return None


def parsed_columns(loaded: Loaded, notice: Notice) -> dict[str, Any]:
    """The columns a parse decides (everything but id, hash, source name, bytes and time)."""
    region = notice.region
    return {
        "encoding": loaded.encoding,
        "title": notice.title,
        "organisation": notice.organisation,
        "publisher": notice.publisher,
        "province": region.province,
        "city": region.city,
        "district": region.district,
        "inspector": notice.inspector,
        "inspection_kind": notice.inspection_kind,
        "round": notice.round,
        "inspection_start": notice.inspection_start,
        "inspection_end": notice.inspection_end,
        "feedback_date": notice.feedback_date,
        "published_date": notice.published_date,
        "year": notice_year(notice),
        "problem_count": len(notice.problems),
        "data_json": json.dumps(notice.to_dict(), ensure_ascii=False),
        "text": loaded.text,
    }


def insert_problems(db: sqlite3.Connection, nid: str, notice: Notice) -> None:
    db.executemany(
        "INSERT INTO problems (id, notice_id, n, number, category, subcategory, title,"
        " text, measures_json, status, subproblems_json)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                f"{nid}-{p.n}",
                nid,
                p.n,
                p.number,
                p.category,
                p.subcategory,
                p.title,
                p.text,
                json.dumps(p.measures, ensure_ascii=False),
                p.status,
                json.dumps([subproblem_dict(s) for s in p.subproblems], ensure_ascii=False),
            )
            for p in notice.problems
        ],
    )


def subproblem_dict(sub: SubProblem) -> dict[str, Any]:
    return {"title": sub.title, "text": sub.text, "measures": list(sub.measures)}
