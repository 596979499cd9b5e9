"""The stats page's added views: problems by province on a tile map, problem type × year,
and how long rectification takes (inspection end → feedback → publication) per level."""

from __future__ import annotations

import statistics
import threading
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from indexer import taxonomy
from indexer.documents import inspector_level
from web.resources import get_archive, get_index

TILES_FILE = Path(__file__).parent / "maps" / "china_tiles.tsv"
HEAT_LEVELS = 5


@dataclass(frozen=True)
class Tile:
    name: str  # short name, matched as the start of a stored province name
    col: int
    row: int


@cache
def load_tiles(path: Path = TILES_FILE) -> tuple[Tile, ...]:
    """The tile positions from the editable data file."""
    tiles = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, col, row = line.split("\t")
        tiles.append(Tile(name.strip(), int(col), int(row)))
    return tuple(tiles)


def tile_of(province: str, tiles: tuple[Tile, ...]) -> Tile | None:
    """The square of a stored province name (广西壮族自治区 → 广西), longest match first."""
    best = None
    for t in tiles:
        if province.startswith(t.name) and (best is None or len(t.name) > len(best.name)):
            best = t
    return best


def province_map(province_counts: list[tuple[Any, int]]) -> dict[str, Any]:
    """Counts per square; provinces without a square are listed apart, never dropped."""
    tiles = load_tiles()
    by_tile: dict[str, dict[str, Any]] = {
        t.name: {"name": t.name, "col": t.col, "row": t.row, "count": 0, "provinces": []}
        for t in tiles
    }
    unplaced = []
    for value, count in province_counts:
        t = tile_of(str(value), tiles)
        if t is None:
            unplaced.append({"province": str(value), "count": count})
            continue
        by_tile[t.name]["count"] += count
        by_tile[t.name]["provinces"].append(str(value))
    return {"tiles": list(by_tile.values()), "unplaced": unplaced}


def level(value: int, maximum: int) -> int:
    if value <= 0 or maximum <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, -(-value * HEAT_LEVELS // maximum)))


def type_by_year(year_counts: list[tuple[Any, int]]) -> dict[str, Any]:
    """Problems per type and year (a problem of two types counts under both)."""
    index = get_index()
    found = sorted(int(y) for y, _ in year_counts if str(y).isdigit())
    # Years without problems stay as empty columns, as in the year chart (a plausible span).
    years = list(range(found[0], found[-1] + 1)) if found and found[-1] - found[0] <= 50 else found
    counts: dict[str, dict[int, int]] = {}
    for y in found:
        r = index.search("", kind="problem", filters={"year": str(y)}, per_page=1)
        for code, n in r.facets.get("types", []):
            counts.setdefault(str(code), {})[y] = n
    order = [t.code for t in taxonomy.load_types()]
    codes = sorted(
        counts, key=lambda c: (-sum(counts[c].values()), order.index(c) if c in order else 0)
    )
    maximum = max((n for row in counts.values() for n in row.values()), default=0)
    rows = []
    for code in codes:
        cells = [counts[code].get(y, 0) for y in years]
        rows.append(
            {
                "code": code,
                "label": taxonomy.label(code),
                "total": sum(cells),
                "cells": [
                    {"year": y, "count": n, "level": level(n, maximum)}
                    for y, n in zip(years, cells, strict=True)
                ],
            }
        )
    return {"years": years, "rows": rows, "max": maximum}


def _days(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    try:
        d = (date.fromisoformat(b) - date.fromisoformat(a)).days
    except ValueError:
        return None
    return d if d >= 0 else None  # a date in the wrong order is a parse slip, not a duration


def _tidy(x: float) -> float | int:
    """Whole days as integers, else one decimal (a median of two may end in .5)."""
    x = round(float(x), 1)
    return int(x) if x.is_integer() else x


def spread(values: list[int]) -> dict[str, Any] | None:
    """Median, quartiles and range of day counts (None when there are none)."""
    if not values:
        return None
    v = sorted(values)
    q1, _, q3 = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else (v[0],) * 3
    return {
        "n": len(v),
        "median": _tidy(statistics.median(v)),
        "q1": _tidy(q1),
        "q3": _tidy(q3),
        "min": v[0],
        "max": v[-1],
    }


_durations_lock = threading.Lock()
_durations_cache: dict[tuple[str, int], list[dict[str, Any]]] = {}


def durations(data_dir: str) -> list[dict[str, Any]]:
    """Per inspection level: days from inspection end to feedback and from feedback to
    publication. Read from every stored notice once per archive revision (per process)."""
    archive = get_archive()
    key = (str(data_dir), archive.revision())
    with _durations_lock:
        if key in _durations_cache:
            return _durations_cache[key]
    steps: dict[str, dict[str, list[int]]] = {}
    for stored in archive.iter_notices():
        n = stored.notice
        lv = inspector_level(n.inspector) or "未注明"
        s = steps.setdefault(lv, {"feedback": [], "publish": [], "total": []})
        for name, a, b in (
            ("feedback", n.inspection_end, n.feedback_date),
            ("publish", n.feedback_date, n.published_date),
            ("total", n.inspection_end, n.published_date),
        ):
            d = _days(a, b)
            if d is not None:
                s[name].append(d)
    out = [
        {
            "level": lv,
            "feedback_days": spread(s["feedback"]),
            "publish_days": spread(s["publish"]),
            "total_days": spread(s["total"]),
        }
        for lv, s in sorted(steps.items(), key=lambda kv: -len(kv[1]["total"]))
    ]
    with _durations_lock:
        _durations_cache.clear()  # only the newest revision is worth keeping
        _durations_cache[key] = out
    return out
