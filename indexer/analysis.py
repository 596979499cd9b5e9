"""Text analysis, used identically when indexing and when querying.

Two views of every text:

* the *literal* stream: every letter, digit and CJK character of the width-folded,
  lower-cased text, punctuation and spaces dropped; indexed as overlapping character
  bigrams (plus the last character alone) at sequential positions. A query is the same
  stream searched as a phrase, so whatever a text contains, a search for it finds —
  no segmentation can split it differently at query time.
* the *word* stream: jieba words of the same text, for ranking whole-word matches higher.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from whoosh.analysis import Token, Tokenizer

from archive.normalize import normalize

DATA_DIR = Path(__file__).parent / "data"
USERDICT = DATA_DIR / "userdict.txt"
ANALYSIS_VERSION = "1"

# Function words that carry nothing for ranking; literal search still finds them.
STOPWORDS = frozenset(
    "的 了 和 与 及 或 等 是 在 对 将 把 为 并 从 以 于 中 上 下 其 之 也 而 被 由 向 已".split()
)


def fold(text: str) -> str:
    """Width-folded, lower-cased text; same length as ``text``."""
    return normalize(text).lower()


def literal_chars(text: str) -> list[tuple[str, int]]:
    """The characters that count for literal matching, with their offsets in ``text``."""
    folded = fold(text)
    return [(c, i) for i, c in enumerate(folded) if c.isalnum()]


def literal_terms(text: str) -> list[str]:
    """The literal tokens of ``text``: bigrams, then the last character alone."""
    chars = [c for c, _ in literal_chars(text)]
    if not chars:
        return []
    terms = [chars[i] + chars[i + 1] for i in range(len(chars) - 1)]
    terms.append(chars[-1])
    return terms


def query_bigrams(text: str) -> list[str]:
    """What a literal query looks for: its bigrams in order, or its one character."""
    chars = [c for c, _ in literal_chars(text)]
    if len(chars) == 1:
        return chars
    return [chars[i] + chars[i + 1] for i in range(len(chars) - 1)]


class _StreamTokenizer(Tokenizer):
    """Whoosh's tokenizer protocol around ``spans(value)``, which yields (text, start, end)
    in order; positions are sequential. Stateless, so it pickles with the schema."""

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def spans(self, value: str) -> Iterator[tuple[str, int, int]]:
        raise NotImplementedError

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for i, (text, start, end) in enumerate(self.spans(value)):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class LiteralTokenizer(_StreamTokenizer):
    """The literal stream: overlapping bigrams, then the last character alone."""

    def spans(self, value: str) -> Iterator[tuple[str, int, int]]:
        stream = literal_chars(value)
        n = len(stream)
        for i, (c, off) in enumerate(stream):
            if i + 1 < n:
                nxt, noff = stream[i + 1]
                yield c + nxt, off, noff + 1
            else:
                yield c, off, off + 1


# -- jieba -----------------------------------------------------------------------------

_jieba_lock = threading.Lock()
_jieba = None
_cache_dir: Path | None = None


def configure(cache_dir: str | os.PathLike[str]) -> None:
    """Where jieba keeps its dictionary cache (the data dir); call before first use."""
    global _cache_dir
    _cache_dir = Path(cache_dir)


def _read_userdict(path: Path) -> str:
    """The user dictionary without comment lines (jieba's loader has no comments)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#"))


def tokenizer():
    """The process-wide jieba tokenizer, with the domain dictionary loaded once."""
    global _jieba
    if _jieba is not None:
        return _jieba
    with _jieba_lock:
        if _jieba is None:
            import jieba

            logging.getLogger("jieba").setLevel(logging.WARNING)
            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            cache = _cache_dir or Path(os.environ.get("NOTICES_DATA", "data")) / "cache"
            try:
                cache.mkdir(parents=True, exist_ok=True)
            except OSError:  # a read-only data folder: keep the cache in the temp folder
                cache = Path(tempfile.gettempdir()) / "notices-jieba-cache"
                cache.mkdir(parents=True, exist_ok=True)
            tok.tmp_dir = str(cache)
            tok.cache_file = "jieba.cache"
            tok.initialize()
            if USERDICT.exists():
                tok.load_userdict(io.StringIO(_read_userdict(USERDICT)))
            _cache_blocks(tok)
            _jieba = tok
    return _jieba


BLOCK_CACHE = 100_000  # segmented blocks kept per process (then the cache starts afresh)


def _cache_blocks(tok) -> None:
    """Segment each block of Han characters once per process.

    jieba cuts a text block by block (the runs between punctuation), each on its own, so
    a block's words never depend on its neighbours. A problem's title and sub-titles recur
    in its text, boilerplate sentences in every notice, and the similar-problem features
    cut the titles again: in a 300-notice sync nine blocks in ten had been cut before, and
    the cache halved the time spent segmenting. The dictionary is complete before this."""
    cut_block = tok._Tokenizer__cut_DAG  # the HMM cut, used by cut(), tokenize(), cut_for_search()
    cache: dict[str, list[str]] = {}

    def cached(block: str) -> list[str]:
        words = cache.get(block)
        if words is None:
            if len(cache) >= BLOCK_CACHE:
                cache.clear()
            words = cache[block] = list(cut_block(block))
        return words

    tok._Tokenizer__cut_DAG = cached


def words(text: str) -> list[tuple[str, int, int]]:
    """jieba words of ``text`` as (word, start, end), punctuation and stop words dropped."""
    folded = fold(text)
    out = []
    for w, s, e in tokenizer().tokenize(folded, mode="default", HMM=True):
        w = w.strip()
        if not w or w in STOPWORDS or not any(c.isalnum() for c in w):
            continue
        out.append((w, s, e))
    return out


class WordTokenizer(_StreamTokenizer):
    """jieba words at sequential positions."""

    def spans(self, value: str) -> Iterator[tuple[str, int, int]]:
        yield from words(value)


def literal_analyzer() -> LiteralTokenizer:
    return LiteralTokenizer()


def word_analyzer() -> WordTokenizer:
    return WordTokenizer()
