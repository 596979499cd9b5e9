"""Start a real ``python -m web`` for tests and benchmarks, and stop it with all its workers.

One helper for every caller (tests/conftest.py, bench.load, bench.serving, bench.starve):

    with serve(data_dir, workers=2) as server:
        urllib.request.urlopen(server.url("/api/search", q="公车"))

The server runs in its own process group on a free port of 127.0.0.1, its output goes to a
log file (never a pipe that could fill up), readiness is a 200 from ``/api/`` (the index is
prepared before the server listens), and ``stop()`` sends SIGTERM to the whole group, then
SIGKILL to whatever is left, so no worker outlives the caller.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class ServerProcess:
    """A running ``python -m web`` (started by the constructor, not yet ready)."""

    def __init__(
        self,
        data_dir: Path,
        *,
        workers: int | None = 1,
        threads: int | None = None,
        log: Path | None = None,
        env: dict[str, str] | None = None,
        extra_args: Sequence[str] = (),
    ) -> None:
        if workers is None:
            from web.__main__ import default_workers

            workers = default_workers()
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        if log is None:
            fd, name = tempfile.mkstemp(prefix="notices-web-", suffix=".log")
            os.close(fd)
            log = Path(name)
        self.log = log
        self._log_file = log.open("wb")
        cmd = [sys.executable, "-m", "web", "--host", HOST, "--port", str(self.port)]
        cmd += ["--data", str(data_dir)]
        cmd += ["--workers", str(workers)]
        if threads is not None:
            cmd += ["--threads", str(threads)]
        cmd += list(extra_args)
        full_env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUTF8": "1", **(env or {})}
        self.proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env=full_env,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        """The first process: waitress itself, or gunicorn's master."""
        return self.proc.pid

    def url(self, path: str, **params: Any) -> str:
        return self.base_url + path + ("?" + urlencode(params) if params else "")

    def output(self, last: int = 4000) -> str:
        """The end of the server's stdout and stderr."""
        if not self._log_file.closed:
            self._log_file.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")[-last:]

    def wait_ready(self, timeout: float = 120.0, path: str = "/api/") -> float:
        """Seconds until ``path`` answers 200 and every worker runs; RuntimeError if the
        process exits first."""
        t0 = time.monotonic()
        expected = 1 if self.workers == 1 else 1 + self.workers
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"web 进程已退出（{self.proc.returncode}）：{self.output(1500)}")
            conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
            try:
                conn.request("GET", path)
                if conn.getresponse().status == 200 and len(self.pids()) >= expected:
                    return time.monotonic() - t0
            except (OSError, http.client.HTTPException):
                pass
            finally:
                conn.close()
            time.sleep(0.1)
        raise TimeoutError(f"web 进程 {timeout:.0f} 秒内未就绪，见 {self.log}")

    def pids(self) -> list[int]:
        """The server's live processes: the first one and its workers (its process group)."""
        members = _group_members(self.pid)
        return sorted(members, key=lambda p: p != self.pid)

    def memory(self) -> dict[str, Any]:
        """Memory of every process of the server, in MB: ``VmHWM``/``VmRSS`` each, and in
        total ``rss_sum`` (pages shared after the fork counted once per process) and
        ``pss_sum`` (proportional set size: a page shared by k processes counts 1/k, so
        shared memory is counted once overall)."""
        procs = {}
        for pid in self.pids():
            procs[str(pid)] = process_memory(pid)
        return {
            "processes": procs,
            "rss_sum": round(sum(p.get("VmRSS", 0) for p in procs.values()), 1),
            "pss_sum": round(sum(p.get("Pss", 0) for p in procs.values()), 1),
        }

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM to the process group, then SIGKILL after ``timeout``; the exit code."""
        if self.proc.poll() is None:
            _signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        # Workers left behind by a master that died first.
        deadline = time.monotonic() + 5
        while _group_alive(self.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _group_alive(self.proc.pid):
            _signal_group(self.proc.pid, signal.SIGKILL)
        if not self._log_file.closed:
            self._log_file.close()
        return self.proc.returncode

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return sorted(out)


def _group_alive(pgid: int) -> bool:
    return bool(_group_members(pgid))


def process_memory(pid: int) -> dict[str, float]:
    """VmHWM (peak), VmRSS, RssAnon, RssFile and Pss of one process, in MB."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                out[key] = round(int(value.split()[0]) / 1024, 1)
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, value = line.partition(":")
            if key == "Pss":
                out["Pss"] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return out


@contextmanager
def serve(
    data_dir: Path, *, ready_timeout: float = 120.0, **options: Any
) -> Iterator[ServerProcess]:
    """A ready server on ``data_dir`` for the ``with`` block; stopped (all workers) after.

    ``options``: ``workers`` (default 1), ``threads``, ``log``, ``env``, ``extra_args``.
    """
    server = ServerProcess(data_dir, **options)
    try:
        server.wait_ready(ready_timeout)
        yield server
    finally:
        server.stop()
