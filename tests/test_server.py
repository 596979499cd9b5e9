"""The real server: ``python -m web`` in a subprocess (one process or several), freshness
while it runs, and a clean stop of every worker."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest

from bench.serverproc import ServerProcess, free_port

REPO = Path(__file__).resolve().parents[1]


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONUTF8="1")
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )


def total(base: str, q: str) -> int:
    status, body = get(f"{base}/api/search?q={quote(q)}")
    assert status == 200
    return json.loads(body)["total"]


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


@pytest.fixture
def one_seed(data_dir: Path) -> Path:
    res = cli("-m", "archive", "ingest", "--data", str(data_dir), "seeds/000_15f829d25a69815d.txt")
    assert res.returncode == 0, res.stderr
    return data_dir


@pytest.mark.parametrize("workers", [1, 2])
def test_server_prints_its_url_and_serves_concurrently(one_seed, start_server, workers):
    server = start_server(one_seed, workers=workers)
    base = server.base_url
    urls = [
        f"{base}/",
        f"{base}/search?q=%E5%85%AC%E5%8A%A1",
        f"{base}/api/search?q=x",
        f"{base}/stats",
    ]
    with ThreadPoolExecutor(4) as pool:
        statuses = [s for s, _ in pool.map(get, urls * 5)]
    assert statuses == [200] * 20
    assert len(server.pids()) == (1 if workers == 1 else 1 + workers)
    assert server.stop() == 0
    assert base + "/" in server.output()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_notice_ingested_while_serving_is_searchable_within_5_seconds(
    one_seed, start_server, workers
):
    server = start_server(one_seed, workers=workers)
    base = server.base_url
    assert total(base, "残联") == 0
    res = cli("-m", "archive", "ingest", "--data", str(one_seed), "seeds/004_b1ce438446146357.txt")
    assert res.returncode == 0, res.stderr
    done = time.monotonic()
    # Every worker must see it: several requests in a row, each may reach another worker.
    while not all(total(base, "残联") > 0 for _ in range(6)):
        assert time.monotonic() - done < 5, "not searchable within 5 s"
        time.sleep(0.2)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_master_stops_every_worker(seeded_data, start_server, sig):
    server = start_server(seeded_data, workers=2)
    pids = server.pids()
    assert len(pids) == 3 and pids[0] == server.pid
    os.kill(server.pid, sig)
    assert server.proc.wait(timeout=20) == 0
    assert wait_gone(pids, 10) == []
    assert "Traceback" not in server.output()


def test_workers_exit_when_their_master_is_killed(seeded_data, start_server):
    server = start_server(seeded_data, workers=2)
    workers = server.pids()[1:]
    assert len(workers) == 2
    os.kill(server.pid, signal.SIGKILL)
    server.proc.wait(timeout=10)
    assert wait_gone(workers, 15) == []


def test_a_killed_worker_is_replaced(seeded_data, start_server):
    server = start_server(seeded_data, workers=2)
    first = server.pids()[1]
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        workers = server.pids()[1:]
        if first not in workers and len(workers) == 2:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"worker {first} not replaced: {server.pids()}")
    assert all(get(server.url("/api/search", q="整改"))[0] == 200 for _ in range(4))


def test_web_help_and_missing_archive(tmp_path):
    res = cli("-m", "web", "--help")
    assert res.returncode == 0 and "示例: python -m web" in res.stdout
    for option in ("--host", "--port", "--data", "--threads", "--workers"):
        assert option in res.stdout
    res = cli("-m", "web", "--port", str(free_port()), "--data", str(tmp_path / "none"))
    assert res.returncode != 0
    assert "Traceback" not in res.stderr and "python -m archive ingest" in res.stderr
    res = cli("-m", "web", "--workers", "0", "--data", str(tmp_path / "none"))
    assert res.returncode == 2 and "--workers" in res.stderr


def test_the_helper_stops_a_server_that_ignores_sigterm(seeded_data, tmp_path):
    """stop() escalates to SIGKILL on the whole group: nothing outlives the caller."""
    server = ServerProcess(seeded_data, workers=2)
    server.wait_ready(120)
    pids = server.pids()
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)  # a stopped process cannot act on SIGTERM
    server.stop(timeout=2)
    assert wait_gone(pids, 10) == []
