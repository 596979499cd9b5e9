"""A bulk upload from the browser's API while other users search.

``python -m bench.upload --n 200`` generates N notices (``bench.corpus``), archives the seeds
into a fresh data folder, starts a real server (2 workers), uploads the N files as one zip
through ``POST /api/upload`` with an editor's API token, and searches from ``--clients``
threads until the job is done. Reports the job's duration and results and the search
latencies before and during the upload (p50/p95/max, errors). Exit 1 if any search failed
or the job did not archive every file.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path
from typing import Any

from bench.serverproc import REPO, ServerProcess

QUERIES = ["公务接待", "三重一大", "党风廉政建设", "形式主义", "整改 台账", "违规发放"]


def _run(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
        capture_output=True,
    )


def _search_loop(server: ServerProcess, stop: threading.Event, out: list[float], errors: list[str]):
    i = 0
    while not stop.is_set():
        url = server.url("/api/search", q=QUERIES[i % len(QUERIES)])
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=60) as resp:
                resp.read()
            out.append((time.perf_counter() - t0) * 1000)
        except Exception as exc:  # noqa: BLE001 — every failure is reported
            errors.append(repr(exc)[:200])
        i += 1


def _searches(server: ServerProcess, clients: int, until: threading.Event) -> tuple[list, list]:
    latencies: list[float] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=_search_loop, args=(server, until, latencies, errors))
        for _ in range(clients)
    ]
    for t in threads:
        t.start()
    return threads, [latencies, errors]


def _summary(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {"n": 0}
    ordered = sorted(ms)
    return {
        "n": len(ms),
        "p50": round(statistics.median(ordered), 1),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max": round(ordered[-1], 1),
    }


def _upload(server: ServerProcess, token: str, bundle: bytes) -> dict[str, Any]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="bulk.zip"\r\n'
            "Content-Type: application/zip\r\n\r\n"
        ).encode()
        + bundle
        + f"\r\n--{boundary}--\r\n".encode()
    )
    req = urllib.request.Request(
        server.url("/api/upload"),
        data=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read())


def _job(server: ServerProcess, token: str, url: str) -> dict[str, Any]:
    req = urllib.request.Request(
        server.base_url + url, headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def run(n: int, clients: int, work: Path) -> dict[str, Any]:
    corpus, data = work / "corpus", work / "data"
    _run("bench.corpus", "--out", str(corpus), "--n", str(n), "--seed", "13")
    _run("archive", "ingest", "--data", str(data), str(REPO / "seeds"))
    _run("indexer", "build", "--data", str(data))
    pw = work / "pw"
    pw.write_text("bench-upload-pw\n", encoding="utf-8")
    _run("web", "users", "add", "bench", "--role", "editor", "--password-file", str(pw),
         "--data", str(data))  # fmt: skip
    token = subprocess.run(
        [sys.executable, "-m", "web", "users", "token", "bench", "--data", str(data)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, check=True,
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(corpus.glob("*.txt")):
            zf.write(path, path.name)
    with ServerProcess(data, workers=2) as server:
        server.wait_ready(120)
        stop = threading.Event()
        threads, (before, before_err) = _searches(server, clients, stop)
        time.sleep(10)
        stop.set()
        for t in threads:
            t.join()
        stop = threading.Event()
        threads, (during, during_err) = _searches(server, clients, stop)
        t0 = time.monotonic()
        started = _upload(server, token, buf.getvalue())
        while (job := _job(server, token, started["url"]))["status"] != "done":
            time.sleep(1)
        seconds = time.monotonic() - t0
        stop.set()
        for t in threads:
            t.join()
    return {
        "files": n,
        "search_clients": clients,
        "job_seconds": round(seconds, 1),
        "job_counts": job["counts"],
        "search_before_ms": _summary(before),
        "search_during_ms": _summary(during),
        "search_errors": before_err + during_err,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--clients", type=int, default=2)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        result = run(args.n, args.clients, Path(tmp))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    complete = result["job_counts"]["added"] + result["job_counts"]["unchanged"] == args.n
    return 0 if complete and not result["search_errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
