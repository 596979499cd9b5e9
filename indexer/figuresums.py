"""Figures (archive/figures.py) in the index: stored on each document at index time, summed
across any search at query time.

Each notice and problem document stores its figures as JSON (``figures``: the spans) and a
compact per-kind total in a column (``figvals``: ``{"kind": [counted, own]}``). Per index
generation these columns become two float64 matrices (kind × document), built once per
segment from stored data, so the sums by region, year, problem type and inspection level of
any search are ``np.bincount`` over the facet columns the search page already uses.

What is added (the counting rule, ``archive.figures.apply_counting_rule``):
- by region, year and inspection level: the *counted* figures of the matching notice and
  problem documents (a notice's summary when it states one, else its problems' figures);
- by problem type, and whenever a ``type`` filter is given: the problems' *own* figures,
  since a whole-notice summary has no problem type.
"""

from __future__ import annotations

import json
import threading
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.fields import ID

from archive.figures import Figure, load_kinds, notice_figures, summable
from archive.model import Notice

FIGURES_FIELD = "figures"  # stored JSON: the document's figures with their spans
VALUES_FIELD = "figvals"  # column: {"kind": [counted sum, own sum]}
# The dimensions of the stats page: facet column, filter parameter, Chinese label.
DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("province", "region", "省份"),
    ("city", "region", "城市"),
    ("year", "year", "年份"),
    ("types", "type", "问题类型"),
    ("inspector_level", "inspector", "巡察层级"),
)
MAX_LISTED = 500  # spans listed for one number (the total still covers every document)


def values_field() -> ID:
    """A column-only field: read per document without decoding the stored fields."""
    field = ID(sortable=True)
    field.indexed = False
    return field


def _kinds() -> list[str]:
    return [k.kind for k in load_kinds()]


def add_fields(docs: list[dict[str, Any]], notice: Notice) -> None:
    """Give the notice document (first, its ``text`` the simplified full text) and each problem
    document its figures."""
    found = notice_figures(docs[0]["text"], notice)
    for doc in docs:
        figs = found.notice if doc["kind"] == "notice" else found.problems.get(doc["n"], [])
        if not figs:
            continue
        doc[FIGURES_FIELD] = json.dumps([f.to_dict() for f in figs], ensure_ascii=False)
        doc[VALUES_FIELD] = json.dumps(_values(figs), ensure_ascii=False, separators=(",", ":"))


