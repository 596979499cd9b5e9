"""Costly clients must not starve an ordinary one: a bounded load check run by CI.

``python -m bench.starve --notices 30 --costly 12 --seconds 45`` archives the seeds and
``--notices`` generated notices (``bench.corpus``) in a temporary folder, indexes them and
starts ``python -m web`` (``bench.serverproc``; ``--workers`` as the server's default). Then
``--costly`` client threads send costly requests without pause — long chains of
one-character words, many exclusions, OR chains, CSV exports of everything, the side-by-side
view, problem pages (similar problems) — while one ordinary client searches the fixed query
mix (``bench.mix``, the queries that are not costly) on ``/api/search`` and ``/search``.

Reports the ordinary client's p50/p95/max latency and the costly clients' answers by status.
Exit code 1 if an ordinary request failed (not a 200, or no answer) or took more than
``--max-ms`` (default 3000), or a costly request got anything but 200, 400 or 503 (503 is how
the server refuses excess costly work). ``--data DIR`` uses an existing archive and index
instead (read only). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from bench.crash import exit_on_sigterm, kill_all, run_cli, write_json
from bench.mix import MIX, summary
from bench.serverproc import HOST, ServerProcess

SINGLES = "的是在了有就不人都一个上中大"
COMMON = ("整改", "问题", "制度", "干部", "资金", "学习", "会议", "项目", "管理", "落实")
COMMON += ("监督", "责任", "工作")


def costly_requests(problem_ids: list[str]) -> list[str]:
    """Paths a costly client cycles through: within the query limits (answered, as costly
    work) and beyond them (refused with 400 before searching)."""
    queries = [
        " ".join(SINGLES[:8]),  # 8 one-character words
        " ".join(SINGLES[:12]),  # 12: the most allowed
        " ".join(SINGLES),  # 14: refused
        "整改 " + " ".join("-" + w for w in COMMON[1:9]),  # 8 exclusions
        " OR ".join(COMMON[:12]),  # 12 alternatives
        " OR ".join(COMMON),  # 13: refused
        " ".join(f"{a}{b}" for a in SINGLES[:4] for b in SINGLES[4:8]),  # 16 rare pairs
        "(" * 6 + " OR ".join(COMMON[:6]) + ")" * 6,
    ]
    out = []
    for k, q in enumerate(queries):
        out.append("/api/search?" + urlencode({"q": q, "per_page": 100}))
        out.append("/search?" + urlencode({"q": q}))
        out.append("/search.csv?" + urlencode({"q": COMMON[k % 3]}))
        out.append("/search?" + urlencode({"q": COMMON[k % 5], "view": "side"}))
        if problem_ids:
            out.append(f"/api/problems/{quote(problem_ids[k % len(problem_ids)])}")
            out.append(f"/problems/{quote(problem_ids[(k + 3) % len(problem_ids)])}")
    out.append("/search.csv?q=")
    return out


def ordinary_requests() -> list[str]:
    """The query mix as a colleague sends it: short queries, filters, browsing."""
    out = []
    for q in MIX:
        out.append(q.path("/api/search"))
        out.append(q.path("/search"))
    return out


class Client(threading.Thread):
    """One keep-alive client walking ``paths`` until ``stop`` is set."""

    def __init__(
        self, port: int, paths: list[str], offset: int, stop: threading.Event, pause: float = 0.0
    ) -> None:
        super().__init__(daemon=True)
        self.port, self.paths, self.offset, self.stop_event = port, paths, offset, stop
        self.pause = pause
        self.statuses: Counter[str] = Counter()
        self.latencies: list[float] = []
        self.failures: list[str] = []

    def run(self) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        i = self.offset
        while not self.stop_event.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                status = str(resp.status)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                status = type(exc).__name__
            ms = (time.perf_counter() - t0) * 1000
            self.statuses[status] += 1
            self.latencies.append(ms)
            if status != "200":
                self.failures.append(f"{status} {ms:.0f} ms {path[:120]}")
            if self.pause:
                self.stop_event.wait(self.pause)
        conn.close()


def prepare(tmp: Path, notices: int, seed: int) -> Path:
    from bench.corpus import generate

    data = tmp / "data"
    corpus = tmp / "corpus"
    generate(corpus, notices, seed)
    repo = Path(__file__).resolve().parents[1]
    for cmd in (
        ["-m", "archive", "ingest", "--data", str(data), str(repo / "seeds"), str(corpus)],
        ["-m", "indexer", "sync", "--data", str(data)],
    ):
        r = run_cli(cmd, timeout=600)
        if r.returncode not in (0, 1):  # 1: some file rejected (reported, not fatal)
            raise RuntimeError(f"{' '.join(cmd[1:3])} 失败：{r.stderr.strip()[:300]}")
    return data


def problem_ids(port: int) -> list[str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", "/api/search?" + urlencode({"q": "整改", "per_page": 20}))
        resp = conn.getresponse()
        body = resp.read()
        return [h["id"] for h in json.loads(body)["hits"]] if resp.status == 200 else []
    finally:
        conn.close()


def run(args: argparse.Namespace, data: Path, log: Path) -> dict[str, Any]:
    server = ServerProcess(
        data,
        workers=args.workers,
        threads=args.threads,
        log=log,
        env={"NOTICES_SEARCH_CACHE": "0"},  # every repeated query is searched again
    )
    try:
        ready = server.wait_ready(180)
        ordinary = ordinary_requests()
        warm = threading.Event()
        warm.set()
        for path in ordinary:  # untimed warm-up: first searches load dictionaries
            Client(server.port, [path], 0, warm).run()
        costly = costly_requests(problem_ids(server.port))
        stop = threading.Event()
        hogs = [Client(server.port, costly, k * 3, stop) for k in range(args.costly)]
        colleague = Client(server.port, ordinary, 0, stop, pause=0.2)
        for t in hogs:
            t.start()
        time.sleep(1.0)  # the costly load is on before the colleague starts
        colleague.start()
        stop.wait(args.seconds)
        stop.set()
        for t in [colleague, *hogs]:
            t.join(timeout=90)
        memory = server.memory()
    finally:
        server.stop()
    statuses: Counter[str] = Counter()
    for t in hogs:
        statuses.update(t.statuses)
    bad_costly = {s: n for s, n in statuses.items() if s not in ("200", "400", "503")}
    slow = [ms for ms in colleague.latencies if ms > args.max_ms]
    ok = bool(colleague.latencies) and not colleague.failures and not slow and not bad_costly
    return {
        "ok": ok,
        "ready_seconds": round(ready, 2),
        "workers": server.workers,
        "costly_clients": args.costly,
        "ordinary": {
            **summary(colleague.latencies),
            "failures": colleague.failures[:10],
            "over_limit": len(slow),
        },
        "costly": {"requests": sum(statuses.values()), "statuses": dict(statuses)},
        "costly_samples": [f for t in hogs for f in t.failures if not f.startswith(("400", "503"))][
            :5
        ],
        "max_ms": args.max_ms,
        "memory_mb": {"rss_sum": memory["rss_sum"], "pss_sum": memory["pss_sum"]},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.starve", description=__doc__.split("\n\n")[1]
    )
    ap.add_argument("--notices", type=int, default=30, help="generated notices (default 30)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, default=None, help="existing archive + index instead")
    ap.add_argument("--costly", type=int, default=12, help="costly clients (default 12)")
    ap.add_argument("--seconds", type=float, default=45.0, help="load duration (default 45)")
    ap.add_argument("--max-ms", type=float, default=3000.0, help="ordinary limit (default 3000)")
    ap.add_argument("--workers", type=int, default=None, help="web workers (default: server's)")
    ap.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    ap.add_argument("--json", type=Path, default=None, metavar="FILE", help="write the result")
    args = ap.parse_args(argv)
    exit_on_sigterm()
    tmp = Path(tempfile.mkdtemp(prefix="bench-starve-"))
    result: dict[str, Any] = {"ok": False, "notices": args.notices, "seed": args.seed}
    try:
        t0 = time.monotonic()
        data = args.data or prepare(tmp, args.notices, args.seed)
        result["prepare_seconds"] = round(time.monotonic() - t0, 1)
        result.update(run(args, data, tmp / "web.log"))
        o, c = result["ordinary"], result["costly"]
        print(
            f"{args.costly} 个耗时客户端 + 1 个普通客户端，{args.seconds:.0f} 秒，"
            f"{result['workers']} 个工作进程：普通请求 {o.get('n', 0)} 个，"
            f"p50 {o.get('p50', 0):.0f} ms、p95 {o.get('p95', 0):.0f} ms、"
            f"最长 {o.get('max', 0):.0f} ms（上限 {args.max_ms:.0f} ms），"
            f"失败 {len(o['failures'])}；"
            f"耗时请求 {c['requests']} 个，按状态 {json.dumps(c['statuses'])}；"
            + ("通过" if result["ok"] else "失败")
        )
        for line in o["failures"] + result["costly_samples"]:
            print(f"  {line}", file=sys.stderr)
        return 0 if result["ok"] else 1
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
        print(f"耗时请求检查无法完成：{result['error']}", file=sys.stderr)
        return 1
    finally:
        kill_all()
        write_json(args.json, result)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
