"""Organisation names: a unit's clean name from a title or signature, and its short forms.

The word lists (unit endings, parent committees, organising-slogan verbs) live in
``data/org_units.tsv`` so they can be edited without touching code.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

DATA_PATH = Path(__file__).with_name("data") / "org_units.tsv"

PARTY_PREFIX_RE = re.compile(r"^中国共产党|^中共")
ORG_SUFFIXES = (
    "总支部委员会",
    "支部委员会",
    "党工委",
    "工作委员会",
    "委员会",
    "党总支",
    "党支部",
    "党组",
    "党委",
)
_LEVEL_CHARS = "省市区县州旗"


@cache
def words(kind: str) -> tuple[str, ...]:
    """The words of one kind in the data file, longest first."""
    out: list[str] = []
    for line in DATA_PATH.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            k, _, value = line.partition("\t")
            if k == kind:
                out.extend(value.split())
    return tuple(sorted(out, key=len, reverse=True)) if kind != "committee" else tuple(out)


def _drop_parent(s: str, committee: bool) -> str:
    """某某市委某某开发区 → 某某开发区; 某某市委教育 (a 工作委员会) → 某某市委教育工委."""
    parents = "|".join(map(re.escape, words("parent")))
    m = re.match(rf"^(.{{2,12}}?(?:{parents}))(.{{2,}})$", s)
    if not m:
        return s
    rest = m.group(2)
    if len(rest) >= 4 and rest.endswith(words("unit")):
        return rest
    if committee:
        return s + words("committee")[1]
    return s


def clean_organisation(name: str | None) -> str | None:
    """A unit's plain name: 中共 prefix, party-organ suffix and parent committee dropped."""
    if not name:
        return None
    s = re.sub(r"\s+", "", name)
    party = bool(PARTY_PREFIX_RE.match(s))
    s = PARTY_PREFIX_RE.sub("", s)
    committee = False
    for suf in ORG_SUFFIXES:
        if s.endswith(suf) and len(s) - len(suf) >= 2:
            if suf in ("委员会", "工作委员会") and (not party or s.endswith("纪律检查委员会")):
                continue
            committee = suf in ("工作委员会", "党工委")
            s = s[: -len(suf)]
            break
    if party:
        s = _drop_parent(s, committee)
    return s or None


def is_short_form(short: str, full: str) -> bool:
    """Is ``short`` (区文广旅体局) an abbreviation of ``full`` (某某区文化广播电视和旅游体育局)?"""
    a = clean_organisation(short) or ""
    b = clean_organisation(full) or ""
    if len(a) < 2 or not b or a == b or len(b) <= len(a) or a[-1] != b[-1]:
        return False
    if a[0] in _LEVEL_CHARS and a[0] not in b[:-1]:
        return False
    it = iter(b)
    return all(ch in it for ch in a)


def is_slogan(heading: str) -> bool:
    """An organising sub-heading: two short clauses, each opened by an organising verb."""
    first = re.split(r"[。.]", heading, maxsplit=1)[0].strip()
    parts = [p for p in re.split(r"[,，、;；]", first) if p]
    if len(parts) < 2 or any(len(p) > 14 for p in parts) or "针对" in first or "关于" in first:
        return False
    verbs = words("slogan")
    return all(p.startswith(verbs) for p in parts)
