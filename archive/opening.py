"""Opening the SQLite file: read-write, or read-only when the folder cannot be written.

A WAL database needs a ``-shm`` file beside it even to be read. In a read-only folder (a
published snapshot, a read-only mount, a backup being browsed) SQLite cannot create it,
so reading opens ``mode=ro`` and, when that still fails, ``immutable=1``: no locks and no
shared memory, correct because nothing can change the file there. Root ignores file
permissions but not a read-only mount or an immutable attribute, which ``os.access``
reports, so the same checks hold for every user.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archive.errors import ArchiveDamaged, ArchiveError, damage_message

_READONLY_SIGNS = ("unable to open database file", "readonly database", "read-only")
_DAMAGE_SIGNS = ("malformed", "not a database", "corrupt", "disk i/o error", "could not decode")


def is_readonly_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.Error) and any(s in text for s in _READONLY_SIGNS)


def is_damage_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.DatabaseError) and any(s in text for s in _DAMAGE_SIGNS)


def damaged(data_dir: Path, exc: BaseException) -> ArchiveDamaged:
    return ArchiveDamaged(damage_message(data_dir, short_error(exc)))


def short_error(exc: BaseException | str) -> str:
    """SQLite's message on one short line: a decoding error quotes the damaged bytes."""
    text = str(exc).split(" with text ", 1)[0]
    text = "".join(ch if ch.isprintable() else " " for ch in text.replace("\ufffd", ""))
    return " ".join(text.replace("*** in database main ***", "").split())[:120]


def writable(path: Path) -> bool:
    """Whether the database file and its folder can be written (the -wal/-shm files)."""
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def _pending_log(path: Path) -> bool:
    """Whether a WAL file with content lies beside the database: writes not yet merged."""
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def connect_readonly(path: Path, timeout: float) -> tuple[sqlite3.Connection, str]:
    """A read-only connection: ``mode=ro``, else ``immutable=1``; returns it and the mode."""
    if not path.is_file():
        raise ArchiveError(f"{path.parent} 下还没有档案库，请先运行 python -m archive ingest")
    uri = path.resolve().as_uri()
    last: sqlite3.Error | None = None
    for mode in ("mode=ro", "immutable=1"):
        db = None
        if mode == "immutable=1" and _pending_log(path):
            raise ArchiveError(
                f"只读文件夹中的档案库 {path} 还有未合并的写入日志（{path.name}-wal），"
                "只读打开会漏掉其中的内容：请把数据目录复制到可写的位置再打开，"
                "或在文件夹可写时运行一次 python -m indexer sync"
                "（它关闭档案库时会合并日志）再设为只读"
            )
        try:
            db = sqlite3.connect(f"{uri}?{mode}", uri=True, timeout=timeout, isolation_level=None)
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return db, mode
        except sqlite3.DatabaseError as exc:
            if db is not None:
                db.close()
            if is_damage_error(exc):
                raise damaged(path.parent, exc) from exc
            last = exc
    raise ArchiveError(f"无法以只读方式打开档案库 {path}：{last}")


class BadRecord(Exception):
    """A stored row that no longer decodes: damage inside a value, not in SQLite's pages."""


def guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """For Archive methods: reading a damaged file raises ArchiveDamaged naming the way out,
    not a SQLite error."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if is_damage_error(exc):
                raise damaged(self.data_dir, exc) from exc
            raise
        except BadRecord as exc:
            raise damaged(self.data_dir, exc) from exc

    return wrapper
