"""The audit log: who uploaded, reparsed or removed which notice, and when.

An append-only table in the archive database itself, so it travels with the archive and
outlives the notices it names (no foreign key). Triggers refuse UPDATE and DELETE. The
table is created by the first write that needs it (archives made before it existed get it
then); reading an archive without it gives an empty log, so read-only archives keep working.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.errors import ArchiveBusy, ArchiveError, ArchiveReadOnly, NotFound, readonly_message
from archive.opening import connect_readonly, is_readonly_error, writable
from archive.store import BUSY_MESSAGE, DB_NAME, Archive

ACTIONS = {"upload": "上传", "publish": "发布", "reparse": "重新解析", "remove": "删除"}

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS audit (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        at        TEXT NOT NULL,
        user      TEXT NOT NULL,
        action    TEXT NOT NULL,
        notice_id TEXT,
        details   TEXT NOT NULL DEFAULT '{}'
    )""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
)


@dataclass
class Entry:
    id: int
    at: str
    user: str
    action: str
    notice_id: str | None
    details: dict[str, Any]

    @property
    def label(self) -> str:
        return ACTIONS.get(self.action, self.action)


def _has_table(db: sqlite3.Connection) -> bool:
    return bool(db.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit'").fetchone())


def record(
    data_dir: Path | str,
    user: str,
    action: str,
    notice_id: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry (creating the table the first time), in its own transaction."""
    path = Path(data_dir) / DB_NAME
    if not writable(path):
        raise ArchiveReadOnly(readonly_message(data_dir))
    db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        if not _has_table(db):
            for statement in _SCHEMA:
                db.execute(statement)
        _insert(db, user, action, notice_id, details)
        db.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if db.in_transaction:
            db.execute("ROLLBACK")
        if "locked" in str(exc) or "busy" in str(exc):
            raise ArchiveBusy(BUSY_MESSAGE) from exc
        if is_readonly_error(exc):
            raise ArchiveReadOnly(readonly_message(data_dir)) from exc
        raise ArchiveError(f"无法写入操作日志：{exc}") from exc
    finally:
        db.close()


def remove_notice(
    archive: Archive, notice_id: str, user: str, details: dict[str, Any] | None = None
) -> None:
    """Remove a notice and log who did it in one transaction: never one without the other."""
    from archive.store import _log_change  # the store's change log, shared on purpose

    def work(db: sqlite3.Connection, revision: int) -> None:
        if not _has_table(db):
            for statement in _SCHEMA:
                db.execute(statement)
        if db.execute("DELETE FROM notices WHERE id = ?", (notice_id,)).rowcount == 0:
            raise NotFound(f"没有编号为 {notice_id} 的通报")
        _log_change(db, revision, notice_id, "remove")
        _insert(db, user, "remove", notice_id, details)

    archive._write(work)


def _insert(
    db: sqlite3.Connection,
    user: str,
    action: str,
    notice_id: str | None,
    details: dict[str, Any] | None,
) -> None:
    db.execute(
        "INSERT INTO audit (at, user, action, notice_id, details) VALUES (?, ?, ?, ?, ?)",
        (
            datetime.now(UTC).isoformat(timespec="seconds"),
            user,
            action,
            notice_id,
            json.dumps(details or {}, ensure_ascii=False),
        ),
    )


def entries(
    data_dir: Path | str,
    *,
    limit: int | None = None,
    notice_id: str | None = None,
    user: str | None = None,
    action: str | None = None,
) -> list[Entry]:
    """The log, newest first; empty when the archive has none yet."""
    path = Path(data_dir) / DB_NAME
    db, _mode = connect_readonly(path, 30.0)
    try:
        if not _has_table(db):
            return []
        where, args = [], []
        for column, value in (("notice_id", notice_id), ("user", user), ("action", action)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        sql = "SELECT id, at, user, action, notice_id, details FROM audit"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        rows = db.execute(sql, args).fetchall()
    finally:
        db.close()
    return [Entry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5] or "{}")) for r in rows]


def uploader(data_dir: Path | str, notice_id: str) -> str | None:
    """Who uploaded the notice from the web (None for notices ingested from the shell)."""
    found = entries(data_dir, notice_id=notice_id, action="upload", limit=1)
    return found[0].user if found else None
