"""A bounded HTTP load generator and a handle on a real ``python -m web`` server.

Clients are threads with one keep-alive connection each; they walk a fixed request list
until a request budget or a time budget is spent. Only 127.0.0.1 is ever contacted.

``python -m bench.load --data DIR --clients 4 --seconds 60`` serves an existing archive and
index (read only: it refuses an index that is not in step, which the server would rewrite)
and reports requests per second, p50/p95/p99 per endpoint group and overall, and the error
count; exit code 0 when no request failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from bench.serverproc import HOST, ServerProcess, free_port  # noqa: F401 (re-exported)


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


class Server(ServerProcess):
    """``python -m web`` on a free port of 127.0.0.1 (``bench.serverproc``), stopped by
    ``stop()``. Results are measured uncached: the load repeats a fixed mix, which a result
    cache would answer from memory. ``workers=None``: the server's default."""

    def __init__(
        self, data_dir: Path, log: Path, threads: int = 8, workers: int | None = None
    ) -> None:
        super().__init__(
            data_dir,
            workers=workers,
            threads=threads,
            log=log,
            env={"NOTICES_SEARCH_CACHE": "0"},
        )

    def wait_ready(self, timeout: float = 600.0, path: str = "/api/") -> float:
        """Seconds until ``/api/`` answers 200 (the index is opened before serving)."""
        return super().wait_ready(timeout, path)


# -- command line ----------------------------------------------------------------------

# Narrow queries for the CSV export: it returns every match (up to 10,000 rows).
CSV_QUERIES = ('"三会一课"', "红包", "公车 region=安徽", '"选人用人" year:2022')
GROUPS = ("api_search", "search_html", "api_problem", "notice_html", "stats", "search_csv")


def _get_json(port: int, path: str) -> Any:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{path} 返回 HTTP {resp.status}")
        return json.loads(body)
    finally:
        conn.close()


def mixed_requests(port: int, seed: int) -> list[tuple[str, str]]:
    """Every endpoint group, interleaved: the query mix on /api/search and /search, problem
    pages (with similar problems) and notice pages of real hits, /stats, and a CSV export
    now and then."""
    from bench.mix import MIX

    hits = _get_json(port, "/api/search?" + urlencode({"q": "整改", "per_page": 100}))["hits"]
    if not hits:
        raise RuntimeError("检索“整改”没有结果：档案库为空？")
    rng = random.Random(f"load:{seed}")
    problems = [h["id"] for h in hits]
    notices = sorted({h["notice_id"] for h in hits})
    rng.shuffle(problems)
    rng.shuffle(notices)
    out: list[tuple[str, str]] = []
    for k, q in enumerate(MIX * 3):
        out.append(("api_search", q.path("/api/search")))
        out.append(("search_html", q.path("/search")))
        out.append(("api_problem", f"/api/problems/{quote(problems[k % len(problems)])}"))
        if k % 2 == 0:
            out.append(("notice_html", f"/notices/{quote(notices[k % len(notices)])}"))
        if k % 7 == 0:
            out.append(("stats", "/stats"))
        if k % 10 == 0:
            csv_q = CSV_QUERIES[(k // 10) % len(CSV_QUERIES)]
            out.append(("search_csv", "/search.csv?" + urlencode({"q": csv_q})))
    return out


def _index_in_step(data_dir: Path) -> str | None:
    """Why the index is not in step with the archive (None: it is). Reads only."""
    from indexer.writing import check

    drift = check(data_dir)
    if drift.ok:
        return None
    return (
        f"档案版本 {drift.archive_revision}，索引版本 {drift.index_revision}，"
        f"缺少 {len(drift.missing)}，多出 {len(drift.extra)}"
        + ("，索引结构已变更" if drift.stale_fingerprint else "")
    )


def _write_json(path: Path | None, result: dict[str, Any]) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    from bench.mix import summary

    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[-1])
    ap.add_argument("--data", type=Path, required=True, help="data folder (archive + index)")
    ap.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    ap.add_argument("--seconds", type=float, default=60.0, help="duration (default 60)")
    ap.add_argument("--seed", type=int, default=1, help="order of the request list")
    ap.add_argument("--threads", type=int, default=8, help="web server threads (default 8)")
    ap.add_argument(
        "--workers", type=int, default=None, help="web worker processes (default: the server's)"
    )
    ap.add_argument("--json", type=Path, default=None, metavar="FILE", help="write the result")
    ap.add_argument(
        "--allow-sync", action="store_true", help="serve even when the index must be synced"
    )
    args = ap.parse_args(argv)
    if not (args.data / "archive.sqlite3").is_file():
        ap.error(f"{args.data} 中没有档案库")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    behind = _index_in_step(args.data)
    if behind and not args.allow_sync:
        print(f"索引与档案不一致（{behind}）：服务器会改写索引，已停止", file=sys.stderr)
        return 2
    result: dict[str, Any] = {"ok": False, "data": str(args.data), "clients": args.clients}
    fd, log_name = tempfile.mkstemp(prefix="bench-load-web-", suffix=".log")
    os.close(fd)
    log = Path(log_name)
    server = Server(args.data, log, threads=args.threads, workers=args.workers)
    try:
        ready = server.wait_ready()
        requests = mixed_requests(server.port, args.seed)
        seen: set[str] = set()
        for group, path in requests:  # warm-up: one request of each group, untimed
            if group not in seen:
                seen.add(group)
                run_load(server.port, [(group, path)], 1, 1, 120)
        res = run_load(server.port, requests, args.clients, 10**9, args.seconds)
        memory = memory_of(server.pid)
        processes = server.memory()
    except (OSError, RuntimeError, ValueError, KeyError) as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
        print(f"负载测试无法完成：{result['error']}（服务器日志 {log}）", file=sys.stderr)
        _write_json(args.json, result)
        return 1
    finally:
        server.stop()
    log.unlink(missing_ok=True)
    every = [ms for v in res.latencies.values() for ms in v]
    groups = {g: summary(res.latencies.get(g, [])) for g in GROUPS}
    result.update(
        ok=res.errors == 0,
        ready_seconds=round(ready, 2),
        seconds=round(res.seconds, 1),
        requests=res.requests,
        errors=res.errors,
        error_samples=res.error_samples,
        rps=round(res.rps, 1),
        latency_ms={"all": summary(every), **groups},
        server_memory_mb=memory,
        workers=server.workers,
        processes_memory_mb=processes,
    )
    _write_json(args.json, result)
    for g, s in result["latency_ms"].items():
        if s["n"]:
            print(
                f"  {g:<12} {s['n']:>6} 次  p50 {s['p50']:8.1f}  p95 {s['p95']:8.1f}"
                f"  p99 {s['p99']:8.1f} ms"
            )
    print(
        f"负载：{args.clients} 个客户端 {res.seconds:.0f} 秒，{res.requests} 个请求"
        f"（{res.rps:.1f} 次/秒），错误 {res.errors}；{server.workers} 个工作进程，"
        f"主进程内存峰值 {memory.get('VmHWM', 0):.0f} MB，全部进程 PSS 合计 "
        f"{processes['pss_sum']:.0f} MB；" + ("通过" if res.errors == 0 else "失败")
    )
    for sample in res.error_samples:
        print(f"  错误示例：{sample}", file=sys.stderr)
    return 0 if res.errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
