"""Few matches: the problems most like the best of them are listed below them.

A search that finds few problems has found the words, not the topic: the same problem in
another notice is often written in that sector's own words (a township's 补偿款 is a court's
执行款), which no list names and type feedback (``feedback``) cannot read from one or two
matches. The similar-problem score (``likeness``) reads what each match states, so the
problems most like the best matches are what the user is after next. They fill the first
page below the matches, each saying which match it is like; they are not counted in the
total, the facets or an export, which stay what the query itself finds.

Only plain searches of problems that find fewer than one page of problems get it: with a
full page the user already has what the words find, and each seed asks one similar-problem
ranking, the costliest step of a search (cached per index generation).

On dev2 with the knowledge files as they were before its notices were read (the stand-in
for unseen sectors) it raised search recall@20 from 0.771 to 0.829 and p@5 from 0.859 to
0.887; the first held-out split 0.963 → 0.986 (``tests/data/heldout/SCORES.md``). Seeds 3,
5 or 10 and a relevance floor from 0.2 to 0.3 give the same; 0.45 (the similar page's
cut-off) gives 0.806 on the stand-in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.generation import Generation
from indexer.likeness import problem_query, reranked
from indexer.ranking import Scored

MAX_MATCHES = 20  # a first page of at most this many results is filled when matches are fewer
SEEDS = 3  # the best literal matches whose neighbours are taken (3, 5 and 10 gave the same)
PER_SEED = 10  # at most this many neighbours of each
MIN_RELEVANCE = 0.3  # … each at least this like it (``likeness``; the similar page lists 0.45)


@dataclass(frozen=True)
class Neighbour:
    """A problem found as like a match: that match's document number, and how like it."""

    seed: int
    relevance: float


def seeds(gen: Generation, literal: Scored, allowed: np.ndarray) -> np.ndarray:
    """The best ``SEEDS`` literal matches the user may see (filters applied), best first."""
    keep = allowed[literal.ids]
    ids, scores = literal.ids[keep], literal.scores[keep]
    order = np.lexsort((ids, -scores))[:SEEDS]
    return ids[order]


def neighbours(
    gen: Generation, seed_ids: np.ndarray, found: np.ndarray, allowed: np.ndarray, room: int
) -> dict[int, Neighbour]:
    """Document number → ``Neighbour`` of the ``room`` problems most like the seeds, outside
    ``found`` (the matches listed, fewer than a page) and inside ``allowed``; the best seed a
    problem is like names it."""
    listed = set(found.tolist())  # the few listed matches: a set, not an array of the index
    out: dict[int, Neighbour] = {}
    for seed in seed_ids.tolist():
        for docnum, relevance in like(gen, seed):
            if docnum in listed or not allowed[docnum]:
                continue
            best = out.get(docnum)
            if best is None or relevance > best.relevance:
                out[docnum] = Neighbour(seed, relevance)
    best = sorted(out, key=lambda d: (-out[d].relevance, d))[: max(room, 0)]
    return {d: out[d] for d in best}


def like(gen: Generation, seed: int) -> list[tuple[int, float]]:
    """(document number, relevance) of the problems most like problem ``seed``, at least
    ``MIN_RELEVANCE`` like it; kept in the generation's cache (about 15 ms each at 10,000
    notices, and a seed's neighbours do not change until the index does)."""
    key = ("like", seed, PER_SEED, MIN_RELEVANCE)
    found = gen.cache.get(key)
    if found is None:
        fields, _ = gen.document(seed)
        q = problem_query(gen, fields)
        ranked = reranked(gen, q, PER_SEED) if q is not None else []
        found = [(d, float(rel)) for d, _, rel in ranked if rel >= MIN_RELEVANCE]
        gen.cache.put(key, found, 64 * len(found) + 64)
    return found
