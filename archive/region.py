"""Infer a notice's region (province / city / district) and expand abbreviated unit names.

Notices never state their region as a field: it has to be read from the place names in
the organisation's name, the postal address and the telephone area code, in that order
of trust. Place names come from ``data/gazetteer.tsv`` (see its header), loaded once.

Evidence is ranked in tiers: names, then addresses, then phone area codes, then the
notice body. The first tier that names any place decides how deep the answer goes
(a city-level bureau sits at a street address inside some district, which must not make
it district-level); later tiers only choose between candidates the first one left open
(鼓楼区 + 0591 → 福州). Body text counts only full province and city names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from archive.model import Region
from archive.normalize import normalize

GAZETTEER_PATH = Path(__file__).with_name("data") / "gazetteer.tsv"

PROVINCE, CITY, DISTRICT = 0, 1, 2
LEVELS = {"省级": PROVINCE, "地级": CITY, "县级": DISTRICT}

# Tiers of evidence, most trusted first.
NAMES, ADDRESSES, PHONES, TEXT = 0, 1, 2, 3


@dataclass(frozen=True)
class Place:
    """One row of the gazetteer."""

    level: int
    province: str
    city: str | None
    name: str
    area_codes: tuple[str, ...] = ()

    @property
    def path(self) -> tuple[str | None, ...]:
        """(province[, city[, district]]): a place lies inside every prefix of its path."""
        if self.level == PROVINCE:
            return (self.province,)
        if self.level == CITY:
            return (self.province, self.name)
        return (self.province, self.city, self.name)


@dataclass
class Gazetteer:
    places: list[Place] = field(default_factory=list)
    # first character → [(term, places, is_short_form)], longest term first
    index: dict[str, list[tuple[str, tuple[Place, ...], bool]]] = field(default_factory=dict)
    by_area_code: dict[str, tuple[Place, ...]] = field(default_factory=dict)
    municipalities: frozenset[str] = frozenset()


def load_gazetteer(path: Path = GAZETTEER_PATH) -> Gazetteer:
    """Read the TSV (comment lines start with #, the first other line is the header)."""
    places: list[Place] = []
    aliases: dict[Place, list[str]] = {}
    header: list[str] | None = None
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = [c.strip() for c in line.split("\t")]
            if header is None:
                header = cells
                continue
            row = dict(zip(header, cells, strict=False))
            level = LEVELS.get(row.get("level", ""))
            name = row.get("name", "")
            province = row.get("province", "") or (name if level == PROVINCE else "")
            if level is None or not name or not province:
                continue
            city = row.get("city") or None
            if level == CITY:
                city = name
            elif level == PROVINCE:
                city = None
            codes = tuple(c for c in _split(row.get("area_codes", "")) if c)
            place = Place(level, province, city, name, codes)
            places.append(place)
            aliases[place] = _split(row.get("aliases", ""))
    return _build(places, aliases)


def _split(cell: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,，、]", cell or "") if p.strip()]


def _build(places: list[Place], aliases: dict[Place, list[str]]) -> Gazetteer:
    terms: dict[tuple[str, bool], list[Place]] = {}
    for p in places:
        terms.setdefault((p.name, False), []).append(p)
        for a in aliases.get(p, []):
            terms.setdefault((a, True), []).append(p)
    full_names = {name for name, short in terms if not short}
    index: dict[str, list[tuple[str, tuple[Place, ...], bool]]] = {}
    for (term, short), ps in terms.items():
        if short and term in full_names:
            continue  # a full name always wins over someone's short form
        index.setdefault(term[0], []).append((term, tuple(ps), short))
    for entries in index.values():
        entries.sort(key=lambda e: len(e[0]), reverse=True)

    by_code: dict[str, list[Place]] = {}
    for p in places:
        for code in p.area_codes:
            by_code.setdefault(code, []).append(p)
    # A code used by prefecture-level cities stands for them, not for the county-level
    # places that happen to share it (0391: 焦作市, not 济源市).
    resolved = {}
    for code, ps in by_code.items():
        cities = [p for p in ps if p.level <= CITY]
        resolved[code] = tuple(cities or ps)

    city_names = {(p.province, p.name) for p in places if p.level == CITY}
    municipalities = frozenset(
        p.name for p in places if p.level == PROVINCE and (p.name, p.name) in city_names
    )
    return Gazetteer(places, index, resolved, municipalities)


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, read once per process."""
    return load_gazetteer()


# --- scanning -------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_PARTY_PREFIX = re.compile(r"^(中共|中国共产党)")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@dataclass(frozen=True)
class _Mention:
    tier: int
    weight: float
    places: tuple[Place, ...]


def _scan(s: str, *, short_forms: bool, max_level: int = DISTRICT) -> list[tuple[Place, ...]]:
    """Place names in ``s``, leftmost-longest, as candidate tuples in order of appearance.

    Two-character names (沛县, 城区, 郊区) are words inside many phrases: they count only
    at the start (after a leading 中共), after a non-Chinese character or right after
    another place.
    """
    gaz = gazetteer()
    found: list[tuple[Place, ...]] = []
    party = _PARTY_PREFIX.match(s)  # 中共和县县委 is 和县, not 共和县
    start = party.end() if party else 0
    i, n, last_end = start, len(s), start
    while i < n:
        match = None
        for term, places, short in gaz.index.get(s[i], ()):
            if short and not short_forms:
                continue
            if not s.startswith(term, i):
                continue
            allowed = tuple(p for p in places if p.level <= max_level)
            if not allowed:
                continue
            if (
                len(term) <= 2
                and not short
                and not (i == 0 or not _is_han(s[i - 1]) or last_end == i)
            ):
                continue
            match = (term, allowed)
            break
        if match is None:
            i += 1
            continue
        found.append(match[1])
        i += len(match[0])
        last_end = i
    return found


def _clean(s: object) -> str:
    return _SPACE.sub("", normalize(s)) if isinstance(s, str) else ""


def _strings(items: object) -> list[str]:
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, Iterable):
        return []
    return [c for c in (_clean(x) for x in items) if c]


# --- phones ---------------------------------------------------------------------------

_INTL = re.compile(r"(?:\+|00)\s*86\s*[-—–]?\s*\(?\s*0?(\d{2,3})")
_DIGIT_RUN = re.compile(r"(?<!\d)0\d{2,}")


def area_code(phone: str) -> str | None:
    """The known long-distance area code of a landline number as written, else None.

    Handles 0561—3119587, 0755-22185606, (0551)62999999, 055162999999, +86 551 …
    """
    if not isinstance(phone, str):
        return None
    codes = gazetteer().by_area_code
    s = normalize(phone)
    m = _INTL.search(s)
    if m:
        for k in (2, 3):
            code = "0" + m.group(1)[:k]
            if code in codes:
                return code
        return None
    for m in _DIGIT_RUN.finditer(s):
        run = m.group(0)
        for k in (3, 4):
            if len(run) >= k and run[:k] in codes:
                return run[:k]
    return None


# --- central level and name-level hints -----------------------------------------------

_CENTRAL = re.compile(r"^(中央|中华人民共和国|国务院|国家|全国|最高人民|中国(?!共产党))")
# Central ministries and agencies as they are named without 中华人民共和国 / 国家.
_MINISTRIES = frozenset(
    "外交部 国防部 教育部 科学技术部 科技部 工业和信息化部 工信部 公安部 民政部 司法部 财政部 "
    "人力资源和社会保障部 人社部 自然资源部 生态环境部 住房和城乡建设部 住建部 交通运输部 "
    "水利部 农业农村部 商务部 文化和旅游部 文旅部 国家卫生健康委员会 国家卫健委 退役军人事务部 "
    "应急管理部 审计署 海关总署 税务总局 市场监管总局 广电总局 体育总局".split()
)
_PARTY_SUFFIX = re.compile(r"(党组|党委|党工委|机关党委)$")


def _is_central(name: str) -> bool:
    body = _PARTY_PREFIX.sub("", name)
    return bool(_CENTRAL.match(body)) or _PARTY_SUFFIX.sub("", body) in _MINISTRIES


def _level_hint(names: list[str]) -> int | None:
    """Level a placeless name implies: 市红十字会 → city, 区残联 → district."""
    for name in names:
        body = _PARTY_PREFIX.sub("", name)
        if body.startswith(("省", "自治区")):
            return PROVINCE
        if body.startswith("市") and not body.startswith("市场"):
            return CITY
        if body.startswith(("区", "县", "旗")) and not body.startswith(("区域", "县域")):
            return DISTRICT
    return None


# --- inference ------------------------------------------------------------------------


def _inside(outer: Place, inner: Place) -> bool:
    """True when ``inner`` is ``outer`` or lies within it."""
    op, ip = outer.path, inner.path
    return len(op) <= len(ip) and ip[: len(op)] == op


def _related(a: Place, b: Place) -> bool:
    return _inside(a, b) or _inside(b, a)


def _score(candidate: Place, mentions: list[_Mention], primary: int) -> list[float]:
    score = [0.0, 0.0, 0.0, 0.0]
    for m in mentions:
        if m.tier == primary:
            hit = any(_inside(c, candidate) for c in m.places)
        else:
            hit = any(_related(c, candidate) for c in m.places)
        if hit:
            score[m.tier] += m.weight
    return score


def _choose(mentions: list[_Mention]) -> tuple[tuple[str | None, ...] | None, bool]:
    """The best-supported path, or the common part of equally supported rival paths.

    The flag tells whether rival readings were left open.
    """
    primary = min(m.tier for m in mentions)
    candidates = list(dict.fromkeys(p for m in mentions if m.tier == primary for p in m.places))
    scored = [(_score(c, mentions, primary), c) for c in candidates]
    best = max(s for s, _ in scored)
    top = [c for s, c in scored if s == best]
    deepest = max(top, key=lambda p: len(p.path))
    if all(_inside(p, deepest) for p in top):
        return deepest.path, False
    common: list[str | None] = []
    for parts in zip(*(p.path for p in top), strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return (tuple(common) if common else None), True


def _region(path: tuple[str | None, ...] | None) -> Region:
    if not path:
        return Region()
    province = path[0]
    city = path[1] if len(path) > 1 else None
    district = path[2] if len(path) > 2 else None
    if city is None and province in gazetteer().municipalities:
        city = province
    return Region(province, city, district)


def _truncate(path: tuple[str | None, ...], hint: int | None) -> tuple[str | None, ...]:
    if hint == PROVINCE:
        return path[:1]
    if hint == CITY and len(path) > 2 and not (path[2] or "").endswith("市"):
        return path[:2]  # 市… names a county-level city itself, else the prefecture
    return path


def infer_region(
    names: Sequence[str] = (),
    addresses: Sequence[str] = (),
    phones: Sequence[str] = (),
    text: str = "",
) -> Region:
    """Province, city and district of a notice's organisation (any of them may be None).

    ``names`` are the organisation, publisher and title, most reliable first. The central
    level (中华人民共和国商务部, 国家统计局) has no region: an empty Region.
    """
    name_list = _strings(names)
    mentions: list[_Mention] = []
    for i, name in enumerate(name_list):
        for j, places in enumerate(_scan(name, short_forms=True)):
            mentions.append(_Mention(NAMES, max(100.0 - 10 * i - j, 1.0), places))
    if not mentions and any(_is_central(n) for n in name_list):
        return Region()
    for address in _strings(addresses):
        for places in _scan(address, short_forms=False):
            mentions.append(_Mention(ADDRESSES, 1.0, places))
    codes = gazetteer().by_area_code
    for phone in _strings(phones):
        code = area_code(phone)
        if code:
            mentions.append(_Mention(PHONES, 1.0, codes[code]))

    body = _clean(text)
    if body and (not mentions or _choose(mentions)[1]):
        # The body names a place only when nothing else does, or breaks a tie between
        # rival readings (鼓楼区 of which city?); it never deepens or overrides.
        mentions += [_Mention(TEXT, 1.0, p) for p in _scan(body, short_forms=False, max_level=CITY)]
    if not mentions:
        return Region()
    path, _ = _choose(mentions)
    if path and min(m.tier for m in mentions) != NAMES:
        path = _truncate(path, _level_hint(name_list))
    return _region(path)


# --- abbreviations --------------------------------------------------------------------

_EXCLUDED_STARTS = ("市场", "区域", "县域", "省份")


def expand_abbreviation(name: str, region: Region) -> str:
    """Put the place back into a unit name abbreviated by level (市红十字会 → 淮北市红十字会).

    Names that already carry a place name, or whose level the region does not reach,
    are returned unchanged.
    """
    if not isinstance(name, str) or not name or region is None:
        return name
    if _scan(_clean(name), short_forms=True):
        return name
    prefix = ""
    m = _PARTY_PREFIX.match(name)
    if m:
        prefix, name_body = m.group(0), name[m.end() :]
    else:
        name_body = name
    if not name_body or name_body.startswith(_EXCLUDED_STARTS):
        return prefix + name_body
    province, city, district = region.province, region.city, region.district
    place: str | None = None
    rest = name_body[1:]
    if name_body.startswith("自治区") and province and province.endswith("自治区"):
        place, rest = province, name_body[3:]
    elif name_body.startswith("省") and province and province.endswith("省"):
        place = province
    elif name_body.startswith("市"):
        if district and district.endswith("市"):
            place = district
        elif city and city.endswith("市"):
            place = city
    elif name_body.startswith("区"):
        if district and district.endswith("区"):
            place = (city or "") + district if city != district else district
        elif not district and not city and province and province.endswith("自治区"):
            place = province
    elif name_body.startswith(("县", "旗")):
        if district and district.endswith(name_body[0]):
            place = district  # county names are unique nationwide, district names are not
    elif name_body.startswith("州"):
        if city and city.endswith("自治州"):
            place = city
    if not place or not rest:
        return prefix + name_body
    return prefix + place + rest
