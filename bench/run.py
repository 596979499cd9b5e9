"""Run the whole benchmark end to end and record it.

``python -m bench.run --n 1000 [--work DIR] [--reuse]``: corpus → ``archive ingest`` →
``indexer build`` → incremental add and remove of one notice → in-process search and
similar-problem latencies → the peers (naive jieba+Whoosh, FTS5 trigram, linear scan) with
recall against the scan → a real ``python -m web`` under 1 and 4 HTTP clients. Writes
``bench/results/<n>-<date>.json`` and regenerates ``BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import corpus, report
from bench.load import Server, run_load
from bench.mix import MIX, summary
from bench.peers import Fts5, Naive, Scan, folder_size, load_problems

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
EXPORT_CAP = 20_000  # above this many true matches, recall is checked on counts only


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


@dataclass
class Child:
    seconds: float
    max_rss_mb: float
    returncode: int
    output: str


def run_child(args: list[str], log: Path) -> Child:
    """Run ``python -m …`` from the repo; time it and read its peak RSS from wait4."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with log.open("wb") as f:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", *args], cwd=REPO, stdout=f, stderr=subprocess.STDOUT, env=env
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Child(seconds, round(usage.ru_maxrss / 1024, 1), proc.returncode, log.read_text())


def code_fingerprint() -> str:
    """A hash of the product's code and data files, to tell whether they changed mid-run."""
    h = hashlib.sha256()
    for top in ("archive", "indexer", "web"):
        for path in sorted((REPO / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(REPO)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _rate(count: float, seconds: float) -> float:
    return round(count / seconds, 2) if seconds else 0.0


def machine() -> dict[str, Any]:
    import sqlite3

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        mem_gb = round(int(mem) / 1024 / 1024, 1)
    except OSError:
        mem_gb = None
    versions = {}
    for pkg in ("whoosh-reloaded", "jieba", "flask", "waitress"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    versions["sqlite"] = sqlite3.sqlite_version
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "archive", "indexer", "web"],
        cwd=REPO,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "commit": commit + ("+dirty" if dirty else ""),
    }


# -- steps ---------------------------------------------------------------------------


def step_corpus(work: Path, n: int, seed: int, reuse: bool) -> dict[str, Any]:
    out = work / "corpus"
    mf = out / "manifest.json"
    if reuse and mf.exists():
        m = json.loads(mf.read_text(encoding="utf-8"))
        if (m["n"], m["seed"], m["generator_version"]) == (n, seed, corpus.GENERATOR_VERSION):
            say(f"语料：沿用 {out}")
            return m
    if out.exists():
        shutil.rmtree(out)
    say(f"语料：生成 {n} 份通报 → {out}")
    t0 = time.perf_counter()
    m = corpus.generate(out, n, seed, progress=True)
    m["seconds"] = round(time.perf_counter() - t0, 2)
    (out / "manifest.json").write_text(json.dumps(m, ensure_ascii=False, indent=1) + "\n")
    return m


def step_ingest(work: Path, data: Path, m: dict[str, Any], reuse: bool) -> dict[str, Any]:
    saved = work / "ingest.json"
    if reuse and saved.exists() and (data / "archive.sqlite3").exists():
        say("导入：沿用已有档案库")
        return {**json.loads(saved.read_text()), "reused": True}
    if data.exists():
        shutil.rmtree(data)
    say("导入：python -m archive ingest …")
    c = run_child(
        ["archive", "ingest", "--data", str(data), str(work / "corpus")], work / "ingest.log"
    )
    counts = re.search(r"新增 (\d+)，未变 (\d+)，拒收 (\d+)", c.output)
    added, unchanged, rejected = (int(x) for x in counts.groups()) if counts else (0, 0, -1)
    chars = _archive_chars(data)
    file_bytes = sum(f["bytes"] for f in m["files"])
    r = {
        "seconds": round(c.seconds, 2),
        "added": added,
        "unchanged": unchanged,
        "rejected": rejected,
        "accepted_share": round(added / len(m["files"]), 4),
        "notices_per_s": _rate(added, c.seconds),
        "chars_per_s": _rate(chars, c.seconds),
        "file_bytes": file_bytes,
        "chars": chars,
        "max_rss_mb": c.max_rss_mb,
        "archive_mb": round(folder_size(data / "archive.sqlite3") / 2**20, 1),
    }
    saved.write_text(json.dumps(r))
    say(f"导入：{added} 份，拒收 {rejected}，{c.seconds:.1f} 秒")
    return r


def _archive_chars(data: Path) -> int:
    import sqlite3

    db = sqlite3.connect(data / "archive.sqlite3")
    try:
        return int(db.execute("SELECT COALESCE(SUM(LENGTH(text)), 0) FROM notices").fetchone()[0])
    finally:
        db.close()


def step_build(work: Path, data: Path, ingest: dict[str, Any]) -> dict[str, Any]:
    say("索引：python -m indexer build …")
    c = run_child(["indexer", "build", "--data", str(data)], work / "build.log")
    if c.returncode != 0:
        raise RuntimeError(f"indexer build 失败，见 {work / 'build.log'}")
    size = folder_size(data / "index")
    n = ingest["added"] + ingest.get("unchanged", 0)
    say(f"索引：{c.seconds:.1f} 秒，{size / 2**20:.0f} MB")
    return {
        "seconds": round(c.seconds, 2),
        "notices_per_s": _rate(n, c.seconds),
        "chars_per_s": _rate(ingest["chars"], c.seconds),
        "max_rss_mb": c.max_rss_mb,
        "index_mb": round(size / 2**20, 1),
    }


def step_keep_index(work: Path, data: Path, n: int, results: Path) -> dict[str, Any]:
    """Keep the index of an earlier run (synced, not rebuilt); its build figures are taken
    from the newest earlier result for ``n`` notices and marked as reused."""
    earlier = sorted(
        list(results.glob(f"{n}-*.json")) + list(RESULTS.glob(f"{n}-*.json")),
        key=lambda p: p.stat().st_mtime,
    )
    if not earlier:
        raise RuntimeError(f"--keep-index：{results} 中没有 {n} 份通报的早先结果")
    say("索引：沿用已有索引（python -m indexer sync）")
    c = run_child(["indexer", "sync", "--data", str(data)], work / "sync.log")
    if c.returncode != 0:
        raise RuntimeError(f"indexer sync 失败，见 {work / 'sync.log'}")
    prev = json.loads(earlier[-1].read_text(encoding="utf-8"))["index"]
    return {**prev, "reused_from": earlier[-1].name, "sync_s": round(c.seconds, 2)}


def step_incremental(work: Path, data: Path, n: int, seed: int) -> dict[str, Any]:
    """Add one new notice (ingest + sync), then take it out again (remove + sync)."""
    from archive.store import Archive

    extra = work / "extra"
    shutil.rmtree(extra, ignore_errors=True)
    path = corpus.extra_notice(extra, n, seed)
    say(f"增量：加入 1 份（{path.name}）并同步索引")
    add = run_child(["archive", "ingest", "--data", str(data), str(path)], work / "inc-add.log")
    sync = run_child(["indexer", "sync", "--data", str(data)], work / "inc-sync.log")
    with Archive(data) as a:
        ids = [s.id for s in a.summaries() if s.source == path.name]
    r: dict[str, Any] = {
        "ingest_s": round(add.seconds, 2),
        "sync_s": round(sync.seconds, 2),
        # "build" when the index fingerprint changed in between (then it is no incremental add)
        "sync_mode": "build" if "重建" in sync.output else "sync",
        "sync_output": sync.output.strip()[-200:],
    }
    if ids:
        rm = run_child(["archive", "remove", "--data", str(data), ids[0]], work / "inc-rm.log")
        sync2 = run_child(["indexer", "sync", "--data", str(data)], work / "inc-sync2.log")
        r.update(remove_s=round(rm.seconds, 2), remove_sync_s=round(sync2.seconds, 2))
    say(f"增量：导入 {add.seconds:.2f} 秒，同步 {sync.seconds:.2f} 秒")
    return r


def _time(fn, reps: int) -> tuple[list[float], Any]:
    out: list[float] = []
    result = None
    for _ in range(reps):
        t0 = time.perf_counter()
        result = fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out, result


def step_inprocess(data: Path, reps: int, ids: list[str], n_similar: int) -> dict[str, Any]:
    from indexer.searching import NoticeIndex
    from indexer.similar import similar

    say(f"进程内检索：{len(MIX)} 条查询 × {reps} 次，相似问题 {n_similar} 个")
    idx = NoticeIndex(data, cache_size=0)  # repeated queries must not be answered from memory
    t0 = time.perf_counter()
    idx.refresh(force=True)
    idx.searcher()
    open_ms = (time.perf_counter() - t0) * 1000
    queries: dict[str, Any] = {}
    for q in MIX:
        first, res = _time(lambda q=q: idx.search(q.q, filters=q.filters, per_page=20), 1)
        lat, res = _time(lambda q=q: idx.search(q.q, filters=q.filters, per_page=20), reps)
        queries[q.name] = {
            "category": q.category,
            "total": res.total,
            "first_ms": round(first[0], 2),
            **summary(lat),
        }
    sample = random.Random(7).sample(ids, min(n_similar, len(ids)))
    similar(idx, sample[0])
    sim_lat: list[float] = []
    for pid in sample:
        ms, _ = _time(lambda pid=pid: similar(idx, pid, limit=10), 1)
        sim_lat.extend(ms)
    idx.close()
    return {"open_ms": round(open_ms, 1), "queries": queries, "similar": summary(sim_lat)}


def step_recall_product(data: Path, scan: Scan, ids: list[str], terms: list[str]) -> dict:
    """Which problems the product returns for each literal query, compared with the scan."""
    from indexer.searching import NoticeIndex

    idx = NoticeIndex(data)
    out: dict[str, Any] = {}
    lat: list[float] = []
    for name, q, words in [(q.name, q.q, list(q.words)) for q in MIX if q.literal] + [
        (t, t, [t]) for t in terms
    ]:
        truth = {ids[i] for i in scan.search(words)}
        t0 = time.perf_counter()
        total = idx.search(q, per_page=20).total
        if name in terms:
            lat.append((time.perf_counter() - t0) * 1000)
        if not truth:  # nothing literal to recall (a thesaurus-only query)
            out[name] = {"truth": 0, "found": 0, "extra": total}
            continue
        if len(truth) > EXPORT_CAP:
            out[name] = {"truth": len(truth), "found": min(total, len(truth)), "count_only": True}
            continue
        found = {h.id for h in idx.export(q, limit=max(len(truth), total) + 10)}
        out[name] = {"truth": len(truth), "found": len(truth & found), "extra": len(found - truth)}
    idx.close()
    return {"per_query": out, "rare_ms": summary(lat)}


def step_peers(
    work: Path, data: Path, reps: int, terms: list[str], reuse: bool, naive_on: bool
) -> tuple[dict[str, Any], Scan, list[str]]:
    say("对照组：读取档案库中的问题")
    probs = load_problems(data)
    peers_dir = work / "peers"
    peers_dir.mkdir(exist_ok=True)
    saved = peers_dir / "build.json"
    built = json.loads(saved.read_text()) if reuse and saved.exists() else {}
    fts = Fts5(peers_dir / "fts5.sqlite3")
    naive = Naive(peers_dir / "naive")
    chars = probs.chars
    if "fts5" not in built or not fts.path.exists():
        say("对照组：建立 FTS5 trigram 表")
        built["fts5"] = {"seconds": round(fts.build(probs.texts), 2)}
    if naive_on and ("naive" not in built or not naive.folder.exists()):
        say(f"对照组：jieba ChineseAnalyzer + Whoosh 建索引（{len(probs.texts)} 个问题）")
        built["naive"] = {"seconds": round(naive.build(probs.texts), 2)}
    saved.write_text(json.dumps(built))
    for b in built.values():
        b["notices_per_s"] = _rate(probs.notices, b["seconds"])
        b["chars_per_s"] = _rate(chars, b["seconds"])
    built["fts5"]["size_mb"] = round(folder_size(fts.path) / 2**20, 1)
    if naive_on:
        built["naive"]["size_mb"] = round(folder_size(naive.folder) / 2**20, 1)
    t0 = time.perf_counter()
    scan = Scan(probs.texts)
    built["scan"] = {"seconds": round(time.perf_counter() - t0, 2)}
    ids = probs.ids
    del probs
    gc.collect()

    say("对照组：同一组查询的延迟与召回")
    fts.open()
    if naive_on:
        naive.open()
    systems: dict[str, Any] = {"scan": scan.search, "fts5": fts.search}
    if naive_on:
        systems["naive_and"] = naive.search
        systems["naive_phrase"] = lambda w: naive.search(w, phrase=True)
    timed = dict(systems)
    if naive_on:  # a results page: top 20 and the total
        timed["naive_and"] = naive.count
        timed["naive_phrase"] = lambda w: naive.count(w, phrase=True)
    latency: dict[str, dict[str, Any]] = {k: {} for k in systems}
    recall: dict[str, dict[str, Any]] = {}
    for q in MIX:
        if not q.words:
            continue
        for sys_name, fn in timed.items():
            lat, _ = _time(lambda fn=fn, q=q: fn(list(q.words)), max(3, reps // 2))
            latency[sys_name][q.name] = summary(lat)
    for name, words in [(q.name, list(q.words)) for q in MIX if q.literal] + [
        (t, [t]) for t in terms
    ]:
        truth = set(scan.search(words))
        row: dict[str, Any] = {"truth": len(truth)}
        for sys_name, fn in systems.items():
            if sys_name != "scan":
                found = set(fn(words))
                row[sys_name] = len(truth & found)
                row[f"{sys_name}_extra"] = len(found - truth)
        recall[name] = row
    rare_lat: dict[str, list[float]] = {k: [] for k in timed}
    for t in terms:
        for sys_name, fn in timed.items():
            ms, _ = _time(lambda fn=fn, t=t: fn([t]), 1)
            rare_lat[sys_name].extend(ms)
    fts.close()
    naive.close()
    return (
        {
            "build": built,
            "latency": latency,
            "rare_latency": {k: summary(v) for k, v in rare_lat.items()},
            "recall": recall,
        },
        scan,
        ids,
    )


def step_http(
    work: Path, data: Path, ids: list[str], max_requests: int, max_seconds: float
) -> dict[str, Any]:
    server = Server(data, work / "web.log")
    try:
        say(f"HTTP：启动 python -m web（端口 {server.port}）")
        ready = server.wait_ready()
        rng = random.Random(11)
        reqs: list[tuple[str, str]] = []
        for q in MIX:
            reqs.append(("search_api", q.path("/api/search")))
        for q in MIX[::2]:
            reqs.append(("search_html", q.path("/search")))
        for pid in rng.sample(ids, min(12, len(ids))):
            reqs.append(("problem_api", f"/api/problems/{pid}"))
        rng.shuffle(reqs)
        say("HTTP：预热一轮")
        warm = run_load(server.port, reqs, 4, len(reqs), max_seconds)
        out: dict[str, Any] = {"ready_s": round(ready, 2), "warmup_errors": warm.errors}
        for clients in (1, 4):
            budget = max_requests * (2 if clients > 1 else 1)
            say(f"HTTP：{clients} 个客户端，至多 {budget} 个请求或 {max_seconds:.0f} 秒")
            r = run_load(server.port, reqs, clients, budget, max_seconds)
            search = r.latencies.get("search_api", []) + r.latencies.get("search_html", [])
            out[str(clients)] = {
                "requests": r.requests,
                "errors": r.errors,
                "error_samples": r.error_samples,
                "seconds": round(r.seconds, 2),
                "rps": round(r.rps, 2),
                "search": summary(search),
                **{g: summary(v) for g, v in sorted(r.latencies.items())},
            }
        # Every process of the server (master and workers): the largest one is what the
        # per-process target is checked on, the sum of proportional set sizes (a page shared
        # by k processes counts 1/k) is the total with shared memory counted once.
        every = server.memory()
        procs = list(every["processes"].values())
        out["memory_mb"] = max(procs, key=lambda m: m.get("VmHWM", 0)) if procs else {}
        out["memory_all"] = every
        return out
    finally:
        server.stop()


# -- main ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    ap.add_argument("--n", type=int, default=1000, help="notices in the corpus (default 1000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=REPO / "bench" / "work")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="keep the corpus, archive and peer indexes of an earlier run (the index is rebuilt)",
    )
    ap.add_argument(
        "--keep-index",
        action="store_true",
        help="with --reuse: keep the index too (synced, not rebuilt); build figures are "
        "taken from the newest earlier result",
    )
    ap.add_argument("--reps", type=int, default=20, help="repetitions per query (default 20)")
    ap.add_argument("--similar", type=int, default=100, help="problems for similar (default 100)")
    ap.add_argument("--http-requests", type=int, default=300, help="per 1-client phase")
    ap.add_argument("--http-seconds", type=float, default=120.0, help="cap per HTTP phase")
    ap.add_argument("--no-naive", action="store_true", help="skip the jieba+Whoosh peer")
    ap.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="where the result JSON goes (default bench/results; BENCHMARKS.md is only "
        "regenerated for the default, else a report is written beside the results)",
    )
    args = ap.parse_args(argv)

    work = args.work / f"{args.n}-s{args.seed}"
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data"
    started = datetime.now(UTC)
    t_all = time.perf_counter()
    code_at_start = code_fingerprint()
    res: dict[str, Any] = {
        "n": args.n,
        "seed": args.seed,
        "started": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "reps": args.reps,
            "similar": args.similar,
            "http_requests": args.http_requests,
            "http_seconds": args.http_seconds,
        },
    }
    m = step_corpus(work, args.n, args.seed, args.reuse)
    terms = [t["term"] for t in m["rare_terms"]]
    res["rare_terms_list"] = terms
    res["corpus"] = {
        "notices": len(m["files"]),
        "problems": m["problems"],
        "rare_terms": len(terms),
        "rare_occurrences": sum(len(t["occurrences"]) for t in m["rare_terms"]),
        "bytes": sum(f["bytes"] for f in m["files"]),
        "seconds": m.get("seconds"),
    }
    res["ingest"] = step_ingest(work, data, m, args.reuse)
    if args.keep_index:
        res["index"] = step_keep_index(work, data, args.n, args.results)
    else:
        res["index"] = step_build(work, data, res["ingest"])
    res["incremental"] = step_incremental(work, data, args.n, args.seed)
    peers, scan, ids = step_peers(work, data, args.reps, terms, args.reuse, not args.no_naive)
    res["peers"] = peers
    res["manifest_check"] = _manifest_check(m, scan, ids, data)
    res["inprocess"] = step_inprocess(data, args.reps, ids, args.similar)
    say("召回：产品与线性扫描对照")
    res["recall_product"] = step_recall_product(data, scan, ids, terms)
    del scan
    gc.collect()
    res["http"] = step_http(work, data, ids, args.http_requests, args.http_seconds)
    res["seconds"] = round(time.perf_counter() - t_all, 1)
    code_at_end = code_fingerprint()
    res["code"] = {
        "start": code_at_start,
        "end": code_at_end,
        "changed_during_run": code_at_start != code_at_end,
    }
    if code_at_start != code_at_end:
        say("注意：archive/indexer/web 的代码或数据在运行期间有改动，本次结果混合了新旧代码")

    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"{args.n}-{started.strftime('%Y-%m-%d')}.json"
    path.write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    say(f"结果：{path}")
    # Results kept elsewhere (a trial run) get their own report beside them.
    default = args.results.resolve() == RESULTS.resolve()
    md = report.write(
        args.results, REPO / "BENCHMARKS.md" if default else args.results / "BENCHMARKS.md"
    )
    say(f"已更新 {md}")
    print(report.console_summary(res))
    return 0


def _manifest_check(m: dict[str, Any], scan: Scan, ids: list[str], data: Path) -> dict[str, Any]:
    """Does the scan find each rare term exactly in the problems the generator put it in?"""
    from archive.store import Archive

    with Archive(data) as a:
        by_source = {s.source: s.id for s in a.summaries()}
    agree = 0
    for entry in m["rare_terms"]:
        expected = {f"{by_source.get(o['file'])}-{o['problem']}" for o in entry["occurrences"]}
        found = {ids[i] for i in scan.search([entry["term"]])}
        agree += expected == found
    return {"terms": len(m["rare_terms"]), "exact": agree}


if __name__ == "__main__":
    raise SystemExit(main())
