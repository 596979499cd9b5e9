"""The archive's system of record: one SQLite file per data directory.

Every write is one ``BEGIN IMMEDIATE`` transaction that also bumps a revision
counter and logs a change, so readers (the indexer, the web app) can follow
the archive by polling ``revision()`` and asking ``changes_since()``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.errors import (
    ArchiveBusy,
    ArchiveError,
    ArchiveReadOnly,
    NotFound,
    readonly_message,
)
from archive.model import Notice, Problem, SubProblem
from archive.normalize import content_hash
from archive.opening import (
    BadRecord,
    connect_readonly,
    damaged,
    guarded,
    is_damage_error,
    is_readonly_error,
    short_error,
    writable,
)
from archive.rows import insert_problems, parsed_columns

if TYPE_CHECKING:
    from archive.loaders import Loaded

SCHEMA_VERSION = 1
DB_NAME = "archive.sqlite3"
DEFAULT_DATA_DIR = "data"
DATA_ENV = "NOTICES_DATA"
ID_LENGTH = 16
BUSY_MESSAGE = "档案库正忙：另一个导入进程正在写入，请稍后重试"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notices (
    id               TEXT PRIMARY KEY,
    content_hash     TEXT NOT NULL UNIQUE,
    source           TEXT NOT NULL,
    format           TEXT NOT NULL,
    encoding         TEXT,
    title            TEXT,
    organisation     TEXT,
    publisher        TEXT,
    province         TEXT,
    city             TEXT,
    district         TEXT,
    inspector        TEXT,
    inspection_kind  TEXT,
    round            INTEGER,
    inspection_start TEXT,
    inspection_end   TEXT,
    feedback_date    TEXT,
    published_date   TEXT,
    year             INTEGER,
    problem_count    INTEGER NOT NULL,
    data_json        TEXT NOT NULL,
    text             TEXT NOT NULL,
    raw              BLOB NOT NULL,
    ingested_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notices_year ON notices(year);
CREATE INDEX IF NOT EXISTS notices_published ON notices(published_date);
CREATE TABLE IF NOT EXISTS problems (
    id               TEXT PRIMARY KEY,
    notice_id        TEXT NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    n                INTEGER NOT NULL,
    number           TEXT NOT NULL,
    category         TEXT,
    subcategory      TEXT,
    title            TEXT NOT NULL,
    text             TEXT NOT NULL,
    measures_json    TEXT NOT NULL,
    status           TEXT,
    subproblems_json TEXT NOT NULL,
    UNIQUE (notice_id, n)
);
-- No foreign key: the log must outlive the notices it mentions.
CREATE TABLE IF NOT EXISTS changes (
    revision  INTEGER PRIMARY KEY,
    notice_id TEXT NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('add', 'remove')),
    at        TEXT NOT NULL
);
"""


@dataclass
class IngestResult:
    status: str  # "added" | "unchanged"
    notice_id: str
    notice: Notice


@dataclass
class StoredNotice:
    id: str
    content_hash: str
    source: str
    format: str
    ingested_at: str
    text: str
    notice: Notice
    encoding: str | None = None


@dataclass
class NoticeSummary:
    """The columns a listing needs, without decoding the stored JSON."""

    id: str
    source: str
    format: str
    title: str | None
    organisation: str | None
    published_date: str | None
    year: int | None
    problem_count: int
    ingested_at: str
    incomplete: bool = False  # cut off or missing its problem list (Notice.incomplete)


def data_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """Where the archive lives: ``--data``, else ``$NOTICES_DATA``, else ``./data``."""
    if option:
        return Path(option)
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    return Path(DEFAULT_DATA_DIR)


