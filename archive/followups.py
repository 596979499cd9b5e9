"""Follow-up notices: the stage of a notice (progress, completion, 回头看) and the chain of
notices one unit published about one inspection, in date order.

Units often publish a progress notice (整改进展情况) months after the feedback, a completion
notice (集中整改情况) later, and years later a notice about a 回头看 of the same inspection;
the chain links them. The stage words live in ``data/notice_stages.tsv``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.orgs import clean_organisation

if TYPE_CHECKING:
    from archive.store import Archive

STAGES_PATH = Path(__file__).with_name("data") / "notice_stages.tsv"
OTHER = ("other", "其他")
REVIEW = "review"
REVIEW_KIND = "回头看"  # Notice.inspection_kind of a 回头看 inspection
# The sentence of the opening that says what the notice is: 现将巡察整改进展情况予以公布.
_ANNOUNCE = re.compile(r"现将([^。；;\n]{0,40}?)(?:予以|报告如下|公布|公开|通报如下)")
_CACHE_SIZE = 4


@dataclass(frozen=True)
class Stage:
    code: str  # "progress" | "completion" | "review" | "other"
    label: str  # 整改进展 / 集中整改 / 回头看 / 其他
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChainNotice:
    """One notice of a chain, as the notice page lists it."""

    id: str
    title: str
    organisation: str
    stage: str
    stage_label: str
    date: str | None  # published, else feedback, else inspection end (ISO)
    inspector: str
    round: int | None
    current: bool = False


@cache
def load_stages(path: Path = STAGES_PATH) -> tuple[Stage, ...]:
    """The stages of the data file, in the order they are tried."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, label, words = (line.split("\t") + ["", ""])[:3]
        out.append(Stage(code.strip(), label.strip(), tuple(words.split())))
    return tuple(out)


def _other() -> Stage:
    return Stage(*OTHER)


def stage_of(
    title: str | None,
    opening: str = "",
    inspection_kind: str | None = None,
    stages: tuple[Stage, ...] | None = None,
) -> Stage:
    """The stage of a notice from its title, else from its opening's announcing sentence
    (a title such as 关于巡察反馈意见的通报 says nothing; 现将…整改进展情况予以公布 does)."""
    stages = load_stages() if stages is None else stages
    if REVIEW_KIND in re.split(r"[、,，\s]+", inspection_kind or ""):  # 常规、回头看 too
        return next((s for s in stages if s.code == REVIEW), Stage(REVIEW, "回头看"))
    texts = [_fold(title or "")]
    m = _ANNOUNCE.search(_fold(opening[:800]))
    if m:
        texts.append(m.group(1))
    for text in texts:
        for stage in stages:
            if any(w in text for w in stage.words):
                return stage
    return _other()


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("“", "").replace("”", "")


def _unit(name: str | None) -> str:
    """The normalised unit name: clean name (中共 and 党组/党委 dropped), widths folded."""
    return _fold(clean_organisation(name) or "")


def _date(h: dict[str, Any]) -> str | None:
    return h.get("published_date") or h.get("feedback_date") or h.get("inspection_end")


def _inspection_year(h: dict[str, Any]) -> str | None:
    for key in ("inspection_end", "inspection_start", "feedback_date"):
        if h.get(key):
            return str(h[key])[:4]
    return None


