"""Limits that keep one client from starving the others.

Two kinds, both decided before any search runs:

- **Shape limits** (400): a query with too many words, one-character words, OR
  alternatives or exclusions is refused with the reason; counting them costs a regular
  expression, not a search. A word without a letter, digit or CJK character does not
  count (the index drops punctuation), and nesting is not refused (the query language
  reads any text), only counted as costly.
- **Costly work** (503 + Retry-After): exports, similar problems (problem pages), the
  side-by-side view and long queries take one of few slots per process
  (``COSTLY_SLOTS``; a request waits ``SLOT_WAIT`` for one, at most ``MAX_WAITING`` wait),
  and one client (address) may have at most ``PER_CLIENT`` of them in flight. Searches
  are served one at a time per process (the index is shared), so an ordinary request
  waits behind at most ``COSTLY_SLOTS`` costly ones instead of behind every costly
  request of every client; waiting ones hold no index lock and few threads.

The indexer's own budget (``indexer.errors.QueryTooCostly``) bounds the time of one costly
search; ``web.errors`` turns it into the same error shape.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass

from flask import Flask, current_app, g, request

from archive.normalize import normalize
from web.errors import BadParameter, Busy
from web.params import MAX_Q

MAX_TERMS = 24  # words of a query (a phrase or a filter counts as one)
# One-character words: each matches a large part of the archive. Not lower: generated
# test text (letters between the nine kinds of whitespace) reaches 9, and is answered.
MAX_SINGLE_CHAR = 12
MAX_ALTERNATIVES = 12  # words joined by OR / |
MAX_EXCLUDED = 8  # -word / NOT word

# A query is costly from here on (it is still answered, within the slots).
COSTLY_TERMS = 5
COSTLY_CHARS = 60

COSTLY_SLOTS = 1  # costly requests running at once in one process
# Costly requests of one client address in flight in one process. Not lower: users behind
# one proxy or NAT share an address, and problem pages (similar problems) are costly too.
PER_CLIENT = 4
SLOT_WAIT = 5.0  # seconds a costly request may wait for a free slot (it holds no index lock)
# Costly requests waiting for a slot in one process; more are refused at once, so waiting
# ones never take every thread of a worker (8 by default) from ordinary requests.
MAX_WAITING = 4
RETRY_AFTER = 5  # seconds, sent with every 503

_TOKEN_RE = re.compile(r'"[^"]*"?|\(|\)|\||[^\s()"|]+')
_LETTER = re.compile(r"[^\W_]")
_OR = {"|", "OR", "或"}
_NOT = {"NOT", "非"}
_AND = {"AND", "&", "和"}
_PROBLEM_PAGE = re.compile(
    r"^(/api)?/(problems/[^/]+|similar)$"
)  # pages that rank similar problems
_SEARCH_PATHS = {"/search", "/api/search", "/search.csv", "/search.xlsx", "/search.atom"}
# Downloads of every matching row: each is costly whatever the query.
_EXPORT_PATH = re.compile(r"^(/search|/compare|/problems/[^/]+/compare)\.(csv|xlsx)$")


@dataclass(frozen=True)
class QueryShape:
    """What a query asks for, counted from its text as the query language reads it."""

    chars: int = 0
    terms: int = 0
    single_chars: int = 0
    alternatives: int = 0  # words in OR groups (a OR b OR c: 3)
    excluded: int = 0
    depth: int = 0

    @classmethod
    def of(cls, q: str) -> QueryShape:
        text = normalize(q).replace("“", '"').replace("”", '"')
        terms = single = ors = excluded = depth = level = 0
        for tok in _TOKEN_RE.findall(text):
            if tok == "(":
                level += 1
                depth = max(depth, level)
            elif tok == ")":
                level = max(0, level - 1)
            elif tok in _OR:
                ors += 1
            elif tok in _NOT:
                excluded += 1
            elif tok in _AND or tok == "-":
                continue
            else:
                if tok.startswith("-"):
                    excluded += 1
                    tok = tok[1:]
                letters = len(_LETTER.findall(tok))
                if not letters:
                    continue
                terms += 1
                single += letters == 1
        return cls(len(q), terms, single, ors + 1 if ors else 0, excluded, depth)

    def refusal(self) -> str | None:
        """Why the query is refused (a Chinese sentence), or None."""
        if self.terms > MAX_TERMS:
            return f"检索词过多（{self.terms} 个），上限 {MAX_TERMS} 个：请减少检索词"
        if self.single_chars > MAX_SINGLE_CHAR:
            return (
                f"单字检索词过多（{self.single_chars} 个），上限 {MAX_SINGLE_CHAR} 个："
                "单字几乎出现在每条问题中，请改用词语"
            )
        if self.alternatives > MAX_ALTERNATIVES:
            return f"“或”连接的检索词过多（{self.alternatives} 个），上限 {MAX_ALTERNATIVES} 个"
        if self.excluded > MAX_EXCLUDED:
            return f"排除的检索词过多（{self.excluded} 个），上限 {MAX_EXCLUDED} 个"
        return None

    @property
    def costly(self) -> bool:
        return (
            self.terms > COSTLY_TERMS
            or self.chars > COSTLY_CHARS
            or self.single_chars >= 2
            or self.alternatives >= 3
            or self.excluded >= 2
            or self.depth >= 3
        )


def costly_kind(path: str, args: dict[str, str], shape: QueryShape | None = None) -> str | None:
    """Which costly work a request asks for (export, similar, side, query), or None."""
    if _EXPORT_PATH.match(path):
        return "export"
    if _PROBLEM_PAGE.match(path):
        return "similar"
    if path in _SEARCH_PATHS:
        if args.get("view") == "side":
            return "side"
        if (shape or QueryShape.of(args.get("q", ""))).costly:
            return "query"
    return None


BUSY = "服务器正忙于其他耗时请求（导出、相似问题、复杂检索），请稍后再试"


class CostGate:
    """Slots for costly work in this process, and a count per client; thread-safe."""

    def __init__(
        self,
        slots: int = COSTLY_SLOTS,
        per_client: int = PER_CLIENT,
        wait: float = SLOT_WAIT,
        max_waiting: int = MAX_WAITING,
    ) -> None:
        self.per_client = per_client
        self.wait = wait
        self.max_waiting = max_waiting
        self._waiting = 0
        self._slots = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._clients: Counter[str] = Counter()

    def enter(self, client: str) -> str | None:
        """Take a slot for ``client``; the refusal message when none is given."""
        with self._lock:
            if self._clients[client] >= self.per_client:
                return (
                    f"您同时进行的耗时请求（导出、相似问题、复杂检索）已有 {self.per_client} 个，"
                    "请等它们完成后再试"
                )
            if self._slots.acquire(blocking=False):
                self._clients[client] += 1
                return None
            if self._waiting >= self.max_waiting:
                return BUSY
            self._clients[client] += 1
            self._waiting += 1
        got = self._slots.acquire(timeout=self.wait)
        with self._lock:
            self._waiting -= 1
        if got:
            return None
        self._drop(client)
        return BUSY

    def leave(self, client: str) -> None:
        self._slots.release()
        self._drop(client)

    def in_flight(self, client: str) -> int:
        with self._lock:
            return self._clients[client]

    def _drop(self, client: str) -> None:
        with self._lock:
            self._clients[client] -= 1
            if self._clients[client] <= 0:
                del self._clients[client]


def _before() -> None:
    shape = None
    q = request.args.get("q", "")
    if request.path in _SEARCH_PATHS and len(q) <= MAX_Q:  # longer: refused by web.params
        shape = QueryShape.of(q)
        reason = shape.refusal()
        if reason:
            raise BadParameter(reason)
    kind = costly_kind(request.path, request.args, shape)
    if kind is None:
        return
    client = request.remote_addr or "?"
    refused = current_app.extensions["cost_gate"].enter(client)
    if refused:
        raise Busy(refused, RETRY_AFTER)
    g.cost_client = client


def _after(exc: BaseException | None = None) -> None:
    client = g.pop("cost_client", None)
    if client is not None:
        current_app.extensions["cost_gate"].leave(client)


def init_app(app: Flask) -> None:
    """One gate per process: created with the app, copied unheld into forked workers."""
    app.extensions["cost_gate"] = CostGate(
        app.config.get("COSTLY_SLOTS", COSTLY_SLOTS),
        app.config.get("COSTLY_PER_CLIENT", PER_CLIENT),
        app.config.get("COSTLY_WAIT", SLOT_WAIT),
        app.config.get("COSTLY_MAX_WAITING", MAX_WAITING),
    )
    app.before_request(_before)
    app.teardown_request(_after)
