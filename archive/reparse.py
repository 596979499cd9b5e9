"""Reparse: read stored originals again with the current loader and parser.

A notice keeps the id it got when first ingested; each notice is one transaction that also
logs a change, so the index follows and a killed run leaves every notice either as it was
or fully reparsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from archive.errors import ArchiveError, NotFound, RejectedFile
from archive.model import Notice
from archive.store import Archive

# Header fields compared for the summary, with the label ``show`` uses.
HEADER_FIELDS = {
    "title": "标题",
    "organisation": "被巡察单位",
    "publisher": "发布者",
    "region": "地区",
    "inspector": "巡察组",
    "inspection_kind": "巡察类型",
    "round": "轮次",
    "inspection_start": "巡察开始",
    "inspection_end": "巡察结束",
    "feedback_date": "反馈日期",
    "published_date": "发布日期",
    "date_precision": "日期精度",
    "incomplete": "不完整",
    "ocr": "OCR",
}


@dataclass
class Outcome:
    notice_id: str
    status: str  # "changed" | "unchanged" | "kept" (the original no longer parses) | "missing"
    problems_before: int = 0
    problems_after: int = 0
    fields: list[str] = field(default_factory=list)  # labels of header fields that changed
    reason: str = ""


def changed_fields(before: Notice, after: Notice) -> list[str]:
    """Labels of the header fields whose values differ."""
    old, new = before.to_dict(), after.to_dict()
    return [label for name, label in HEADER_FIELDS.items() if old.get(name) != new.get(name)]


def reparse_one(archive: Archive, notice_id: str) -> Outcome:
    """Read one stored original again; write only when something changed."""
    from archive.pipeline import parse_loaded, reload_stored

    try:
        stored = archive.notice(notice_id)
        name, _fmt, raw = archive.source(notice_id)
    except NotFound:
        return Outcome(notice_id, "missing", reason="找不到该通报")
    before = stored.notice
    try:
        loaded = reload_stored(raw, name, stored.text, before.warnings)
        after = parse_loaded(loaded)
    except RejectedFile as exc:
        return Outcome(notice_id, "kept", len(before.problems), reason=exc.reason)
    except Exception as exc:  # a parser bug must not stop the run; the old record stays
        reason = f"解析出错（{type(exc).__name__}: {exc}）"
        return Outcome(notice_id, "kept", len(before.problems), reason=reason)
    outcome = Outcome(
        notice_id,
        "unchanged",
        len(before.problems),
        len(after.problems),
        changed_fields(before, after),
    )
    if after.to_dict() == before.to_dict() and loaded.text == stored.text:
        return outcome
    try:
        archive.replace_parsed(notice_id, loaded, after)
    except NotFound:
        return Outcome(notice_id, "missing", reason="找不到该通报")
    except ArchiveError as exc:
        if type(exc) is not ArchiveError:
            raise  # busy, read-only, damaged: stop the run
        return Outcome(notice_id, "kept", len(before.problems), reason=str(exc))
    outcome.status = "changed"
    return outcome


def reparse(archive: Archive, ids: Iterable[str]) -> Iterable[Outcome]:
    """Reparse the given notices one by one (one transaction each)."""
    for notice_id in ids:
        yield reparse_one(archive, notice_id)


def describe(outcome: Outcome) -> str | None:
    """One summary line for a notice that changed or could not be reparsed."""
    if outcome.status == "changed":
        parts = [f"问题 {outcome.problems_before} → {outcome.problems_after}"]
        if outcome.fields:
            parts.append("要素变化：" + "、".join(outcome.fields))
        else:
            parts.append("要素未变")
        return f"{outcome.notice_id}  已更新  " + "  ".join(parts)
    if outcome.status == "kept":
        return f"{outcome.notice_id}  保留原记录：{outcome.reason}"
    if outcome.status == "missing":
        return f"{outcome.notice_id}  {outcome.reason}"
    return None


def totals(outcomes: list[Outcome], report: Callable[[str], None]) -> None:
    counts = {s: sum(o.status == s for o in outcomes) for s in ("changed", "unchanged", "kept")}
    missing = sum(o.status == "missing" for o in outcomes)
    line = (
        f"重新解析 {len(outcomes)} 份：更新 {counts['changed']}，未变 {counts['unchanged']}，"
        f"保留原记录 {counts['kept']}"
    )
    if missing:
        line += f"，找不到 {missing}"
    before = sum(o.problems_before for o in outcomes if o.status == "changed")
    after = sum(o.problems_after for o in outcomes if o.status == "changed")
    if counts["changed"]:
        line += f"；更新的通报问题数 {before} → {after}"
    report(line)
