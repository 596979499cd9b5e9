"""The real server: ``python -m web`` in a subprocess, freshness while it runs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


@pytest.fixture
def server(tmp_path):
    d = tmp_path / "data"
    cli("-m", "archive", "ingest", "--data", str(d), "seeds/000_15f829d25a69815d.txt")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "web", "--host", "127.0.0.1", "--port", str(port), "--data", str(d)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUTF8="1"),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(base + "/", timeout=2)[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("server did not start:\n" + (proc.stdout.read() if proc.stdout else ""))
    yield base, d, proc
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()


def total(base: str, q: str) -> int:
    status, body = get(f"{base}/api/search?q={quote(q)}")
    assert status == 200
    return json.loads(body)["total"]


def test_server_prints_its_url_and_serves_concurrently(server):
    base, _, proc = server
    urls = [
        f"{base}/",
        f"{base}/search?q=%E5%85%AC%E5%8A%A1",
        f"{base}/api/search?q=x",
        f"{base}/stats",
    ]
    with ThreadPoolExecutor(4) as pool:
        statuses = [s for s, _ in pool.map(get, urls * 5)]
    assert statuses == [200] * 20
    proc.terminate()
    out = proc.stdout.read() if proc.stdout else ""
    proc.wait(timeout=10)
    assert base + "/" in out


def test_a_notice_ingested_while_serving_is_searchable_within_5_seconds(server):
    base, d, _ = server
    assert total(base, "残联") == 0
    res = cli("-m", "archive", "ingest", "--data", str(d), "seeds/004_b1ce438446146357.txt")
    assert res.returncode == 0, res.stderr
    done = time.monotonic()
    while total(base, "残联") == 0:
        assert time.monotonic() - done < 5, "not searchable within 5 s"
        time.sleep(0.2)


def test_web_help_and_missing_archive(tmp_path):
    res = cli("-m", "web", "--help")
    assert res.returncode == 0 and "示例: python -m web" in res.stdout
    res = cli("-m", "web", "--port", str(free_port()), "--data", str(tmp_path / "none"))
    assert res.returncode != 0
    assert "Traceback" not in res.stderr and "python -m archive ingest" in res.stderr
