"""The background refresher: applies the archive's change log while searches go on.

Before, a search that noticed a new archive revision synced the index itself, holding the
lock every other search waited on (a 300-notice ingest froze the server for tens of
seconds). The refresher thread polls the archive revision; when it moved by a few revisions
(a notice ingested) it syncs them itself, without merging segments; when it moved more, or
index files are damaged, it starts a sync in a child process (``python -m indexer.refresher
DATA_DIR``: its own interpreter, so analysing notices takes no time from searches), which
commits ``BATCH`` notices first, then ``LATER_BATCH`` per writer process at a time, without
merging segments; its writer processes (``child_procs``: two on two cores or more) each
write a segment of every commit (``fastwrite.ParallelWriter``). Meanwhile the thread opens each
committed generation beside the current one (decoding its columns and the current
generation's hot terms) and switches to it in one step. Small segments are merged, also in
a child, only when the archive has been quiet for ``IDLE_MERGE_SECONDS``.
"""

from __future__ import annotations

import argparse
import fcntl
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from indexer import writing
from indexer.errors import IndexBusy, IndexDamaged

if TYPE_CHECKING:
    from indexer.searching import NoticeIndex

log = logging.getLogger(__name__)

IDLE_MERGE_SECONDS = 30.0  # quiet time before small segments are merged
MERGE_SEGMENTS = 4  # … and only when there are more segments than this
HOT_KEYS = 50  # cached postings carried over to the next generation (none mid-bulk)
BATCH = 25  # notices in the first commit of a background sync
LATER_BATCH = 100  # … and per writer process in each commit after it
INLINE_CHANGES = 3  # archive revisions synced in the refresher thread (more: a child)
REPO = Path(__file__).resolve().parents[1]
LOCK_FILE = "index.refresher.lock"  # held by the one child syncing a data directory


class Refresher:
    """One daemon thread per process keeping a ``NoticeIndex`` fresh."""

    def __init__(self, index: NoticeIndex) -> None:
        self.index = index
        self.pid = os.getpid()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="index-refresher", daemon=True)
        self._last_change = time.monotonic()
        self._child: subprocess.Popen[bytes] | None = None
        self.switches = 0  # generations switched to (for tests and logs)

    def start(self) -> None:
        self._thread.start()

    def alive(self) -> bool:
        return self.pid == os.getpid() and self._thread.is_alive() and not self._stop.is_set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread, letting a running child sync finish for up to ``timeout``."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        child, self._child = self._child, None
        if child is not None and self.pid == os.getpid():
            try:
                child.wait(timeout)
            except subprocess.TimeoutExpired:
                child.terminate()  # an uncommitted batch is simply redone later
                child.wait()

    def _loop(self) -> None:
        while not self._stop.wait(max(self.index.poll_interval, 0.05)):
            try:
                self.step()
            except Exception as exc:  # never let the thread die; the next poll retries
                log.warning("index refresher: %s: %s", type(exc).__name__, exc)

    def step(self) -> bool:
        """One round: start a child sync when the archive moved (or files are damaged) and
        none runs, a child merge when idle; switch to a newer generation. True when it
        switched."""
        idx = self.index
        d = idx.data_dir
        running = self._child is not None and self._child.poll() is None
        if not running:
            self._child = None
            revision = idx.archive_revision()
            state = writing.State.read(writing.index_dir(d))
            stale = state.revision != revision or state.fingerprint != writing.fingerprint()
            damaged = bool(writing.damaged_files(d))
            if stale or damaged:
                self._last_change = time.monotonic()
                few = not damaged and state.fingerprint == writing.fingerprint()
                if few and 0 <= revision - state.revision <= INLINE_CHANGES:
                    self._sync_here()
                elif not child_running(d):  # another worker's child is on it already
                    self._child = _spawn(d)
            elif time.monotonic() - self._last_change > IDLE_MERGE_SECONDS:
                gen = idx._gen
                if gen is not None and len(gen.leaves) > MERGE_SEGMENTS and not child_running(d):
                    self._last_change = time.monotonic()
                    self._child = _spawn(d, "--merge")
        return self._switch()

    def _sync_here(self) -> None:
        """A few changes (one notice ingested): sync in this thread, which is quicker than
        starting a child interpreter; damage found meanwhile goes to a child next round."""
        idx = self.index
        with idx._sync_lock:
            try:
                writing.sync(
                    idx.data_dir,
                    timeout=0.5,
                    rebuild_damaged=False,
                    merge=False,
                    batch=INLINE_CHANGES,
                )
            except (IndexBusy, IndexDamaged):
                pass  # another writer, or damage: the next round decides again

    def _switch(self) -> bool:
        idx = self.index
        with idx._sync_lock:
            new = idx.next_generation()
        if new is None:
            return False
        new.warm_columns()
        old = idx._gen
        # While a child sync runs another generation follows within seconds: decoding hot
        # postings for each would take the CPU the child and the searches need.
        busy = (self._child is not None and self._child.poll() is None) or child_running(
            idx.data_dir
        )
        if old is not None and not busy:
            for key in old.cache.keys()[:HOT_KEYS]:
                if self._stop.is_set():
                    break
                _rewarm(new, key)
        with idx._read_lock:
            idx.switch(new)
        self.switches += 1
        return True


