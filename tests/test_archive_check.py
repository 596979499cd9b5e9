"""A damaged archive is noticed: check, list, show, search and ingest say so with the way out.

Archives are made by the real command line and damaged on disk, as a failing disk or a
bad copy would: 40 bytes flipped in the middle of the file, or in the notices table's root.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from archive.store import DB_NAME, Archive

# The ``run`` fixture (conftest.py): ``python -m PACKAGE ARGS`` in a real process.
Run = Callable[..., subprocess.CompletedProcess[str]]
REPO_ROOT = Path(__file__).resolve().parents[1]
NOTICES = REPO_ROOT / "tests" / "data" / "notices"
SEED = REPO_ROOT / "seeds" / "000_15f829d25a69815d.txt"


@pytest.fixture(scope="module")
def sound(run: Run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("sound") / "data"
    done = run("archive", "ingest", "--data", str(data), str(NOTICES))
    assert done.returncode == 0, done.stderr
    with Archive(data):
        pass  # the last close checkpoints the WAL into the main file
    return data


def _copy(sound: Path, to: Path) -> Path:
    shutil.copytree(sound, to)
    return to


def _flip(path: Path, offset: int, count: int = 40) -> None:
    data = bytearray(path.read_bytes())
    for i in range(offset, offset + count):
        data[i] ^= 0xA5
    path.write_bytes(bytes(data))


def _root_offset(db_file: Path, table: str) -> int:
    db = sqlite3.connect(f"{db_file.resolve().as_uri()}?mode=ro", uri=True)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    db.close()
    return (root - 1) * page_size


def _no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr


def test_a_sound_archive_checks_clean(run: Run, sound: Path) -> None:
    done = run("archive", "check", "--data", str(sound))
    assert done.returncode == 0, done.stderr
    assert f"检查 {len(os.listdir(NOTICES))} 份通报" in done.stdout
    assert "档案库完好" in done.stdout


def test_forty_flipped_bytes_in_the_middle_are_found(run: Run, sound: Path, tmp_path: Path) -> None:
    data = _copy(sound, tmp_path / "data")
    db_file = data / DB_NAME
    _flip(db_file, db_file.stat().st_size // 2)
    done = run("archive", "check", "--data", str(data))
    assert done.returncode == 1
    assert "损坏: " in done.stderr
    assert f"python -m archive rebuild --data {data} --into" in done.stderr
    assert "用备份恢复" in done.stderr
    _no_traceback(done)
    listed = run("archive", "list", "--data", str(data))
    _no_traceback(listed)
    assert listed.returncode == 0 or "已损坏" in listed.stderr
    new = tmp_path / "rebuilt"
    rebuilt = run("archive", "rebuild", "--data", str(data), "--into", str(new))
    _no_traceback(rebuilt)
    copied = int(rebuilt.stdout.split("已重建 ")[1].split(" ")[0])
    lost = rebuilt.stderr.count("未能重建: ")
    assert copied >= len(os.listdir(NOTICES)) - 2 and copied + lost >= len(os.listdir(NOTICES))
    assert run("archive", "check", "--data", str(new)).returncode == 0


def test_a_damaged_table_stops_list_show_search_and_ingest(
    run: Run, sound: Path, tmp_path: Path
) -> None:
    data = _copy(sound, tmp_path / "data")
    some_id = run("archive", "list", "--data", str(data)).stdout.split()[0]
    db_file = data / DB_NAME
    _flip(db_file, _root_offset(db_file, "notices"))
    before = hashlib.sha256(db_file.read_bytes()).hexdigest()
    for package, args in [
        ("archive", ["list"]),
        ("archive", ["show", some_id]),
        ("indexer", ["search", "巡察"]),
        ("archive", ["ingest", str(SEED)]),
        ("archive", ["check"]),
    ]:
        done = run(package, *args, "--data", str(data))
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert f"档案库 {data} 已损坏" in done.stderr, args
        _no_traceback(done)
    assert hashlib.sha256(db_file.read_bytes()).hexdigest() == before  # nothing written


def test_rebuild_copies_every_readable_original_under_its_id(
    run: Run, sound: Path, tmp_path: Path
) -> None:
    data = _copy(sound, tmp_path / "data")
    with Archive(data) as a:
        ids = a.notice_ids()
        victim = ids[len(ids) // 2]
    db = sqlite3.connect(data / DB_NAME)
    with db:  # the stored text of one notice damaged inside its value
        db.execute("UPDATE notices SET text = text || '损' WHERE id = ?", (victim,))
    db.close()
    checked = run("archive", "check", "--data", str(data))
    assert checked.returncode == 1
    assert f"通报 {victim}：存储的正文与其校验值不符" in checked.stderr

    new = tmp_path / "rebuilt"
    done = run("archive", "rebuild", "--data", str(data), "--into", str(new))
    assert done.returncode == 0, done.stderr
    assert f"已重建 {len(ids)} 份通报到 {new}" in done.stdout
    assert f"python -m indexer build --data {new}" in done.stdout
    with Archive(new) as a:
        assert sorted(a.notice_ids()) == sorted(ids)
        assert "损" not in a.notice(victim).text[-1:]
    assert run("archive", "check", "--data", str(new)).returncode == 0
    again = run("archive", "rebuild", "--data", str(data), "--into", str(new))
    assert again.returncode == 1 and "已有档案库" in again.stderr


def test_the_web_app_on_a_damaged_archive_says_so_with_the_way_out(
    run: Run, sound: Path, tmp_path: Path
) -> None:
    from web import create_app

    data = _copy(sound, tmp_path / "data")
    some_id = run("archive", "list", "--data", str(data)).stdout.split()[0]
    db_file = data / DB_NAME
    _flip(db_file, _root_offset(db_file, "notices"))
    client = create_app({"TESTING": True, "DATA_DIR": data}).test_client()
    api = client.get(f"/api/notices/{some_id}")
    assert api.status_code == 503
    body = api.get_json()
    assert body["ok"] is False and body["status"] == 503
    assert f"档案库 {data} 已损坏" in body["error"] and "rebuild" in body["error"]
    page = client.get(f"/notices/{some_id}")
    assert page.status_code == 503
    assert "已损坏" in page.get_data(as_text=True)
