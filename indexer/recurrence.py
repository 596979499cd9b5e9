"""Problems stated again (再次出现): a problem of a later notice in a unit's chain of notices
(``archive.followups``) that states a problem of an earlier one again.

The scorer uses the similar-problem features (``indexer.features``: types, statement words,
title bigrams, domain terms) weighted by their rarity in the current index generation
(``indexer.similar.idf``), but compares only the problems of one chain with each other, and
as a normalised overlap (0–1: the weight both share over the geometric mean of their
weights), so a score means the same in a chain of two short notices and of two long ones.
A pair is linked only when the score reaches ``THRESHOLD`` and each problem is the other's
best match in the other notice: a problem recurs at most once per later notice.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from archive.followups import ChainNotice, chain_of
from indexer.features import features, load_stopwords
from indexer.generation import Generation
from indexer.likeness import idf

if TYPE_CHECKING:
    from archive.store import Archive
    from indexer.searching import NoticeIndex

# Feature kinds: problem types are broad (two different 公务接待 problems share them), the
# statement's words say most, title bigrams and domain terms of the text confirm.
BOOSTS = {"T": 0.5, "W": 1.0, "B": 0.5, "D": 0.3}
THRESHOLD = 0.5


@dataclass(frozen=True)
class Recurrence:
    """The problem at the other end of a 再次出现 link, as the problem page lists it."""

    id: str
    notice_id: str
    number: str
    title: str
    date: str | None
    stage_label: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _weights(gen: Generation, doc: dict[str, Any]) -> dict[str, float]:
    """A problem's features with their weights (boost × rarity), routine words left out."""
    stop = load_stopwords()
    subtitles = [s.get("title", "") for s in doc.get("subproblems") or []]
    types = [t for t in (doc.get("types") or "").split(",") if t]
    out: dict[str, float] = {}
    for f in features(doc.get("title", ""), subtitles, types, body=doc.get("text", "")):
        if f[2:] in stop:
            continue
        w = BOOSTS.get(f[0], 0.0) * idf(gen, "sim", f)
        if w > 0:
            out[f] = w
    return out


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    """The weight two problems share over the geometric mean of their weights (0–1)."""
    shared = sum(w for f, w in a.items() if f in b)
    total = math.sqrt(sum(a.values()) * sum(b.values()))
    return shared / total if total > 0 else 0.0


def _links(
    earlier: list[tuple[str, dict[str, float]]], later: list[tuple[str, dict[str, float]]]
) -> list[tuple[str, str, float]]:
    """(earlier id, later id, score) for mutual best matches at or above THRESHOLD."""
    scores = {(e, lt): overlap(we, wl) for e, we in earlier for lt, wl in later}
    out = []
    for (e, lt), s in scores.items():
        if s < THRESHOLD:
            continue
        best_for_e = max(scores[(e, x)] for x, _ in later)
        best_for_l = max(scores[(x, lt)] for x, _ in earlier)
        if s >= best_for_e and s >= best_for_l:
            out.append((e, lt, round(s, 3)))
    return out


def chain_links(index: NoticeIndex, notice_ids: tuple[str, ...]) -> list[tuple[str, str, float]]:
    """Every 再次出现 link of a chain (notice ids oldest first): (earlier problem id, later
    problem id, score). Computed once per index generation and chain."""

    def compute() -> list[tuple[str, str, float]]:
        with index.reading():
            gen = index.generation()
            per_notice = [
                [(d["id"], _weights(gen, d)) for d in index.problems_of(nid)] for nid in notice_ids
            ]
        out: list[tuple[str, str, float]] = []
        for i, earlier in enumerate(per_notice):
            for later in per_notice[i + 1 :]:
                out += _links(earlier, later)
        return out

    return list(index.cached(("recurrence", notice_ids), compute))


def _entry(pid: str, score: float, by_notice: dict[str, ChainNotice], index: NoticeIndex) -> dict:
    nid = pid.rsplit("-", 1)[0]
    doc = index.document(pid) or {}
    c = by_notice[nid]
    return Recurrence(
        id=pid,
        notice_id=nid,
        number=doc.get("number", ""),
        title=doc.get("title", ""),
        date=c.date,
        stage_label=c.stage_label,
        score=score,
    ).to_dict()


def for_problem(index: NoticeIndex, archive: Archive, problem_id: str) -> dict[str, list[dict]]:
    """The problem page's keys: ``recurs_in`` (later notices of the unit that state this
    problem again: 再次出现于…) and ``recurred_from`` (earlier ones: 此前出现于…)."""
    notice_id = problem_id.rsplit("-", 1)[0]
    chain = chain_of(archive, notice_id)
    out: dict[str, list[dict]] = {"recurs_in": [], "recurred_from": []}
    if len(chain) < 2:
        return out
    by_notice = {c.id: c for c in chain}
    for earlier, later, score in chain_links(index, tuple(c.id for c in chain)):
        if earlier == problem_id:
            out["recurs_in"].append(_entry(later, score, by_notice, index))
        elif later == problem_id:
            out["recurred_from"].append(_entry(earlier, score, by_notice, index))
    return out
