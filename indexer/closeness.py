"""How alike two problems read: a TF-IDF cosine of their character bigrams.

The feature score (``similar``) knows the genre: types, statement words, the thesaurus. It
misses what no list names — two problems stating the same thing in words nobody listed —
and a plain bigram cosine catches exactly that, knowing nothing. On the judged splits
the two together rank better than either (see tests/data/heldout/SCORES.md), so the best
candidates of the feature score are re-ranked by the feature relevance plus
``WEIGHT`` × this cosine.

The title counts ``TITLE_REPEAT`` times (it states the problem), the text's first
``MAX_CHARS`` literal characters once; a bigram's weight is (1 + log tf) × log(N / df),
with df from the index's literal field (``Generation.doc_frequencies``).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from indexer.analysis import query_bigrams
from indexer.generation import Generation

TITLE_REPEAT = 3
MAX_CHARS = 1000
LITERAL_FIELD = "lit"


def bigram_counts(title: str, literal_text: str) -> Counter[str]:
    """The bigrams of a problem: its title's ``TITLE_REPEAT`` times, then those of its
    literal stream (folded letters and digits, see ``highlight.LiteralText.joined``)."""
    counts: Counter[str] = Counter()
    grams = [g for g in query_bigrams(title) if len(g) == 2]
    for _ in range(TITLE_REPEAT):
        counts.update(grams)
    text = literal_text[:MAX_CHARS]
    counts.update(text[i : i + 2] for i in range(len(text) - 1))
    return counts


def unit_vectors(gen: Generation, counts: list[Counter[str]]) -> list[dict[str, float]]:
    """TF-IDF vectors of unit length; bigrams the index does not hold are left out."""
    vocab = sorted(set().union(*counts)) if counts else []
    df = gen.doc_frequencies(LITERAL_FIELD, vocab)
    n = max(gen.searcher.doc_count_all(), 1)
    idf = {g: math.log(n / d) for g, d in zip(vocab, np.asarray(df).tolist(), strict=True) if d > 0}
    out = []
    for c in counts:
        v = {g: (1.0 + math.log(k)) * idf[g] for g, k in c.items() if g in idf}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({g: x / norm for g, x in v.items()})
    return out


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    # The shared bigrams are few: intersect the keys (in C) rather than look each one up.
    return sum(a[g] * b[g] for g in a.keys() & b.keys())
