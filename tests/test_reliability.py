"""Reliability under concurrency, crashes and damage, with real processes and real files.

Two ingests at once, an ingest killed mid-way, an index sync killed mid-way, index files
damaged under a running server, and ingests while clients keep searching. Expectations come
from the files themselves (bytes, names, the corpus manifest) or from scanning the archive's
stored problems, never from the component whose behaviour is being checked.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from archive import parse_file
from archive.errors import ArchiveError
from archive.store import BUSY_MESSAGE, DB_NAME, Archive
from bench.corpus import generate
from indexer.searching import open_index

REPO = Path(__file__).resolve().parents[1]
NOTICES = sorted((REPO / "tests" / "data" / "notices").glob("*.txt"))
SEEDS = sorted((REPO / "seeds").glob("*.txt"))
CORPUS_SIZE = 250
CORPUS_SEED = 20261125
FRESHNESS = 5.0  # the product's own deadline: an ingested notice is searchable within 5 s
HANG_GUARD = 60.0  # generous bound that only stops a hung test; not a speed requirement
ENV = dict(os.environ, PYTHONUTF8="1")
REPAIR_GUARD = 10.0  # ten times the server's 1 s poll: "the server never picks it up"


# -- helpers ---------------------------------------------------------------------------


def cli(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python ARGS`` from the repository root in a real process."""
    return subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=REPO,
        env=ENV,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def spawn(*args: str | Path) -> subprocess.Popen[str]:
    """Start ``python ARGS`` in its own process group (so a crash can take all of it)."""
    return subprocess.Popen(
        [sys.executable, *map(str, args)],
        cwd=REPO,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        start_new_session=True,
    )


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def added(stdout: str) -> int:
    """The 新增 count of an ingest summary line."""
    m = re.search(r"新增 (\d+)", stdout)
    assert m, stdout
    return int(m.group(1))


def stored_raw_hashes(data: Path) -> list[str]:
    """sha256 of every stored source file, one entry per stored notice."""
    with sqlite3.connect(data / DB_NAME) as db:
        return sorted(sha(bytes(raw)) for (raw,) in db.execute("SELECT raw FROM notices"))


