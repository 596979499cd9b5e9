"""Synonyms and broader terms of the genre, so a search for 公车 also finds 公务用车.

The groups are data (``data/thesaurus.txt``), one per line: ``A = B = C`` for
synonyms, ``A > B, C`` when A is the broader term. Expansion goes across synonyms
and one level down, never up: a search for 公务接待 must not drown in every
八项规定 problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from archive.normalize import normalize
from indexer.domain import (
    DATA_DIR,
    DataFileError,
    PathLike,
    content_lines,
    file_fingerprint,
    load_boilerplate,
    resolve,
)

__all__ = ["Thesaurus", "fingerprint", "load_boilerplate", "load_thesaurus", "THESAURUS_FILE"]

THESAURUS_FILE = DATA_DIR / "thesaurus.txt"
SYNONYM = "synonym"
NARROWER = "narrower"

_LIST_SEP = re.compile(r"[,、]")


@dataclass(frozen=True, eq=False)
class Thesaurus:
    """Synonym classes and broader→narrower links, keyed by width-folded term."""

    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    narrower: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def expand(self, term: str) -> list[tuple[str, str]]:
        """(alternative, relation) pairs for ``term``: its synonyms, then its narrower terms.

        Narrower terms come with their own synonyms; ``term`` itself is never included;
        order follows the file.
        """
        key = normalize(term).strip()
        own = self.synonyms.get(key, (key,))
        out: list[tuple[str, str]] = []
        seen = {key}
        for s in own:
            if s not in seen:
                seen.add(s)
                out.append((s, SYNONYM))
        for s in own:
            for child in self.narrower.get(s, ()):
                for alt in self.synonyms.get(child, (child,)):
                    if alt not in seen:
                        seen.add(alt)
                        out.append((alt, NARROWER))
        return out

    def terms(self) -> list[str]:
        """Every term the file names, in file order."""
        out = dict.fromkeys(self.synonyms)
        for broad, children in self.narrower.items():
            out.setdefault(broad)
            out.update(dict.fromkeys(children))
        return list(out)


def _term(path: Path, n: int, raw: str, what: str) -> str:
    term = normalize(raw).strip()
    if not term:
        raise DataFileError(path, n, f"{what}为空（多余的分隔符？）")
    if any(c in term for c in "=>,、") or any(c.isspace() for c in term):
        raise DataFileError(path, n, f"{what}“{term}”中有多余的符号或空格")
    return term


def _parse(path: Path) -> Thesaurus:
    # Synonym classes are merged across lines (union-find), in order of first mention.
    parent: dict[str, str] = {}
    order: dict[str, int] = {}
    narrower: dict[str, list[str]] = {}

    def find(t: str) -> str:
        order.setdefault(t, len(order))
        parent.setdefault(t, t)
        while parent[t] != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    for n, line in content_lines(path):
        folded = normalize(line)
        if "=" in folded and ">" in folded:
            raise DataFileError(path, n, "一行只能是同义词（=）或上下位（>），不能混用")
        if "=" in folded:
            members = [_term(path, n, p, "同义词") for p in folded.split("=")]
            if len(set(members)) != len(members):
                raise DataFileError(path, n, "同义词组里有重复的词")
            for m in members[1:]:
                a, b = find(members[0]), find(m)
                if a != b:
                    first, second = sorted((a, b), key=order.__getitem__)
                    parent[second] = first
        elif ">" in folded:
            broad_raw, _, rest = folded.partition(">")
            if ">" in rest:
                raise DataFileError(path, n, "一行只能有一个“>”（上下位只写一层）")
            broad = _term(path, n, broad_raw, "上位词")
            children = [_term(path, n, p, "下位词") for p in _LIST_SEP.split(rest)]
            if broad in children:
                raise DataFileError(path, n, f"“{broad}”不能是自己的下位词")
            order.setdefault(broad, len(order))
            bucket = narrower.setdefault(broad, [])
            for c in children:
                order.setdefault(c, len(order))
                if c not in bucket:
                    bucket.append(c)
        else:
            raise DataFileError(path, n, f"缺少“=”或“>”：{line!r}")

    classes: dict[str, list[str]] = {}
    for t in sorted(parent, key=order.__getitem__):
        classes.setdefault(find(t), []).append(t)
    synonyms = {t: tuple(members) for members in classes.values() for t in members}
    return Thesaurus(synonyms=synonyms, narrower={k: tuple(v) for k, v in narrower.items()})


@cache
def _load(path: Path) -> Thesaurus:
    return _parse(path)


def load_thesaurus(path: PathLike | None = None) -> Thesaurus:
    """The thesaurus (read once per path per process)."""
    return _load(resolve(path, THESAURUS_FILE))


def fingerprint(path: PathLike | None = None) -> str:
    """SHA-256 of the thesaurus file: query expansion baked into the index depends on it."""
    return file_fingerprint(resolve(path, THESAURUS_FILE))
