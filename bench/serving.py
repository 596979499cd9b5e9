"""Ingest while serving: notices become searchable within 5 s and no request fails meanwhile.

``python -m bench.serving --notices 30 --clients 4 --seed 1`` starts ``python -m web`` on a
data directory holding the seeds (ingested and synced), keeps ``--clients`` threads
requesting ``/api/search``, ``/search`` and ``/api/problems/<id>``, and meanwhile ingests
generated notices one file at a time with ``python -m archive ingest``. After each ingest
returns, ``/api/search`` is polled until the new notice is found: by one of its rare terms
(the count must reach the number of stored problems holding it) or, when it has none, by
``org:`` on its organisation. Checks: no request failed (non-200 or connection error) and
every delay ≤ 5 s. Exit code 0 when both hold, 1 otherwise. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from bench.crash import REPO, exit_on_sigterm, kill_all, literal, run_cli, write_json
from bench.mix import MIX, summary
from bench.serverproc import HOST, ServerProcess

MAX_DELAY = 5.0
POLL_EVERY = 0.05


@dataclass
class Probe:
    """How to see that a notice arrived: a query and the total it must reach."""

    file: str
    path: str  # /api/search?...
    label: str
    expected: int


class Clients:
    """``n`` keep-alive client threads walking a request list until ``stop()``."""

    def __init__(self, port: int, requests: list[tuple[str, str]], n: int, cap: float) -> None:
        self.port = port
        self.requests = requests
        self.stop_event = threading.Event()
        self.deadline = time.monotonic() + cap
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.count = 0
        step = max(1, len(requests) // n)
        self.threads = [threading.Thread(target=self._run, args=(k * step,)) for k in range(n)]
        self.t0 = time.perf_counter()
        self.seconds = 0.0

    def start(self) -> None:
        self.t0 = time.perf_counter()
        for t in self.threads:
            t.start()

    def stop(self) -> None:
        self.stop_event.set()
        for t in self.threads:
            t.join()
        self.seconds = time.perf_counter() - self.t0

    def record(self, group: str, ms: float | None, detail: str = "") -> None:
        with self.lock:
            self.count += 1
            if ms is None:
                self.errors.append(detail)
            else:
                self.latencies.setdefault(group, []).append(ms)

    def _run(self, offset: int) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        i = offset
        try:
            while not self.stop_event.is_set() and time.monotonic() < self.deadline:
                group, path = self.requests[i % len(self.requests)]
                i += 1
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path)
                    resp = conn.getresponse()
                    resp.read()
                    ms = (time.perf_counter() - t0) * 1000
                    if resp.status == 200:
                        self.record(group, ms)
                    else:
                        self.record(group, None, f"{resp.status} {path}")
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                    self.record(group, None, f"{type(exc).__name__} {path}")
        finally:
            conn.close()


def search_total(conn: http.client.HTTPConnection, path: str) -> tuple[int, int | None]:
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 200:
        return resp.status, None
    return resp.status, json.loads(body).get("total")


def make_probes(corpus: Path, files: list[str], seeds: Path, manifest: dict) -> list[Probe]:
    """One probe per file, its expected total counted from the parsed files ingested so far
    (the seeds, then the corpus in order)."""
    from archive import parse_file

    seed_notices = [parse_file(p) for p in sorted(seeds.glob("*.txt"))]
    notices = [parse_file(corpus / f) for f in files]
    terms_of: dict[str, list[str]] = {}
    for t in manifest["rare_terms"]:
        for occ in t["occurrences"]:
            terms_of.setdefault(occ["file"], []).append(t["term"])
    probes = []
    for i, name in enumerate(files):
        upto = seed_notices + notices[: i + 1]
        terms = terms_of.get(name)
        if terms:
            term = sorted(terms)[0]
            needle = literal(term)
            expected = sum(needle in literal(p.text) for n in upto for p in n.problems)
            path = "/api/search?" + urlencode({"q": f'"{term}"'})
            probes.append(Probe(name, path, f"“{term}”", expected))
            continue
        org = notices[i].organisation or ""
        needle = literal(org)
        expected = sum(
            1
            for n in upto
            if n.organisation == org
            or needle in literal(" ".join(x for x in (n.organisation, n.publisher) if x))
        )
        path = "/api/search?" + urlencode({"q": f'org:"{org}"', "kind": "notice"})
        probes.append(Probe(name, path, f"org:{org}", expected))
    return probes


def request_mix(port: int) -> list[tuple[str, str]]:
    """Search API with the query mix, the HTML search page, and problem pages (similar)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", "/api/search?" + urlencode({"q": "整改", "per_page": 20}))
        resp = conn.getresponse()
        hits = json.loads(resp.read())["hits"] if resp.status == 200 else []
    finally:
        conn.close()
    ids = [h["id"] for h in hits][:10]
    out: list[tuple[str, str]] = []
    for k, q in enumerate(MIX):
        out.append(("api_search", q.path("/api/search")))
        out.append(("search_html", q.path("/search")))
        if ids:
            out.append(("problem", f"/api/problems/{quote(ids[k % len(ids)])}"))
    return out


