"""The document model shared by the parser, the store, the indexer and the web app.

Plain dataclasses: the parser fills them, ``to_dict`` gives the JSON shape the
CLI prints and the store keeps, ``from_dict`` reads it back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Region:
    province: str | None = None
    city: str | None = None
    district: str | None = None


@dataclass
class Contacts:
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)


@dataclass
class Stat:
    """One figure of the summary statistics, e.g. 建立完善制度 21 项."""

    label: str
    value: float | int
    unit: str = ""
    text: str = ""  # the phrase it was read from, verbatim


@dataclass
class Section:
    """A top-level part of the notice; only ``kind == "problems"`` holds problems."""

    number: str  # printed marker, e.g. "二、"; "" when unnumbered
    heading: str
    kind: str  # "organisation" | "problems" | "next_steps" | "other"


@dataclass
class SubProblem:
    title: str
    text: str
    measures: list[str] = field(default_factory=list)


@dataclass
class Problem:
    n: int  # 1-based position in document order
    number: str  # the printed label, e.g. "(3)" or "12."
    category: str | None
    subcategory: str | None
    title: str
    text: str
    measures: list[str] = field(default_factory=list)
    status: str | None = None
    subproblems: list[SubProblem] = field(default_factory=list)


@dataclass
class Notice:
    source: str
    title: str | None = None
    organisation: str | None = None
    publisher: str | None = None
    region: Region = field(default_factory=Region)
    inspector: str | None = None
    inspection_kind: str | None = None
    round: int | None = None
    inspection_start: str | None = None  # ISO dates
    inspection_end: str | None = None
    feedback_date: str | None = None
    published_date: str | None = None
    contacts: Contacts = field(default_factory=Contacts)
    stats: list[Stat] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # True when the text is a rectification notice whose problem list is missing or cut off.
    incomplete: bool = False
    # True when the text was read by OCR from a scanned document.
    ocr: bool = False
    # How exact the notice's dates are: "day", or "month" when a date was written only to a
    # month or part of one (4月上旬, 9月底) and stored as an estimated day (with a warning).
    date_precision: str = "day"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Notice:
        d = dict(d)
        d["region"] = Region(**d.get("region") or {})
        d["contacts"] = Contacts(**d.get("contacts") or {})
        d["stats"] = [Stat(**s) for s in d.get("stats") or []]
        d["sections"] = [Section(**s) for s in d.get("sections") or []]
        problems = []
        for p in d.get("problems") or []:
            p = dict(p)
            p["subproblems"] = [SubProblem(**s) for s in p.get("subproblems") or []]
            problems.append(Problem(**p))
        d["problems"] = problems
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})
