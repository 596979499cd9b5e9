"""Upload jobs: the files of one upload, stored in the accounts database, and the process
that archives them (``python -m web.jobs JOB --data DIR``).

Each upload becomes a job run by its own process, never inside a request and never in a
web worker's threads: parsing 200 files takes a core for minutes, and a separate process
leaves the web workers' interpreters free to answer searches. Progress is written per file,
so any worker can show it; the running server's background refresher makes the new notices
searchable. Files are read with the same loaders and limits as ``python -m archive ingest``.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from web.accountdb import Accounts

STATUS_NAMES = {
    "added": "新增",
    "unchanged": "未变",
    "rejected": "拒收",
    "pending": "等待",
    "draft": "待审核",
    "discarded": "已放弃",
}
REPO = Path(__file__).resolve().parents[1]
LOCK_FILE = "upload.lock"
NICE = 10  # added to the job process's niceness


@dataclass
class JobFile:
    n: int
    name: str
    status: str  # pending | added | unchanged | rejected | draft | discarded
    reason: str | None = None
    notice_id: str | None = None
    organisation: str | None = None
    problems: int | None = None

    @property
    def label(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)


@dataclass
class Job:
    id: str
    user: str
    created_at: str
    status: str  # queued | running | done | failed
    total: int
    done: int
    review: bool
    files: list[JobFile]

    def counts(self) -> dict[str, int]:
        return {s: sum(f.status == s for f in self.files) for s in STATUS_NAMES}


def create(
    db: Accounts,
    user: str,
    files: list[tuple[str, bytes | None, str | None]],
    *,
    review: bool = False,
) -> str:
    """A queued job; ``files`` are (name, bytes, reason): bytes None when already refused.
    With ``review`` the files become drafts (``web.review``) instead of notices."""
    job_id = secrets.token_hex(8)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    refused = sum(raw is None for _, raw, _ in files)
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO jobs (id, user, created_at, status, total, done, review)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (job_id, user, now, "queued", len(files), refused, int(review)),
        )
        conn.executemany(
            "INSERT INTO job_files (job_id, n, name, raw, status, reason)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (job_id, n, name, raw, "pending" if raw is not None else "rejected", reason)
                for n, (name, raw, reason) in enumerate(files, 1)
            ],
        )
    return job_id


def load(db: Accounts, job_id: str) -> Job | None:
    row = db.db.execute(
        "SELECT id, user, created_at, status, total, done, review FROM jobs WHERE id = ?",
        (job_id,),
    ).fetchone()
    if row is None:
        return None
    row = (*row[:6], bool(row[6]))
    files = [
        JobFile(*r)
        for r in db.db.execute(
            "SELECT n, name, status, reason, notice_id, organisation, problems FROM job_files"
            " WHERE job_id = ? ORDER BY n",
            (job_id,),
        )
    ]
    return Job(*row, files=files)


def recent(db: Accounts, user: str, limit: int = 20) -> list[tuple[str, str, str, int, int]]:
    """The user's latest jobs: (id, created_at, status, done, total), newest first."""
    rows = db.db.execute(
        "SELECT id, created_at, status, done, total FROM jobs WHERE user = ?"
        " ORDER BY created_at DESC, rowid DESC LIMIT ?",
        (user, limit),
    ).fetchall()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim(db: Accounts, job_id: str) -> bool:
    """Take the job for this process: when queued, or when the process that ran it died
    (killed, server restarted); only its pending files are then archived."""
    with db.transaction() as conn:
        row = conn.execute("SELECT status, pid FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None or row[0] == "done" or (row[0] == "running" and _alive(row[1])):
            return False
        conn.execute(
            "UPDATE jobs SET status = 'running', pid = ? WHERE id = ?", (os.getpid(), job_id)
        )
    return True


def stalled(db: Accounts, job: Job) -> bool:
    """A job whose process is gone before it finished (to be started again)."""
    if job.status == "done":
        return False
    row = db.db.execute("SELECT pid FROM jobs WHERE id = ?", (job.id,)).fetchone()
    return job.status == "running" and not _alive(row[0] if row else None)


def start(data_dir: Path, job_id: str) -> None:
    """Run the job in a new process; a thread reaps it so no zombie is left behind."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "web.jobs", job_id, "--data", str(data_dir)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    threading.Thread(target=proc.wait, daemon=True, name=f"job-{job_id}").start()


def _process(data_dir: Path, user: str, name: str, raw: bytes, review: bool) -> dict[str, object]:
    """Archive one file (or, for review, parse it into a draft): its job_files columns."""
    from archive.errors import ArchiveError, RejectedFile
    from archive.loaders import load_bytes
    from archive.pipeline import parse_loaded

    try:
        loaded = load_bytes(raw, name)
        notice = parse_loaded(loaded)
        if review:
            return _draft(data_dir, loaded, notice)
        return archive_parsed(data_dir, user, loaded, notice)
    except RejectedFile as exc:
        return {"status": "rejected", "reason": exc.reason}
    except ArchiveError as exc:
        return {"status": "rejected", "reason": str(exc)}
    except Exception as exc:  # a parser bug must not lose the rest of the batch
        return {"status": "rejected", "reason": f"解析出错（{type(exc).__name__}: {exc}）"}


def archive_parsed(data_dir: Path, user: str, loaded: Any, notice: Any) -> dict[str, object]:
    """Store a parsed file in the archive and log its upload (by ``user``)."""
    from archive import audit
    from archive.store import Archive

    with Archive(data_dir) as archive:
        result = archive.ingest(loaded, notice)
    if result.status == "added":
        details = {
            "文件": loaded.name,
            "单位": notice.organisation or "",
            "问题数": len(notice.problems),
        }
        audit.record(data_dir, user, "upload", result.notice_id, details)
    return {
        "status": result.status,
        "notice_id": result.notice_id,
        "organisation": notice.organisation,
        "problems": len(notice.problems),
    }


def _draft(data_dir: Path, loaded: Any, notice: Any) -> dict[str, object]:
    """A parsed file kept for review; already archived content is 未变 at once."""
    from archive.errors import NotFound
    from archive.store import Archive, notice_id_for

    nid = notice_id_for(loaded.text)
    found = {"organisation": notice.organisation, "problems": len(notice.problems)}
    with Archive(data_dir, readonly=True) as archive:
        try:
            archive.notice(nid)
            return {"status": "unchanged", "notice_id": nid, **found}
        except NotFound:
            pass
    draft = {
        "loaded": {
            "name": loaded.name,
            "format": loaded.format,
            "text": loaded.text,
            "encoding": loaded.encoding,
            "meta": loaded.meta,
            "ocr_pages": loaded.ocr_pages,
        },
        "notice": notice.to_dict(),
    }
    return {"status": "draft", "draft_json": json.dumps(draft, ensure_ascii=False), **found}


def run(data_dir: Path, job_id: str) -> None:
    """Archive every pending file of the job, recording each result as it comes."""
    with Accounts(data_dir) as db:
        job = load(db, job_id)
        if job is None:
            raise click.ClickException(f"没有编号为 {job_id} 的上传任务")
        if not claim(db, job_id):
            return  # another live process runs it
        with _one_at_a_time(data_dir):
            _archive_pending(db, data_dir, job)


@contextmanager
def _one_at_a_time(data_dir: Path) -> Iterator[None]:
    """Uploads are archived one job at a time, at a lower CPU priority than the web workers:
    many editors uploading at once queue up instead of taking every core from readers."""
    try:
        os.nice(NICE)
    except OSError:
        pass
    with open(Path(data_dir) / LOCK_FILE, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _archive_pending(db: Accounts, data_dir: Path, job: Job) -> None:
    """Each pending file in turn, its result written as soon as it is known."""
    job_id = job.id
    pending = [f.n for f in job.files if f.status == "pending"]
    for n in pending:
        name, raw = db.db.execute(
            "SELECT name, raw FROM job_files WHERE job_id = ? AND n = ?", (job_id, n)
        ).fetchone()
        result = _process(data_dir, job.user, name, bytes(raw), job.review)
        with db.transaction() as conn:
            conn.execute(
                "UPDATE job_files SET status = ?, reason = ?, notice_id = ?,"
                " organisation = ?, problems = ?, draft_json = ?,"
                " raw = CASE WHEN ? = 'draft' THEN raw END WHERE job_id = ? AND n = ?",
                (
                    result["status"],
                    result.get("reason"),
                    result.get("notice_id"),
                    result.get("organisation"),
                    result.get("problems"),
                    result.get("draft_json"),
                    result["status"],
                    job_id,
                    n,
                ),
            )
            conn.execute("UPDATE jobs SET done = done + 1 WHERE id = ?", (job_id,))
    with db.transaction() as conn:
        conn.execute("UPDATE jobs SET status = 'done' WHERE id = ?", (job_id,))


@click.command()
@click.argument("job_id")
@click.option("--data", "data", metavar="DIR", required=True)
def main(job_id: str, data: str) -> None:
    """Archive the files of an upload job (started by the web app)."""
    run(Path(data), job_id)


if __name__ == "__main__":
    main()