def _rewarm(gen, key) -> None:
    """Decode in ``gen`` what the old generation had cached under ``key``."""
    kind, fieldname, what = key if len(key) == 3 else (key[0], None, None)
    if kind == "t":
        gen.term(fieldname, what)
    elif kind == "l":
        gen.literal(fieldname, list(what))


def child_running(data_dir: Path) -> bool:
    """Whether a child sync or merge holds the data directory's refresher lock.

    Every server worker has a refresher; without this check each started its own child,
    which loaded the analysis only to wait two seconds for the writer lock and exit, again
    and again, taking the CPU the one working child needed."""
    path = Path(data_dir) / LOCK_FILE
    try:
        with path.open("a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(f, fcntl.LOCK_UN)
    except OSError:
        return False  # a read-only data folder: no child can write either
    return False


def _spawn(data_dir: Path, *args: str) -> subprocess.Popen[bytes]:
    """``python -m indexer.refresher DATA_DIR ARGS``; its output goes to
    ``DATA_DIR/index.refresher.log``."""
    paths = [str(REPO), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    with (Path(data_dir) / "index.refresher.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "indexer.refresher", str(data_dir), *args],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def sync_in_batches(
    data_dir: Path, batch: int = BATCH, later: int | None = None, procs: int = 1
) -> int:
    """Sync (repairing damage) one batch after another until the index is current: the
    first of ``batch`` notices (searchable soon), the next of ``later`` each (default
    ``batch``; the child uses ``LATER_BATCH`` per writer process: each commit costs segment
    files and a new generation in every server worker, and 300 notices took about a
    quarter less CPU in batches of 100 than of 25, while a writer's postings beyond some
    100 notices spill to sorted runs on disk, which cost more than they save). ``procs``
    writer processes (``fastwrite.ParallelWriter``). Returns the number of commits; another
    process writing makes it stop quietly."""
    later = batch if later is None else later
    commits = 0
    while True:
        try:
            report = writing.sync(
                data_dir,
                timeout=2.0,
                rebuild_damaged=True,
                merge=False,
                batch=batch if commits == 0 else later,
                procs=procs,
            )
        except IndexBusy:
            return commits
        if report.mode == "none":
            return commits
        commits += 1


def child_procs() -> int:
    """Writer processes of a child sync: ``NOTICES_SYNC_PROCS``, else 2 when this process
    may use two cores or more."""
    env = os.environ.get("NOTICES_SYNC_PROCS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return 2 if len(os.sched_getaffinity(0)) >= 2 else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m indexer.refresher")
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--merge", action="store_true", help="merge small segments")
    args = ap.parse_args(argv)
    with (args.data_dir / LOCK_FILE).open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0  # another worker's child is syncing this data directory
        if args.merge:
            try:
                writing.merge(args.data_dir, timeout=2.0)
            except IndexBusy:
                pass
            return 0
        procs = child_procs()
        sync_in_batches(args.data_dir, BATCH, LATER_BATCH * procs, procs=procs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