def problem_texts(data: Path) -> dict[str, str]:
    """Every archived problem's text by id: the truth searches are checked against."""
    with Archive(data) as a:
        return {
            f"{stored.id}-{p.n}": p.text
            for stored in a.iter_notices()
            for p in stored.notice.problems
        }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    """Status and body; a connection error propagates (callers count it as a failure)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Server:
    """A real ``python -m web`` process; its output goes to a file, so it never blocks."""

    def __init__(self, data: Path, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._out = log.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "web", "--host", "127.0.0.1", "--port", str(self.port)]
            + ["--data", str(data)],
            cwd=REPO,
            env=ENV,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + HANG_GUARD
        while time.monotonic() < deadline:
            try:
                if get(self.base + "/", timeout=5)[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
            if self.proc.poll() is not None:
                break
        self.stop()
        pytest.fail("server did not start:\n" + self.output())

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start servers on demand; all are stopped at the end of the test."""
    started: list[Server] = []

    def start(data: Path, log: Path) -> Server:
        server = Server(data, log)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Generated notices (deterministic) and their manifest."""
    out = tmp_path_factory.mktemp("corpus") / "notices"
    manifest = generate(out, CORPUS_SIZE, CORPUS_SEED)
    return out, manifest


@pytest.fixture(scope="module")
def parsed(corpus: tuple[Path, dict[str, Any]]) -> dict[str, tuple[int, list[str]]]:
    """Problem count and titles of each corpus file, parsed on its own (no archive)."""
    folder, manifest = corpus
    out = {}
    for f in manifest["files"]:
        notice = parse_file(folder / f["file"])
        out[f["file"]] = (len(notice.problems), [p.title for p in notice.problems])
    return out


def copy_files(files: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True)
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


# -- 1. two ingests at once --------------------------------------------------------------


@pytest.mark.parametrize("offset", [0.0, 0.03, 0.12, 0.3])
def test_two_ingests_at_once_lose_and_duplicate_nothing(tmp_path: Path, offset: float) -> None:
    files = NOTICES + SEEDS
    assert len(files) == 19
    a = copy_files(files[:12], tmp_path / "a")
    b = copy_files(files[7:], tmp_path / "b")
    # The same bytes under other names: one notice each, whoever stores it first.
    shutil.copy(files[0], b / "copy_of_first.txt")
    shutil.copy(files[-1], a / "copy_of_last.txt")
    expected = {sha(f.read_bytes()) for f in [*a.iterdir(), *b.iterdir()]}
    assert len(expected) == 19  # the test files are distinct by content
    d = tmp_path / "data"

    first = spawn("-m", "archive", "ingest", "--data", d, a)
    time.sleep(offset)
    second = spawn("-m", "archive", "ingest", "--data", d, b)
    results = [(f, p, *p.communicate(timeout=HANG_GUARD)) for f, p in ((a, first), (b, second))]

    total_added = 0
    for folder, proc, out, err in results:
        code = proc.returncode
        if code != 0:
            # The only acceptable failure: a clear "busy" and a clean exit, then a retry works.
            assert BUSY_MESSAGE in err and "Traceback" not in err, (code, out, err)
            total_added += added(out)
            retry = cli("-m", "archive", "ingest", "--data", d, folder)
            code, out, err = retry.returncode, retry.stdout, retry.stderr
        assert code == 0, (folder.name, out, err)
        assert "拒收 0" in out
        total_added += added(out)

    assert total_added == 19  # every notice added exactly once across both processes
    assert stored_raw_hashes(d) == sorted(expected)  # nothing lost, nothing twice
    listing = cli("-m", "archive", "list", "--json", "--data", d)
    assert listing.returncode == 0, listing.stderr
    ids = [row["id"] for row in json.loads(listing.stdout)]
    assert len(ids) == len(set(ids)) == 19


def test_concurrent_first_opens_of_a_new_archive_fail_only_as_busy(tmp_path: Path) -> None:
    """Two first ingests into a new data directory both create the schema; one may fail with
    the clear busy message, never with a false error about the file, and the archive works."""
    errors: Counter[str] = Counter()

    def open_new(d: Path, barrier: threading.Barrier) -> None:
        barrier.wait()
        try:
            Archive(d).close()
        except ArchiveError as exc:
            errors[f"{type(exc).__name__}: {str(exc).replace(str(d), 'DIR')}"] += 1

    dirs = [tmp_path / f"data{trial}" for trial in range(100)]
    for d in dirs:
        barrier = threading.Barrier(4)
        threads = [threading.Thread(target=open_new, args=(d, barrier)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=HANG_GUARD)
    assert {e: n for e, n in errors.items() if BUSY_MESSAGE not in e} == {}
    for d in dirs:
        with Archive(d) as a:
            assert a.revision() == 0 and a.notice_ids() == []


# -- 2. an ingest killed mid-way ---------------------------------------------------------


def stored_count(db_path: Path) -> int:
    """Notices committed so far, read by an independent connection (-1: no table yet)."""
    if not db_path.exists():
        return -1
    try:
        with sqlite3.connect(db_path, timeout=0.2) as db:
            return int(db.execute("SELECT COUNT(*) FROM notices").fetchone()[0])
    except sqlite3.OperationalError:
        return -1


@pytest.mark.parametrize("trial", range(3))
def test_an_ingest_killed_mid_way_leaves_a_sound_archive(
    tmp_path: Path,
    corpus: tuple[Path, dict[str, Any]],
    parsed: dict[str, tuple[int, list[str]]],
    trial: int,
) -> None:
    folder, manifest = corpus
    rng = random.Random(f"kill-ingest:{trial}")
    # Trial 0 kills while the archive is being created; the others after a random number
    # of committed notices plus a random fraction of the next one.
    target = -1 if trial == 0 else rng.randint(1, CORPUS_SIZE // 2)
    extra = rng.uniform(0.0, 0.02)
    d = tmp_path / "data"
    db_path = d / DB_NAME

    proc = spawn("-m", "archive", "ingest", "--data", d, folder)
    deadline = time.monotonic() + HANG_GUARD
    while not (db_path.exists() if target < 0 else stored_count(db_path) >= target):
        assert proc.poll() is None, "the ingest ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    time.sleep(extra)
    assert proc.poll() is None, "the ingest ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=HANG_GUARD)
    assert proc.returncode == -signal.SIGKILL
    before = max(stored_count(db_path), 0)
    assert before < CORPUS_SIZE

    again = cli("-m", "archive", "ingest", "--data", d, folder, timeout=HANG_GUARD)
    assert again.returncode == 0, again.stderr
    assert BUSY_MESSAGE not in again.stderr
    assert f"新增 {CORPUS_SIZE - before}，未变 {before}，拒收 0" in again.stdout

    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = db.execute("SELECT id, source, problem_count, raw FROM notices").fetchall()
        titles: dict[str, list[str]] = {}
        for nid, title in db.execute("SELECT notice_id, title FROM problems ORDER BY n"):
            titles.setdefault(nid, []).append(title)
    by_name = {f["file"]: f for f in manifest["files"]}
    assert sorted(source for _, source, _, _ in rows) == sorted(by_name)
    for nid, source, count, raw in rows:
        assert bytes(raw) == (folder / source).read_bytes(), source
        want_count, want_titles = parsed[source]
        assert count == want_count, source
        assert titles.get(nid, []) == want_titles, source


# -- 3. an index sync (or build) killed mid-way -------------------------------------------


def searched_ids(data: Path, query: str) -> set[str]:
    index = open_index(data, poll_interval=0)
    ids: set[str] = set()
    page = 1
    while True:
        r = index.search(query, kind="problem", page=page, per_page=100)
        ids.update(h.id for h in r.hits)
        if page * 100 >= r.total:
            return ids
        page += 1


def kill_after(args: list[str | Path], delay: float) -> None:
    """SIGKILL the command and any worker processes it started, as a crash would."""
    proc = spawn(*args)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=HANG_GUARD)


def assert_check_reports_or_clean(data: Path) -> None:
    """``check`` exits 0 saying consistent, or 1 with a one-line message naming the repair."""
    res = cli("-m", "indexer", "check", "--data", data)
    assert "Traceback" not in res.stderr
    if res.returncode == 0:
        assert "一致" in res.stdout
    else:
        assert res.returncode == 1, (res.returncode, res.stdout, res.stderr)
        assert "python -m indexer" in res.stderr, res.stderr


def test_an_index_sync_killed_mid_way_is_reported_then_repaired(
    tmp_path: Path, corpus: tuple[Path, dict[str, Any]]
) -> None:
    folder, manifest = corpus
    names = [f["file"] for f in manifest["files"][:100]]
    # 60 indexed, then 40 more for the sync to add: long enough to be killed while working.
    first = copy_files([folder / n for n in names[:60]], tmp_path / "first")
    rest = copy_files([folder / n for n in names[60:]], tmp_path / "rest")
    d = tmp_path / "data"
    assert cli("-m", "archive", "ingest", "--data", d, first).returncode == 0
    assert cli("-m", "indexer", "build", "--data", d).returncode == 0
    assert cli("-m", "archive", "ingest", "--data", d, rest).returncode == 0

    rng = random.Random("kill-sync")
    kill_after(["-m", "indexer", "sync", "--data", d], rng.uniform(0.8, 2.0))
    assert_check_reports_or_clean(d)
    repaired = cli("-m", "indexer", "sync", "--data", d)
    assert repaired.returncode == 0, repaired.stderr
    clean = cli("-m", "indexer", "check", "--data", d)
    assert clean.returncode == 0 and "索引与档案一致" in clean.stdout, clean.stdout + clean.stderr

    # A full rebuild killed mid-way must leave the index it was replacing usable.
    kill_after(["-m", "indexer", "build", "--data", d], rng.uniform(1.0, 3.0))
    assert_check_reports_or_clean(d)
    assert cli("-m", "indexer", "sync", "--data", d).returncode == 0
    clean = cli("-m", "indexer", "check", "--data", d)
    assert clean.returncode == 0 and "索引与档案一致" in clean.stdout, clean.stdout + clean.stderr

    texts = problem_texts(d)
    assert len({pid.split("-")[0] for pid in texts}) == 100
    wanted = set(names)
    rare = [
        t["term"]
        for t in manifest["rare_terms"]
        if all(o["file"] in wanted for o in t["occurrences"])
    ]
    assert len(rare) >= 3
    for term in [*rare[:4], "公务接待", "三重一大", "整改"]:
        truth = {pid for pid, text in texts.items() if term in text}
        assert truth, term
        assert searched_ids(d, f'"{term}"') == truth, term
    open_index(d).close()


# -- 4. index files damaged under a running server ---------------------------------------


def segment_files(index_dir: Path) -> list[Path]:
    """Whoosh segment files (not the lock, the table of contents or the state file)."""
    return [
        f
        for f in index_dir.iterdir()
        if f.name.startswith("MAIN_") and "WRITELOCK" not in f.name and f.is_file()
    ]


def probe(base: str, queries: list[str]) -> list[tuple[str, Any, bytes]]:
    """One request per search query plus the home page; connection errors are results too."""
    urls = [f"{base}/api/search?{urlencode({'q': q})}" for q in queries]
    urls += [f"{base}/", f"{base}/search?{urlencode({'q': queries[0]})}"]
    out: list[tuple[str, Any, bytes]] = []
    for url in urls:
        try:
            status, body = get(url)
        except OSError as exc:
            status, body = f"{type(exc).__name__}: {exc}", b""
        out.append((url, status, body))
    return out


def wrong_answer(base: str, truth: dict[str, set[str]]) -> str | None:
    """What is wrong with the server's answers (None: every search matches the truth)."""
    urls = {
        term: f"{base}/api/search?" + urlencode({"q": f'"{term}"', "per_page": 100})
        for term in truth
    }
    try:
        for term, url in urls.items():
            status, body = get(url)
            if status != 200:
                return f"{term}: status {status}"
            data = json.loads(body)
            found = [h["id"] for h in data["hits"]]
            if data["total"] != len(truth[term]) or set(found) != truth[term]:
                return f"{term}: total {data['total']}, {len(truth[term])} expected"
        status, _ = get(base + "/")
        return None if status == 200 else f"/: status {status}"
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("damage", ["delete", "truncate"])
def test_a_damaged_index_never_breaks_the_server(tmp_path: Path, serve: Any, damage: str) -> None:
    d = tmp_path / "data"
    assert cli("-m", "archive", "ingest", "--data", d, *SEEDS).returncode == 0
    server = serve(d, tmp_path / "server.log")
    queries = ["公务接待", "整改 制度", "org:淮北", '"三重一大"', "巡察"]
    assert all(status == 200 for _, status, _ in probe(server.base, queries))

    victim = max(segment_files(d / "index"), key=lambda f: f.stat().st_size)
    if damage == "delete":
        victim.unlink()
    else:
        os.truncate(victim, victim.stat().st_size // 2)
    seen = probe(server.base, queries)
    # A new notice makes the server write to (and reopen) the damaged index.
    hospital = REPO / "tests" / "data" / "notices" / "s1_hospital.txt"
    assert cli("-m", "archive", "ingest", "--data", d, hospital).returncode == 0
    until = time.monotonic() + 2.5  # a few rounds across the server's 1 s freshness poll
    while time.monotonic() < until:
        seen += probe(server.base, queries)
        time.sleep(0.2)

    # Failures are collected, so one run shows both the serving and the repair behaviour.
    failures = [f"{s} from {u}" for u, s, _ in seen if s not in (200, 503)][:5]
    repair = ["-m", "indexer", "build", "--data", str(d)]  # what IndexDamaged names
    for url, status, body in seen:
        if status == 503 and "/api/" in url:
            payload = json.loads(body)
            assert set(payload) == {"ok", "error", "status"}, payload
            assert payload["ok"] is False and payload["status"] == 503
            m = re.search(r"python -m indexer (build|sync)", payload["error"])
            assert m and re.search(r"[\u4e00-\u9fff]", payload["error"]), payload
            repair = ["-m", "indexer", m.group(1), "--data", str(d)]

    fixed = cli(*repair)
    assert fixed.returncode == 0, fixed.stderr
    texts = problem_texts(d)
    assert len({pid.split("-")[0] for pid in texts}) == 3
    truth = {
        term: {pid for pid, text in texts.items() if term in text}
        for term in ("公务接待", "三重一大", "医疗")
    }
    assert all(truth.values())
    deadline = time.monotonic() + REPAIR_GUARD
    while wrong := wrong_answer(server.base, truth):
        if server.proc.poll() is not None:
            failures.append(f"the server died (exit status {server.proc.returncode})")
            break
        if time.monotonic() > deadline:
            failures.append(f"{REPAIR_GUARD:g} s after {' '.join(repair)}: {wrong}")
            break
        time.sleep(0.3)
    assert failures == [], "\n".join(failures) + "\n" + server.output()


# -- 5. ingest while serving -------------------------------------------------------------


class Hammer:
    """Client threads sending mixed searches until stopped; every outcome is recorded."""

    QUERIES = [
        {"q": "公务接待"},
        {"q": "整改", "kind": "notice"},
        {"q": "org:淮北", "sort": "date"},
        {"q": '"三重一大"', "per_page": "50"},
        {"q": "制度 -会议", "page": "2"},
        {"q": "year:2019-2030"},
    ]
    PAGES = [{"q": "巡察"}, {"q": "制度", "view": "side"}, {"kind": "notice", "sort": "date"}]
    URLS = [f"/api/search?{urlencode(q)}" for q in QUERIES] + [
        f"/search?{urlencode(q)}" for q in PAGES
    ]

    def __init__(self, base: str, clients: int = 4) -> None:
        self.base = base
        self.stop = threading.Event()
        self.counts = [0] * clients
        self.failures: list[tuple[str, Any]] = []
        self.threads = [
            threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(clients)
        ]

    def _run(self, i: int) -> None:
        rng = random.Random(f"hammer:{i}")
        while not self.stop.is_set():
            url = self.base + rng.choice(self.URLS)
            try:
                status, _ = get(url)
            except OSError as exc:
                status = f"{type(exc).__name__}: {exc}"
            self.counts[i] += 1
            if status != 200:
                self.failures.append((url, status))

    def __enter__(self) -> Hammer:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=HANG_GUARD)


