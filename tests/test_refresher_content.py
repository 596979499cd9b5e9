"""A sync's segments hold exactly what a plain Whoosh writer writes for the same notices."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from archive.store import Archive
from indexer.documents import documents
from indexer.schema import make_schema
from indexer.writing import open_or_create, storage, sync

REPO = Path(__file__).resolve().parents[1]


def content(ix) -> dict[tuple[str, bytes], tuple]:
    """Every term's statistics (lengths included) and postings keyed by document id."""
    out = {}
    with ix.searcher() as s:
        r = s.reader()
        ids = {dn: f["id"] for dn, f in r.iter_docs()}
        for fieldname, btext in r.all_terms():
            ti = r.term_info(fieldname, btext)
            m = r.postings(fieldname, btext)
            postings = []
            while m.is_active():
                postings.append((ids[m.id()], m.weight(), m.value()))
                m.next()
            stats = (ti.doc_frequency(), ti.weight(), ti.min_length(), ti.max_length())
            out[(fieldname, btext)] = (stats, ti.max_weight(), sorted(postings))
    return out


def test_a_sync_writes_what_a_plain_whoosh_writer_writes(tmp_path: Path) -> None:
    d = tmp_path / "data"
    notices = sorted((REPO / "tests" / "data" / "notices").glob("s*.txt"))[:3]
    env = dict(os.environ, PYTHONUTF8="1", PYTHONPATH=str(REPO))
    ingest = [sys.executable, "-m", "archive", "ingest", "--data", str(d)]
    assert subprocess.run([*ingest, *map(str, notices)], env=env, cwd=REPO).returncode == 0
    open_or_create(d)  # an empty index: the sync adds every notice through its writer
    assert sync(d, merge=False).mode in ("sync", "build")

    (tmp_path / "plain").mkdir()
    plain = storage(tmp_path / "plain").create_index(make_schema())
    w = plain.writer()
    with Archive(d) as archive:
        for nid in archive.notice_ids():
            for doc in documents(archive.notice(nid)):
                w.add_document(**doc)
    w.commit()

    synced = content(open_or_create(d))
    assert synced and synced == content(plain)
