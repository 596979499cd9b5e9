"""Cited documents across the archive: which rules units issued, which material they studied.

At index time each problem (and each notice's organising sections) gets its citations
(``archive.citations``) as a stored JSON list, a literal field of the titles for the query
language's ``doc:`` and ``kind|verb|normalised title`` keywords. The listing of distinct
titles, with their problem counts, notices, verbs and issuing units, is computed from those
keywords' postings and the organisation column of one index generation (numpy, no stored
field read), under any search filter.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from archive.citations import KINDS, TITLES_PATH, VERBS_PATH, Citation
from indexer import postings

KEY_FIELD = "doc_keys"
MAX_UNITS = 5  # issuing units named per title (the rest are counted)


def fingerprint() -> str:
    """The citation word lists: editing them changes what is indexed (a full rebuild)."""
    h = hashlib.sha256()
    for path in (VERBS_PATH, TITLES_PATH):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _key(c: Citation) -> str:
    clean = c.normalised.replace(",", "，").replace("|", "｜")
    return f"{c.kind}|{c.verb}|{clean}"


def citation_fields(cites: list[Citation]) -> dict[str, Any]:
    """The index fields of one document's citations (none when it cites nothing)."""
    if not cites:
        return {"citations": "[]"}
    titles: list[str] = []
    for c in cites:
        for t in (c.normalised, c.title):
            if t not in titles:
                titles.append(t)
    keys = list(dict.fromkeys(_key(c) for c in cites))
    return {
        "citations": json.dumps([c.to_dict() for c in cites], ensure_ascii=False),
        "doc_lit": "\n".join(titles),
        KEY_FIELD: ",".join(keys),
    }


def stored_citations(fields: dict[str, Any]) -> list[dict[str, Any]]:
    """A document's citations as dicts (an index built before citations: none)."""
    raw = fields.get("citations") or "[]"
    try:
        value = json.loads(raw)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


@dataclass
class TitleRow:
    """One normalised title of one kind, counted over the selected documents."""

    title: str
    kind: str
    problems: int  # problems whose text cites it
    notices: int  # notices citing it (in a problem or the organising sections)
    units: int  # distinct organisations
    top_units: list[tuple[str, int]] = field(default_factory=list)
    verbs: list[tuple[str, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "kind": self.kind,
            "problems": self.problems,
            "notices": self.notices,
            "units": self.units,
            "top_units": [{"name": n, "count": c} for n, c in self.top_units],
            "verbs": [{"verb": v, "count": c} for v, c in self.verbs],
        }


@dataclass
class Listing:
    rows: list[TitleRow]
    total: int  # titles matching (all pages)
    kinds: dict[str, int]  # titles matching per kind, whatever kind is chosen
    messages: list[str] = field(default_factory=list)


def _pairs(gen: Any) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(values, docs, codes) of the key field over live documents."""
    values, d, c = gen.keyword_pairs(KEY_FIELD)
    keep = gen.live[d]
    return values, d[keep], c[keep]


def _column(gen: Any, name: str) -> tuple[list[Any], np.ndarray]:
    """A sortable stored column as (distinct values, code per global document)."""
    vocab: dict[Any, int] = {}
    codes = np.zeros(gen.n, dtype=np.int32)
    for reader, offset in gen.leaves:
        local = gen.segments.get(
            reader, f"cite-col:{name}", lambda r=reader: postings.column(r, name)
        )
        lut = [vocab.setdefault(v, len(vocab)) for v in local]
        if lut:
            codes[offset : offset + len(lut)] = np.array(lut, dtype=np.int32)
    return list(vocab), codes


def _allowed(gen: Any, filters: dict[str, str] | None, messages: list[str]) -> np.ndarray:
    """Problems and notices passing the search filters (a boolean mask)."""
    from indexer.results import _matches  # the search's own filter evaluation

    mask = np.zeros(gen.n, dtype=bool)
    for kind in ("problem", "notice"):
        m = _matches(gen, "", kind, filters)
        mask[m.ids] = True
        for msg in m.messages:
            if msg not in messages:
                messages.append(msg)
    return mask


def _matches_words(title: str, words: list[str]) -> bool:
    low = title.lower()
    return all(w in low for w in words)


def list_titles(
    gen: Any,
    q: str = "",
    kind: str = "",
    filters: dict[str, str] | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Listing:
    """Normalised titles containing every word of ``q`` (of one kind, or all), most cited
    first, with problem and notice counts, verbs and the units citing them."""
    messages: list[str] = []
    values, docs, codes = _pairs(gen)
    allowed = _allowed(gen, filters, messages)
    keep = allowed[docs]
    docs, codes = docs[keep], codes[keep]
    words = [w.lower() for w in q.split() if w]
    groups: dict[tuple[str, str], int] = {}
    group_of = np.full(len(values) + 1, -1, dtype=np.int64)
    for code, value in enumerate(values):
        k, _, title = (value.split("|", 2) + ["", ""])[:3]
        if k not in KINDS or not _matches_words(title, words):
            continue
        group_of[code] = groups.setdefault((k, title), len(groups))
    names = list(groups)
    g = group_of[codes] if len(codes) else np.zeros(0, np.int64)
    sel = g >= 0
    docs, codes, g = docs[sel], codes[sel], g[sel]
    G = max(len(names), 1)
    # One (document, title) pair per document, whatever verbs it used.
    uniq = np.unique(docs.astype(np.int64) * G + g)
    udocs, ug = (uniq // G).astype(np.int64), (uniq % G).astype(np.int64)
    problem_mask = gen.kind("problem")
    problems = np.bincount(ug[problem_mask[udocs]], minlength=G)
    _, ncodes = _column(gen, "notice_id")
    ovals, ocodes = _column(gen, "organisation")
    nn = np.unique(ncodes[udocs].astype(np.int64) * G + ug) % G
    notices = np.bincount(nn, minlength=G)
    on = np.unique(ocodes[udocs].astype(np.int64) * G + ug) % G
    units = np.bincount(on, minlength=G)
    cited = np.bincount(ug, minlength=G)  # problems and organising sections citing it
    present = [i for i in range(len(names)) if cited[i] > 0]  # under the filters
    kinds = {k: sum(1 for i in present if names[i][0] == k) for k in KINDS}
    chosen = [i for i in present if not kind or names[i][0] == kind]
    order = sorted(chosen, key=lambda i: (-int(cited[i]), -int(notices[i]), names[i][1]))
    lo = (max(page, 1) - 1) * per_page
    rows = []
    for i in order[lo : lo + per_page]:
        at = udocs[ug == i]
        counts = np.bincount(ocodes[at], minlength=len(ovals))
        top = [
            (ovals[j], int(counts[j]))
            for j in np.argsort(-counts, kind="stable")[:MAX_UNITS]
            if counts[j] > 0
        ]
        vcounts: dict[str, int] = {}
        for code in np.unique(codes[g == i]).tolist():
            v = values[code].split("|", 2)[1]
            vcounts[v] = vcounts.get(v, 0) + int(np.count_nonzero(codes == code))
        verbs = sorted(vcounts.items(), key=lambda x: (-x[1], x[0]))
        k, title = names[i]
        rows.append(
            TitleRow(title, k, int(problems[i]), int(notices[i]), int(units[i]), top, verbs)
        )
    return Listing(rows, len(chosen), kinds, messages)
