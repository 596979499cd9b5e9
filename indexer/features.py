"""What a problem is about, as discrete features for finding similar problems.

Features are the problem's types (``T:``), the jieba search-mode words of its statement
(``W:``: title, sub-problem titles and the sentence that says what went wrong) and the
titles' character bigrams (``B:``), genre boilerplate removed. They are indexed in one
field, so similarity is a weighted overlap: a rare shared word counts more than a common
one (see ``similar``). Routine words of the genre (``data/similar_stopwords.txt``) are
left out of what is looked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from indexer import analysis, taxonomy
from indexer.domain import DATA_DIR, content_lines, load_userdict_words
from indexer.thesaurus import load_boilerplate, load_thesaurus

TYPE_BOOST = 6.0
WORD_BOOST = 1.0
SYNONYM_BOOST = 0.7
BIGRAM_BOOST = 0.5
BODY_TERM_BOOST = 0.5
MENTIONED_TYPE_BOOST = 0.5
BODY_WORD_BOOST = 0.5
STATEMENT_BOOST = 0.8  # a statement word that is not in the title
STATEMENT_BIGRAMS = True
EXPAND_STATEMENT = True  # statement words get thesaurus alternatives as title words do

STOPWORDS_FILE = DATA_DIR / "similar_stopwords.txt"
# Bump when the indexed features change: the index is then rebuilt (see writing.fingerprint).
FEATURES_VERSION = "4"


@cache
def load_stopwords() -> frozenset[str]:
    """Routine words of the genre that say nothing about what went wrong."""
    return frozenset(analysis.fold(line) for _, line in content_lines(STOPWORDS_FILE))


def fingerprint() -> str:
    """What shapes the indexed features (a change means a rebuild). The stop-list is not
    part of it: it only changes what is looked for."""
    return f"features{FEATURES_VERSION}"


def statement_words(text: str, title_words: Sequence[str] = ()) -> list[str]:
    """Words of the sentence that states the problem, not already in the title."""
    have = set(title_words)
    return [w for w in _words(taxonomy.statement(text)) if w not in have] if text else []


@cache
def _boiler() -> frozenset[str]:
    """The boilerplate words, loaded once (``load_boilerplate`` resolves its path each call,
    and features are computed for every similar-problem request)."""
    return load_boilerplate()


@cache
def _boiler_bigrams() -> frozenset[str]:
    grams: set[str] = set()
    for w in _boiler():
        grams.update(analysis.query_bigrams(w) if len(w) >= 2 else [])
    return frozenset(grams)


def _words(text: str) -> list[str]:
    boiler = _boiler()
    out: list[str] = []
    for w in analysis.tokenizer().cut_for_search(analysis.fold(text), HMM=True):
        w = w.strip()
        if len(w) < 2 or w in boiler or w.isdigit() or not all(c.isalnum() for c in w):
            continue
        if w not in out:
            out.append(w)
    return out


def body_words(text: str) -> list[str]:
    """The words of a whole problem text as the ``words`` field holds them (jieba's
    default mode), boilerplate removed, in order of first use."""
    boiler = _boiler()
    out: list[str] = []
    for w, _, _ in analysis.words(text):
        if len(w) >= 2 and w not in boiler and not w.isdigit() and w not in out:
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
    words: list[str] = []
    for text in (title, *subtitles):
        words += _words(text)
        out += [f"W:{w}" for w in _words(text)]
        out += [f"B:{g}" for g in _bigrams(text)]
    out += [f"W:{w}" for w in statement_words(body, words)]
    if STATEMENT_BIGRAMS and body:
        out += [f"B:{g}" for g in _bigrams(taxonomy.statement(body))]
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
    stop = load_stopwords()
    feats = [
        f for f in features(title, subtitles, types) if not f.startswith("D:") and f[2:] not in stop
    ]
    out: list[tuple[str, float]] = []
    # A problem's types share one type weight: a secondary type must not outweigh words.
    boost = {"T": TYPE_BOOST / max(1, len(types)) ** 0.5, "W": WORD_BOOST, "B": BIGRAM_BOOST}
    for f in feats:
        if boost[f[0]] > 0:
            out.append((f, boost[f[0]]))
    words = [f[2:] for f in feats if f.startswith("W:")]
    if STATEMENT_BOOST > 0:
        stated = [w for w in statement_words(body, words) if w not in stop]
        out += [(f"W:{w}", STATEMENT_BOOST) for w in stated]
        feats += [f"W:{w}" for w in stated]
        if EXPAND_STATEMENT:
            words = words + stated
    if STATEMENT_BIGRAMS and body:
        have_b = {f for f, _ in out}
        grams = [f"B:{g}" for g in _bigrams(taxonomy.statement(body)) if g not in stop]
        out += [(g, BIGRAM_BOOST) for g in grams if g not in have_b]
    thes = load_thesaurus()
    have = set(feats)
    for w in words:
        for alt, _rel in thes.expand(w):
            for a in _words(alt):
                if f"W:{a}" not in have and a not in stop:
                    have.add(f"W:{a}")
                    out.append((f"W:{a}", SYNONYM_BOOST))
    for w in body_terms(body):
        if f"W:{w}" not in have and w not in stop:
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
