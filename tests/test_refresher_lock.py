"""One child sync per data directory: a second one started meanwhile leaves it alone."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

from indexer.refresher import LOCK_FILE, child_running
from indexer.writing import State, check, index_dir, sync

REPO = Path(__file__).resolve().parents[1]


def run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NOTICES_DATA=str(data), PYTHONUTF8="1", PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def test_a_child_sync_leaves_the_index_to_the_one_holding_the_lock(tmp_path: Path) -> None:
    d = tmp_path / "data"
    seeds = sorted((REPO / "seeds").glob("*.txt"))
    notices = sorted((REPO / "tests" / "data" / "notices").glob("s*.txt"))[:2]
    assert run(d, "-m", "archive", "ingest", "--data", str(d), *map(str, seeds)).returncode == 0
    assert sync(d).mode == "build"
    built = State.read(index_dir(d)).revision
    assert run(d, "-m", "archive", "ingest", "--data", str(d), *map(str, notices)).returncode == 0
    assert not child_running(d)

    with (d / LOCK_FILE).open("a") as held:  # what a running child sync holds
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert child_running(d)
        second = run(d, "-m", "indexer.refresher", str(d))
        assert second.returncode == 0, second.stderr
        assert State.read(index_dir(d)).revision == built, "it synced beside the running one"
        fcntl.flock(held, fcntl.LOCK_UN)

    assert not child_running(d)
    first = run(d, "-m", "indexer.refresher", str(d))
    assert first.returncode == 0, first.stderr
    assert State.read(index_dir(d)).revision > built
    assert check(d).ok, "the index does not hold every archived notice"
