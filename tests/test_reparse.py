"""reparse: stored originals read again by the current parser, ids kept, the index follows.

An archive "made by an older parser" is simulated by rewriting stored records through SQL:
one notice loses its last problems, another its organisation. Only those two may change.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from archive.store import DB_NAME, Archive

# The ``run`` fixture (conftest.py): ``python -m PACKAGE ARGS`` in a real process.
Run = Callable[..., subprocess.CompletedProcess[str]]
REPO_ROOT = Path(__file__).resolve().parents[1]
NOTICES = REPO_ROOT / "tests" / "data" / "notices"
FILES = ["h_village_short_items.txt", "s1_hospital.txt", "s2_school.txt"]


def _ids_by_file(data: Path) -> dict[str, str]:
    with Archive(data) as a:
        return {a.notice(nid).source: nid for nid in a.notice_ids()}


def _age(data: Path, nid: str, keep: int | None = None, organisation: str | None = None) -> None:
    """Rewrite a stored notice as an older parser would have stored it (no change logged)."""
    db = sqlite3.connect(data / DB_NAME)
    with db:
        (raw,) = db.execute("SELECT data_json FROM notices WHERE id = ?", (nid,)).fetchone()
        record = json.loads(raw)
        if keep is not None:
            record["problems"] = record["problems"][:keep]
            db.execute("DELETE FROM problems WHERE notice_id = ? AND n > ?", (nid, keep))
        if organisation is not None:
            record["organisation"] = organisation
        db.execute(
            "UPDATE notices SET data_json = ?, problem_count = ?, organisation = ? WHERE id = ?",
            (
                json.dumps(record, ensure_ascii=False),
                len(record["problems"]),
                record["organisation"],
                nid,
            ),
        )
    db.close()


def _search(run: Run, data: Path, query: str) -> list[str]:
    done = run("indexer", "search", query, "--data", str(data), "--json")
    assert done.returncode == 0, done.stderr
    return [hit["id"] for hit in json.loads(done.stdout)["hits"]]


@pytest.fixture
def aged(run: Run, tmp_path: Path) -> tuple[Path, dict[str, str], dict[str, dict]]:
    data = tmp_path / "data"
    done = run("archive", "ingest", "--data", str(data), *(str(NOTICES / f) for f in FILES))
    assert done.returncode == 0, done.stderr
    ids = _ids_by_file(data)
    with Archive(data) as a:
        current = {f: a.notice(ids[f]).notice.to_dict() for f in FILES}
    _age(data, ids["h_village_short_items.txt"], keep=3)
    _age(data, ids["s1_hospital.txt"], organisation="某医院")
    return data, ids, current


@pytest.mark.slow
def test_reparse_all_changes_only_what_the_parser_now_reads_better(run: Run, aged) -> None:
    data, ids, current = aged
    assert run("indexer", "build", "--data", str(data), "--procs", "1").returncode == 0
    village, hospital, school = (ids[f] for f in FILES)
    with Archive(data) as a:
        revision = a.revision()
    # "村务公开目录" is in problem 4 of the village notice, cut by the older parser.
    assert f"{village}-4" not in _search(run, data, "村务公开目录")

    done = run("archive", "reparse", "--all", "--data", str(data))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"{village}  已更新  问题 3 → 11  要素未变" in lines
    assert f"{hospital}  已更新  问题 {len(current['s1_hospital.txt']['problems'])} → " in (
        done.stdout
    )
    assert "要素变化：被巡察单位" in next(line for line in lines if line.startswith(hospital))
    assert not any(line.startswith(school) for line in lines)
    assert "重新解析 3 份：更新 2，未变 1，保留原记录 0" in lines[-1]

    assert _ids_by_file(data) == ids  # same ids, no second copy
    with Archive(data) as a:
        assert len(a.notice_ids()) == 3
        assert a.revision() == revision + 2
        assert [c[1] for c in a.changes_since(revision)] == [village, hospital]
        for f in FILES:
            assert a.notice(ids[f]).notice.to_dict() == current[f]
        assert a.problem(f"{village}-11")[1].title == "产业帮扶带动作用不强"

    assert run("indexer", "sync", "--data", str(data)).returncode == 0
    assert f"{village}-4" in _search(run, data, "村务公开目录")
    # Nothing left to do: a second run writes nothing.
    again = run("archive", "reparse", "--all", "--data", str(data))
    assert "更新 0，未变 3" in again.stdout
    with Archive(data) as a:
        assert a.revision() == revision + 2


def test_reparse_by_id_and_unknown_id(run: Run, aged) -> None:
    data, ids, _ = aged
    village = ids["h_village_short_items.txt"]
    done = run("archive", "reparse", village, "0000000000000000", "--data", str(data))
    assert done.returncode == 1
    assert f"{village}  已更新  问题 3 → 11" in done.stdout
    assert "0000000000000000  找不到该通报" in done.stdout
    assert "更新 1" in done.stdout
    with Archive(data) as a:
        assert a.notice(ids["s1_hospital.txt"]).notice.organisation == "某医院"  # not asked


def test_reparse_needs_ids_or_all(run: Run, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run("archive", "ingest", "--data", str(data), str(NOTICES / FILES[0])).returncode == 0
    done = run("archive", "reparse", "--data", str(data))
    assert done.returncode == 1
    assert "--all" in done.stderr and "Traceback" not in done.stderr


def test_reingesting_a_reparsed_file_is_a_no_op(run: Run, aged) -> None:
    data, ids, _ = aged
    assert run("archive", "reparse", "--all", "--data", str(data)).returncode == 0
    done = run("archive", "ingest", "--data", str(data), str(NOTICES / FILES[0]))
    assert "新增 0，未变 1" in done.stdout
    assert _ids_by_file(data) == ids


def test_a_text_read_differently_before_gets_the_new_hash_and_keeps_its_id(
    run: Run,
    tmp_path: Path,
) -> None:
    from archive.normalize import content_hash

    data = tmp_path / "data"
    source = NOTICES / FILES[0]
    assert run("archive", "ingest", "--data", str(data), str(source)).returncode == 0
    (nid,) = _ids_by_file(data).values()
    old_text = source.read_text("utf-8").strip() + "\n（旧版读取多出的一行）"
    db = sqlite3.connect(data / DB_NAME)
    with db:  # an older loader's text, and the hash it gave
        db.execute(
            "UPDATE notices SET text = ?, content_hash = ? WHERE id = ?",
            (old_text, content_hash(old_text), nid),
        )
    db.close()
    # Before reparse, the same file looks new (its text hash is not stored): check says so.
    check = run("archive", "check", "--data", str(data))
    assert check.returncode == 1 and "读出的正文与存储的不同" in check.stderr
    assert "reparse --all" in check.stderr

    assert run("archive", "reparse", "--all", "--data", str(data)).returncode == 0
    with Archive(data) as a:
        assert a.notice_ids() == [nid]
        stored = a.notice(nid)
        assert "旧版读取" not in stored.text
        assert stored.content_hash == content_hash(stored.text)
    assert run("archive", "check", "--data", str(data)).returncode == 0
    again = run("archive", "ingest", "--data", str(data), str(source))
    assert "新增 0，未变 1" in again.stdout


def test_a_killed_reparse_leaves_each_notice_old_or_new(run: Run, tmp_path: Path) -> None:
    data = tmp_path / "data"
    files = sorted(NOTICES.glob("*.txt"))
    assert run("archive", "ingest", "--data", str(data), str(NOTICES)).returncode == 0
    ids = _ids_by_file(data)
    with Archive(data) as a:
        full = {nid: len(a.notice(nid).notice.problems) for nid in ids.values()}
    aged = [nid for nid in ids.values() if full[nid] > 1]
    assert len(aged) >= 10
    for nid in aged:
        _age(data, nid, keep=1)
    with Archive(data) as a:
        revision = a.revision()
    proc = subprocess.Popen(
        [sys.executable, "-m", "archive", "reparse", "--all", "--data", str(data)],
        cwd=REPO_ROOT,
        env=dict(os.environ, PYTHONUTF8="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # one notice written: kill in the middle of the run
    proc.kill()
    proc.communicate()
    assert "已更新".encode() in first
    with Archive(data) as a:
        assert a.damage() is None
        counts = {nid: len(a.notice(nid).notice.problems) for nid in ids.values()}
        updated = [nid for nid in aged if counts[nid] == full[nid]]
        assert all(counts[nid] in (1, full[nid]) for nid in aged)
        assert 1 <= len(updated) < len(aged)
        assert sorted(c[1] for c in a.changes_since(revision)) == sorted(updated)
    done = run("archive", "reparse", "--all", "--data", str(data))
    assert done.returncode == 0
    assert f"更新 {len(aged) - len(updated)}，未变 {len(files) - len(aged) + len(updated)}" in (
        done.stdout
    )
    with Archive(data) as a:
        assert {nid: len(a.notice(nid).notice.problems) for nid in ids.values()} == full
    assert run("archive", "check", "--data", str(data)).returncode == 0


def test_an_article_joined_from_web_pages_keeps_its_later_pages(run: Run, tmp_path: Path) -> None:
    """Only the first page's bytes are stored; reparse and check use the stored text."""
    from tests.test_layouts_pages import BODY, OPENING, TITLE, _html_page

    lines = [TITLE, OPENING, *BODY.split("\n"), "中共某某县自然资源局党组", "2024年6月28日"]
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text(_html_page(lines[:5], "a_2.html"), encoding="utf-8")
    (folder / "a_2.html").write_text(_html_page(lines[5:]), encoding="utf-8")
    data = tmp_path / "data"
    assert run("archive", "ingest", "--data", str(data), str(folder)).returncode == 0
    (nid,) = _ids_by_file(data).values()
    with Archive(data) as a:
        problems = len(a.notice(nid).notice.problems)
    assert problems == 2
    _age(data, nid, keep=1)
    assert run("archive", "check", "--data", str(data)).returncode == 0
    done = run("archive", "reparse", "--all", "--data", str(data))
    assert done.returncode == 0, done.stderr
    assert f"{nid}  已更新  问题 1 → 2" in done.stdout
    with Archive(data) as a:
        assert len(a.notice(nid).notice.problems) == 2
    rebuilt = tmp_path / "rebuilt"
    assert run("archive", "rebuild", "--data", str(data), "--into", str(rebuilt)).returncode == 0
    with Archive(rebuilt) as a:
        assert len(a.notice(nid).notice.problems) == 2
