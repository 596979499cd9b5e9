"""Problem types: which recurring kinds of problem an item of a notice is about.

The types and their trigger terms are data (``data/problem_types.tsv``) so a domain
expert can tune them. Tagging looks at what the problem *is*, never at how it was
fixed: measures mention 学习, 制度, 监督 in every item and would tag everything.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from archive.model import Problem
from archive.normalize import normalize
from indexer.domain import DATA_DIR, DataFileError, PathLike, content_lines, file_fingerprint
from indexer.domain import resolve as _resolve

TYPES_FILE = DATA_DIR / "problem_types.tsv"
REGEX_PREFIX = "re:"

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Area:
    """A top-level area of the taxonomy (财务/资金管理 …) grouping leaf types."""

    code: str
    label: str
    definition: str = ""


@dataclass(frozen=True)
class ProblemType:
    """One row of the taxonomy: plain terms match as substrings, ``re:`` terms as regexes."""

    code: str
    label: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    area: str = ""
    definition: str = ""
    _match: tuple[str | re.Pattern[str], ...] = field(default=(), repr=False, compare=False)
    _veto: tuple[str | re.Pattern[str], ...] = field(default=(), repr=False, compare=False)

    def matches(self, folded: str) -> bool:
        """Whether width-folded ``folded`` triggers this type and no exclude term vetoes it."""
        return _any(self._match, folded) and not _any(self._veto, folded)


def _any(patterns: Sequence[str | re.Pattern[str]], text: str) -> bool:
    for p in patterns:
        if (p in text) if isinstance(p, str) else p.search(text):
            return True
    return False


def split_terms(cell: str) -> list[str]:
    """Split on ``|`` outside brackets, so ``re:`` terms may use ``(?:a|b)`` inside."""
    terms, depth, start, i = [], 0, 0, 0
    while i < len(cell):
        c = cell[i]
        if c == "\\":
            i += 2
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth = max(0, depth - 1)
        elif c == "|" and depth == 0:
            terms.append(cell[start:i].strip())
            start = i + 1
        i += 1
    terms.append(cell[start:].strip())
    return terms


def _compile(path: Path, n: int, cell: str, column: str) -> tuple[str | re.Pattern[str], ...]:
    if not cell.strip():
        return ()
    out: list[str | re.Pattern[str]] = []
    for term in split_terms(cell):
        if not term:
            raise DataFileError(path, n, f"{column} 列有空词（多余的“|”？）")
        if term.startswith(REGEX_PREFIX):
            pattern = term[len(REGEX_PREFIX) :]
            if normalize(pattern) != pattern:
                raise DataFileError(
                    path, n, f"正则 {pattern!r} 含全角字符；文本已折叠为半角，请改写为半角"
                )
            try:
                out.append(re.compile(pattern))
            except re.error as e:
                raise DataFileError(path, n, f"正则 {pattern!r} 有误：{e}") from None
        else:
            out.append(normalize(term))
    return tuple(out)


def _area_row(path: Path, n: int, cols: list[str], known: dict[str, int]) -> Area:
    code = cols[0][1:]
    if len(cols) not in (2, 3):
        raise DataFileError(
            path, n, f"领域行应有 2 或 3 列（@代码、名称、定义），实际 {len(cols)} 列"
        )
    if not _CODE.match(code):
        raise DataFileError(path, n, f"领域代码须为小写字母、数字和下划线：{code!r}")
    if code in known:
        raise DataFileError(path, n, f"代码 {code} 与第 {known[code]} 行重复")
    if not cols[1]:
        raise DataFileError(path, n, f"领域 {code} 缺少中文名称")
    return Area(code=code, label=cols[1], definition=cols[2] if len(cols) == 3 else "")


def _type_row(path: Path, n: int, cols: list[str], areas: dict[str, Area]) -> ProblemType:
    if len(cols) not in (3, 4, 5, 6):
        raise DataFileError(path, n, f"应有 3 到 6 列（用 Tab 分隔），实际 {len(cols)} 列")
    code, label, terms = cols[:3]
    exclude, area, definition = (cols[3:] + ["", "", ""])[:3]
    if not _CODE.match(code):
        raise DataFileError(path, n, f"代码须为小写字母、数字和下划线：{code!r}")
    if not label:
        raise DataFileError(path, n, f"{code} 缺少中文名称")
    if area and area not in areas:
        raise DataFileError(path, n, f"第 5 列（领域）{area!r} 不是前面用 @ 行定义过的领域")
    match = _compile(path, n, terms, "terms")
    if not match:
        raise DataFileError(path, n, f"{code} 没有触发词")
    return ProblemType(
        code=code,
        label=label,
        terms=tuple(split_terms(terms)),
        exclude=tuple(split_terms(exclude)) if exclude else (),
        area=area,
        definition=definition,
        _match=match,
        _veto=_compile(path, n, exclude, "exclude"),
    )


@cache
def _load_all(path: Path) -> tuple[tuple[ProblemType, ...], tuple[Area, ...]]:
    types: list[ProblemType] = []
    areas: dict[str, Area] = {}
    seen: dict[str, int] = {}
    for n, line in content_lines(path):
        cols = [c.strip() for c in line.split("\t")]
        if cols[0] == "code" and not seen:
            continue  # header row
        if cols[0].startswith("@"):
            area = _area_row(path, n, cols, seen)
            areas[area.code] = area
            seen[area.code] = n
            continue
        row = _type_row(path, n, cols, areas)
        if row.code in seen:
            raise DataFileError(path, n, f"代码 {row.code} 与第 {seen[row.code]} 行重复")
        seen[row.code] = n
        types.append(row)
    if not types:
        raise DataFileError(path, 0, "没有任何问题类型")
    return tuple(types), tuple(areas.values())


def _load(path: Path) -> tuple[ProblemType, ...]:
    return _load_all(path)[0]


def load_types(path: PathLike | None = None) -> list[ProblemType]:
    """The taxonomy in file order (read once per path per process)."""
    return list(_load(_resolve(path, TYPES_FILE)))


@cache
def _default_labels() -> dict[str, str]:
    """Labels of every type and area of the shipped taxonomy, by code."""
    labels = {a.code: a.label for a in load_areas()}
    labels.update((t.code, t.label) for t in load_types())
    return labels


def label(code: str, types: Sequence[ProblemType] | None = None) -> str:
    """The Chinese name of a type or an area; an unknown code is shown as is."""
    if types is None:
        return _default_labels().get(code, code)
    for t in types:
        if t.code == code:
            return t.label
    return code


def load_areas(path: PathLike | None = None) -> list[Area]:
    """The taxonomy's top-level areas in file order."""
    return list(_load_all(_resolve(path, TYPES_FILE))[1])


