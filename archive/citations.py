"""Documents a notice cites (《…》): the rules a unit issued, the material it studied.

Measures name the rules the unit made or revised (``修订完善《…公务接待管理办法》``) and the
material it studied (``学习《中国共产党章程》``); the organising sections (the text outside
the problems) do too. Each title is read with the verb that governs it, the kind of citation
that verb makes, the exact span it came from and a normalised title that groups the same kind
of rule across units (``《XX县财政局公务接待管理办法（试行）》`` → ``公务接待管理办法``). The
verbs and the normalisation words are data an expert edits: ``archive/data/citation_verbs.tsv``
and ``archive/data/citation_titles.tsv``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from archive.model import Notice, Problem

DATA_DIR = Path(__file__).with_name("data")
VERBS_PATH = DATA_DIR / "citation_verbs.tsv"
TITLES_PATH = DATA_DIR / "citation_titles.tsv"

KINDS = ("issued", "studied", "cited")
KIND_LABELS = {"issued": "制定修订", "studied": "学习传达", "cited": "引用"}
MAX_TITLE = 120  # a longer 《… is an unclosed mark, not a title
_LOOKBACK = 24  # characters before a title searched for its verb
_LOOKAHEAD = 24  # characters after a title, when no verb comes before it
_BOUNDARY = set("。；;！!？?\n：:，,")
_JOINER = re.compile(r"[\s、，,和与及以或暨]*")
_OPEN, _CLOSE = "《〈", "》〉"
_BRACKETS = re.compile(r"[（(〔【\[][^（()）〔〕【】\[\]]*[)）〕】\]]")
_QUOTES = re.compile(r"[“”‘’\"'「」『』〈〉《》\s]")
_YEARS = re.compile(r"\d{4}(?:\s*[—\-－~～至到]\s*\d{4})?\s*年度?")


@dataclass(frozen=True)
class Citation:
    """One cited document: where it is written and what the unit did with it."""

    title: str  # as written inside the outer 《》 (inner marks kept)
    normalised: str  # grouped with the same kind of rule (see ``normalise``)
    verb: str  # the governing verb as written in citation_verbs.tsv, "" when none
    kind: str  # one of KINDS
    start: int  # span of 《…》 (marks included) in the text it came from
    end: int
    where: int | str  # the problem's n, or "notice" for the organising sections

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Citation:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Verbs:
    kinds: dict[str, str]  # verb → kind
    negators: tuple[str, ...] = ()  # words that turn an issuing verb into a mere mention
    by_length: tuple[str, ...] = field(default=())  # longest first


@dataclass(frozen=True)
class TitleWords:
    drop: tuple[str, ...]
    tail: tuple[str, ...]
    wrappers: tuple[tuple[str, str], ...]
    scope: tuple[str, ...]
    place: tuple[str, ...]
    unit: tuple[str, ...]
    alone: tuple[str, ...]
    organ: tuple[str, ...]
    keep: tuple[str, ...] = ()


def _rows(path: Path) -> list[list[str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append([c.strip() for c in line.split("\t")])
    return out


def load_verbs(path: Path = VERBS_PATH) -> Verbs:
    """verb<TAB>kind lines; kind ``not`` marks a negator (未制定 is no rule issued)."""
    kinds: dict[str, str] = {}
    negators: list[str] = []
    for row in _rows(path):
        if len(row) < 2:
            continue
        verb, kind = row[0], row[1]
        if kind == "not":
            negators.append(verb)
        elif kind in KINDS:
            kinds[verb] = kind
        else:
            raise ValueError(f"{path.name}: unknown kind {kind!r} for {verb!r}")
    order = tuple(sorted(kinds, key=len, reverse=True))
    return Verbs(kinds, tuple(sorted(negators, key=len, reverse=True)), order)


def load_title_words(path: Path = TITLES_PATH) -> TitleWords:
    """kind<TAB>words lines (see the file's comments)."""
    got: dict[str, list[str]] = {}
    for row in _rows(path):
        if len(row) >= 2:
            got.setdefault(row[0], []).extend(row[1].split())

    def longest(name: str) -> tuple[str, ...]:
        return tuple(sorted(set(got.get(name, [])), key=len, reverse=True))

    wrappers = tuple(
        (w.split("|", 1)[0], w.split("|", 1)[1]) for w in got.get("wrapper", []) if "|" in w
    )
    return TitleWords(
        drop=longest("drop"),
        tail=longest("tail"),
        wrappers=wrappers,
        scope=longest("scope"),
        place=longest("place"),
        unit=longest("unit"),
        alone=longest("alone"),
        organ=longest("organ"),
        keep=longest("keep"),
    )


@cache
def verbs() -> Verbs:
    return load_verbs()


@cache
def title_words() -> TitleWords:
    return load_title_words()


@cache
def _place_names() -> tuple[str, ...]:
    """Full place names of the gazetteer (淮北市, 罗湖区), longest first."""
    from archive.region import gazetteer

    names = {p.name for p in gazetteer().places if len(p.name) >= 2}
    return tuple(sorted(names, key=len, reverse=True))


# -- titles in a text ---------------------------------------------------------------------


def title_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost 《…》, marks included; nested marks stay inside."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] != "《":
            i += 1
            continue
        depth, j = 0, i
        while j < n and j - i <= MAX_TITLE:
            ch = text[j]
            if ch in _OPEN:
                depth += 1
            elif ch in _CLOSE:
                depth -= 1
                if depth == 0:
                    break
            elif ch == "\n":
                break
            j += 1
        if j < n and depth == 0 and text[j] in _CLOSE and j > i + 1:
            spans.append((i, j + 1))
            i = j + 1
        else:
            i += 1  # an unclosed mark: look for the next one
    return spans


def _clause_start(text: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor and text[i - 1] not in _BOUNDARY:
        i -= 1
    return max(i, pos - _LOOKBACK)


def _clause_end(text: str, pos: int) -> int:
    i = pos
    while i < len(text) and text[i] not in _BOUNDARY and i - pos < _LOOKAHEAD:
        i += 1
    return i


def _verb_before(window: str, v: Verbs) -> tuple[str, int] | None:
    """The verb ending nearest the end of ``window`` (the longest when two end there)."""
    best: tuple[int, int, str] | None = None
    for verb in v.by_length:
        at = window.rfind(verb)
        if at >= 0:
            key = (at + len(verb), len(verb), verb)
            if best is None or key[:2] > best[:2]:
                best = key
    return (best[2], best[0] - len(best[2])) if best else None


def _verb_after(window: str, v: Verbs) -> tuple[str, int] | None:
    """The verb starting first in ``window`` (the longest when two start there)."""
    best: tuple[int, int, str] | None = None
    for verb in v.by_length:
        at = window.find(verb)
        if at >= 0:
            key = (-at, len(verb), verb)
            if best is None or key[:2] > best[:2]:
                best = key
    return (best[2], -best[0]) if best else None


def _kind(verb: str, before: str, v: Verbs) -> str:
    if not verb:
        return "cited"
    kind = v.kinds[verb]
    if kind == "issued" and any(before.endswith(w) for w in v.negators):
        return "cited"  # 未制定《…》: a problem's description, no rule issued
    return kind


def _groups(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Titles written one after another (《A》、《B》和《C》) share one verb."""
    groups: list[list[tuple[int, int]]] = []
    for span in spans:
        if groups and _JOINER.fullmatch(text[groups[-1][-1][1] : span[0]]):
            groups[-1].append(span)
        else:
            groups.append([span])
    return groups


def cited_in(
    text: str, where: int | str, v: Verbs | None = None, words: TitleWords | None = None
) -> list[Citation]:
    """Every 《…》 of ``text`` with its verb, kind and normalised title."""
    v = v or verbs()
    out: list[Citation] = []
    floor = 0
    for group in _groups(text, title_spans(text)):
        first, last = group[0][0], group[-1][1]
        start = _clause_start(text, first, floor)
        window = text[start:first]
        found = _verb_before(window, v)
        verb, before = "", ""
        if found:
            verb, before = found[0], window[: found[1]]
        else:
            after = text[last : _clause_end(text, last)]
            hit = _verb_after(after, v)
            if hit:
                verb, before = hit[0], after[: hit[1]]
        kind = _kind(verb, before, v)
        for s, e in group:
            title = text[s + 1 : e - 1]
            out.append(Citation(title, normalise(title, words), verb, kind, s, e, where))
        floor = last
    return out


# -- normalised titles --------------------------------------------------------------------


def _strip_prefix(s: str, words: tuple[str, ...]) -> str | None:
    for w in words:
        if s.startswith(w) and len(s) > len(w):
            return s[len(w) :]
    return None


def _strip_issuer(s: str, w: TitleWords) -> str:
    """Drop the issuing unit in front of a rule's name (淮北市红十字会…, 局机关…, 集团…)."""
    if _strip_prefix(s, w.keep) is not None:
        return s
    rest, placed = s, False
    while True:
        nxt = _strip_prefix(rest, _place_names()) or _strip_prefix(rest, w.scope)
        if nxt is None:
            break
        rest, placed = nxt, True
    unit_re = re.compile(r"^[\u4e00-\u9fff]{0,6}?(?:" + "|".join(map(re.escape, w.unit)) + ")")
    m = unit_re.match(rest) if placed else None
    if m is None:
        # A place the gazetteer does not know (某县, 市) counts when a unit follows it.
        place_re = r"^[\u4e00-\u9fff]{0,4}?(?:" + "|".join(map(re.escape, w.place)) + ")"
        p = re.match(place_re, rest)
        m2 = unit_re.match(rest[p.end() :]) if p else None
        if p is not None and m2 is not None:
            rest, m = rest[p.end() :], m2
    if m is not None and w.unit:
        rest = rest[m.end() :]
    elif not placed:
        rest = _strip_prefix(rest, w.alone) or rest
    rest = _strip_prefix(rest, w.organ) or rest
    return rest if len(rest) >= 4 else s


def normalise(title: str, words: TitleWords | None = None) -> str:
    """The title that groups the same kind of rule: no wrapper (关于印发…的通知), brackets,
    years, 试行/暂行, quotes, spaces or issuing unit in front."""
    w = words or title_words()
    s = _QUOTES.sub("", title.replace("〈", "").replace("〉", ""))
    for head, tail in w.wrappers:
        if s.startswith(head) and s.endswith(tail) and len(s) > len(head) + len(tail):
            s = s[len(head) : len(s) - len(tail)]
            break
    prev = None
    while prev != s:
        prev = s
        s = _BRACKETS.sub("", s)
    s = _YEARS.sub("", s)
    for word in w.drop:
        s = s.replace(word, "")
    for word in w.tail:
        if s.endswith(word) and len(s) > len(word):
            s = s[: -len(word)]
    s = _strip_issuer(s, w)
    return s or title.strip()


# -- a notice's citations -----------------------------------------------------------------


def problem_citations(p: Problem) -> list[Citation]:
    """The documents a problem's text (description, measures, sub-problems) cites."""
    return cited_in(p.text or "", p.n)


def outside_problems(notice: Notice, text: str) -> tuple[str, list[Problem]]:
    """``text`` with every problem's text blanked out (same length, so spans stay valid),
    and the problems whose text was not found in it as written."""
    out = text
    cursor = 0
    lost: list[Problem] = []
    for p in notice.problems:
        if not p.text:
            continue
        at = out.find(p.text, cursor)
        if at < 0:
            at = out.find(p.text)
        if at < 0:
            lost.append(p)
            continue
        out = out[:at] + "\n" * len(p.text) + out[at + len(p.text) :]
        cursor = at + len(p.text)
    return out, lost


def notice_citations(notice: Notice, text: str) -> list[Citation]:
    """The documents the organising sections cite (the text outside every problem). A title
    also written in a problem that could not be located in ``text`` is left to the problem,
    so it is never counted twice."""
    outside, lost = outside_problems(notice, text)
    found = cited_in(outside, "notice")
    if not lost:
        return found
    theirs = {f"《{c.title}》" for p in lost for c in problem_citations(p)}
    return [c for c in found if f"《{c.title}》" not in theirs]


def cited_documents(notice: Notice, text: str | None = None) -> list[Citation]:
    """Every cited document: the organising sections' (when the notice text is given), then
    each problem's in order."""
    out = notice_citations(notice, text) if text else []
    for p in notice.problems:
        out.extend(problem_citations(p))
    return out