def same_inspection(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Do two notices of one unit report on the same inspection? The same feedback date or
    inspection period, or the same inspecting group in the same round (else the same year)."""
    if a.get("feedback_date") and a["feedback_date"] == b.get("feedback_date"):
        return True
    if a.get("inspection_start") and (a["inspection_start"], a.get("inspection_end")) == (
        b.get("inspection_start"),
        b.get("inspection_end"),
    ):
        return True
    ia, ib = _fold(a.get("inspector") or ""), _fold(b.get("inspector") or "")
    if not ia or ia != ib:
        return False
    if a.get("round") is not None and b.get("round") is not None:
        return a["round"] == b["round"]
    year = _inspection_year(a)
    return year is not None and year == _inspection_year(b)


def _regions_agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two units of the same name in different places (两个县的财政局) are not one unit."""
    return all(
        not a.get(k) or not b.get(k) or a[k] == b[k] for k in ("province", "city", "district")
    )


def _prepared(h: dict[str, Any]) -> dict[str, Any]:
    """A header with its stage and unit name worked out (once per notice: folding the
    opening costs most of building the chains)."""
    stage = stage_of(h.get("title"), h.get("opening") or "", h.get("inspection_kind"))
    return {**h, "opening": "", "_stage": stage, "_unit": _unit(h.get("organisation"))}


def _units(headers: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Notices grouped by unit: the same normalised name and no conflicting region."""
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for h in headers:
        name = h["_unit"] if "_unit" in h else _unit(h.get("organisation"))
        if name:
            by_name[name].append(h)
    units: list[list[dict[str, Any]]] = []
    for group in by_name.values():
        clusters: list[list[dict[str, Any]]] = []
        for h in group:
            home = next((c for c in clusters if all(_regions_agree(h, o) for o in c)), None)
            if home is None:
                clusters.append([h])
            else:
                home.append(h)
        units.extend(c for c in clusters if len(c) > 1)
    return units


def _is_review(h: dict[str, Any]) -> bool:
    return h["_stage"].code == REVIEW


def _inspections(unit: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """A unit's notices grouped by inspection (union of ``same_inspection`` pairs), then each
    回头看 group joined to the latest earlier inspection of the unit that is not one."""
    parent = list(range(len(unit)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(unit)):
        for j in range(i + 1, len(unit)):
            if same_inspection(unit[i], unit[j]):
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(unit)):
        groups[find(i)].append(i)
    reviews = [g for g in groups.values() if any(_is_review(unit[i]) for i in g)]
    plain = [g for g in groups.values() if g not in reviews]
    for g in reviews:
        first = min((d for i in g if (d := _date(unit[i]))), default=None)
        if first is None:
            continue
        earlier = [
            (last, p)
            for p in plain
            if (last := max((d for i in p if (d := _date(unit[i]))), default=None)) and last < first
        ]
        if earlier:
            target = max(earlier, key=lambda lp: lp[0])[1]
            parent[find(g[0])] = find(target[0])
    merged: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for i in range(len(unit)):
        merged[find(i)].append(unit[i])
    return [m for m in merged.values() if len(m) > 1]


def _entry(h: dict[str, Any]) -> ChainNotice:
    stage = h["_stage"]
    return ChainNotice(
        id=h["id"],
        title=h.get("title") or f"{h.get('organisation') or ''}巡察整改情况通报",
        organisation=h.get("organisation") or "",
        stage=stage.code,
        stage_label=stage.label,
        date=_date(h),
        inspector=h.get("inspector") or "",
        round=h.get("round"),
    )


def chains(headers: list[dict[str, Any]]) -> dict[str, tuple[ChainNotice, ...]]:
    """Each notice that has follow-ups (or precursors) → its chain, oldest first (notices
    without a date last). Headers as ``Archive.headers`` gives them."""
    rows = [h if "_stage" in h else _prepared(h) for h in headers]
    out: dict[str, tuple[ChainNotice, ...]] = {}
    for unit in _units(rows):
        for group in _inspections(unit):
            group.sort(key=lambda h: (_date(h) is None, _date(h) or "", h["id"]))
            chain = tuple(_entry(h) for h in group)
            for h in group:
                out[h["id"]] = chain
    return out


@dataclass
class _Known:
    """One archive's prepared headers at one revision, and the chains built from them."""

    revision: int
    headers: dict[str, dict[str, Any]]
    chains: dict[str, tuple[ChainNotice, ...]]


_lock = threading.Lock()
_known: dict[str, _Known] = {}


def archive_chains(archive: Archive) -> dict[str, tuple[ChainNotice, ...]]:
    """``chains`` of a whole archive, per archive revision (per process). After a change
    only the notices the change log names are read again, so an ingest costs the chains
    of 10,000 notices a regrouping, not a reading of every notice's opening."""
    path, revision = str(Path(archive.path).resolve()), archive.revision()
    with _lock:
        known = _known.get(path)
        if known is not None and known.revision == revision:
            return known.chains
        headers = dict(known.headers) if known is not None else {}
    changes = archive.changes_since(known.revision) if known and known.revision < revision else None
    if changes is None:
        headers = {h["id"]: _prepared(h) for h in archive.headers()}
    else:
        changed = list(dict.fromkeys(nid for _, nid, _ in changes))
        for nid in changed:
            headers.pop(nid, None)
        for h in archive.headers(ids=changed):
            headers[h["id"]] = _prepared(h)
    found = chains(sorted(headers.values(), key=lambda h: h["seq"]))  # as written
    with _lock:
        _known[path] = _Known(revision, headers, found)
        while len(_known) > _CACHE_SIZE:
            _known.pop(next(iter(_known)))
    return found


def chain_of(archive: Archive, notice_id: str) -> list[ChainNotice]:
    """The chain of one notice with that notice marked ``current``; [] when it has none."""
    chain = archive_chains(archive).get(notice_id, ())
    return [replace(c, current=c.id == notice_id) for c in chain]