def notice_id_for(text: str) -> str:
    """The stable, URL-safe id of a notice: the same content in any format gets the same id."""
    return content_hash(text)[:ID_LENGTH]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class Archive:
    """An open archive; use as a context manager or call ``close()``.

    One instance per thread: the underlying connection is not shared across threads.
    """

    def __init__(
        self, data_dir: Path | str, *, timeout: float = 30.0, readonly: bool = False
    ) -> None:
        """``readonly=True`` never writes (reading commands, the web app); otherwise the
        archive is opened for writing, or read-only when its folder cannot be written."""
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DB_NAME
        self.readonly = readonly or (self.path.is_file() and not writable(self.path))
        self.mode = "rw"
        if self.readonly:
            self._db, self.mode = connect_readonly(self.path, timeout)
        else:
            self._db = self._connect_rw(timeout)
        try:
            if not self.readonly:
                self._db.execute("PRAGMA foreign_keys = ON")
            self._open_schema()
        except BaseException:
            self._db.close()
            raise

    def _connect_rw(self, timeout: float) -> sqlite3.Connection:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(f"无法创建数据目录 {self.data_dir}：{exc.strerror}") from exc
        try:
            # isolation_level=None: transactions are opened explicitly below.
            db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.Error as exc:
            if is_damage_error(exc):
                raise damaged(self.data_dir, exc) from exc
            if is_readonly_error(exc) and self.path.is_file():
                self.readonly = True  # a folder the checks above could not see as read-only
                db, self.mode = connect_readonly(self.path, timeout)
                return db
            raise ArchiveError(f"无法打开档案库 {self.path}：{exc}") from exc

    # -- lifecycle -----------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open_schema(self) -> None:
        """Create the schema on first open; refuse a database written by a newer version."""
        try:
            version = self._schema_version()
            if version is None:
                if self.readonly:
                    raise ArchiveError(f"{self.path} 不是本档案库的文件（没有结构版本）")
                version = self._create_schema()
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise ArchiveBusy(BUSY_MESSAGE) from exc
            if is_damage_error(exc):
                raise damaged(self.data_dir, exc) from exc
            raise ArchiveError(f"无法打开档案库 {self.path}：{exc}") from exc
        except sqlite3.DatabaseError as exc:
            if "malformed" in str(exc):
                raise damaged(self.data_dir, exc) from exc
            raise ArchiveError(f"{self.path} 不是有效的档案库文件：{exc}") from exc
        if version != SCHEMA_VERSION:
            if version is not None and version > SCHEMA_VERSION:
                raise ArchiveError(
                    f"档案库 {self.path} 的结构版本为 {version}，"
                    f"本程序只支持到 {SCHEMA_VERSION}，请升级程序"
                )
            raise ArchiveError(f"档案库 {self.path} 的结构版本 {version} 无法识别")

    def _create_schema(self) -> int | None:
        """Create the schema unless someone else did: decided under the write lock, since
        another process may be creating it at this very moment."""
        mode = ""
        for attempt in range(40):  # the switch takes no busy timeout: another opener holds it
            try:
                mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or attempt == 39:
                    raise
                time.sleep(0.05)
        if str(mode).lower() != "wal":
            raise ArchiveError(f"档案库 {self.path} 无法切换到 WAL 模式（当前 {mode}）")
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._schema_version()
            if version is None and self._has_tables():
                raise ArchiveError(f"{self.path} 是别的程序的 SQLite 数据库，不是本档案库")
            if version is None:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
                self._db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('revision', '0')")
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        return self._schema_version()

    def _has_tables(self) -> bool:
        return bool(self._db.execute("SELECT 1 FROM sqlite_master").fetchall())

    def _schema_version(self) -> int | None:
        has_meta = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        if not has_meta:
            return None
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            return None
        try:
            return int(row[0])
        except ValueError:
            return -1

    # -- writing -------------------------------------------------------------------

    def _write(self, work: Callable[[sqlite3.Connection, int], None]) -> int:
        """Run ``work(db, revision)`` in one immediate transaction that bumps the revision.

        Any error rolls back everything, so nothing is ever half-written.
        """
        db = self._db
        if self.readonly:
            raise ArchiveReadOnly(readonly_message(self.data_dir))
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise ArchiveBusy(BUSY_MESSAGE) from exc
            if is_readonly_error(exc):
                raise ArchiveReadOnly(readonly_message(self.data_dir)) from exc
            raise ArchiveError(f"无法写入档案库：{exc}") from exc
        try:
            db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'")
            revision = int(
                db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0]
            )
            work(db, revision)
            db.execute("COMMIT")
            return revision
        except BaseException as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
                raise ArchiveBusy(BUSY_MESSAGE) from exc
            if is_damage_error(exc):
                raise damaged(self.data_dir, exc) from exc
            if is_readonly_error(exc):
                raise ArchiveReadOnly(readonly_message(self.data_dir)) from exc
            if isinstance(exc, sqlite3.Error):
                raise ArchiveError(f"写入档案库失败，已全部回滚：{exc}") from exc
            raise

    def ingest(
        self, loaded: Loaded, notice: Notice, *, notice_id: str | None = None
    ) -> IngestResult:
        """Store a loaded file and its parsed notice; the same content again is a no-op.

        ``notice_id`` keeps an id given before (a rebuild from stored originals)."""
        full_hash = content_hash(loaded.text)
        nid = notice_id or full_hash[:ID_LENGTH]
        if self._hash_exists(full_hash):
            return IngestResult("unchanged", nid, notice)

        def work(db: sqlite3.Connection, revision: int) -> None:
            # Re-check under the write lock: another process may have just stored it.
            if db.execute("SELECT 1 FROM notices WHERE content_hash = ?", (full_hash,)).fetchone():
                raise _Unchanged
            columns = {
                "id": nid,
                "content_hash": full_hash,
                "source": loaded.name,
                "format": loaded.format,
                **parsed_columns(loaded, notice),
                "raw": sqlite3.Binary(bytes(loaded.raw)),
                "ingested_at": _now(),
            }
            names = ", ".join(columns)
            marks = ", ".join("?" * len(columns))
            db.execute(f"INSERT INTO notices ({names}) VALUES ({marks})", list(columns.values()))
            insert_problems(db, nid, notice)
            _log_change(db, revision, nid, "add")

        try:
            self._write(work)
        except _Unchanged:
            return IngestResult("unchanged", nid, notice)
        return IngestResult("added", nid, notice)

    def replace_parsed(self, notice_id: str, loaded: Loaded, notice: Notice) -> None:
        """Store a new reading of a stored notice under its old id (reparse).

        One transaction: the row, its problems and a change that makes the index follow.
        The content hash follows the new text, so ingesting the same file again stays a
        no-op; a new text equal to another notice's is refused (it would be a second copy)."""
        full_hash = content_hash(loaded.text)

        def work(db: sqlite3.Connection, revision: int) -> None:
            other = db.execute(
                "SELECT id FROM notices WHERE content_hash = ? AND id != ?",
                (full_hash, notice_id),
            ).fetchone()
            if other:
                raise ArchiveError(f"重新解析后的正文与通报 {other[0]} 相同，保留原记录")
            columns = {"content_hash": full_hash, **parsed_columns(loaded, notice)}
            assignments = ", ".join(f"{name} = ?" for name in columns)
            cursor = db.execute(
                f"UPDATE notices SET {assignments} WHERE id = ?",
                [*columns.values(), notice_id],
            )
            if cursor.rowcount == 0:
                raise NotFound(f"没有编号为 {notice_id} 的通报")
            db.execute("DELETE FROM problems WHERE notice_id = ?", (notice_id,))
            insert_problems(db, notice_id, notice)
            _log_change(db, revision, notice_id, "add")

        self._write(work)

    def ingest_path(self, path: Path | str) -> IngestResult:
        """Load, parse and store one file; a RejectedFile leaves the archive untouched."""
        # Imported here: readers (indexer, web app) never pay for the parsing machinery.
        from archive.pipeline import load_and_parse

        loaded, notice = load_and_parse(Path(path))
        return self.ingest(loaded, notice)

    def remove(self, notice_id: str) -> None:
        """Delete a notice and its problems; logged as a 'remove' change."""

        def work(db: sqlite3.Connection, revision: int) -> None:
            cursor = db.execute("DELETE FROM notices WHERE id = ?", (notice_id,))
            if cursor.rowcount == 0:
                raise NotFound(f"没有编号为 {notice_id} 的通报")
            _log_change(db, revision, notice_id, "remove")

        self._write(work)

    # -- reading -------------------------------------------------------------------

    @guarded
    def _hash_exists(self, full_hash: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM notices WHERE content_hash = ?", (full_hash,)
        ).fetchone()
        return row is not None

    def damage(self) -> str | None:
        """SQLite's quick check of the whole file: None when sound, else its first finding.

        Writers run it once before writing, so nothing is written into a damaged file."""
        try:
            row = self._db.execute("PRAGMA quick_check(1)").fetchone()
        except sqlite3.DatabaseError as exc:
            if _is_busy(exc):
                raise ArchiveBusy(BUSY_MESSAGE) from exc
            return short_error(exc)
        return None if row and row[0] == "ok" else short_error(row[0] if row else "quick_check")

    @guarded
    def revision(self) -> int:
        """The number of writes so far; cheap enough to poll."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return int(row[0])

    @guarded
    def changes_since(self, revision: int) -> list[tuple[int, str, str]]:
        """Changes after ``revision``, oldest first: (revision, notice_id, 'add'|'remove')."""
        rows = self._db.execute(
            "SELECT revision, notice_id, op FROM changes WHERE revision > ? ORDER BY revision",
            (revision,),
        ).fetchall()
        return [(int(r), str(n), str(op)) for r, n, op in rows]

    @guarded
    def notice(self, notice_id: str) -> StoredNotice:
        row = self._db.execute(
            "SELECT id, content_hash, source, format, ingested_at, text, data_json, encoding"
            " FROM notices WHERE id = ?",
            (notice_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"没有编号为 {notice_id} 的通报")
        return _stored(row)

    @guarded
    def notice_ids(self) -> list[str]:
        """All notice ids, in the order they were stored."""
        return [r[0] for r in self._db.execute("SELECT id FROM notices ORDER BY rowid")]

    def iter_notices(self) -> Iterator[StoredNotice]:
        """Every stored notice, one at a time, in the order they were stored."""
        for nid in self.notice_ids():
            try:
                yield self.notice(nid)
            except NotFound:
                continue  # removed by another process while iterating

    @guarded
    def summaries(self) -> list[NoticeSummary]:
        """One row per notice for listings, newest publication first."""
        rows = self._db.execute(
            "SELECT id, source, format, title, organisation, published_date, year,"
            " problem_count, ingested_at,"
            " coalesce(json_extract(data_json, '$.incomplete'), 0) FROM notices"
            " ORDER BY published_date IS NULL, published_date DESC, year DESC, id"
        ).fetchall()
        return [NoticeSummary(*row[:-1], incomplete=bool(row[-1])) for row in rows]

    @guarded
    def headers(self, opening: int = 600, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Every notice's (or those of ``ids``) header columns and the first ``opening``
        characters of its text: what linking follow-up notices needs
        (``archive.followups``), without decoding JSON."""
        sql = (
            "SELECT id, title, organisation, province, city, district, inspector,"
            " inspection_kind, round, inspection_start, inspection_end, feedback_date,"
            " published_date, year, substr(text, 1, ?) AS opening, rowid AS seq FROM notices"
        )
        if ids is None:
            return self._rows(sql + " ORDER BY rowid", (opening,))
        out: list[dict[str, Any]] = []
        for i in range(0, len(ids), 500):  # SQLite's limit on bound parameters
            chunk = list(ids[i : i + 500])
            where = f" WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY rowid"
            out += self._rows(sql + where, (opening, *chunk))
        return out

    def _rows(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        cur = self._db.execute(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    @guarded
    def problem(self, problem_id: str) -> tuple[str, Problem]:
        """Look up ``<notice id>-<n>``; returns the notice id and the problem."""
        row = self._db.execute(
            "SELECT notice_id, n, number, category, subcategory, title, text, measures_json,"
            " status, subproblems_json FROM problems WHERE id = ?",
            (problem_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"没有编号为 {problem_id} 的问题")
        notice_id, n, number, category, subcategory, title, text, measures, status, subs = row
        problem = Problem(
            n=n,
            number=number,
            category=category,
            subcategory=subcategory,
            title=title,
            text=text,
            measures=list(json.loads(measures)),
            status=status,
            subproblems=[SubProblem(**s) for s in json.loads(subs)],
        )
        return notice_id, problem

    @guarded
    def source(self, notice_id: str) -> tuple[str, str, bytes]:
        """The original file: (name, format, bytes as received)."""
        row = self._db.execute(
            "SELECT source, format, raw FROM notices WHERE id = ?", (notice_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"没有编号为 {notice_id} 的通报")
        return row[0], row[1], bytes(row[2])

    @guarded
    def summary(self) -> dict[str, Any]:
        """What a front page says about the archive: counts and the span of dates."""
        db = self._db
        notices, orgs, first, last = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT organisation), MIN(published_date),"
            " MAX(published_date) FROM notices"
        ).fetchone()
        problems = db.execute("SELECT COUNT(*) FROM problems").fetchone()[0]
        return {
            "notices": notices,
            "problems": problems,
            "organisations": orgs,
            "first_published": first,
            "last_published": last,
            "revision": self.revision(),
        }

    @guarded
    def stats(self) -> dict[str, Any]:
        """Counts for a status line: notices, problems, revision, per format and per year."""
        db = self._db
        formats = dict(db.execute("SELECT format, COUNT(*) FROM notices GROUP BY format"))
        years = {
            (str(y) if y is not None else "未知"): c
            for y, c in db.execute("SELECT year, COUNT(*) FROM notices GROUP BY year ORDER BY year")
        }
        return {
            "notices": db.execute("SELECT COUNT(*) FROM notices").fetchone()[0],
            "problems": db.execute("SELECT COUNT(*) FROM problems").fetchone()[0],
            "revision": self.revision(),
            "formats": formats,
            "years": years,
        }


class _Unchanged(Exception):
    """Raised inside a write to abandon it when the content turned out to be stored."""


def _log_change(db: sqlite3.Connection, revision: int, notice_id: str, op: str) -> None:
    db.execute(
        "INSERT INTO changes (revision, notice_id, op, at) VALUES (?, ?, ?, ?)",
        (revision, notice_id, op, _now()),
    )


def _stored(row: tuple[Any, ...]) -> StoredNotice:
    nid, chash, source, fmt, ingested_at, text, data_json, encoding = row
    try:
        notice = Notice.from_dict(json.loads(data_json))
    except (ValueError, TypeError, AttributeError) as exc:
        raise BadRecord(f"通报 {nid} 的存储记录无法读取：{type(exc).__name__}") from exc
    return StoredNotice(
        id=nid,
        content_hash=chash,
        source=source,
        format=fmt,
        ingested_at=ingested_at,
        text=text,
        notice=notice,
        encoding=encoding,
    )
