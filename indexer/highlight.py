"""Highlighting on the literal stream, so marks agree with what matched.

A term matches where its letters, digits and CJK characters occur in order with only
punctuation or spaces between them; the mark covers that stretch of the original text.
The whole text is scanned (no size cut-off) and everything is HTML-escaped, with
``<mark>`` as the only markup.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from functools import lru_cache
from html import escape

from indexer.analysis import literal_chars

SNIPPET_CHARS = 160


@lru_cache(maxsize=4096)
def needle(term: str) -> str:
    """What a term looks for in a literal stream."""
    return "".join(c for c, _ in literal_chars(term))


class LiteralText:
    """A text's literal stream, computed once for every term looked up in it."""

    __slots__ = ("joined", "offsets")

    def __init__(self, text: str) -> None:
        stream = literal_chars(text)
        self.joined = "".join(c for c, _ in stream)
        self.offsets = array("I", [i for _, i in stream])

    def contains(self, term: str) -> bool:
        n = needle(term)
        return bool(n) and n in self.joined

    def spans(self, terms: Sequence[str]) -> list[tuple[int, int]]:
        """Merged (start, end) spans where any of ``terms`` occurs literally."""
        if not self.joined:
            return []
        joined, offsets = self.joined, self.offsets
        spans: list[tuple[int, int]] = []
        for term in terms:
            n = needle(term)
            if not n:
                continue
            start = joined.find(n)
            while start >= 0:
                end = start + len(n) - 1
                spans.append((offsets[start], offsets[end] + 1))
                start = joined.find(n, start + 1)
        spans.sort()
        merged: list[tuple[int, int]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged


def match_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of ``text`` where any of ``terms`` occurs literally."""
    return LiteralText(text).spans(terms)


def mark(text: str, spans: Sequence[tuple[int, int]], lo: int = 0, hi: int | None = None) -> str:
    """``text[lo:hi]`` escaped, with ``spans`` wrapped in <mark>."""
    hi = len(text) if hi is None else hi
    out: list[str] = []
    pos = lo
    for a, b in spans:
        if b <= lo or a >= hi:
            continue
        a, b = max(a, lo), min(b, hi)
        out.append(escape(text[pos:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    out.append(escape(text[pos:hi]))
    return "".join(out)


def highlight(text: str, terms: Sequence[str]) -> str:
    """The whole text, escaped, with every match marked."""
    return mark(text, match_spans(text, terms))


def excerpt(
    text: str,
    terms: Sequence[str],
    size: int = SNIPPET_CHARS,
    spans: Sequence[tuple[int, int]] | None = None,
) -> tuple[str, list[tuple[int, int]]]:
    """A plain-text window of about ``size`` characters around the densest cluster of
    matches, with the matches' (start, end) offsets in it (``spans``: the matches in
    ``text.strip()`` when the caller has them). The web layer alone turns them into marks."""
    text = text.strip()
    if spans is None:
        spans = match_spans(text, terms)
    if len(text) <= size:
        return text, list(spans)
    if not spans:
        return text[:size] + "…", []
    # The window start that covers the most matches.
    best_start, best_count = spans[0][0], 0
    j = 0
    for i, (a, _) in enumerate(spans):
        while j < len(spans) and spans[j][1] <= a + size:
            j += 1
        if j - i > best_count:
            best_start, best_count = a, j - i
    lo = max(0, best_start - size // 4)
    # Start at a sentence or clause boundary when one is near.
    for k in range(best_start, max(lo - 1, best_start - size // 3), -1):
        if k > 0 and text[k - 1] in "。；;！？!?\n":
            lo = k
            break
    hi = min(len(text), lo + size)
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    shift = len(prefix) - lo
    inside = [(max(a, lo) + shift, min(b, hi) + shift) for a, b in spans if b > lo and a < hi]
    return prefix + text[lo:hi].replace("\n", " ") + suffix, inside


def snippet(
    text: str,
    terms: Sequence[str],
    size: int = SNIPPET_CHARS,
    spans: Sequence[tuple[int, int]] | None = None,
) -> str:
    """The excerpt as HTML: escaped, with every match in <mark>."""
    plain, inside = excerpt(text, terms, size, spans)
    return mark(plain, inside)
