"""The audit log and the write actions of a notice's page: remove and reparse after a
confirmation, each logged (who, what, which notice, when), the log append-only, kept after
the notice is gone, shown to admins and exported as CSV."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
from pathlib import Path

import pytest

from archive import audit
from archive.errors import ArchiveError, NotFound
from archive.store import DB_NAME, Archive
from tests.test_accounts import PASSWORD, csrf_of, login, make_app
from web.accountdb import Accounts


@pytest.fixture
def data(tmp_path: Path, seeded_data: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(seeded_data, d)
    with Accounts(d) as db:
        db.add("alice", "editor", PASSWORD)
        db.add("root", "admin", PASSWORD)
    return d


def ids(data: Path) -> list[str]:
    with Archive(data, readonly=True) as archive:
        return archive.notice_ids()


def test_an_archive_without_a_log_reads_as_empty_and_gets_the_table_on_first_write(
    data: Path,
) -> None:
    conn = sqlite3.connect(data / DB_NAME)
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit'").fetchone()
    conn.close()
    assert audit.entries(data) == []
    audit.record(data, "root", "remove", "0123456789abcdef", {"标题": "测试"})
    [entry] = audit.entries(data)
    assert (entry.user, entry.action, entry.notice_id, entry.label) == (
        "root",
        "remove",
        "0123456789abcdef",
        "删除",
    )
    assert entry.details == {"标题": "测试"} and entry.at.endswith("+00:00")
    with Archive(data) as archive:  # the archive still opens and reads as before
        assert archive.notice_ids() == ids(data)


def test_the_log_is_append_only(data: Path) -> None:
    audit.record(data, "root", "reparse", "0123456789abcdef")
    conn = sqlite3.connect(data / DB_NAME)
    for statement in ("UPDATE audit SET user = 'x'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
    conn.close()
    assert [e.user for e in audit.entries(data)] == ["root"]


def test_an_admin_removes_a_notice_after_confirming_and_the_log_keeps_it(data: Path) -> None:
    nid = ids(data)[0]
    with Archive(data, readonly=True) as archive:
        stored = archive.notice(nid)
        title = stored.notice.title or stored.source
    client = make_app(data).test_client()
    login(client, "root")
    page = client.get(f"/notices/{nid}").get_data(as_text=True)
    assert f'href="/notices/{nid}/remove"' in page
    confirm = client.get(f"/notices/{nid}/remove")
    assert confirm.status_code == 200 and "确认删除" in confirm.get_data(as_text=True)
    assert nid in ids(data)  # the confirmation page changed nothing
    csrf = csrf_of(confirm.get_data(as_text=True))
    done = client.post(f"/notices/{nid}/remove", data={"csrf_token": csrf})
    assert done.status_code == 200 and "已删除" in done.get_data(as_text=True)
    assert nid not in ids(data)
    with Archive(data, readonly=True) as archive, pytest.raises(NotFound):
        archive.notice(nid)
    [entry] = audit.entries(data)
    assert (entry.user, entry.action, entry.notice_id) == ("root", "remove", nid)
    assert entry.details["标题"] == title
    shown = client.get("/admin/audit").get_data(as_text=True)
    assert nid in shown and "删除" in shown and "root" in shown
    assert client.get(f"/notices/{nid}").status_code == 404


def test_reparse_through_the_api_with_a_token_is_logged(data: Path) -> None:
    nid = ids(data)[1]
    with Accounts(data) as db:
        token = db.new_token("alice")
    client = make_app(data).test_client()
    resp = client.post(f"/api/notices/{nid}/reparse", headers={"Authorization": f"Bearer {token}"})
    body = resp.get_json()
    assert resp.status_code == 200 and body["ok"] is True
    assert body["notice_id"] == nid and body["status"] == "unchanged"
    [entry] = audit.entries(data)
    assert (entry.user, entry.action, entry.notice_id) == ("alice", "reparse", nid)
    assert entry.details["结果"] == "未变"
    assert nid in ids(data)


def test_reparse_of_an_unknown_notice_is_404_and_not_logged(data: Path) -> None:
    client = make_app(data).test_client()
    login(client, "alice")
    csrf = csrf_of(client.get("/upload").get_data(as_text=True))
    resp = client.post("/api/notices/0000000000000000/reparse", headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 404 and resp.get_json()["ok"] is False
    assert audit.entries(data) == []


def test_the_log_exports_as_csv_for_excel(data: Path) -> None:
    audit.record(data, "alice", "upload", "0123456789abcdef", {"文件": "=cmd|x.txt"})
    audit.record(data, "root", "remove", "0123456789abcdef", {"标题": "某通报"})
    client = make_app(data).test_client()
    login(client, "root")
    resp = client.get("/admin/audit.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    raw = resp.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["序号", "时间（UTC）", "用户", "操作", "通报编号", "详情"]
    assert [r[2:5] for r in rows[1:]] == [
        ["root", "删除", "0123456789abcdef"],
        ["alice", "上传", "0123456789abcdef"],
    ]
    assert rows[2][5] == "文件：=cmd|x.txt"  # not at the start of a cell: no formula


def test_a_removal_and_its_log_entry_are_one_transaction(data: Path) -> None:
    """When the entry cannot be written, the notice stays: never a removal nobody logged."""
    nid = ids(data)[0]
    audit.record(data, "root", "reparse", nid)  # creates the table
    conn = sqlite3.connect(data / DB_NAME)
    conn.execute(
        "CREATE TRIGGER refuse_entries BEFORE INSERT ON audit"
        " BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END"
    )
    conn.commit()
    with Archive(data) as archive:
        revision = archive.revision()
        with pytest.raises(ArchiveError):
            audit.remove_notice(archive, nid, "root", {"标题": "x"})
        assert archive.revision() == revision
    assert nid in ids(data)
    conn.execute("DROP TRIGGER refuse_entries")
    conn.commit()
    conn.close()
    with Archive(data) as archive:
        audit.remove_notice(archive, nid, "root", {"标题": "x"})
    assert nid not in ids(data)
    assert [e.action for e in audit.entries(data, notice_id=nid)] == ["remove", "reparse"]
