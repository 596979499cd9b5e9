"""A bulk ingest while a server answers searches: nothing freezes, everything is found.

``python -m bench.bulk [--base 200] [--bulk 300] [--work DIR] [--json FILE]``: archives and
indexes ``--base`` generated notices, starts ``python -m web --data DIR --port P``, keeps
two clients searching the bench mix, ingests ``--bulk`` other generated notices with
``python -m archive ingest`` and waits until the server's notice count includes them all.
Reports the slowest search during the ingest and the time from the end of the ingest until
every new notice was searchable. Exit 1 when a search took more than 2 s, a new notice was
not searchable 30 s after the ingest, or a search failed. Bounded to about 5 minutes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.corpus import generate
from bench.mix import MIX, summary

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
MAX_SEARCH_S = 2.0
MAX_SEARCHABLE_S = 30.0
GUARD_S = 270.0  # the whole run stops here at the latest


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 60.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        res = conn.getresponse()
        return res.status, res.read()
    finally:
        conn.close()


def python(*args: str | Path, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUTF8": "1"}
    return subprocess.run(
        [sys.executable, "-m", *map(str, args)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def notice_total(port: int) -> int:
    status, body = get(port, "/api/search?kind=notice&per_page=1")
    return json.loads(body)["total"] if status == 200 else -1


class Clients:
    """Threads searching the mix in a loop; every latency and failure is kept."""

    def __init__(self, port: int, n: int = 2) -> None:
        self.port = port
        self.latencies: list[tuple[float, float, str]] = []  # (start, seconds, path)
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(n)]

    def _run(self, offset: int) -> None:
        paths = [q.path() for q in MIX]
        i = offset
        while not self._stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            t0 = time.monotonic()
            try:
                status, _ = get(self.port, path)
            except OSError as exc:
                status = f"{type(exc).__name__}"
            self.latencies.append((t0, time.monotonic() - t0, path))
            if status != 200:
                self.failures.append(f"{status} {path}")

    def __enter__(self) -> Clients:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(70)


def start_server(data: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "web", "--data", str(data), "--port", str(port)],
        cwd=REPO,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"web exited with {proc.returncode}; see {log}")
        try:
            if get(port, "/api/", timeout=5)[0] == 200:
                return proc, port
        except OSError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise TimeoutError(f"web not ready in 120 s; see {log}")


def run(base: int, bulk: int, work: Path) -> dict[str, Any]:
    t_all = time.monotonic()
    shutil.rmtree(work, ignore_errors=True)
    data = work / "data"
    say(f"corpus: {base} base notices, {bulk} bulk notices")
    generate(work / "base", base, seed=1)
    generate(work / "bulk", bulk, seed=2)
    (work / "base" / "manifest.json").unlink()
    (work / "bulk" / "manifest.json").unlink()
    res = python("archive", "ingest", "--data", data, work / "base", timeout=200)
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-2000:])
    python("indexer", "build", "--data", data, timeout=200)
    proc, port = start_server(data, work / "server.log")
    # Other work on the machine decides the figures (the child sync shares 2 cores with
    # the server and its clients): the load average at the ingest and at the end.
    out: dict[str, Any] = {"base": base, "bulk": bulk, "load_at_ingest": os.getloadavg()[0]}
    try:
        before = notice_total(port)
        with Clients(port) as clients:
            time.sleep(2)
            say(f"ingesting {bulk} notices while 2 clients search")
            t_ingest = time.monotonic()
            res = python("archive", "ingest", "--data", data, work / "bulk", timeout=GUARD_S)
            t_done = time.monotonic()
            expected = before + int(_added(res.stdout + res.stderr, bulk))
            say(f"ingest took {t_done - t_ingest:.1f} s; waiting for {expected} notices")
            searchable = None
            while time.monotonic() - t_all < GUARD_S:
                if notice_total(port) >= expected:
                    searchable = time.monotonic() - t_done
                    break
                time.sleep(0.5)
            time.sleep(1)
        during = [s for t0, s, _ in clients.latencies if t0 >= t_ingest]
        slowest = max(clients.latencies, key=lambda x: x[1], default=(0, 0.0, ""))
        out.update(
            notices_before=before,
            notices_expected=expected,
            ingest_seconds=round(t_done - t_ingest, 1),
            searchable_after_ingest_s=None if searchable is None else round(searchable, 1),
            searches=len(clients.latencies),
            during_ingest_ms=summary([s * 1000 for s in during]),
            slowest={"ms": round(slowest[1] * 1000, 1), "path": slowest[2]},
            failures=clients.failures[:10],
        )
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    out["seconds"] = round(time.monotonic() - t_all, 1)
    out["load_at_end"] = os.getloadavg()[0]
    return out


def _added(output: str, default: int) -> int:
    import re

    m = re.search(r"新增 (\d+)", output)
    return int(m.group(1)) if m else default


def verdict(r: dict[str, Any]) -> list[str]:
    problems = []
    if r["slowest"]["ms"] > MAX_SEARCH_S * 1000:
        problems.append(f"a search took {r['slowest']['ms']:.0f} ms (limit {MAX_SEARCH_S:g} s)")
    s = r["searchable_after_ingest_s"]
    if s is None or s > MAX_SEARCHABLE_S:
        problems.append(f"new notices searchable after {s} s (limit {MAX_SEARCHABLE_S:g} s)")
    if r["failures"]:
        problems.append(f"failed searches: {r['failures'][:3]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.bulk", description=__doc__)
    ap.add_argument("--base", type=int, default=200)
    ap.add_argument("--bulk", type=int, default=300)
    ap.add_argument("--work", type=Path, default=Path("/tmp/notices-bulk"))
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    r = run(args.base, args.bulk, args.work)
    problems = verdict(r)
    r["ok"] = not problems
    text = json.dumps(r, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    for p in problems:
        say(f"FAIL: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
