"""Help when a query goes wrong: "did you mean" corrections and how a stray quote was read.

A word typed one character off a frequent term (公务接侍 for 公务接待) finds nothing, and
the user cannot tell a typo from an empty archive. Corrections come from the index's own
vocabulary — the jieba words of the indexed texts that occur in at least ``MIN_DF``
documents, and the domain dictionary's words that occur at all — so a suggestion is
always a word the archive holds, and it is offered only when the corrected query finds
more than the query as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from archive.normalize import normalize
from indexer.domain import load_userdict_words
from indexer.querying import parse, positive_words

MIN_TERM = 3  # a shorter typed word has too many neighbours to guess from
MAX_WORD = 8  # longer vocabulary words are rare and would only cost memory
MIN_DF = 2  # an index word must occur in this many documents to be offered
FEW = 5  # a query finding fewer results than this gets suggestions
MAX_TERMS = 6  # typed words looked at per query
MAX_SUGGESTIONS = 3
CANDIDATES = 2  # corrections tried per typed word
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_GAP = "\0"  # stands for the replaced character in a substitution key


@dataclass(frozen=True)
class Correction:
    """One typed word and the vocabulary word offered instead."""

    typed: str
    word: str


@dataclass(frozen=True)
class Suggestion:
    """A corrected query, what was changed, and how many results it finds."""

    query: str
    corrections: tuple[Correction, ...]
    total: int


class Vocabulary:
    """Words with their document frequency, indexed for one-character-off look-ups."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self._subst: dict[str, list[str]] = {}
        self._shorter: dict[str, list[str]] = {}
        for w in counts:
            if len(w) >= MIN_TERM:
                for i in range(len(w)):
                    self._subst.setdefault(w[:i] + _GAP + w[i + 1 :], []).append(w)
            if len(w) > MIN_TERM:
                for i in range(len(w)):
                    self._shorter.setdefault(w[:i] + w[i + 1 :], []).append(w)

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def __len__(self) -> int:
        return len(self.counts)

    def neighbours(self, typed: str) -> list[str]:
        """Words one character off ``typed`` (one replaced, missing or extra, or two
        neighbours swapped), most frequent first."""
        found: set[str] = set(self._shorter.get(typed, ()))
        for i in range(len(typed)):
            found.update(self._subst.get(typed[:i] + _GAP + typed[i + 1 :], ()))
            dropped = typed[:i] + typed[i + 1 :]
            if len(dropped) >= 2 and dropped in self.counts:
                found.add(dropped)
        for i in range(len(typed) - 1):
            swapped = typed[:i] + typed[i + 1] + typed[i] + typed[i + 2 :]
            if swapped in self.counts:
                found.add(swapped)
        found.discard(typed)
        return sorted(found, key=lambda w: (-self.counts[w], w))


def _is_word(text: str) -> bool:
    return 2 <= len(text) <= MAX_WORD and bool(_CJK.match(text))


def build_vocabulary(reader: Any) -> Vocabulary:
    """The vocabulary of one index reader's ``words`` field plus the domain dictionary."""
    counts: dict[str, int] = {}
    # Segment by segment: a multi-segment reader's iter_field merges each term's statistics
    # across segments, some 15 times slower (8 s instead of 0.5 s at 10 000 notices).
    for leaf, _ in reader.leaf_readers():
        for raw, info in leaf.iter_field("words"):
            word = raw.decode() if isinstance(raw, bytes) else raw
            if _is_word(word):
                counts[word] = counts.get(word, 0) + info.doc_frequency()
    known = {normalize(w).lower() for w in load_userdict_words()}
    return Vocabulary({w: n for w, n in counts.items() if n >= MIN_DF or (w in known and n > 0)})


def vocabulary(index: Any) -> Vocabulary:
    """The vocabulary of the index's current generation, built once per generation."""

    def compute() -> Vocabulary:
        with index.reading() as searcher:
            return build_vocabulary(searcher.reader())

    return index.cached(("suggest-vocabulary",), compute)


def typed_words(query: str) -> list[str]:
    """The searched words of ``query`` that could be typos: Chinese only, long enough."""
    out: list[str] = []
    for w in positive_words(parse(query)):
        text = normalize(w.text).lower()
        if len(text) >= MIN_TERM and _CJK.match(text) and text not in out:
            out.append(text)
    return out[:MAX_TERMS]


def _replace(query: str, typed: str, word: str) -> str:
    if typed in query:
        return query.replace(typed, word)
    return normalize(query).replace(typed, word)


def suggest(
    index: Any,
    query: str,
    total: int,
    kind: str = "problem",
    filters: dict[str, str] | None = None,
) -> list[Suggestion]:
    """Corrected queries for a query that found fewer than ``FEW`` results (``total``),
    each finding more than it; the best first. Empty when nothing looks mistyped."""
    if total >= FEW or not query.strip():
        return []
    words = typed_words(query)
    if not words:
        return []
    vocab = vocabulary(index)
    options: list[tuple[str, list[str]]] = []
    for typed in words:
        if typed in vocab:
            continue
        if index.search(f'"{typed}"', kind=kind, filters=filters, per_page=1).total >= FEW:
            continue  # found often as written: not a typo, whatever else is missing
        found = vocab.neighbours(typed)[:CANDIDATES]
        if found:
            options.append((typed, found))
    if not options:
        return []
    tries = [[(t, found[0]) for t, found in options]]  # every word at its best guess
    for i, (typed, found) in enumerate(options):
        for other in found[1:]:
            tries.append(
                [(t, f[0]) if j != i else (typed, other) for j, (t, f) in enumerate(options)]
            )
    out: list[Suggestion] = []
    for changes in tries:
        corrected = query
        for typed, word in changes:
            corrected = _replace(corrected, typed, word)
        n = index.search(corrected, kind=kind, filters=filters, per_page=1).total
        if n > total and all(s.query != corrected for s in out):
            out.append(Suggestion(corrected, tuple(Correction(t, w) for t, w in changes), n))
    out.sort(key=lambda s: -s.total)
    return out[:MAX_SUGGESTIONS]


def quote_reading(query: str) -> str | None:
    """How a query with an unclosed quote was read (the quote runs to the end of the
    query, as ``querying`` reads it), or None when its quotes pair up."""
    text = normalize(query).replace("“", '"').replace("”", '"')
    if text.count('"') % 2 == 0:
        return None
    i = text.rfind('"')
    head, tail = text[:i].strip(), text[i + 1 :].strip()
    if not tail:
        return head
    return f'{head} "{tail}"'.strip()
