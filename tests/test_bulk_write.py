"""The bulk sync's writers (``fastwrite``, ``parallel``) write what plain Whoosh writes.

The oracle is Whoosh's own SegmentWriter, untouched, fed the same documents: its segment
files byte for byte (one segment against one segment), and every term's statistics and
postings by document id (several segments written in parallel against one).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive.store import Archive
from bench.corpus import generate
from indexer.documents import documents
from indexer.errors import IndexBusy
from indexer.fastwrite import ParallelWriter
from indexer.schema import make_schema
from indexer.writing import (
    State,
    build,
    check,
    fingerprint,
    index_dir,
    open_or_create,
    storage,
    sync,
)

N = 14  # notices: some 200 documents, so common bigrams span several posting blocks


def content(ix) -> dict[tuple[str, bytes], tuple]:
    """Every term's statistics and postings keyed by document id, and stored fields."""
    out: dict = {}
    with ix.searcher() as s:
        r = s.reader()
        ids = {dn: f["id"] for dn, f in r.iter_docs()}
        out["stored"] = sorted(repr(sorted(f.items())) for f in r.all_stored_fields())
        for fieldname, btext in r.all_terms():
            ti = r.term_info(fieldname, btext)
            m = r.postings(fieldname, btext)
            postings = []
            while m.is_active():
                postings.append((ids[m.id()], m.weight(), m.value()))
                m.next()
            stats = (ti.doc_frequency(), ti.weight(), ti.min_length(), ti.max_length())
            out[(fieldname, btext)] = (stats, ti.max_weight(), sorted(postings))
        for fieldname in ("lit", "words", "title_words"):
            out[("len", fieldname)] = sorted(
                (ids[d], r.doc_field_length(d, fieldname)) for d in ids
            )
    return out


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("bulkwrite")
    generate(base / "corpus", N, seed=3)
    (base / "corpus" / "manifest.json").unlink()
    d = base / "archive"
    with Archive(d) as a:
        for f in sorted((base / "corpus").glob("*.txt")):
            a.ingest_path(f)
    return d


def _copy(archived: Path, to: Path) -> Path:
    shutil.copytree(archived, to)
    open_or_create(to)  # an empty index at revision 0: a sync adds every notice
    State(0, fingerprint()).write(index_dir(to))
    return to


@pytest.fixture(scope="module")
def plain(archived: Path, tmp_path_factory: pytest.TempPathFactory):
    d = tmp_path_factory.mktemp("plain")
    ix = storage(d).create_index(make_schema())
    w = ix.writer(compound=False)  # separate files, as the index writes them
    with Archive(archived) as archive:
        for nid in archive.notice_ids():
            for doc in documents(archive.notice(nid)):
                w.add_document(**doc)
    w.commit()
    return ix


@pytest.fixture(scope="module")
def expected(plain) -> dict[tuple[str, bytes], tuple]:
    """What plain Whoosh holds, read once: every test compares its own index with it."""
    return content(plain)


def _segment_bytes(d: Path) -> dict[str, bytes]:
    """The segment files by extension (one segment), without the random segment id."""
    files = sorted(p for p in d.glob("MAIN_*") if "WRITELOCK" not in p.name)
    assert len({p.name.split(".")[0] for p in files}) == 1, files
    return {p.suffix: p.read_bytes() for p in files}


def test_a_serial_sync_writes_the_same_bytes_as_plain_whoosh(archived, plain, expected, tmp_path):
    d = _copy(archived, tmp_path / "data")
    assert sync(d, merge=False).mode == "sync"
    ix = open_or_create(d)
    with ix.searcher() as s:
        r = s.reader()
        assert max(r.doc_frequency("lit", t) for t in r.lexicon("lit")) > 128, (
            "a term must span several posting blocks"
        )
    ours = _segment_bytes(d / "index")
    theirs = _segment_bytes(Path(plain.storage.folder))
    assert ours.keys() == theirs.keys() and {".pst", ".trm"} <= ours.keys()
    for ext in ours:
        assert ours[ext] == theirs[ext], ext
    assert content(ix) == expected


def test_a_parallel_sync_in_batches_holds_what_plain_whoosh_holds(archived, expected, tmp_path):
    d = _copy(archived, tmp_path / "data")
    commits = 0
    while sync(d, merge=False, batch=7, procs=2).mode == "sync":
        commits += 1
    assert commits == 2  # 14 notices in batches of 7 (some 100 documents each)
    ix = open_or_create(d)
    with ix.searcher() as s:
        assert len(s.leaf_searchers()) > commits, "no commit was written by two processes"
    assert content(ix) == expected
    assert check(d).ok


def test_each_writer_process_writes_a_segment(archived, expected, tmp_path):
    d = _copy(archived, tmp_path / "data")
    ix = open_or_create(d)
    w = ParallelWriter(ix, 2, batchsize=10, timeout=1.0, compound=False)
    with Archive(d) as archive:
        for nid in archive.notice_ids():
            for doc in documents(archive.notice(nid)):
                w.add_document(**doc)
    w.commit()
    with ix.searcher() as s:
        sizes = [sub.doc_count_all() for sub, _ in s.leaf_searchers()]
    assert len(sizes) == 2 and min(sizes) > 0, sizes
    assert content(ix) == expected


def test_a_failed_writer_process_fails_the_commit_and_keeps_the_index(archived, tmp_path):
    """A writer process that dies loses its documents: the commit must not go through."""
    d = _copy(archived, tmp_path / "data")
    ix = open_or_create(d)
    before = ix.latest_generation()
    w = ParallelWriter(ix, 2, timeout=1.0, compound=False)
    with Archive(d) as archive:
        doc = next(iter(documents(archive.notice(archive.notice_ids()[0]))))
    w.add_document(**doc)
    w._enqueue()
    w.tasks[0].terminate()  # as if killed by the system
    w.tasks[0].join()
    with pytest.raises(RuntimeError, match="writer process"):
        w.commit()
    w.cancel()
    assert open_or_create(d).latest_generation() == before
    assert sync(d, merge=False, procs=2).mode == "sync", "the lock must be free again"
    assert check(d).ok


def test_the_parallel_writer_takes_the_index_lock(archived, tmp_path):
    d = _copy(archived, tmp_path / "data")
    ix = open_or_create(d)
    held = ix.writer()
    try:
        with pytest.raises(IndexBusy):
            sync(d, timeout=0.2, procs=2)
    finally:
        held.cancel()


def test_a_parallel_build_holds_what_plain_whoosh_holds(archived, expected, tmp_path):
    d = tmp_path / "data"
    shutil.copytree(archived, d)
    assert build(d, procs=2).mode == "build"
    assert content(open_or_create(d)) == expected
    assert check(d).ok
