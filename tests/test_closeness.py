"""The bigram cosine that re-ranks similar problems (``indexer.closeness``)."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from indexer.closeness import bigram_counts, cosine, unit_vectors
from indexer.highlight import LiteralText
from indexer.searching import NoticeIndex


def test_the_title_counts_three_times_and_the_text_once() -> None:
    counts = bigram_counts("公车私用", LiteralText("公车，私用。A1").joined)
    assert counts == Counter({"公车": 4, "车私": 4, "私用": 4, "用a": 1, "a1": 1})


def test_only_the_first_thousand_literal_characters_of_the_text_count() -> None:
    counts = bigram_counts("", "甲" * 1000 + "乙乙")
    assert counts == Counter({"甲甲": 999})


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"x": 1.0}, {"x": 1.0}, 1.0),
        ({"x": 1.0}, {"y": 1.0}, 0.0),
        ({"x": 0.6, "y": 0.8}, {"x": 1.0}, 0.6),
        ({"x": 1.0}, {"x": 0.6, "y": 0.8}, 0.6),
    ],
)
def test_cosine_of_unit_vectors(a, b, expected) -> None:
    assert cosine(a, b) == pytest.approx(expected)


def test_vectors_weigh_rare_bigrams_and_drop_unknown_ones(seeded_data: Path) -> None:
    idx = NoticeIndex(seeded_data, poll_interval=0, cache_size=0)
    try:
        with idx.reading():
            gen = idx.generation()
            common, rare, unknown = Counter({"整改": 1}), Counter({"公车": 1}), Counter({"龘龘": 1})
            both = common + rare
            v_both, v_common, v_unknown = unit_vectors(gen, [both, common, unknown])
            df = gen.doc_frequencies("lit", ["整改", "公车"]).tolist()
    finally:
        idx.close()
    assert 0 < df[1] < df[0]
    assert v_unknown == {}
    assert v_common == {"整改": pytest.approx(1.0)}
    assert math.fsum(x * x for x in v_both.values()) == pytest.approx(1.0)
    assert v_both["公车"] > v_both["整改"]  # the rarer bigram weighs more


def test_similar_lists_by_the_blended_score_and_reads_relevance_from_it(seeded_data) -> None:
    from indexer.likeness import BLEND_SCALE, CUTOFF, HIGH
    from indexer.similar import similar

    idx = NoticeIndex(seeded_data, poll_interval=0, cache_size=0)
    try:
        ids = [h.id for h in idx.search("", per_page=8).hits]
        lists = [similar(idx, pid, limit=10) for pid in ids]
    finally:
        idx.close()
    assert sum(len(x) for x in lists) > 20
    for hits in lists:
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)
        for h in hits:
            assert h.relevance == pytest.approx(min(1.0, h.score / BLEND_SCALE), abs=2e-3)
            if h.relevance >= HIGH:
                assert h.confidence == "高"
            elif h.relevance >= CUTOFF:
                assert h.confidence == "中"
