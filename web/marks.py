"""Query words inside one document: where they are (spans, for the JSON twin) and how the
page shows them (``<mark id="hit-k">``, numbered in page order, with previous/next links).

The indexer gives plain text and ``[start, end)`` offsets; only this module writes marks,
so every page marks text the same way and escapes everything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from indexer.compiling import compile_query
from indexer.highlight import match_spans
from indexer.querying import parse
from web.errors import BadParameter
from web.limits import QueryShape
from web.params import MAX_Q


def checked_query(raw: str | None) -> str:
    """The ``q`` of a document page, refused (400) as a search would refuse it."""
    q = (raw or "").strip()
    if len(q) > MAX_Q:
        raise BadParameter(f"检索词过长（{len(q)} 字），上限 {MAX_Q} 字")
    reason = QueryShape.of(q).refusal()
    if reason:
        raise BadParameter(reason)
    return q


@lru_cache(maxsize=256)
def _terms(q: str, expand: bool) -> tuple[str, ...]:
    return tuple(dict.fromkeys(compile_query(parse(q), expand=expand).terms))


def query_terms(q: str) -> list[str]:
    """The literal strings a query marks: its words and their thesaurus alternatives, as
    in the search snippets (so what was marked in the hit is marked on the page); negated
    words and filters mark nothing."""
    return list(_terms(q, True)) if q else []


def query_words(q: str) -> list[str]:
    """The query's own words, without thesaurus alternatives."""
    return list(_terms(q, False)) if q else []


@dataclass
class Marked:
    """One piece of text on a page: its matches and the number of its first one."""

    spans: list[list[int]] = field(default_factory=list)
    first: int = 0  # number (1-based, page order) of the first span; 0 when none

    def to_dict(self) -> dict[str, Any]:
        return {"highlights": self.spans, "first_hit": self.first or None}


class Marker:
    """Numbers the matches of a query over the pieces of one page, in page order."""

    def __init__(self, terms: Sequence[str]) -> None:
        self.terms = list(terms)
        self.total = 0
        self.positions: list[dict[str, Any]] = []

    def piece(self, text: str, **where: Any) -> Marked:
        """The matches in ``text``; ``where`` says where it is (for the JSON twin)."""
        if not self.terms or not text:
            return Marked()
        spans = [[a, b] for a, b in match_spans(text, self.terms)]
        if not spans:
            return Marked()
        first = self.total + 1
        for a, b in spans:
            self.total += 1
            self.positions.append(
                {"hit": self.total, **where, "start": a, "end": b, "text": text[a:b]}
            )
        return Marked(spans, first)

    def summary(self, q: str) -> dict[str, Any]:
        """The JSON twin's ``matches``: ``found`` is the distinct marked texts, in order."""
        found = list(dict.fromkeys(p["text"] for p in self.positions))
        return {
            "q": q,
            "terms": self.terms,
            "found": found,
            "total": self.total,
            "positions": self.positions,
        }


def marked(text: str, m: Marked | dict[str, Any] | None, total: int = 0) -> Markup:
    """``text`` escaped, each match in ``<mark id="hit-k">`` followed by its "第 k/N 处"
    with previous/next links (shown by CSS when the mark is the page's target)."""
    if m is None:
        return escape(text)
    spans = m.spans if isinstance(m, Marked) else m.get("highlights") or []
    k = m.first if isinstance(m, Marked) else m.get("first_hit") or 0
    out: list[str] = []
    pos = 0
    for a, b in spans:
        a, b = max(a, pos), min(b, len(text))
        if a >= b:
            continue
        out.append(escape(text[pos:a]))
        out.append(Markup('<mark id="hit-{}" class="qhit">{}</mark>').format(k, text[a:b]))
        out.append(hit_nav(k, total))
        pos = b
        k += 1
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def hit_nav(k: int, total: int) -> Markup:
    """第 k/N 处 with plain anchors to the previous and next match."""
    prev = (
        Markup('<a href="#hit-{}" rel="prev">上一处</a>').format(k - 1)
        if k > 1
        else Markup('<span class="off">上一处</span>')
    )
    nxt = (
        Markup('<a href="#hit-{}" rel="next">下一处</a>').format(k + 1)
        if k < total
        else Markup('<span class="off">下一处</span>')
    )
    return Markup(
        '<span class="hitnav" data-testid="hitnav">第 {}/{} 处 {} {} '
        '<a href="#hits">列表</a></span>'
    ).format(k, total, prev, nxt)


def excerpt_marked(text: str, spans: Sequence[Sequence[int]]) -> Markup:
    """A search excerpt with its matches in plain ``<mark>`` (no numbering)."""
    out: list[str] = []
    pos = 0
    for a, b in spans:
        a, b = max(a, pos), min(b, len(text))
        if a >= b:
            continue
        out.append(escape(text[pos:a]))
        out.append(Markup("<mark>{}</mark>").format(text[a:b]))
        pos = b
    out.append(escape(text[pos:]))
    return Markup("").join(out)
