"""Checks shared by the tagging tables of the vocabulary-corpus tests (tests/test_corpus_*.py):
each table says, per notice stem and problem n, the types a reader gave the problem before the
tagger ran; KNOWN_DEVIATIONS says where the tagger is known to differ, and why."""

from __future__ import annotations

from collections.abc import Callable

from archive.model import Problem
from indexer import taxonomy

Table = dict[str, dict[int, set[str]]]
Deviations = dict[tuple[str, int], tuple[set[str], set[str]]]


def wanted_types(table: Table, deviations: Deviations, stem: str, n: int) -> set[str]:
    """The types the tagger must give: the reading, with the known deviations applied."""
    extra, missing = deviations.get((stem, n), (set(), set()))
    return (table[stem][n] | extra) - missing


def agreement(table: Table, problem: Callable[[str, int], Problem]) -> tuple[int, int, int]:
    """(right, extra, missed) types of the tagger against the reading, over the table."""
    tp = fp = fn = 0
    for stem, items in table.items():
        for n, expected in items.items():
            got = set(taxonomy.tag_problem(problem(stem, n)))
            tp, fp, fn = (
                tp + len(got & expected),
                fp + len(got - expected),
                fn + len(expected - got),
            )
    return tp, fp, fn


def unknown_codes(table: Table, deviations: Deviations) -> set[str]:
    """Codes the table or its deviations use that the taxonomy does not have."""
    known = {t.code for t in taxonomy.load_types()}
    used = {c for items in table.values() for codes in items.values() for c in codes}
    used |= {c for extra, missing in deviations.values() for c in extra | missing}
    return used - known