def test_notices_ingested_while_clients_search_become_searchable(
    tmp_path: Path, serve: Any, corpus: tuple[Path, dict[str, Any]]
) -> None:
    folder, manifest = corpus
    new = [folder / f["file"] for f in manifest["files"][200:215]]
    d = tmp_path / "data"
    assert cli("-m", "archive", "ingest", "--data", d, *SEEDS).returncode == 0
    server = serve(d, tmp_path / "server.log")

    with Hammer(server.base) as hammer:
        for path in new:
            res = cli("-m", "archive", "ingest", "--data", d, path)
            done = time.monotonic()
            assert res.returncode == 0 and "新增 1" in res.stdout, res.stdout + res.stderr
            with Archive(d) as a:
                stored = next(s for s in a.iter_notices() if s.source == path.name)
            org = stored.notice.organisation or "未知单位"
            url = f"{server.base}/api/search?" + urlencode(
                {"kind": "notice", "org": org, "per_page": 100}
            )
            while True:
                status, body = get(url)
                assert status == 200, body[:300]
                if stored.id in {h["notice_id"] for h in json.loads(body)["hits"]}:
                    break
                assert time.monotonic() - done < FRESHNESS, f"{path.name} not searchable"
                time.sleep(0.1)

    assert hammer.failures == [], f"{hammer.failures[:5]}\n{server.output()}"
    assert all(n > 0 for n in hammer.counts), hammer.counts
    # Each worker process switches generation on its own: the last notice was seen by one
    # of them, and every request must count them all within the same deadline.
    last = time.monotonic()
    seen_in_a_row = 0
    while seen_in_a_row < 10:
        status, body = get(f"{server.base}/api/search?kind=notice&per_page=1")
        assert status == 200, body[:300]
        total = json.loads(body)["total"]
        seen_in_a_row = seen_in_a_row + 1 if total == len(SEEDS) + len(new) else 0
        assert seen_in_a_row or time.monotonic() - last < FRESHNESS, f"{total} notices counted"
        time.sleep(0.05)


