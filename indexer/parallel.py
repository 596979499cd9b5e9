"""A Whoosh writer that analyses and writes new documents in several processes.

A bulk sync spends nearly all its time in Whoosh's pure-Python indexing (analysing each
field, turning tokens into postings, writing posting blocks), one core's worth. Whoosh's
``MpWriter`` hands batches of documents to forked processes, each writing a segment of its
own (``multisegment``: no merge at commit). This subclass fixes what a background sync
cannot live with in it: a process that dies silently dropped its documents (the commit
went on without them), ``cancel`` left the processes waiting for work forever, and the
processes read field lengths one byte per posting (see ``writing._Lengths``).

Fork only from a single-threaded process (the refresher's child sync, the command line).
"""

from __future__ import annotations

import queue
from typing import Any

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

RESULT_TIMEOUT = 600.0  # a process that neither answers nor exits within this is stuck


class _Task(SubWriterTask):
    """One forked writer process: Whoosh's, reading lengths once, with ``fastwrite``."""

    def run(self) -> None:
        from indexer import fastwrite
        from indexer.writing import _read_lengths_once

        ix = self.storage.open_index(self.indexname)
        writer = self.writer = SegmentWriter(ix, _lk=False, **self.kwargs)
        _read_lengths_once(writer)
        fastwrite.install(writer)
        while True:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        segment = writer._finalize_segment()
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=30)


class ParallelWriter(MpWriter):
    """``MpWriter`` with ``multisegment``; a commit fails unless every process delivered
    its segment."""

    def __init__(self, ix: Any, procs: int, batchsize: int = 100, **kwargs: Any) -> None:
        super().__init__(ix, procs=procs, batchsize=batchsize, multisegment=True, **kwargs)
        self.subargs = {k: v for k, v in kwargs.items() if k != "timeout"}

    def _new_task(self) -> _Task:
        task = _Task(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, True
        )
        task.daemon = True  # never keeps the interpreter alive
        self.tasks.append(task)
        task.start()
        return task

    def _collect(self) -> list[Any]:
        """Every process's segment, read before joining (a full pipe would block it)."""
        results: list[Any] = []
        waited = 0.0
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=1.0))
                continue
            except queue.Empty:
                waited += 1.0
            alive = sum(t.is_alive() for t in self.tasks)
            if len(results) + alive < len(self.tasks) or waited > RESULT_TIMEOUT:
                # A process died without its segment: its documents would be lost.
                codes = [t.exitcode for t in self.tasks]
                raise RuntimeError(f"an index writer process failed (exit codes {codes})")
        for task in self.tasks:
            task.join()
        return results

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        finalsegments += [segment for _, _, segment in self._collect()]
        if self._added:  # documents the parent wrote itself (none: all go to processes)
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def cancel(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
            task.join()
        self.tasks = []
        SegmentWriter.cancel(self)