def area_of(code: str, path: PathLike | None = None) -> str:
    """The area code of a type (an area code maps to itself); "" when unknown."""
    types, areas = _load_all(_resolve(path, TYPES_FILE))
    for t in types:
        if t.code == code:
            return t.area
    return code if any(a.code == code for a in areas) else ""


def area_label(code: str, path: PathLike | None = None) -> str:
    """The Chinese name of an area, or of the area of a type; "" when unknown."""
    area = area_of(code, path)
    for a in _load_all(_resolve(path, TYPES_FILE))[1]:
        if a.code == area:
            return a.label
    return ""


def types_in_area(area: str, path: PathLike | None = None) -> list[ProblemType]:
    """The leaf types of an area, in file order."""
    return [t for t in load_types(path) if t.area == area]


def _plain(text: str) -> str:
    """A label as typed: folded, without quotes (“第一议题”制度 → 第一议题制度)."""
    return re.sub(r"[“”\"‘’']", "", normalize(text)).strip()


def _triggers(t: ProblemType) -> set[str]:
    return {normalize(x) for x in t.terms if not x.startswith(REGEX_PREFIX)}


def find_types(value: str, path: PathLike | None = None) -> list[str]:
    """The type codes a ``type:`` value selects, in file order.

    A type's code or full label selects that type; an area's code or label selects the
    area's types; otherwise every type whose label contains the value (三重一大 →
    三重一大/集体决策/议事规则) or that has it as a trigger term. [] when nothing fits.
    """
    v = _plain(value)
    if not v:
        return []
    types, areas = _load_all(_resolve(path, TYPES_FILE))
    for t in types:
        if v in (t.code, _plain(t.label)):
            return [t.code]
    for a in areas:
        if v in (a.code, _plain(a.label)):
            return [t.code for t in types if t.area == a.code]
    return [t.code for t in types if v in _plain(t.label) or v in _triggers(t)]


