"""Accounts, login attempts and upload jobs: ``accounts.sqlite3`` beside the archive.

A separate file, not tables in the archive: the archive stays a publishable snapshot (copying
or freezing a data folder never carries password hashes), a read-only archive keeps working
for readers, and the archive's schema does not change for a web-only concern. Every web
worker process shares this file, so the login limiter and job progress hold across gunicorn
workers. The audit log, which must outlive notices and travel with them, is in the archive
(``archive.audit``).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ACCOUNTS_DB = "accounts.sqlite3"
ROLES = ("reader", "editor", "admin")
ROLE_NAMES = {"reader": "读者", "editor": "编辑", "admin": "管理员"}
MIN_PASSWORD = 8
NAME_MAX = 40

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    pw_hash    TEXT NOT NULL,
    token_hash TEXT UNIQUE,
    generation INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    key TEXT NOT NULL,
    at  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_key ON attempts(key, at);
CREATE TABLE IF NOT EXISTS jobs (
    id         TEXT PRIMARY KEY,
    user       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status     TEXT NOT NULL,
    total      INTEGER NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0,
    pid        INTEGER,
    review     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS job_files (
    job_id       TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    n            INTEGER NOT NULL,
    name         TEXT NOT NULL,
    raw          BLOB,
    status       TEXT NOT NULL,
    reason       TEXT,
    notice_id    TEXT,
    organisation TEXT,
    problems     INTEGER,
    draft_json   TEXT,
    PRIMARY KEY (job_id, n)
);
"""

# Parameters of argon2id: 64 MiB and 3 passes (the library's defaults, RFC 9106's second
# recommendation); about 0.1 s per check here, which also slows guessing.
_HASHER = PasswordHasher()
# Checked when the name is unknown, so a wrong name costs as much time as a wrong password.
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))


class AccountError(Exception):
    """A refused account operation; the message is shown to the user as is."""


@dataclass
class User:
    name: str
    role: str
    generation: int
    created_at: str
    has_token: bool = False

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def token_digest(token: str) -> str:
    """API tokens are 256 random bits: a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts:
    """The accounts database of a data folder; one instance per thread."""

    def __init__(self, data_dir: Path | str) -> None:
        self.path = Path(data_dir) / ACCOUNTS_DB
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        self._db.execute("PRAGMA foreign_keys = ON")
        if not self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'users'").fetchone():
            self._db.execute("PRAGMA journal_mode = WAL")
            with self.transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Accounts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    @property
    def db(self) -> sqlite3.Connection:
        return self._db

    # -- users ---------------------------------------------------------------------

    def add(self, name: str, role: str, password: str) -> User:
        _check_name(name)
        _check_role(role)
        _check_password(password)
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"用户 {name} 已存在")
            db.execute(
                "INSERT INTO users (name, role, pw_hash, created_at) VALUES (?, ?, ?, ?)",
                (name, role, _HASHER.hash(password), _now()),
            )
        return self.get(name)  # type: ignore[return-value]

    def get(self, name: str) -> User | None:
        row = self._db.execute(
            "SELECT name, role, generation, created_at, token_hash IS NOT NULL"
            " FROM users WHERE name = ?",
            (name,),
        ).fetchone()
        return User(*row[:4], has_token=bool(row[4])) if row else None

    def list(self) -> list[User]:
        rows = self._db.execute(
            "SELECT name, role, generation, created_at, token_hash IS NOT NULL"
            " FROM users ORDER BY name"
        ).fetchall()
        return [User(*r[:4], has_token=bool(r[4])) for r in rows]

    def remove(self, name: str) -> None:
        with self.transaction() as db:
            if db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise AccountError(f"没有用户 {name}")

    def set_password(self, name: str, password: str) -> None:
        """A new password also ends every session of the user (generation + 1)."""
        _check_password(password)
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE users SET pw_hash = ?, generation = generation + 1 WHERE name = ?",
                (_HASHER.hash(password), name),
            )
            if cursor.rowcount == 0:
                raise AccountError(f"没有用户 {name}")

    def new_token(self, name: str) -> str:
        """A fresh API token (replacing any earlier one); only its digest is stored."""
        token = secrets.token_urlsafe(32)
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE users SET token_hash = ? WHERE name = ?", (token_digest(token), name)
            )
            if cursor.rowcount == 0:
                raise AccountError(f"没有用户 {name}")
        return token

    def by_token(self, token: str) -> User | None:
        row = self._db.execute(
            "SELECT name FROM users WHERE token_hash = ?", (token_digest(token),)
        ).fetchone()
        return self.get(row[0]) if row else None

    def verify(self, name: str, password: str) -> User | None:
        """The user when name and password match, else None (same cost either way)."""
        row = self._db.execute("SELECT pw_hash FROM users WHERE name = ?", (name,)).fetchone()
        try:
            _HASHER.verify(row[0] if row else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return self.get(name) if row else None

    # -- login attempts ------------------------------------------------------------

    def recent_failures(self, keys: list[str], window: float) -> int:
        """The largest count of failed logins within ``window`` seconds among ``keys``."""
        since = time.time() - window
        counts = [
            self._db.execute(
                "SELECT COUNT(*) FROM attempts WHERE key = ? AND at > ?", (key, since)
            ).fetchone()[0]
            for key in keys
        ]
        return max(counts, default=0)

    def record_failure(self, keys: list[str], window: float) -> None:
        now = time.time()
        with self.transaction() as db:
            db.execute("DELETE FROM attempts WHERE at < ?", (now - 10 * window,))
            db.executemany("INSERT INTO attempts (key, at) VALUES (?, ?)", [(k, now) for k in keys])


def _check_name(name: str) -> None:
    if not name or len(name) > NAME_MAX or not name.isprintable() or name != name.strip():
        raise AccountError(f"用户名须为 1–{NAME_MAX} 个可见字符，首尾不能有空格")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"角色只能是 {' / '.join(ROLES)}")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符")
