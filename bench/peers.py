"""The peers the product is measured against, built from the same archive's problems.

* ``Naive``: jieba's stock ``ChineseAnalyzer`` on a single Whoosh TEXT field of the problem
  text (the setup one gets from the jieba README), queried through Whoosh's QueryParser with
  the same analyzer, as AND-of-words and as phrases.
* ``Fts5``: SQLite FTS5 with the trigram tokenizer on the width-folded text; a quoted MATCH
  for words of 3+ characters, LIKE for shorter ones (trigrams cannot match them).
* ``Scan``: a linear scan with Python ``in`` over the width-folded, lower-cased text — the
  literal truth the others' recall is measured against.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from archive.normalize import normalize
from archive.store import Archive


def fold(text: str) -> str:
    """Width-folded, lower-cased: how every peer and the truth compare text."""
    return normalize(text).lower()


@dataclass
class Problems:
    """Every problem of an archive, in storage order: ``ids[i]`` is ``<notice id>-<n>``."""

    ids: list[str]
    texts: list[str]
    notices: int

    @property
    def chars(self) -> int:
        return sum(len(t) for t in self.texts)


def load_problems(data_dir: Path) -> Problems:
    ids: list[str] = []
    texts: list[str] = []
    notices = 0
    with Archive(data_dir) as archive:
        for stored in archive.iter_notices():
            notices += 1
            for p in stored.notice.problems:
                ids.append(f"{stored.id}-{p.n}")
                texts.append(p.text)
    return Problems(ids, texts, notices)


def folder_size(path: Path) -> int:
    """Bytes of the files under ``path`` (or of the file itself)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


class Scan:
    """Literal truth: problem ``i`` matches when every query word occurs in its text."""

    name = "scan"

    def __init__(self, texts: list[str]) -> None:
        self.folded = [fold(t) for t in texts]

    def search(self, words: list[str]) -> list[int]:
        ws = [fold(w) for w in words]
        if len(ws) == 1:
            w = ws[0]
            return [i for i, t in enumerate(self.folded) if w in t]
        return [i for i, t in enumerate(self.folded) if all(w in t for w in ws)]


class Fts5:
    name = "fts5"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = None

    def build(self, texts: list[str]) -> float:
        """Create the table and insert every text; returns the seconds it took."""
        if self.path.exists():
            self.path.unlink()
        t0 = time.perf_counter()
        db = sqlite3.connect(self.path)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("CREATE VIRTUAL TABLE p USING fts5(text, tokenize='trigram')")
        db.executemany(
            "INSERT INTO p(rowid, text) VALUES (?, ?)", ((i, fold(t)) for i, t in enumerate(texts))
        )
        db.commit()
        db.close()
        return time.perf_counter() - t0

    def open(self) -> None:
        self.db = sqlite3.connect(self.path, check_same_thread=False)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def search(self, words: list[str]) -> list[int]:
        assert self.db is not None, "open() first"
        ws = [fold(w) for w in words]
        long = [w for w in ws if len(w) >= 3]
        where: list[str] = []
        params: list[str] = []
        if long:
            where.append("p MATCH ?")
            params.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long))
        for w in ws:
            if len(w) < 3:
                esc = w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                where.append("text LIKE ? ESCAPE '\\'")
                params.append(f"%{esc}%")
        sql = "SELECT rowid FROM p WHERE " + " AND ".join(where)
        return [r[0] for r in self.db.execute(sql, params)]


class Naive:
    """jieba's ChineseAnalyzer (search mode) on one Whoosh TEXT field."""

    name = "naive"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ix = None
        self.searcher = None
        self.parser = None
        self._docmap: list[int] = []

    def build(self, texts: list[str]) -> float:
        from jieba.analyse import ChineseAnalyzer
        from whoosh import index
        from whoosh.fields import ID, TEXT, Schema

        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        t0 = time.perf_counter()
        schema = Schema(id=ID(stored=True), text=TEXT(analyzer=ChineseAnalyzer()))
        ix = index.create_in(self.folder, schema)
        w = ix.writer()
        for i, t in enumerate(texts):
            w.add_document(id=str(i), text=t)
        w.commit()
        return time.perf_counter() - t0

    def open(self) -> None:
        from whoosh import index
        from whoosh.qparser import QueryParser

        self.ix = index.open_dir(self.folder)
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("text", self.ix.schema)
        self._docmap = [0] * self.searcher.doc_count_all()
        for docnum, fields in self.searcher.reader().iter_docs():
            self._docmap[docnum] = int(fields["id"])

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None

    def query(self, words: list[str], phrase: bool = False):
        text = " ".join(f'"{w}"' if phrase else w for w in words)
        return self.parser.parse(text)

    def count(self, words: list[str], phrase: bool = False) -> int:
        """What a results page needs: the top 20 and the total (the timed operation)."""
        results = self.searcher.search(self.query(words, phrase), limit=20)
        return len(results)

    def search(self, words: list[str], phrase: bool = False) -> list[int]:
        docs = self.searcher.docs_for_query(self.query(words, phrase))
        return [self._docmap[d] for d in docs]
