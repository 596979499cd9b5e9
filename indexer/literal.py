"""A literal-substring query over the bigram field, matched without span machinery.

A string of three or more characters occurs literally when its bigrams sit at consecutive
positions. Whoosh's span queries check that generically, one object per span, and dominated
the search profile. The matching itself is ``postings.literal_matches`` (positions decoded
only for documents that hold every needed bigram); each match is scored with BM25 as if the
whole string were one term: its own document frequency, its number of occurrences and the
field length (``ranking.Evaluator.literal``). This class lets Whoosh's own searcher run the
same query (the tests' oracle).
"""

from __future__ import annotations

import math
from typing import Any

from whoosh import matching
from whoosh import query as wq

from indexer import postings


class Literal(wq.Query):
    """Documents whose ``fieldname`` (a bigram field) contains the string ``grams`` spell."""

    def __init__(self, fieldname: str, grams: list[str], boost: float = 1.0) -> None:
        if len(grams) < 2:
            raise ValueError("a literal of one bigram is a Term query")
        self.fieldname = fieldname
        self.grams = list(grams)
        self.boost = boost

    def __repr__(self) -> str:
        return f"Literal({self.fieldname!r}, {self.text!r}, boost={self.boost})"

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and other.fieldname == self.fieldname
            and other.grams == self.grams
            and other.boost == self.boost
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.fieldname, tuple(self.grams), self.boost))

    def __copy__(self) -> Literal:
        return Literal(self.fieldname, self.grams, self.boost)

    def __deepcopy__(self, memo: dict) -> Literal:
        return self.__copy__()

    @property
    def text(self) -> str:
        return self.grams[0] + "".join(g[-1] for g in self.grams[1:])

    def field(self) -> str:
        return self.fieldname

    def has_terms(self) -> bool:
        return True

    def terms(self, phrases: bool = False):
        for g in self.grams:
            yield (self.fieldname, g)

    def normalize(self) -> Literal:
        return self

    def estimate_size(self, ixreader: Any) -> int:
        field = ixreader.schema[self.fieldname]
        sizes = [ixreader.doc_frequency(self.fieldname, field.to_bytes(g)) for g in self.grams]
        return min(sizes) if sizes else 0

    def estimate_min_size(self, ixreader: Any) -> int:
        return 0

    def _leaves(self, searcher: Any) -> list[tuple[Any, int]]:
        top = searcher.get_parent() if searcher.has_parent() else searcher
        if top.is_atomic():
            return [(top, 0)]
        return list(top.leaf_searchers())

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """Whoosh's entry point: the matches with the same BM25 score as the evaluator."""
        if self.fieldname not in searcher.schema:
            return matching.NullMatcher()
        top = searcher.get_parent() if searcher.has_parent() else searcher
        found = {
            sub: postings.literal_matches(sub.reader(), self.fieldname, self.grams)
            for sub, _ in self._leaves(searcher)
        }
        df = sum(len(ids) for ids, _ in found.values())
        weighting = searcher.weighting if context is None else context.weighting
        out_ids: list[int] = []
        out_w: list[float] = []
        targets = [(searcher, 0)] if searcher.is_atomic() else list(searcher.leaf_searchers())
        params = postings.bm25_params(top, self.fieldname)
        for sub, offset in targets:
            key = next((k for k in found if k.reader() is sub.reader()), None)
            if key is None:
                continue
            ids, tfs = found[key]
            for doc, tf in zip(ids.tolist(), tfs.tolist(), strict=True):
                if weighting is None or params is None:
                    score = self.boost
                else:
                    b, k1 = params
                    idf = math.log(top.doc_count_all() / (df + 1)) + 1
                    avg = top.avg_field_length(self.fieldname) or 1
                    length = sub.doc_field_length(doc, self.fieldname, 1)
                    norm = tf + k1 * ((1 - b) + b * length / avg)
                    score = self.boost * idf * tf * (k1 + 1) / norm
                out_ids.append(doc + offset)
                out_w.append(score)
        if not out_ids:
            return matching.NullMatcher()
        return matching.ListMatcher(out_ids, weights=out_w)

    def docs(self, searcher: Any):
        """Matching documents, numbered as ``searcher`` numbers them."""
        leaves = [(searcher, 0)] if searcher.is_atomic() else list(searcher.leaf_searchers())
        out: list[int] = []
        for sub, offset in leaves:
            ids, _ = postings.literal_matches(sub.reader(), self.fieldname, self.grams)
            out.extend(int(d) + offset for d in ids)
        return iter(out)
