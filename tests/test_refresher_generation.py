"""A generation opened after a bulk sync, reusing the arrays its predecessor decoded, answers
exactly as one built from scratch on the same index.

The refresher opens each committed generation beside the current one and decodes only the
new segments (``SegmentArrays`` is shared); here a parallel sync in batches adds segments
and deletes documents of an old one, and the reused and the fresh generation are compared
array by array and search by search on the real index.
"""

from __future__ import annotations

import numpy as np
import pytest

from archive.store import Archive
from indexer.searching import NoticeIndex
from indexer.writing import build, sync
from tests.test_postings import CASES, NOTICES, SEEDS, _ingest

LITERALS = ["三重一大", "公务接待", "整改落实", "红十字会"]


def _answers(idx: NoticeIndex) -> list:
    out = []
    for text, filters in CASES:
        for sort in ("relevance", "date"):
            r = idx.search(text, filters=filters, sort=sort, per_page=20)
            out.append((r.total, [(h.id, round(h.score, 9)) for h in r.hits], r.facets))
    for needle in LITERALS:
        out.append(sorted(h.id for h in idx.export(f'"{needle}"', limit=100_000)))
    return out


def _arrays(idx: NoticeIndex) -> dict:
    gen = idx.generation()
    gen.warm_columns()
    out = {"live": gen.live, "date": gen.date_rank()}
    for name in ("lit", "words", "title_words"):
        out[f"len:{name}"] = gen.lengths(name)
    for kind in ("problem", "notice"):
        out[f"kind:{kind}"] = gen.kind(kind)
    for name, (values, codes, docs) in gen.facet_columns().items():
        # codes are per-generation numbers: compare the values they stand for
        out[f"facet:{name}"] = [values[c] for c in codes.tolist()]
        out[f"facetdocs:{name}"] = None if docs is None else docs
    return out


@pytest.fixture()
def data(tmp_path):
    d = tmp_path / "data"
    _ingest(d, SEEDS + NOTICES[:5])
    build(d)
    return d


def test_a_reused_generation_equals_a_fresh_one_after_a_parallel_bulk_sync(data):
    idx = NoticeIndex(data, poll_interval=0, cache_size=0)
    fresh = None
    try:
        first = _answers(idx)  # decodes the first segment's arrays and postings
        old = idx.generation()
        _ingest(data, NOTICES[5:])
        with Archive(data) as a:
            gone = next(st.id for st in a.iter_notices() if "红十字会" in st.notice.organisation)
            a.remove(gone)
        commits = 0
        while sync(data, merge=False, batch=4, procs=2).mode == "sync":
            commits += 1
        assert commits >= 2
        idx.refresh(force=True)
        new = idx.generation()
        assert new is not old and len(new.leaves) > len(old.leaves)
        assert old.segment_ids() <= new.segment_ids()
        assert not new.live.all(), "the removed notice's documents are deleted in place"

        fresh = NoticeIndex(data, poll_interval=0, cache_size=0)
        reused, scratch = _arrays(idx), _arrays(fresh)
        assert reused.keys() == scratch.keys()
        for key, value in reused.items():
            if isinstance(value, np.ndarray):
                assert np.array_equal(value, scratch[key]), key
            else:
                assert value == scratch[key], key
        again = _answers(idx)
        assert again == _answers(fresh)
        assert again != first, "the bulk sync changed nothing the searches see"
    finally:
        idx.close()
        if fresh is not None:
            fresh.close()
