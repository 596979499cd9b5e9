"""A data folder that cannot be written (a published snapshot, a read-only mount, a backup).

Tests run as root in CI, and root ignores permission bits, so the folder is made genuinely
read-only: a read-only bind mount, else the immutable attribute (``chattr +i``), which bind
root too. Reading commands and the web app work there; writing ones say why they cannot.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archive.store import DB_NAME, Archive

# The ``run`` fixture (conftest.py): ``python -m PACKAGE ARGS`` in a real process.
Run = Callable[..., subprocess.CompletedProcess[str]]
REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS = REPO_ROOT / "seeds"
NOTICE = REPO_ROOT / "tests" / "data" / "notices" / "h_village_short_items.txt"


def _quiet(*cmd: str) -> bool:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=30).returncode == 0
    except OSError:
        return False


def _cannot_write(folder: Path) -> bool:
    try:
        (folder / "probe").write_bytes(b"x")
    except OSError:
        return True
    (folder / "probe").unlink()
    return False


def _read_only_view(source: Path, view: Path) -> list[str] | None:
    """Make ``view`` a read-only view of ``source``; returns the undo command, or None."""
    view.mkdir()
    if not _quiet("mount", "--bind", str(source), str(view)):
        return None
    if not _quiet("mount", "-o", "remount,bind,ro", str(view)):
        _quiet("umount", str(view))
        return None
    return ["umount", str(view)]


@pytest.fixture(scope="module")
def snapshot(run: Run, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An indexed archive of the seeds, seen through a read-only folder."""
    base = tmp_path_factory.mktemp("readonly")
    source = base / "src"
    data = source / "data"
    assert run("archive", "ingest", "--data", str(data), str(SEEDS)).returncode == 0
    assert run("indexer", "build", "--data", str(data), "--procs", "1").returncode == 0
    view = base / "view"
    view.mkdir()
    if _quiet("mount", "--bind", str(source), str(view)):
        if not _quiet("mount", "-o", "remount,bind,ro", str(view)):
            _quiet("umount", str(view))
            pytest.skip("cannot remount a bind mount read-only here")
        undo = ["umount", str(view)]
        folder = view / "data"
    else:
        view.rmdir()
        folder = data
        files = [str(p) for p in folder.rglob("*")]
        if not _quiet("chattr", "+i", *files, str(folder)):
            pytest.skip("neither a read-only bind mount nor chattr +i works here")
        undo = ["chattr", "-i", *files, str(folder)]
    try:
        assert _cannot_write(folder), "the folder is still writable"
        yield folder
    finally:
        assert _quiet(*undo)


@pytest.mark.slow
def test_reading_commands_work_in_a_read_only_folder(run: Run, snapshot: Path) -> None:
    assert not (snapshot / f"{DB_NAME}-shm").exists()
    listed = run("archive", "list", "--data", str(snapshot))
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == 2 and "淮北市红十字会" in listed.stdout
    notice_id = lines[0].split()[0]
    shown = run("archive", "show", notice_id, "--data", str(snapshot))
    assert shown.returncode == 0, shown.stderr
    assert f"编号: {notice_id}" in shown.stdout
    problem = run("archive", "show", f"{notice_id}-1", "--data", str(snapshot))
    assert problem.returncode == 0 and f"编号: {notice_id}-1" in problem.stdout
    found = run("indexer", "search", "公务接待", "--data", str(snapshot), "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["total"] > 0
    assert run("archive", "check", "--data", str(snapshot)).returncode == 0


def test_writing_commands_say_a_writable_folder_is_needed(run: Run, snapshot: Path) -> None:
    notice_id = run("archive", "list", "--data", str(snapshot)).stdout.split()[0]
    for args in (["ingest", str(NOTICE)], ["remove", notice_id], ["reparse", "--all"]):
        done = run("archive", *args, "--data", str(snapshot))
        assert done.returncode == 1, args
        assert f"档案库所在文件夹 {snapshot} 是只读的" in done.stderr, args
        assert "需要可写的文件夹" in done.stderr
        assert "Traceback" not in done.stderr
    with Archive(snapshot) as archive:  # opened for writing: falls back to reading
        assert archive.readonly and len(archive.notice_ids()) == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode("utf-8")


@pytest.mark.slow
def test_the_web_app_serves_a_read_only_folder(run: Run, snapshot: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "web", "--port", str(port), "--data", str(snapshot)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUTF8="1"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, page = _get(base + "/")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert status == 200 and "淮北市红十字会" in page
        status, body = _get(base + "/api/search?q=%E5%85%AC%E5%8A%A1%E6%8E%A5%E5%BE%85")
        assert status == 200 and json.loads(body)["total"] > 0
        notice_id = run("archive", "list", "--data", str(snapshot)).stdout.split()[0]
        status, page = _get(f"{base}/notices/{notice_id}")
        assert status == 200 and notice_id in page
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def test_a_copy_of_the_snapshot_is_writable_again(run: Run, snapshot: Path, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(snapshot, copy)
    done = run("archive", "ingest", str(NOTICE), "--data", str(copy))
    assert done.returncode == 0, done.stderr
    assert "新增 1" in done.stdout


def test_a_snapshot_with_unmerged_writes_is_not_read_half(run: Run, tmp_path: Path) -> None:
    """A copy taken while a writer was open: the newest notices are only in the -wal file,
    which a read-only folder cannot read without its -shm file. Say so; never show less."""
    live = tmp_path / "live"
    assert run("archive", "ingest", "--data", str(live), str(SEEDS)).returncode == 0
    from archive.pipeline import load_and_parse

    writer = Archive(live)
    try:
        writer._db.execute("PRAGMA wal_autocheckpoint = 0")
        writer.ingest(*load_and_parse(NOTICE))
        source = tmp_path / "src"
        (source / "data").mkdir(parents=True)
        for name in (DB_NAME, f"{DB_NAME}-wal"):
            shutil.copy2(live / name, source / "data" / name)
    finally:
        writer.close()
    assert (source / "data" / f"{DB_NAME}-wal").stat().st_size > 0
    undo = _read_only_view(source, tmp_path / "view")
    if undo is None:
        pytest.skip("no read-only bind mount here")
    try:
        done = run("archive", "list", "--data", str(tmp_path / "view" / "data"))
        assert done.returncode == 1
        assert "还有未合并的写入日志" in done.stderr and "Traceback" not in done.stderr
    finally:
        assert _quiet(*undo)
    copy = tmp_path / "copy"
    shutil.copytree(source / "data", copy)
    listed = run("archive", "list", "--data", str(copy))
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 3


def test_search_works_in_a_read_only_snapshot_without_a_cache_folder(
    run: Run, snapshot: Path, tmp_path: Path
) -> None:
    source = tmp_path / "src"
    shutil.copytree(snapshot, source / "data", ignore=shutil.ignore_patterns("cache"))
    assert not (source / "data" / "cache").exists()
    undo = _read_only_view(source, tmp_path / "view")
    if undo is None:
        pytest.skip("no read-only bind mount here")
    try:
        found = run("indexer", "search", "公务接待", "--data", str(tmp_path / "view" / "data"))
        assert found.returncode == 0, found.stderr
        assert "共 0 条" not in found.stdout and "共 " in found.stdout
    finally:
        assert _quiet(*undo)
