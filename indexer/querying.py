"""The query language: plain words, "phrases", OR / |, -word / NOT, field:value, ( ).

Parsing never fails: stray quotes, parentheses and operators are dropped or read as
text, and the result is a small tree that ``compile`` turns into a Whoosh query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.normalize import normalize
from indexer import filters

MAX_QUERY = 500


@dataclass
class Word:
    text: str
    quoted: bool = False


@dataclass
class Filter:
    name: str  # a name of ``indexer.filters.FILTERS``
    value: str


@dataclass
class Not:
    child: Node


@dataclass
class And:
    children: list[Node] = field(default_factory=list)


@dataclass
class Or:
    children: list[Node] = field(default_factory=list)


Node = Word | Filter | Not | And | Or


def is_plain(tree: Node | None) -> bool:
    """Whether a query is unquoted words only, joined by AND/OR (no phrase, negation or
    field filter): what the user typed may be widened by what it is about."""
    if isinstance(tree, Word):
        return not tree.quoted
    if isinstance(tree, And | Or):
        return bool(tree.children) and all(is_plain(c) for c in tree.children)
    return False


_TOKEN_RE = re.compile(
    r'"(?P<phrase>[^"]*)"?'  # a quoted phrase, closed or not
    r"|(?P<lpar>\()|(?P<rpar>\))"
    r"|(?P<bar>\|)"
    r"|(?P<word>[^\s()\"|]+)"
)


def _clean(q: str) -> str:
    q = normalize(q)[: MAX_QUERY * 2]
    q = q.replace("“", '"').replace("”", '"').replace("'", " ")
    # Control characters and other invisible code points become spaces.
    q = "".join(" " if (ord(c) < 32 or 0x7F <= ord(c) < 0xA0) else c for c in q)
    return q[:MAX_QUERY]


def tokens(q: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in _TOKEN_RE.finditer(_clean(q)):
        kind = m.lastgroup or "word"
        out.append((kind, m.group(kind) or ""))
    return out


class _Parser:
    def __init__(self, toks: list[tuple[str, str]]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        t = self.toks[self.i]
        self.i += 1
        return t

    def is_or(self, t: tuple[str, str] | None) -> bool:
        return t is not None and (t[0] == "bar" or (t[0] == "word" and t[1] in ("OR", "或")))

    def expr(self, depth: int = 0) -> Node | None:
        parts: list[Node] = []
        current = self.and_expr(depth)
        if current is not None:
            parts.append(current)
        while self.is_or(self.peek()):
            self.take()
            nxt = self.and_expr(depth)
            if nxt is not None:
                parts.append(nxt)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Or(parts)

    def and_expr(self, depth: int) -> Node | None:
        parts: list[Node] = []
        while True:
            t = self.peek()
            if t is None or self.is_or(t) or (t[0] == "rpar" and depth > 0):
                break
            node = self.unary(depth)
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(parts)

    def unary(self, depth: int) -> Node | None:
        kind, value = self.take()
        negate = False
        if kind == "word" and value in ("NOT", "非"):
            nxt = self.peek()
            if nxt is None or self.is_or(nxt) or nxt[0] == "rpar":
                return None  # a lone operator means nothing
            node = self.unary(depth)
            return Not(node) if node is not None else None
        if kind == "word" and value in ("AND", "&", "和"):
            return None
        if kind == "word" and value.startswith("-") and len(value) > 1:
            negate, value = True, value[1:]
        elif kind == "word" and value == "-":
            nxt = self.peek()
            if nxt is None or nxt[0] not in ("phrase", "lpar"):
                return None  # a lone minus means nothing
            node = self.atom(*self.take(), depth)  # -"a phrase" and -(a group) exclude
            return Not(node) if node is not None else None
        node = self.atom(kind, value, depth)
        if node is None:
            return None
        return Not(node) if negate else node

    def atom(self, kind: str, value: str, depth: int) -> Node | None:
        if kind == "lpar":
            inner = self.expr(depth + 1)
            if self.peek() is not None and self.peek()[0] == "rpar":
                self.take()
            return inner
        if kind == "rpar":
            return None  # unbalanced: ignored
        if kind == "bar":
            return None
        if kind == "phrase":
            value = value.strip()
            return Word(value, quoted=True) if value else None
        m = re.match(r"^([A-Za-z\u4e00-\u9fa5]+):(.*)$", value)
        if m:
            flt = filters.by_alias(m.group(1))
            if flt is not None:
                arg = m.group(2)
                if not arg and self.peek() is not None and self.peek()[0] == "phrase":
                    arg = self.take()[1]
                arg = arg.strip()
                return Filter(flt.name, arg) if arg else None
        return Word(value)


def parse(q: str) -> Node | None:
    """The query tree of ``q``; None when nothing searchable is left."""
    return _Parser(tokens(q)).expr()


def positive_words(node: Node | None) -> list[Word]:
    """Words a hit must (or may) contain: what highlighting marks."""
    if node is None:
        return []
    if isinstance(node, Word):
        return [node]
    if isinstance(node, And | Or):
        return [w for c in node.children for w in positive_words(c)]
    return []
