"""What a problem is about, as discrete features for finding similar problems.

Features are the problem's types (``T:``), the jieba search-mode words of its title and
sub-problem titles (``W:``) and the title's character bigrams (``B:``), genre boilerplate
removed. They are indexed in one field scored by idf alone, so similarity is a weighted
overlap: a rare shared word counts more than a common one, a shared type most of all.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from indexer import analysis, taxonomy
from indexer.domain import load_userdict_words
from indexer.thesaurus import load_boilerplate, load_thesaurus

TYPE_BOOST = 6.0
WORD_BOOST = 1.0
SYNONYM_BOOST = 0.7
BIGRAM_BOOST = 0.5
BODY_TERM_BOOST = 0.5
MENTIONED_TYPE_BOOST = 0.5
BODY_WORD_BOOST = 0.5


@cache
def _boiler_bigrams() -> frozenset[str]:
    grams: set[str] = set()
    for w in load_boilerplate():
        grams.update(analysis.query_bigrams(w) if len(w) >= 2 else [])
    return frozenset(grams)


def _words(text: str) -> list[str]:
    boiler = load_boilerplate()
    out: list[str] = []
    for w in analysis.tokenizer().cut_for_search(analysis.fold(text), HMM=True):
        w = w.strip()
        if len(w) < 2 or w in boiler or w.isdigit() or not all(c.isalnum() for c in w):
            continue
        if w not in out:
            out.append(w)
    return out


def _bigrams(text: str) -> list[str]:
    boiler = _boiler_bigrams()
    out: list[str] = []
    for g in analysis.query_bigrams(text):
        if len(g) == 2 and g not in boiler and not g.isdigit() and g not in out:
            out.append(g)
    return out


def features(
    title: str, subtitles: Sequence[str] = (), types: Sequence[str] = (), body: str = ""
) -> list[str]:
    """The indexed features of a problem, in a stable order.

    ``D:`` features are the domain terms its body names (三会一课 in the measures): another
    problem whose title says 三会一课 is related, and this costs a short posting list
    instead of a search over every word of every text.
    """
    out = [f"T:{t}" for t in types]
    for text in (title, *subtitles):
        out += [f"W:{w}" for w in _words(text)]
        out += [f"B:{g}" for g in _bigrams(text)]
    out += [f"D:{w}" for w in body_terms(body)]
    seen: set[str] = set()
    return [f for f in out if not (f in seen or seen.add(f))]


@cache
def _domain_terms() -> tuple[str, ...]:
    return tuple(sorted({analysis.fold(w) for w in load_userdict_words()}, key=len, reverse=True))


@cache
def _domain_set() -> frozenset[str]:
    return frozenset(_domain_terms())


def body_terms(text: str) -> list[str]:
    """Domain terms (the segmentation dictionary's) a problem's text mentions."""
    folded = analysis.fold(text)
    return [w for w in _domain_terms() if len(w) >= 3 and w in folded]


def query_features(
    title: str, subtitles: Sequence[str] = (), types: Sequence[str] = (), body: str = ""
) -> list[tuple[str, float]]:
    """Features to look for, with boosts.

    Thesaurus alternatives of the title words and domain terms named only in the body
    (三会一课 in the measures of a 基层党建 problem) are added as weaker evidence.
    """
    feats = [f for f in features(title, subtitles, types) if not f.startswith("D:")]
    out: list[tuple[str, float]] = []
    # A problem's types share one type weight: a secondary type must not outweigh words.
    boost = {"T": TYPE_BOOST / max(1, len(types)) ** 0.5, "W": WORD_BOOST, "B": BIGRAM_BOOST}
    for f in feats:
        if boost[f[0]] > 0:
            out.append((f, boost[f[0]]))
    words = [f[2:] for f in feats if f.startswith("W:")]
    thes = load_thesaurus()
    have = set(feats)
    for w in words:
        for alt, _rel in thes.expand(w):
            for a in _words(alt):
                if f"W:{a}" not in have:
                    have.add(f"W:{a}")
                    out.append((f"W:{a}", SYNONYM_BOOST))
    for w in body_terms(body):
        if f"W:{w}" not in have:
            have.add(f"W:{w}")
            out.append((f"W:{w}", BODY_TERM_BOOST))
    # The title's words named in other problems' bodies.
    if BODY_WORD_BOOST > 0:
        out += [(f"D:{w}", BODY_WORD_BOOST) for w in words if w in _domain_set()]
    # Types the measures touch on (三会一课 in a 基层党建 problem): weaker than its own types.
    if body:
        for t in taxonomy.tag(body):
            if f"T:{t}" not in have:
                have.add(f"T:{t}")
                out.append((f"T:{t}", MENTIONED_TYPE_BOOST))
    return out
