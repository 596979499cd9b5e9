"""Checking an archive for damage, and rebuilding one from its stored originals.

``check`` reads the SQLite file read-only and never changes it: SQLite's own
``integrity_check`` and ``foreign_key_check``, then every notice row: its stored text still
gives its content hash, its record decodes, and its original bytes, read again, give the
same text (else the program reads them differently now, and ``reparse`` updates the row).
``rebuild`` copies every readable original into a new folder under its old id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import ArchiveError, RejectedFile, damage_message
from archive.normalize import content_hash
from archive.opening import connect_readonly, short_error
from archive.store import DB_NAME, Archive

MAX_REPORTED = 20  # SQLite findings shown; integrity_check may list thousands


@dataclass
class CheckReport:
    notices: int = 0
    damage: list[str] = field(default_factory=list)  # the file or a row is damaged
    stale: list[str] = field(default_factory=list)  # the original now reads differently
    skipped_ocr: int = 0  # scanned originals not read again (slow) unless asked

    @property
    def ok(self) -> bool:
        return not self.damage and not self.stale


def check(
    data_dir: Path, *, ocr: bool = False, progress: Callable[[int], None] | None = None
) -> CheckReport:
    """Everything that can be wrong with a stored archive, without changing it."""
    report = CheckReport()
    try:
        db, _ = connect_readonly(Path(data_dir) / DB_NAME, timeout=30.0)
    except ArchiveError as exc:
        report.damage.append(str(exc))
        return report
    try:
        report.damage += _sqlite_findings(db)
        for row in _rows(db, report):
            report.notices += 1
            _check_row(row, report, ocr)
            if progress:
                progress(1)
    finally:
        db.close()
    return report


def _sqlite_findings(db: sqlite3.Connection) -> list[str]:
    out: list[str] = []
    try:
        rows = db.execute(f"PRAGMA integrity_check({MAX_REPORTED})").fetchall()
        out += [f"SQLite 完整性检查：{short_error(r[0])}" for r in rows if r[0] != "ok"]
    except sqlite3.DatabaseError as exc:
        out.append(f"SQLite 完整性检查无法完成：{short_error(exc)}")
    try:
        rows = db.execute("PRAGMA foreign_key_check").fetchmany(MAX_REPORTED)
        out += [f"外键检查：{r[0]} 第 {r[1]} 行引用的 {r[2]} 不存在" for r in rows]
    except sqlite3.DatabaseError as exc:
        out.append(f"外键检查无法完成：{short_error(exc)}")
    return out


_COLUMNS = "id, content_hash, source, format, text, data_json, raw"


def _rows(db: sqlite3.Connection, report: CheckReport) -> Iterator[tuple]:
    """Every notice row that can be read; unreadable ones are reported as damage."""
    for rowid in _rowids(db, report):
        try:
            row = db.execute(f"SELECT {_COLUMNS} FROM notices WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.DatabaseError as exc:
            report.damage.append(f"通报表第 {rowid} 行无法读取：{short_error(exc)}")
            continue
        if row is not None:
            yield row


def _rowids(db: sqlite3.Connection, report: CheckReport) -> list[int]:
    try:
        return [r[0] for r in db.execute("SELECT rowid FROM notices ORDER BY rowid")]
    except sqlite3.DatabaseError as exc:
        report.damage.append(f"通报表无法完整列出：{short_error(exc)}")
    # The table's b-tree is broken somewhere: probe rowids one by one, up to the largest
    # when SQLite can still find it, else until 1000 in a row are missing.
    try:
        last = int(db.execute("SELECT max(rowid) FROM notices").fetchone()[0] or 0)
    except (sqlite3.DatabaseError, TypeError, ValueError):
        last = None
    found: list[int] = []
    misses, rowid = 0, 0
    while (rowid < last) if last is not None else (misses < 1000):
        rowid += 1
        try:
            hit = db.execute("SELECT 1 FROM notices WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            hit = None
        if hit:
            found.append(rowid)
            misses = 0
        else:
            misses += 1
    return found


def _check_row(row: tuple, report: CheckReport, ocr: bool) -> None:
    nid, chash, source, fmt, text, data_json, raw = row
    if not isinstance(text, str) or content_hash(text) != chash:
        report.damage.append(f"通报 {nid}：存储的正文与其校验值不符（数据已损坏）")
        return
    try:
        stored = json.loads(data_json)
        assert isinstance(stored, dict)
    except (ValueError, TypeError, AssertionError):
        report.damage.append(f"通报 {nid}：存储的解析结果无法读取（数据已损坏）")
        return
    if stored.get("ocr") and not ocr:
        report.skipped_ocr += 1
        return
    from archive.pipeline import reload_stored

    try:
        again = reload_stored(bytes(raw), source, text, list(stored.get("warnings") or []))
    except RejectedFile as exc:
        report.stale.append(f"通报 {nid}（{source}）：存储的原件现在无法读取：{exc.reason}")
        return
    if content_hash(again.text) != chash:
        report.stale.append(f"通报 {nid}（{source}）：存储的原件读出的正文与存储的不同")


def render(report: CheckReport, data_dir: Path) -> list[str]:
    """The lines ``archive check`` prints, the way out last."""
    lines = [f"检查 {report.notices} 份通报"]
    lines += [f"损坏: {m}" for m in report.damage[:MAX_REPORTED]]
    lines += [f"不一致: {m}" for m in report.stale[:MAX_REPORTED]]
    hidden = max(0, len(report.damage) - MAX_REPORTED) + max(0, len(report.stale) - MAX_REPORTED)
    if hidden:
        lines.append(f"……另有 {hidden} 条未列出")
    if report.skipped_ocr:
        lines.append(f"{report.skipped_ocr} 份扫描件未重新 OCR（加 --ocr 检查它们）")
    if report.damage:
        lines.append(damage_message(data_dir))
    elif report.stale:
        lines.append(
            "原件按当前程序读出的正文与存储的不同（程序升级或原件损坏）："
            f"运行 python -m archive reparse --all --data {data_dir} 更新；"
            "若原件已损坏，请用备份恢复"
        )
    else:
        lines.append("档案库完好")
    return lines


# --------------------------------------------------------------------------- rebuild


def _warnings(text: object, chash: str, data_json: object) -> list[str]:
    """A row's stored warnings, when its text and record are sound (else none are trusted)."""
    if not isinstance(text, str) or content_hash(text) != chash:
        return []
    try:
        return list(json.loads(data_json).get("warnings") or [])  # type: ignore[arg-type]
    except (ValueError, TypeError, AttributeError):
        return []


