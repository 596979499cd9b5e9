"""A bounded HTTP load generator and a handle on a real ``python -m web`` server.

Clients are threads with one keep-alive connection each; they walk a fixed request list
until a request budget or a time budget is spent. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"


@dataclass
class LoadResult:
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=dict)  # by group, in ms
    error_samples: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run_load(
    port: int,
    requests: list[tuple[str, str]],
    clients: int,
    max_requests: int,
    max_seconds: float,
) -> LoadResult:
    """Send ``(group, path)`` requests round-robin from ``clients`` threads; each client
    starts at a different offset so concurrent clients ask for different things."""
    lock = threading.Lock()
    sent = 0
    errors: list[str] = []
    latencies: dict[str, list[float]] = {}
    deadline = time.monotonic() + max_seconds

    def take() -> bool:
        nonlocal sent
        with lock:
            if sent >= max_requests or time.monotonic() > deadline:
                return False
            sent += 1
            return True

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        i = offset
        while take():
            group, path = requests[i % len(requests)]
            i += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
                detail = f"{resp.status} {path}"
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
                ok, detail = False, f"{type(exc).__name__} {path}"
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                if ok:
                    latencies.setdefault(group, []).append(ms)
                else:
                    errors.append(detail)
        conn.close()

    step = max(1, len(requests) // clients)
    threads = [threading.Thread(target=client, args=(k * step,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    return LoadResult(clients, sent, len(errors), seconds, latencies, errors[:5])


def memory_of(pid: int) -> dict[str, float]:
    """VmHWM (peak), VmRSS and its parts (anonymous memory; file pages such as mmapped index
    segments) of a process, in MB, from /proc/<pid>/status."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


class Server:
    """``python -m web`` on a free port of 127.0.0.1, stopped by ``stop()``."""

    def __init__(self, data_dir: Path, log: Path, threads: int = 8) -> None:
        self.port = free_port()
        self.log = log
        self._log_file = log.open("wb")
        cmd = [sys.executable, "-m", "web", "--host", HOST, "--port", str(self.port)]
        cmd += ["--data", str(data_dir), "--threads", str(threads)]
        repo = Path(__file__).resolve().parents[1]
        # Results are measured uncached: the load repeats a fixed mix, which a result cache
        # would answer from memory.
        env = {**os.environ, "PYTHONPATH": str(repo), "NOTICES_SEARCH_CACHE": "0"}
        self.proc = subprocess.Popen(
            cmd, cwd=repo, stdout=self._log_file, stderr=subprocess.STDOUT, env=env
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, timeout: float = 600.0) -> float:
        """Seconds until ``/api/`` answers 200 (the index is opened before serving)."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"web 进程已退出（{self.proc.returncode}），见 {self.log}")
            conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
            try:
                conn.request("GET", "/api/")
                if conn.getresponse().status == 200:
                    return time.monotonic() - t0
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)
            finally:
                conn.close()
        raise TimeoutError(f"web 进程 {timeout:.0f} 秒内未就绪，见 {self.log}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()
