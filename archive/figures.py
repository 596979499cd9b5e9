"""Accountability and money figures stated in notices: 问责3人, 追回资金12.6万元, 建立完善制度21项.

A figure is a number with a unit next to words naming its kind, read either way round
(``诫勉谈话5人`` and ``对5名干部进行诫勉谈话``). The kinds, their words and the gaps allowed
between words and number live in ``data/figure_kinds.tsv``; units in ``data/figure_units.tsv``;
the words that make a number no figure (第3条, 2至3人, 5万元以上) in ``data/figure_words.tsv``.

Figures come from two places that must not be added together: a problem's own text, and the
rest of the notice (the organising sections' whole-notice summaries such as 共问责12人).
``apply_counting_rule`` decides once which of them count (see its docstring).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from archive.cnnum import cn_to_int
from archive.model import Notice, Problem
from archive.normalize import normalize

DATA = Path(__file__).with_name("data")
KINDS_PATH = DATA / "figure_kinds.tsv"
UNITS_PATH = DATA / "figure_units.tsv"
WORDS_PATH = DATA / "figure_words.tsv"

NOTICE = "notice"  # the source of a figure read outside every problem
# Arabic numbers (full-width digits are folded first) or Chinese ones (两名, 十二项, 三十万元).
_NUM = r"(?:\d+(?:\.\d+)?|[〇零一二两三四五六七八九十百千]+)"
# A number starts where no other digit stands before it (the gap must not eat 十 of 十二).
_NUM_START = r"(?<![\d.〇零一二两三四五六七八九十百千])"
_SENTENCE_END = "。;!?\n"
CONTEXT = 60  # characters of the sentence kept on each side of a figure


@dataclass(frozen=True)
class Kind:
    kind: str
    label: str
    measure: str  # people | money | count | percent
    trigger: str
    after_gap: str | None
    before_gap: str | None


@dataclass
class Figure:
    """One figure: its kind, its value (yuan for money) and the exact text it was read from."""

    kind: str
    value: float | int
    unit: str  # as written: 人, 名, 万元, 项, %
    number: str  # the number as written: 12.6, 两
    text: str  # the matched span, e.g. 追回违规使用资金126.4万元
    start: int  # span in the text given to ``figures``
    end: int
    source: int | str  # the problem's n, or "notice"
    context: str = ""  # the sentence around the span
    context_start: int = 0  # where ``text`` starts inside ``context``
    counted: bool = True  # False when the notice-level figure of its kind is counted instead

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Figure:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class NoticeFigures:
    """A notice's figures, kept apart by where they were read."""

    notice: list[Figure] = field(default_factory=list)
    problems: dict[int, list[Figure]] = field(default_factory=dict)

    def all(self) -> list[Figure]:
        return self.notice + [f for n in sorted(self.problems) for f in self.problems[n]]