@dataclass
class RebuildReport:
    copied: int = 0
    lost: list[str] = field(default_factory=list)


def rebuild(
    source_dir: Path, target_dir: Path, progress: Callable[[int], None] | None = None
) -> RebuildReport:
    """Parse every readable stored original into a new archive, keeping its notice id."""
    from archive.pipeline import parse_loaded, reload_stored

    if (Path(target_dir) / DB_NAME).exists():
        raise ArchiveError(f"{target_dir} 中已有档案库：请指定一个新的空文件夹")
    report = RebuildReport()
    scan = CheckReport()
    db, _ = connect_readonly(Path(source_dir) / DB_NAME, timeout=30.0)
    try:
        with Archive(target_dir) as target:
            for nid, chash, source, _fmt, text, data_json, raw in _rows(db, scan):
                try:
                    loaded = reload_stored(
                        bytes(raw), source, text, _warnings(text, chash, data_json)
                    )
                    target.ingest(loaded, parse_loaded(loaded), notice_id=nid)
                    report.copied += 1
                except (RejectedFile, ArchiveError) as exc:
                    report.lost.append(f"通报 {nid}（{source}）：{exc}")
                except Exception as exc:  # a parser bug: report it, go on with the rest
                    report.lost.append(f"通报 {nid}（{source}）：解析出错 {type(exc).__name__}")
                if progress:
                    progress(1)
    finally:
        db.close()
    report.lost += scan.damage
    return report
