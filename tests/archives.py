"""Archives the tests build from a set of notice files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from archive.store import Archive
from indexer.writing import build


def ingest_all(data_dir: Path, files: Iterable[Path]) -> None:
    """Archive every file that is a notice; the cut-off, truncated and reject-like test
    notices may be refused, which these corpora expect."""
    with Archive(data_dir) as a:
        for f in files:
            try:
                a.ingest_path(f)
            except Exception:
                pass


def units_archive(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    notices: dict[str, tuple[str, tuple[str, ...]]],
    measures: str,
    title: str,
) -> Path:
    """A built archive of invented county units, one notice each: ``notices`` maps a file
    stem to (unit, problem statements); each statement gets ``measures``."""
    from tests.test_followups import notice_text

    src = tmp_path_factory.mktemp(f"{name}-src")
    files = []
    for key, (unit, problems) in notices.items():
        path = src / f"{key}.txt"
        text = notice_text(
            f"中共{unit}党组关于{title}",
            unit=f"{unit}党组",
            signature=f"中共{unit}党组",
            problems=tuple(p + measures for p in problems),
        )
        path.write_text(text, encoding="utf-8")
        files.append(path)
    data = tmp_path_factory.mktemp(name) / "data"
    ingest_all(data, files)
    build(data)
    return data
