"""The material the corpus generator recombines, read from notices the parser already knows.

Problems, measures and category headings come from the seeds and the test notices (parsed
with ``archive.parse_file``); places come from the archive's gazetteer. Rare terms are
built from characters that occur nowhere in that material, so every occurrence of one in a
generated corpus is an injected one.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import archive
from archive.normalize import normalize

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = (REPO_ROOT / "seeds", REPO_ROOT / "tests" / "data" / "notices")
GAZETTEER = REPO_ROOT / "archive" / "data" / "gazetteer.tsv"

_QUOTES = '“”"「」'
_MARKER = re.compile(r"^[(（]?[0-9一二三四五六七八九十①-⑩]+[)）.．、]")


@dataclass(frozen=True)
class PoolProblem:
    title: str  # the problem statement, without 针对/关于…问题 and without quotes
    measures: tuple[str, ...]


@dataclass(frozen=True)
class Place:
    province: str
    city: str  # prefecture-level city, ends with 市
    county: str  # county-level name under it ("" for the city itself)
    area_code: str


@dataclass
class Pool:
    problems: list[PoolProblem] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # the core phrase of a category
    places: list[Place] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    text: str = ""  # everything above, for checking that rare terms never occur in it


def _unquote(s: str) -> str:
    """Drop quotes around the whole string only (not those around a part of it)."""
    s = s.strip()
    if len(s) > 2 and s[0] in _QUOTES and s[-1] in _QUOTES and s.count("“") <= 1:
        return s[1:-1].strip()
    return s


def _clean_title(title: str) -> str:
    t = normalize(title).strip().rstrip("。.;；,，")
    t = re.sub(r"^(针对|关于|对于)", "", t)
    t = re.sub(r"(的)?问题(的整改)?$", "", t)
    t = _unquote(t)
    return t.replace(",", "，").replace(";", "；").replace(":", "：")


def _clean_measure(m: str) -> str:
    m = normalize(m).strip().rstrip("。.;；,，")
    m = _MARKER.sub("", m).strip()
    return m.replace(",", "，").replace(";", "；").replace(":", "：")


def _clean_category(c: str) -> str:
    c = normalize(c).strip().rstrip("。.")
    c = re.sub(r"^(关于|在)", "", c)
    c = re.sub(r"(方面)?问题的?整改(落实)?情况$", "", c)
    c = re.sub(r"方面$", "", c)
    c = _unquote(c)
    return c.replace(",", "，")


def _usable(s: str, lo: int, hi: int) -> bool:
    return lo <= len(s) <= hi and "\n" not in s and "针对" not in s[:4] and "问题。" not in s


def harvest(dirs: tuple[Path, ...] = SOURCE_DIRS) -> Pool:
    """Parse every ``.txt`` notice under ``dirs`` and keep its reusable parts, in file order."""
    pool = Pool()
    seen_titles: set[str] = set()
    seen_measures: set[str] = set()
    seen_cats: set[str] = set()
    texts: list[str] = []
    for d in dirs:
        for path in sorted(d.glob("*.txt")):
            notice = archive.parse_file(path)
            texts.append(path.read_bytes().decode("utf-8", errors="ignore"))
            for p in notice.problems:
                parts = [(p.title, p.measures)] + [(s.title, s.measures) for s in p.subproblems]
                for title, measures in parts:
                    t = _clean_title(title)
                    ms = tuple(
                        m for m in (_clean_measure(x) for x in measures) if _usable(m, 8, 160)
                    )
                    for m in ms:
                        if m not in seen_measures:
                            seen_measures.add(m)
                            pool.measures.append(m)
                    if _usable(t, 4, 70) and ms and t not in seen_titles:
                        seen_titles.add(t)
                        pool.problems.append(PoolProblem(t, ms))
                if p.category:
                    c = _clean_category(p.category)
                    # A heading with 问题 in it can read as an item in short layouts.
                    if 4 <= len(c) <= 40 and "问题" not in c and c not in seen_cats:
                        seen_cats.add(c)
                        pool.categories.append(c)
    _read_places(pool)
    texts.append(GAZETTEER.read_text(encoding="utf-8"))
    pool.text = "\n".join(texts)
    return pool


def _read_places(pool: Pool) -> None:
    rows = []
    with GAZETTEER.open(encoding="utf-8") as f:
        lines = (ln for ln in f if not ln.startswith("#"))
        rows = list(csv.DictReader(lines, delimiter="\t"))
    codes: dict[tuple[str, str], str] = {}
    for r in rows:
        if r["level"] == "地级" and r["name"].endswith("市"):
            codes[(r["province"], r["name"])] = (r["area_codes"] or "").split(",")[0]
    provinces = [r["name"] for r in rows if r["level"] == "省级" and r["name"].endswith("省")]
    pool.provinces = provinces
    for r in rows:
        code = codes.get((r["province"], r["city"]))
        if not code:
            continue
        if r["level"] == "地级":
            pool.places.append(Place(r["province"], r["name"], "", code))
        elif r["level"] == "县级" and r["name"][-1] in "区县":
            pool.places.append(Place(r["province"], r["city"], r["name"], code))


def _is_rare(ch: str) -> bool:
    """Outside GB2312 and Big5: neither a common simplified nor a traditional character."""
    for codec in ("gb2312", "big5"):
        try:
            ch.encode(codec)
            return False
        except UnicodeEncodeError:
            pass
    return True


def rare_terms(count: int, rng: random.Random, avoid: str) -> list[str]:
    """``count`` distinct terms of 2–6 rare characters, none inside another, none in ``avoid``."""
    used = set(avoid)
    alphabet = [chr(c) for c in range(0x4E00, 0x9FA6) if chr(c) not in used and _is_rare(chr(c))]
    terms: list[str] = []
    lengths = [2, 3, 4, 5, 6, 2, 3, 4]
    while len(terms) < count:
        n = lengths[len(terms) % len(lengths)]
        t = "".join(rng.choice(alphabet) for _ in range(n))
        if any(t in o or o in t for o in terms):
            continue
        terms.append(t)
    return terms
