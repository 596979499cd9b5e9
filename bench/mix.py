"""The fixed query mix, and the latency summaries every measurement uses.

Each query has a category (one word, two words, phrase, 2-character word, filtered,
facet-heavy, thesaurus-expanded) and the literal words the peers and the scan look for.
Filtered and browse queries have no literal recall (the peers have no metadata).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

CATEGORIES = (
    "one_word",
    "two_words",
    "phrase",
    "two_char",
    "filtered",
    "facet_heavy",
    "thesaurus",
)


@dataclass(frozen=True)
class Query:
    name: str
    category: str
    q: str
    words: tuple[str, ...] = ()  # literal words (AND) for the peers and the truth
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def literal(self) -> bool:
        """Whether recall against the scan means something for this query."""
        return bool(self.words) and self.category != "filtered"

    def params(self) -> dict[str, str]:
        return {"q": self.q, **self.filters} if self.q else dict(self.filters)

    def path(self, base: str = "/api/search") -> str:
        return f"{base}?{urlencode(self.params())}"


MIX: tuple[Query, ...] = (
    Query("公务接待", "one_word", "公务接待", ("公务接待",)),
    Query("意识形态", "one_word", "意识形态", ("意识形态",)),
    Query("公务接待 报销", "two_words", "公务接待 报销", ("公务接待", "报销")),
    Query("政府采购 合同", "two_words", "政府采购 合同", ("政府采购", "合同")),
    Query('"三会一课"', "phrase", '"三会一课"', ("三会一课",)),
    Query("“选人用人”", "phrase", "“选人用人”", ("选人用人",)),
    Query("台账", "two_char", "台账", ("台账",)),
    Query("红包", "two_char", "红包", ("红包",)),
    Query("学习 year:2022", "filtered", "学习 year:2022", ("学习",)),
    Query("接待 &region=安徽", "filtered", "接待", ("接待",), {"region": "安徽"}),
    Query("整改", "facet_heavy", "整改", ("整改",)),
    Query("(浏览) &year=2021", "facet_heavy", "", (), {"year": "2021"}),
    Query("公车", "thesaurus", "公车", ("公车",)),
    Query("八项规定", "thesaurus", "八项规定", ("八项规定",)),
)


def percentile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return math.nan
    k = (len(sorted_values) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    if lo == hi:
        return sorted_values[lo]
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def summary(ms: list[float]) -> dict[str, float | int]:
    """n, p50, p95, p99, mean and max of latencies in milliseconds."""
    xs = sorted(ms)
    if not xs:
        return {"n": 0}
    return {
        "n": len(xs),
        "p50": round(percentile(xs, 0.50), 2),
        "p95": round(percentile(xs, 0.95), 2),
        "p99": round(percentile(xs, 0.99), 2),
        "mean": round(sum(xs) / len(xs), 2),
        "max": round(xs[-1], 2),
    }


def median(xs: list[float]) -> float:
    return percentile(sorted(xs), 0.5)