def close_labels(value: str, limit: int = 5, path: PathLike | None = None) -> list[str]:
    """Labels of the types whose names look most like ``value`` (a typo, a near word), best
    first: what to offer when ``find_types`` finds nothing."""
    v = _plain(value)
    if not v:
        return []
    scored: list[tuple[float, int, str]] = []
    for i, t in enumerate(_load(_resolve(path, TYPES_FILE))):
        names = [_plain(p) for p in t.label.split("/")] + sorted(_triggers(t))
        best = max(difflib.SequenceMatcher(None, v, n).ratio() for n in names)
        if best >= 0.6:
            scored.append((-best, i, t.label))
    return [label for _, _, label in sorted(scored)[:limit]]


def fingerprint(path: PathLike | None = None) -> str:
    """SHA-256 of the taxonomy file: tags in the index are stale when it changes."""
    return file_fingerprint(_resolve(path, TYPES_FILE))


_SENTENCE_END = re.compile(r"[。!?;\n]")
_LEAD = re.compile(r"^\s*(?:针对|关于|对于)(.+?)问题")
_LABELLED = re.compile(r"^[ \t]*(?:反馈问题|存在问题|问题表现|问题)[ \t]*:[ \t]*(.+)$", re.M)
# A finding stated after the item's first sentence (often a short heading line): what the
# inspectors found, not yet a measure (those start 一是/（一）/1.).
_FINDING = re.compile(
    r"^\s*(?:巡[察视]组?(?:发现|指出|反馈)|经(?:巡察|巡视)?(?:查|发现)|"
    r"(?:主要|具体)?表现(?:为|在)|(?:主要|具体)问题(?:是|为|有))"
)


def statement(text: str) -> str:
    """The part of an item's text that states the problem, folded.

    That is the first sentence, cut after its ``针对/关于…问题`` when it has one (what
    follows is already a measure), the next sentence when it states a finding (巡察发现，…
    after a heading line), and a labelled ``问题：`` line when there is one.
    """
    folded = normalize(text).strip()
    end = _SENTENCE_END.search(folded)
    first = folded[: end.start()] if end else folded
    lead = _LEAD.match(first)
    parts = [lead.group(0) if lead else first]
    if end:
        rest = folded[end.end() :].lstrip()
        stop = _SENTENCE_END.search(rest)
        following = rest[: stop.start()] if stop else rest
        if _FINDING.match(following):
            parts.append(following)
    parts.extend(m.group(1) for m in _LABELLED.finditer(folded))
    return "\n".join(parts)


def tag(
    title: str,
    text: str = "",
    category: str = "",
    subcategory: str = "",
    subtitles: Sequence[str] = (),
    *,
    types: Sequence[ProblemType] | None = None,
) -> list[str]:
    """Type codes of a problem, in file order.

    The problem's own words (title, sub-problem titles, statement) decide. Only when
    they match no type do the headings speak: first the sub-category, then the
    category — a heading covers many items, so it must not outvote an item's words.
    """
    types = load_types() if types is None else types
    own = "\n".join([normalize(title), *(normalize(s) for s in subtitles), statement(text)])
    for scope in (own, normalize(subcategory), normalize(category)):
        if scope.strip():
            codes = [t.code for t in types if t.matches(scope)]
            if codes:
                return codes
    return []


def tag_problem(problem: Problem, types: Sequence[ProblemType] | None = None) -> list[str]:
    """``tag`` applied to a parsed problem."""
    return tag(
        problem.title,
        problem.text,
        category=problem.category or "",
        subcategory=problem.subcategory or "",
        subtitles=[s.title for s in problem.subproblems],
        types=types,
    )