def _rows(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


@cache
def load_kinds(path: Path = KINDS_PATH) -> tuple[Kind, ...]:
    """The kinds in display order, from the editable data file."""
    out = []
    for row in _rows(path):
        kind, label, measure, trigger, after, before = (c.strip() for c in row[:6])
        out.append(
            Kind(
                kind,
                label,
                measure,
                trigger,
                None if after == "-" else after,
                None if before == "-" else before,
            )
        )
    return tuple(out)


@cache
def load_units(path: Path = UNITS_PATH) -> dict[str, dict[str, float]]:
    """measure -> unit -> multiplier."""
    out: dict[str, dict[str, float]] = {}
    for measure, unit, mult in _rows(path):
        out.setdefault(measure.strip(), {})[unit.strip()] = float(mult)
    return out


@cache
def load_words(path: Path = WORDS_PATH) -> dict[str, re.Pattern[str]]:
    """The guards around numbers: not_before, not_after, not_after_count, part."""
    return {name.strip(): re.compile(rx.strip()) for name, rx in _rows(path)}


def kind_labels() -> dict[str, str]:
    return {k.kind: k.label for k in load_kinds()}


def summable(kind: str) -> bool:
    """Rates (整改完成率) are not added up across notices; every other kind is."""
    return any(k.kind == kind and k.measure != "percent" for k in load_kinds())


@dataclass
class _Candidate:
    kind: Kind
    num: tuple[int, int]
    unit: tuple[int, int]
    trigger: tuple[int, int]

    @property
    def span(self) -> tuple[int, int]:
        return min(self.num[0], self.trigger[0]), max(self.unit[1], self.trigger[1])


@cache
def _patterns(
    kinds_path: Path, units_path: Path
) -> list[tuple[Kind, re.Pattern[str] | None, re.Pattern[str] | None]]:
    units = load_units(units_path)
    out = []
    for k in load_kinds(kinds_path):
        unit_rx = "|".join(
            re.escape(u) for u in sorted(units.get(k.measure, {}), key=len, reverse=True)
        )
        after = before = None
        if k.after_gap is not None and unit_rx:
            after = re.compile(
                f"(?P<t>{k.trigger})(?:{k.after_gap}){_NUM_START}(?P<n>{_NUM})(?P<u>{unit_rx})"
            )
        if k.before_gap is not None and unit_rx:
            before = re.compile(
                f"{_NUM_START}(?P<n>{_NUM})(?P<u>{unit_rx})(?:{k.before_gap})(?P<t>{k.trigger})"
            )
        out.append((k, after, before))
    return out


def _candidates(
    norm: str, kinds_path: Path, units_path: Path
) -> tuple[list[_Candidate], list[_Candidate]]:
    afters, befores = [], []
    for k, after, before in _patterns(kinds_path, units_path):
        for rx, sink in ((after, afters), (before, befores)):
            if rx is None:
                continue
            pos = 0
            while True:
                m = rx.search(norm, pos)
                if m is None:
                    break
                sink.append(_Candidate(k, m.span("n"), m.span("u"), m.span("t")))
                pos = m.start() + 1  # overlapping: 政务处分 inside 党纪政务处分
    return afters, befores


def _guarded(norm: str, c: _Candidate, words: dict[str, re.Pattern[str]]) -> bool:
    """True when the words around the number make it no figure."""
    head = norm[max(0, c.num[0] - 3) : c.num[0]]
    if head and (head[-1].isdigit() or head[-1] == "." or words["not_before"].search(head)):
        return True
    tail = norm[c.unit[1] : c.unit[1] + 4]
    if words["not_after"].search(tail):
        return True
    # A count after its words stands alone: 已完成25个, not 已完成42个项目的绩效再评价.
    number_last = c.trigger[1] <= c.num[0]
    return c.kind.measure == "count" and number_last and bool(words["not_after_count"].search(tail))


def _value(
    number: str, unit: str, measure: str, units: dict[str, dict[str, float]]
) -> float | int | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", number):
        v: float = float(number)
    else:
        n = cn_to_int(number)
        if n is None:
            return None
        v = float(n)
    v *= units[measure][unit]
    v = round(v, 6)
    return int(v) if v.is_integer() else v


def _sentence(norm: str, start: int, end: int) -> tuple[int, int]:
    a = max((norm.rfind(c, 0, start) for c in _SENTENCE_END), default=-1) + 1
    ends = [i for i in (norm.find(c, end) for c in _SENTENCE_END) if i >= 0]
    b = min(ends) + 1 if ends else len(norm)
    return max(a, start - CONTEXT), min(b, end + CONTEXT)


def _chosen(
    afters: list[_Candidate],
    befores: list[_Candidate],
    norm: str,
    words: dict[str, re.Pattern[str]],
) -> list[_Candidate]:
    """One kind per number (the trigger that starts first); a trigger read with the number
    after it is not read again with another number before it (9个问题已完成7个)."""
    by_num: dict[tuple[int, int], _Candidate] = {}
    used_triggers: set[tuple[int, int]] = set()
    for group in (afters, befores):
        picked: dict[tuple[int, int], _Candidate] = {}
        for c in group:
            if _guarded(norm, c, words) or c.trigger in used_triggers or c.num in by_num:
                continue
            best = picked.get(c.num)
            if best is None or c.trigger[0] < best.trigger[0]:
                picked[c.num] = c
        for c in picked.values():
            by_num[c.num] = c
            used_triggers.add(c.trigger)
    return sorted(by_num.values(), key=lambda c: c.num[0])


def figures(
    text: str,
    source: int | str = NOTICE,
    *,
    kinds_path: Path = KINDS_PATH,
    units_path: Path = UNITS_PATH,
    words_path: Path = WORDS_PATH,
) -> list[Figure]:
    """The figures in ``text`` in reading order; the parts after 其中 of a total of the same
    kind in the same sentence are left out (they are inside the total)."""
    norm = normalize(text)
    words = load_words(words_path)
    units = load_units(units_path)
    afters, befores = _candidates(norm, kinds_path, units_path)
    out: list[Figure] = []
    totals: list[tuple[str, int, int]] = []  # (kind, sentence start, figure start)
    for c in _chosen(afters, befores, norm, words):
        number, unit = norm[c.num[0] : c.num[1]], text[c.unit[0] : c.unit[1]]
        value = _value(number, norm[c.unit[0] : c.unit[1]], c.kind.measure, units)
        if value is None:
            continue
        a, b = c.span
        s0 = max((norm.rfind(ch, 0, a) for ch in _SENTENCE_END), default=-1) + 1
        part = words["part"].search(norm, s0, a)
        if part and any(k == c.kind.kind and s == s0 and p < part.start() for k, s, p in totals):
            continue
        totals.append((c.kind.kind, s0, a))
        ca, cb = _sentence(norm, a, b)
        out.append(
            Figure(
                kind=c.kind.kind,
                value=value,
                unit=unit,
                number=text[c.num[0] : c.num[1]],
                text=text[a:b],
                start=a,
                end=b,
                source=source,
                context=text[ca:cb].strip(),
                context_start=a - ca - (len(text[ca:cb]) - len(text[ca:cb].lstrip())),
            )
        )
    return out


def problem_figures(p: Problem) -> list[Figure]:
    """A problem's own figures (its text holds its sub-problems and measures)."""
    return figures(p.text, p.n)


def outside_problems(text: str, notice: Notice) -> tuple[str, list[int]]:
    """The notice text with each problem's text blanked (same length, so spans stay true),
    and the problems whose text is not found in it (a problem read from a table)."""
    missing = []
    for p in notice.problems:
        if p.text:
            i = text.find(p.text)
            if i >= 0:
                text = text[:i] + "\n" * len(p.text) + text[i + len(p.text) :]
            else:
                missing.append(p.n)
    return text, missing


def apply_counting_rule(found: NoticeFigures) -> NoticeFigures:
    """No double counting, decided once per notice and kind: when the notice states a
    figure of a kind outside its problems (a whole-notice summary, 共问责12人), those figures
    count and the problems' figures of that kind do not; otherwise the problems' figures
    count (their sum is the notice's total). Every figure is kept, with ``counted`` set."""
    summarised = {f.kind for f in found.notice}
    for f in found.notice:
        f.counted = True
    for figs in found.problems.values():
        for f in figs:
            f.counted = f.kind not in summarised
    return found


def notice_figures(text: str, notice: Notice) -> NoticeFigures:
    """Every figure of a notice: ``text`` is its full text (simplified characters), whose
    parts outside the problems give the notice-level figures."""
    outside, missing = outside_problems(text, notice)
    problems = {p.n: problem_figures(p) for p in notice.problems}
    # A problem not found as one piece of the text (a table row) may still be read outside:
    # its own figures are not the notice's.
    theirs = {(f.kind, f.value, f.text) for n in missing for f in problems[n]}
    own = [f for f in figures(outside, NOTICE) if (f.kind, f.value, f.text) not in theirs]
    return apply_counting_rule(NoticeFigures(notice=own, problems=problems))


def totals(figs: Iterable[Figure]) -> dict[str, float]:
    """Sum of the counted figures per summable kind."""
    out: dict[str, float] = {}
    for f in figs:
        if f.counted and summable(f.kind):
            out[f.kind] = out.get(f.kind, 0) + f.value
    return out
