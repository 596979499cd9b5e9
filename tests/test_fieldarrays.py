"""The memory-mapped field arrays beside the index, against Whoosh's own posting lists.

The index has two segments with deletions; the oracle is Whoosh's public matcher API
(``reader.postings``), which skips deleted documents.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from archive.store import Archive
from indexer import fieldarrays
from indexer.searching import NoticeIndex
from indexer.similar import similar
from indexer.writing import build, index_dir, merge, storage, sync
from tests.archives import ingest_all

REPO = Path(__file__).resolve().parents[1]
NOTICES = sorted((REPO / "tests" / "data" / "notices").glob("*.txt"))
SEEDS = sorted((REPO / "seeds").glob("*.txt"))
QUERIES = ["公务接待", "整改 台账", '"三会一课"', "资金 OR 经费", "干部 -培训", "学习 year:2021"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("fieldarrays") / "data"
    ingest_all(d, SEEDS + NOTICES[:8])
    build(d)
    ingest_all(d, NOTICES[8:])
    with Archive(d) as a:
        a.remove(a.notice_ids()[0])
    sync(d, merge=False)
    return d


@pytest.fixture()
def data(built: Path, tmp_path: Path) -> Path:
    """A copy of the two-segment archive and index: tests damage and merge their own."""
    return Path(shutil.copytree(built, tmp_path / "data"))


def _leaves(d: Path):
    ix = storage(index_dir(d)).open_index()
    top = ix.reader()
    return top, [r for r, _ in top.leaf_readers()] if not top.is_atomic() else [top]


def _whoosh(reader, fieldname: str, btext: bytes) -> list[tuple[int, float]]:
    m = reader.postings(fieldname, btext)
    out = []
    while m.is_active():
        out.append((m.id(), m.weight()))
        m.next()
    return out


def test_every_term_of_every_segment_matches_whoosh(data: Path) -> None:
    top, leaves = _leaves(data)
    try:
        assert len(leaves) == 2 and any(r.has_deletions() for r in leaves)
        checked = 0
        for reader in leaves:
            for fieldname in fieldarrays.FIELDS:
                arrays = fieldarrays.load(index_dir(data), reader, fieldname)
                assert arrays is not None, (fieldname, "written by the commit")
                field = reader.schema[fieldname]
                terms = list(reader.lexicon(fieldname))
                assert len(arrays.terms) == len(terms)
                for btext in terms:
                    ids, weights = arrays.lookup(field.from_bytes(btext))
                    live = [(int(i), float(w)) for i, w in zip(ids, weights, strict=True)]
                    live = [(i, w) for i, w in live if not reader.is_deleted(i)]
                    assert live == pytest.approx(_whoosh(reader, fieldname, btext)), btext
                    checked += 1
                assert [len(a) for a in arrays.lookup("不存在的词语")] == [0, 0]
        assert checked > 1000
    finally:
        top.close()


def test_every_lexicon_term_has_whooshs_document_frequency(data: Path) -> None:
    top, leaves = _leaves(data)
    try:
        for reader in leaves:
            lex = fieldarrays.load_lexicon(index_dir(data), reader, "lit")
            assert lex is not None
            field = reader.schema["lit"]
            terms = [field.from_bytes(b) for b in reader.lexicon("lit")]
            assert list(lex.terms) == terms and len(terms) > 500
            expected = [reader.doc_frequency("lit", field.to_bytes(t)) for t in terms]
            assert lex.doc_frequencies(np.array(terms)).tolist() == expected
            probe = ["龘龘", "不存", "整改", terms[0], terms[-1], "\uffff\uffff"]
            got = lex.doc_frequencies(np.array(probe)).tolist()
            assert got == [reader.doc_frequency("lit", field.to_bytes(t)) for t in probe]
            assert got[0] == got[-1] == 0 and got[2] > 0
    finally:
        top.close()


def test_index_wide_frequencies_with_and_without_lexicons(data: Path) -> None:
    grams = ["整改", "公务", "接待", "三会", "不存", "ab"]

    def frequencies() -> tuple[list[int], list[int]]:
        idx = NoticeIndex(data, poll_interval=0, cache_size=0)
        try:
            with idx.reading() as s:
                gen = idx.generation()
                whoosh = [s.doc_frequency("lit", s.schema["lit"].to_bytes(g)) for g in grams]
                return gen.doc_frequencies("lit", grams).tolist(), whoosh
        finally:
            idx.close()

    mapped, whoosh = frequencies()
    assert mapped == whoosh and whoosh[0] > 0 and whoosh[4] == 0
    shutil.rmtree(index_dir(data) / fieldarrays.DIR)
    assert frequencies() == (mapped, whoosh)


def _answers(d: Path) -> list:
    idx = NoticeIndex(d, poll_interval=0, cache_size=0)
    try:
        out = []
        for q in QUERIES:
            r = idx.search(q, per_page=20)
            out.append((r.total, [(h.id, round(h.score, 6)) for h in r.hits], r.facets))
        problems = [h.id for h in idx.search("", per_page=5).hits]
        for pid in problems:
            out.append([(h.id, h.score) for h in similar(idx, pid)])
        return out
    finally:
        idx.close()


def test_answers_do_not_depend_on_the_arrays(data: Path) -> None:
    with_arrays = _answers(data)
    shutil.rmtree(index_dir(data) / fieldarrays.DIR)
    assert _answers(data) == with_arrays


def test_a_damaged_file_is_not_read_and_the_next_sync_rewrites_it(data: Path) -> None:
    before = _answers(data)
    files = sorted((index_dir(data) / fieldarrays.DIR).glob("*.words.*.ids.npy"))
    assert len(files) == 2
    with files[0].open("r+b") as f:
        f.truncate(200)
    top, leaves = _leaves(data)
    try:
        loaded = [fieldarrays.load(index_dir(data), r, "words") for r in leaves]
    finally:
        top.close()
    assert sum(a is None for a in loaded) == 1
    assert _answers(data) == before
    with Archive(data) as a:
        a.remove(a.notice_ids()[-1])
    sync(data, merge=False)
    top, leaves = _leaves(data)
    try:
        assert all(fieldarrays.load(index_dir(data), r, "words") is not None for r in leaves)
    finally:
        top.close()


def test_a_merge_leaves_only_the_live_segments_arrays(data: Path) -> None:
    merge(data)
    top, leaves = _leaves(data)
    try:
        live = {r.segment().segment_id() for r in leaves}
    finally:
        top.close()
    names = [f.name for f in (index_dir(data) / fieldarrays.DIR).iterdir()]
    assert {n.split(".")[0] for n in names} == live
    per_segment = len(fieldarrays.FIELDS) * 4 + len(fieldarrays.LEXICONS) * 2
    assert len(names) == len(live) * per_segment
    assert not [n for n in names if n.endswith(".tmp")]


def test_arrays_are_mapped_not_copied(data: Path) -> None:
    top, leaves = _leaves(data)
    try:
        arrays = fieldarrays.load(index_dir(data), leaves[0], "words")
    finally:
        top.close()
    assert isinstance(arrays.ids, np.memmap) and not arrays.ids.flags.writeable
