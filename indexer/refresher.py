"""The background refresher: applies the archive's change log while searches go on.

Before, a search that noticed a new archive revision synced the index itself, holding the
lock every other search waited on (a 300-notice ingest froze the server for tens of
seconds). The refresher thread polls the archive revision, syncs without merging segments,
repairs damaged index files, opens the next generation beside the current one (decoding its
columns and the current generation's hot terms) and switches to it in one step. Segments are
merged only when the archive has been quiet for ``IDLE_MERGE_SECONDS``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING

from indexer import writing
from indexer.errors import IndexBusy, IndexerError

if TYPE_CHECKING:
    from indexer.searching import NoticeIndex

log = logging.getLogger(__name__)

IDLE_MERGE_SECONDS = 30.0  # quiet time before small segments are merged
MERGE_SEGMENTS = 4  # … and only when there are more segments than this
HOT_KEYS = 200  # cached postings carried over to the next generation


class Refresher:
    """One daemon thread per process keeping a ``NoticeIndex`` fresh."""

    def __init__(self, index: NoticeIndex) -> None:
        self.index = index
        self.pid = os.getpid()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="index-refresher", daemon=True)
        self._last_change = time.monotonic()
        self.switches = 0  # generations switched to (for tests and logs)

    def start(self) -> None:
        self._thread.start()

    def alive(self) -> bool:
        return self.pid == os.getpid() and self._thread.is_alive() and not self._stop.is_set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.wait(max(self.index.poll_interval, 0.05)):
            try:
                self.step()
            except Exception as exc:  # never let the thread die; the next poll retries
                log.warning("index refresher: %s: %s", type(exc).__name__, exc)

    def step(self) -> bool:
        """One round: sync when the archive moved (or files are damaged), merge when idle,
        switch to a newer generation. True when it switched."""
        idx = self.index
        d = idx.data_dir
        revision = idx.archive_revision()
        state = writing.State.read(writing.index_dir(d))
        stale = state.revision != revision or state.fingerprint != writing.fingerprint()
        if stale or writing.damaged_files(d):
            self._last_change = time.monotonic()
            with idx._sync_lock:
                try:
                    writing.sync(d, timeout=0.5, rebuild_damaged=True, merge=False)
                except IndexBusy:
                    pass  # another process is writing: its commit is picked up below
        elif time.monotonic() - self._last_change > IDLE_MERGE_SECONDS:
            gen = idx._gen
            if gen is not None and len(gen.leaves) > MERGE_SEGMENTS:
                with idx._sync_lock:
                    try:
                        writing.merge(d, timeout=0.5)
                    except (IndexBusy, IndexerError):
                        pass
        return self._switch()

    def _switch(self) -> bool:
        idx = self.index
        with idx._sync_lock:
            new = idx.next_generation()
        if new is None:
            return False
        new.warm_columns()
        old = idx._gen
        if old is not None:
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
