"""Archives several test modules read, built once per test process (one per xdist worker).

A module-scoped fixture rebuilds its archive for every module that asks; the modules here
only read theirs, so they share one build. Modules that write keep their own archive (or
copy one of these per test).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from archive.store import Archive
from indexer.writing import build, sync
from tests.archives import ingest_all

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "seeds").glob("*.txt"))
NOTICES = sorted((REPO / "tests" / "data" / "notices").glob("*.txt"))

_BUILT: dict[str, Path] = {}


def built_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The data folder ``make`` fills, made on the first call for ``name`` in this process
    (under the session's temporary folders, so it lives as long as the session)."""
    if name not in _BUILT:
        d = factory.mktemp(name) / "data"
        make(d)
        _BUILT[name] = d
    return _BUILT[name]


def _corpus(d: Path) -> None:
    ingest_all(d, SEEDS + NOTICES)
    build(d)


def corpus(factory: pytest.TempPathFactory) -> Path:
    """The seeds and every test notice, archived and indexed (one segment). Read-only."""
    return built_once(factory, "corpus", _corpus)


def _segmented(d: Path) -> None:
    ingest_all(d, SEEDS + NOTICES[:6])
    build(d)
    ingest_all(d, NOTICES[6:12])
    sync(d)
    ingest_all(d, NOTICES[12:])
    with Archive(d) as a:
        gone = next(
            st.id
            for st in a.iter_notices()
            if "红十字会" not in st.notice.organisation and "残疾人" not in st.notice.organisation
        )
        a.remove(gone)
    sync(d)


def segmented(factory: pytest.TempPathFactory) -> Path:
    """Three segments (a build and two syncs) and a removed notice: deleted documents in an
    old segment. Read-only."""
    return built_once(factory, "segmented", _segmented)


VOCABULARY = sorted((REPO / "tests" / "data" / "corpus").glob("*.txt"))


def _vocabulary(d: Path) -> None:
    ingest_all(d, SEEDS + NOTICES + VOCABULARY)
    build(d)


def vocabulary(factory: pytest.TempPathFactory) -> Path:
    """The seeds, the test notices and the vocabulary corpus (tests/data/corpus), archived
    and indexed: what the corpus tests' keyword queries search. Read-only."""
    return built_once(factory, "vocabulary", _vocabulary)


ROUND_D = sorted((REPO / "tests" / "data" / "corpus_d").glob("vd*.txt"))


def _vocabulary_d(d: Path) -> None:
    ingest_all(d, SEEDS + NOTICES + VOCABULARY + ROUND_D)
    build(d)


def vocabulary_d(factory: pytest.TempPathFactory) -> Path:
    """The vocabulary index with the fourth round (tests/data/corpus_d) added: what its
    keyword queries search (the earlier rounds' queries keep the index they were read on)."""
    return built_once(factory, "vocabulary_d", _vocabulary_d)


def problem_keys(data: Path, stems: set[str]) -> dict[str, str]:
    """``"stem:n"`` of every problem of the notices ``stems`` (file stems) -> its id."""
    out = {}
    with Archive(data) as a:
        for stored in a.iter_notices():
            stem = Path(stored.source).stem
            if stem in stems:
                for p in stored.notice.problems:
                    out[f"{stem}:{p.n}"] = f"{stored.id}-{p.n}"
    return out
