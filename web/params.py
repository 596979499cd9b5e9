"""Request parameters, checked: values out of range are a 400 with the reason, never a 500."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from indexer import filters
from web.errors import BadParameter

MAX_Q = 500
MAX_PAGE = 1000
MAX_PER_PAGE = 100
MAX_FILTER = max(f.max_length for f in filters.FILTERS)  # the longest any filter accepts
FILTERS = filters.NAMES  # URL parameters that filter (``indexer.filters``)
ID_RE = re.compile(r"^[0-9a-f]{16}$")
PROBLEM_ID_RE = re.compile(r"^[0-9a-f]{16}-[1-9][0-9]{0,4}$")


def _int(args: MultiDict, name: str, default: int, lo: int, hi: int) -> int:
    raw = args.get(name, "")
    if raw == "":
        return default
    if not re.fullmatch(r"\s*\d{1,9}\s*", raw):
        raise BadParameter(f"参数 {name} 应为 {lo} 到 {hi} 之间的整数")
    value = int(raw)
    if not lo <= value <= hi:
        raise BadParameter(f"参数 {name} 应为 {lo} 到 {hi} 之间的整数")
    return value


def _choice(args: MultiDict, name: str, choices: tuple[str, ...]) -> str:
    value = args.get(name, "") or choices[0]
    if value not in choices:
        raise BadParameter(f"参数 {name} 只能是 {' / '.join(choices)}")
    return value


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    kind: str = "problem"
    sort: str = "relevance"
    view: str = "list"
    page: int = 1
    per_page: int = 20
    filters: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: MultiDict) -> SearchParams:
        q = args.get("q", "")
        if len(q) > MAX_Q:
            raise BadParameter(f"检索词过长（{len(q)} 字），上限 {MAX_Q} 字")
        given = {}
        for f in filters.FILTERS:
            value = args.get(f.name, "").strip()
            if len(value) > f.max_length:
                raise BadParameter(f"参数 {f.name} 过长，上限 {f.max_length} 字")
            if value:
                given[f.name] = value
        return cls(
            q=q,
            kind=_choice(args, "kind", ("problem", "notice")),
            sort=_choice(args, "sort", ("relevance", "date", "date_asc")),
            view=_choice(args, "view", ("list", "side")),
            page=_int(args, "page", 1, 1, MAX_PAGE),
            per_page=_int(args, "per_page", 20, 1, MAX_PER_PAGE),
            filters=given,
        )

    def query_args(self, **changes: Any) -> dict[str, str]:
        """The non-default parameters (a permalink), with ``changes`` applied."""
        p = self
        chosen = dict(self.filters)
        for key in list(changes):
            if key in FILTERS:
                value = changes.pop(key)
                if value in (None, ""):
                    chosen.pop(key, None)
                else:
                    chosen[key] = str(value)
        p = replace(p, filters=chosen, **changes)
        out: dict[str, str] = {}
        if p.q:
            out["q"] = p.q
        if p.kind != "problem":
            out["kind"] = p.kind
        for k in FILTERS:
            if k in p.filters:
                out[k] = p.filters[k]
        if p.sort != "relevance":
            out["sort"] = p.sort
        if p.view != "list":
            out["view"] = p.view
        if p.per_page != 20:
            out["per_page"] = str(p.per_page)
        if p.page != 1:
            out["page"] = str(p.page)
        return out

    def url(self, path: str = "/search", **changes: Any) -> str:
        args = self.query_args(**changes)
        return path + ("?" + urlencode(args) if args else "")


def id_list(args: MultiDict, name: str, pattern: re.Pattern[str], limit: int) -> list[str]:
    """Ids given as ``name=A,B`` or ``name=A&name=B``; malformed ones are a 400."""
    ids: list[str] = []
    for raw in args.getlist(name):
        for part in raw.split(","):
            part = part.strip()
            if not part:
                continue
            if not pattern.fullmatch(part):
                raise BadParameter(f"参数 {name} 中的编号无效：{part[:40]}")
            if part not in ids:
                ids.append(part)
                if len(ids) > limit:
                    raise BadParameter(f"参数 {name} 最多 {limit} 个编号")
    return ids