def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from bench.corpus import generate

    data = tmp / "data"
    seeds = REPO / "seeds"
    for cmd in (
        ["-m", "archive", "ingest", "--data", str(data), str(seeds)],
        ["-m", "indexer", "sync", "--data", str(data)],
    ):
        r = run_cli(cmd)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[1:3])} 失败：{r.stderr.strip()[:200]}")
    corpus = tmp / "corpus"
    manifest = generate(corpus, args.notices, args.seed)
    files = [f["file"] for f in manifest["files"]]
    random.Random(f"serving:{args.seed}").shuffle(files)
    probes = make_probes(corpus, files, seeds, manifest)

    server = ServerProcess(
        data,
        workers=args.workers,
        threads=args.threads,
        log=tmp / "web.log",
        env={"NOTICES_SEARCH_CACHE": "0"},  # measured uncached, as bench.load
    )
    try:
        ready = server.wait_ready(timeout=120)
        clients = Clients(server.port, request_mix(server.port), args.clients, args.max_seconds)
        clients.start()
        delays: list[dict[str, Any]] = []
        errors: list[str] = []
        poll = http.client.HTTPConnection(HOST, server.port, timeout=60)
        try:
            for k, probe in enumerate(probes):
                ing = run_cli(
                    ["-m", "archive", "ingest", "--data", str(data), str(corpus / probe.file)]
                )
                if ing.returncode != 0:
                    errors.append(f"{probe.file}: ingest 退出码 {ing.returncode}")
                    continue
                t0 = time.monotonic()
                got: int | None = None
                while True:
                    p0 = time.perf_counter()
                    try:
                        status, got = search_total(poll, probe.path)
                    except (OSError, http.client.HTTPException) as exc:
                        poll.close()
                        poll = http.client.HTTPConnection(HOST, server.port, timeout=60)
                        got = None
                        clients.record("poll", None, f"{type(exc).__name__} {probe.path}")
                    else:
                        ms = (time.perf_counter() - p0) * 1000
                        ok = status == 200
                        clients.record("poll", ms if ok else None, f"{status} {probe.path}")
                    waited = time.monotonic() - t0
                    if got == probe.expected or waited > args.give_up:
                        break
                    time.sleep(POLL_EVERY)
                row = {
                    "file": probe.file,
                    "probe": probe.label,
                    "expected": probe.expected,
                    "got": got,
                    "delay": round(waited, 3),
                    "ingest_seconds": round(ing.seconds, 2),
                }
                delays.append(row)
                if got != probe.expected:
                    errors.append(f"{probe.file}: {probe.label} {args.give_up:g} 秒后仍为 {got}")
                elif waited > MAX_DELAY:
                    errors.append(f"{probe.file}: {waited:.2f} 秒后才可检索")
                if args.verbose:
                    print(
                        f"  {k + 1:>3}/{len(probes)} {probe.file} {probe.label} → "
                        f"{got}/{probe.expected}，{waited:.2f} 秒",
                        flush=True,
                    )
        finally:
            poll.close()
            clients.stop()
    finally:
        server.stop()

    lat = {g: summary(v) for g, v in sorted(clients.latencies.items()) if g != "poll"}
    every = [ms for g, v in clients.latencies.items() if g != "poll" for ms in v]
    max_delay = max((d["delay"] for d in delays), default=0.0)
    served = sum(len(v) for g, v in clients.latencies.items() if g != "poll")
    errors.extend(f"请求失败：{e}" for e in clients.errors[:10])
    return {
        "ok": not errors and not clients.errors,
        "ready_seconds": round(ready, 2),
        "seconds": round(clients.seconds, 1),
        "requests": served,
        "failed_requests": len(clients.errors),
        "rps": round(served / clients.seconds, 1) if clients.seconds else 0.0,
        "latency_ms": {"all": summary(every), **lat},
        "max_delay": max_delay,
        "delays": delays,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.serving", description=__doc__)
    ap.add_argument("--notices", type=int, default=30, help="notices to ingest (default 30)")
    ap.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=8, help="web server threads (default 8)")
    ap.add_argument(
        "--workers", type=int, default=None, help="web worker processes (default: the server's)"
    )
    ap.add_argument("--json", type=Path, default=None, metavar="FILE", help="write the result")
    ap.add_argument("--give-up", type=float, default=30.0, help="stop polling after S seconds")
    ap.add_argument("--max-seconds", type=float, default=900.0, help="cap on the whole load")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per notice")
    args = ap.parse_args(argv)
    exit_on_sigterm()
    tmp = Path(tempfile.mkdtemp(prefix="bench-serving-"))
    result: dict[str, Any] = {"ok": False, "seed": args.seed, "notices": args.notices}
    try:
        result.update(run(args, tmp))
        lat = result["latency_ms"]["all"]
        print(
            f"边导入边服务：{args.notices} 份通报、{args.clients} 个客户端，"
            f"{result['requests']} 个请求（{result['rps']} 次/秒），"
            f"失败 {result['failed_requests']}；"
            f"延迟 p50 {lat.get('p50', 0)} ms、p99 {lat.get('p99', 0)} ms；"
            f"可检索最长等待 {result['max_delay']:.2f} 秒（上限 {MAX_DELAY:g} 秒）；"
            + ("通过" if result["ok"] else "失败：" + "；".join(result["errors"][:3]))
        )
        return 0 if result["ok"] else 1
    except Exception as exc:
        result["ok"] = False
        result["error"] = f"{type(exc).__name__}: {exc}"
        print(f"边导入边服务检查无法完成：{result['error']}", file=sys.stderr)
        return 1
    finally:
        kill_all()
        write_json(args.json, result)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