# -- 6. the background refresher ---------------------------------------------------------


def _wait_for(predicate: Any, guard: float = HANG_GUARD) -> bool:
    deadline = time.monotonic() + guard
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_the_refresher_indexes_an_ingest_without_making_searches_wait(tmp_path: Path) -> None:
    """With a refresher a search never syncs: it answers from the current generation even
    while the sync lock is held, and the new notice appears once the refresher switched."""
    from indexer.searching import NoticeIndex

    d = tmp_path / "data"
    assert cli("-m", "archive", "ingest", "--data", d, SEEDS[0]).returncode == 0
    idx = NoticeIndex(d, poll_interval=0.1, background=True)
    try:
        assert idx.search("残联").total == 0
        assert idx._refresher is not None and idx._refresher.alive()
        with idx._sync_lock:  # a sync in progress (inline mode would wait for it or skip)
            done: list[int] = []
            t = threading.Thread(target=lambda: done.append(idx.search("残联").total))
            t.start()
            t.join(HANG_GUARD)
            assert done == [0]
        assert cli("-m", "archive", "ingest", "--data", d, SEEDS[1]).returncode == 0
        assert _wait_for(lambda: idx.search("残联").total > 0), "never searchable"
        assert idx._refresher.switches >= 1
    finally:
        idx.close()
    assert idx._refresher is None


def test_the_refresher_repairs_a_truncated_segment_file(tmp_path: Path) -> None:
    from indexer.searching import NoticeIndex
    from indexer.writing import damaged_files

    d = tmp_path / "data"
    assert cli("-m", "archive", "ingest", "--data", d, *SEEDS).returncode == 0
    assert cli("-m", "indexer", "build", "--data", d).returncode == 0
    idx = NoticeIndex(d, poll_interval=0.1, background=True)
    try:
        expected = idx.search('"公务接待"').total
        assert expected > 0
        before = (d / "index").stat().st_ino
        victim = next((d / "index").glob("MAIN_*.pst"))
        os.truncate(victim, 50)
        # A rebuild swaps in a new index folder.
        rebuilt = _wait_for(lambda: (d / "index").stat().st_ino != before)
        assert rebuilt and not damaged_files(d), "the refresher did not rebuild"
        assert _wait_for(lambda: idx.search('"公务接待"').total == expected)
        assert cli("-m", "indexer", "check", "--data", d).returncode == 0
    finally:
        idx.close()
