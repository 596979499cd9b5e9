"""A small scored set of page copies in the shapes users bring (see tests/data/pages/README.md).

Each page has a hand-written expected JSON. ``heldout/`` was written before the parser was
changed for these shapes and is never used to tune it; ``tune/`` is what the fixes were
checked against. Run ``python -m pytest -q -s tests/test_page_copies.py`` to see the figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archive import parse_file
from archive.errors import RejectedFile

PAGES = Path(__file__).resolve().parent / "data" / "pages"
FIELDS = (
    "organisation",
    "inspector",
    "inspection_start",
    "inspection_end",
    "feedback_date",
    "published_date",
    "problems",
    "incomplete",
)
# Lowest per-field accuracy each split must keep (see README in tests/data/pages).
FLOOR = {"tune": 1.0, "heldout": 0.75}


def _actual(path: Path) -> dict[str, Any]:
    try:
        d = parse_file(path).to_dict()
    except RejectedFile:
        return {"rejected": True}
    out = {k: d[k] for k in FIELDS if k != "problems"}
    out["problems"] = len(d["problems"])
    out["rejected"] = False
    return out


def score(split: str) -> tuple[dict[str, float], list[str]]:
    """Per-field accuracy over a split, and one line per miss."""
    hits: dict[str, list[bool]] = {k: [] for k in ("rejected", *FIELDS)}
    misses: list[str] = []
    for expected_path in sorted((PAGES / split).glob("*.json")):
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        page = next(
            p for p in expected_path.parent.glob(expected_path.stem + ".*") if p != expected_path
        )
        got = _actual(page)
        fields = ("rejected",) if expected["rejected"] else ("rejected", *FIELDS)
        for k in fields:
            ok = got.get(k) == expected[k]
            hits[k].append(ok)
            if not ok:
                misses.append(f"{page.name}: {k} = {got.get(k)!r}, expected {expected[k]!r}")
    return {k: sum(v) / len(v) for k, v in hits.items() if v}, misses


@pytest.mark.parametrize("split", ["tune", "heldout"])
def test_page_copies(split: str) -> None:
    accuracy, misses = score(split)
    n = len(list((PAGES / split).glob("*.json")))
    print(f"\n{split} ({n} pages): " + ", ".join(f"{k} {v:.0%}" for k, v in accuracy.items()))
    for line in misses:
        print("  miss:", line)
    assert n >= 9
    low = {k: v for k, v in accuracy.items() if v < FLOOR[split]}
    assert not low, misses


def test_splits_do_not_share_pages() -> None:
    tune = {p.stem[4:] for p in (PAGES / "tune").glob("*.json")}
    heldout = {p.stem[4:] for p in (PAGES / "heldout").glob("*.json")}
    assert not tune & heldout