def _values(figs: list[Figure]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for f in figs:
        v = out.setdefault(f.kind, [0.0, 0.0])
        v[1] += f.value
        if f.counted:
            v[0] += f.value
    return out


def stored_figures(fields: dict[str, Any]) -> list[Figure]:
    raw = fields.get(FIGURES_FIELD)
    return [Figure.from_dict(d) for d in json.loads(raw)] if raw else []


# -- per-generation matrices ------------------------------------------------------------------


def _segment_values(reader: Any, kinds: list[str]) -> tuple[np.ndarray, ...]:
    """A segment's figure sums, sparse: (local documents, kind rows, counted, own)."""
    from indexer import postings

    row = {k: i for i, k in enumerate(kinds)}
    docs, rows, counted, own = [], [], [], []
    for doc, raw in enumerate(postings.column(reader, VALUES_FIELD, "")):
        if not raw:
            continue
        for kind, (c, o) in json.loads(raw).items():
            if kind in row:
                docs.append(doc)
                rows.append(row[kind])
                counted.append(c)
                own.append(o)
    return (
        np.array(docs, dtype=np.int64),
        np.array(rows, dtype=np.int64),
        np.array(counted, dtype=np.float64),
        np.array(own, dtype=np.float64),
    )


_by_generation: weakref.WeakKeyDictionary[Any, tuple[list[str], np.ndarray, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def matrices(gen: Any) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(kinds, counted, own): kind × document float64 sums, built once per generation (kept
    with it, not in its postings cache) from each segment's sparse values (once per segment)."""
    kinds = _kinds()
    with _lock:
        found = _by_generation.get(gen)
    if found is not None and found[0] == kinds:
        return found
    counted = np.zeros((len(kinds), gen.n), dtype=np.float64)
    own = np.zeros((len(kinds), gen.n), dtype=np.float64)
    for reader, offset in gen.leaves:
        docs, rows, c, o = gen.segments.get(
            reader, f"figvals:{','.join(kinds)}", lambda r=reader: _segment_values(r, kinds)
        )
        counted[rows, docs + offset] = c
        own[rows, docs + offset] = o
    found = (kinds, counted, own)
    with _lock:
        _by_generation[gen] = found
    return found


# -- sums of a search -------------------------------------------------------------------------


@dataclass
class Selection:
    """The documents a search selects and which figures of theirs add up."""

    ids: np.ndarray  # document numbers, ascending
    problems_only: bool  # True: the problems' own figures (a type filter); else counted ones


def select(gen: Any, query: str, filters: dict[str, str] | None) -> Selection:
    from indexer.results import _matches

    problems = _matches(gen, query, "problem", filters).ids
    if (filters or {}).get("type"):
        return Selection(np.asarray(problems, dtype=np.int64), True)
    notices = _matches(gen, query, "notice", filters).ids
    ids = np.union1d(np.asarray(problems, np.int64), np.asarray(notices, np.int64))
    return Selection(ids, False)


def _shown(gen: Any, name: str, values: list[Any]) -> list[bool]:
    """Whether a facet value is a real value: not empty, and not a numeric column's filler
    for a missing value (an undated notice has no year)."""
    from whoosh.fields import NUMERIC

    field = gen.searcher.schema[name]
    missing = field.from_column_value(field.default) if isinstance(field, NUMERIC) else None
    return [v not in (None, "", 0) and v != missing for v in values]


def _label(value: Any, shown: bool) -> str:
    return str(value) if shown else "未注明"


def sums(gen: Any, query: str = "", filters: dict[str, str] | None = None) -> dict[str, Any]:
    """Totals per kind and per kind × value of each dimension, for one search."""
    kinds, counted, own = matrices(gen)
    sel = select(gen, query, filters)
    weights = own if sel.problems_only else counted
    columns = gen.facet_columns()
    kind_rows = [i for i, k in enumerate(kinds) if summable(k)]
    out: dict[str, Any] = {
        "basis": "problems" if sel.problems_only else "counted",
        "totals": {kinds[i]: _num(weights[i, sel.ids].sum()) for i in kind_rows},
        "by": {},
    }
    problem_ids = sel.ids[gen.kind("problem")[sel.ids]] if len(sel.ids) else sel.ids
    for name, _, _ in DIMENSIONS:
        values, codes, docs = columns[name]
        shown = _shown(gen, name, values)
        if docs is None:
            pick_docs, pick_codes, w = sel.ids, codes[sel.ids], weights
        else:
            # A problem type: the problems' own figures (a notice summary has no type).
            mask = np.zeros(gen.n, dtype=bool)
            mask[problem_ids] = True
            keep = mask[docs]
            pick_docs, pick_codes, w = docs[keep], codes[keep], own
        table: dict[str, dict[str, float]] = {}
        for i in kind_rows:
            s = np.bincount(pick_codes, weights=w[i, pick_docs], minlength=len(values))
            for code in np.flatnonzero(s).tolist():
                label = _label(values[code], bool(shown[code]))
                row = table.setdefault(label, {})
                row[kinds[i]] = _num(row.get(kinds[i], 0) + s[code])
        out["by"][name] = table
    return out


def _num(x: float) -> float | int:
    x = round(float(x), 4)
    return int(x) if x.is_integer() else x


def spans(
    gen: Any, kind: str, query: str = "", filters: dict[str, str] | None = None
) -> dict[str, Any]:
    """The figures of one kind that a sum of this search adds up, largest documents first."""
    kinds, counted, own = matrices(gen)
    if kind not in kinds:
        raise ValueError(kind)
    sel = select(gen, query, filters)
    weights = (own if sel.problems_only else counted)[kinds.index(kind)]
    ids = sel.ids[weights[sel.ids] != 0] if len(sel.ids) else sel.ids
    order = ids[np.argsort(-weights[ids], kind="stable")]
    items = []
    for docnum in order[:MAX_LISTED].tolist():
        fields, _ = gen.document(int(docnum))
        for f in stored_figures(fields):
            if f.kind == kind and (f.counted or sel.problems_only):
                items.append((fields, f))
    return {
        "kind": kind,
        "basis": "problems" if sel.problems_only else "counted",
        "documents": len(ids),
        "total": _num(weights[ids].sum()),
        "listed_documents": min(len(ids), MAX_LISTED),
        "items": items,
    }
