"""Atom 1.0 feeds of any search (``/search.atom?q=…`` with the filters of ``/search``): the
newest notices' problems first, so an officer can watch a topic in a feed reader or a mail
gateway. A request that fails answers the API's error shape
(``{"ok": false, "error", "status"}``) with its status, since a feed reader shows no page.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from archive.errors import ArchiveBusy, ArchiveDamaged
from indexer import filters
from indexer.errors import IndexBusy, IndexDamaged, IndexMissing, QueryTooCostly
from indexer.similar import problem_statement
from web.errors import MESSAGES, RETRY_AFTER, BadParameter, Busy, Denied, Missing
from web.params import SearchParams
from web.resources import get_index

bp = Blueprint("feeds", __name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
MAX_ENTRIES = 50
MAX_SUMMARY = 600  # characters of statement and first measure in an entry
FEED_TITLE = "巡察通报检索库"
TIMEZONE = "+08:00"  # notices give dates in China Standard Time
# Characters XML 1.0 cannot carry at all (control characters, lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: Any) -> str:
    """Text an XML document can hold: escaping is left to the serializer."""
    return _NOT_XML.sub("", str(text or ""))


def _stamp(date: str | None) -> str | None:
    """An ISO day as an RFC 3339 instant (midnight, China time); None when not a date."""
    if not date or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return None
    try:
        datetime.strptime(date, "%Y-%m-%d")
    except ValueError:
        return None
    return f"{date}T00:00:00{TIMEZONE}"


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: clean(v) for k, v in attrs.items()})
    if text is not None:
        e.text = clean(text)
    return e


def _describe(p: SearchParams) -> str:
    """What the feed watches, for its title: 检索“公车” · 地区：淮北."""
    parts = [f"检索“{p.q}”" if p.q else ("全部问题" if p.kind == "problem" else "全部通报")]
    parts += [f"{filters.by_name(k).label}：{v}" for k, v in p.filters.items()]
    return " · ".join(parts)


def _summary(hit: Any, doc: dict[str, Any]) -> str:
    if hit.kind == "notice":
        bits = [hit.organisation, hit.inspector, f"发布日期 {hit.published_date or '未注明'}"]
        return " · ".join(b for b in bits if b)
    statement = problem_statement(doc.get("text") or "", hit.title)
    out = f"问题：{statement}"
    if hit.measures:
        out += f"\n整改措施：{hit.measures[0]}"
    return out[:MAX_SUMMARY]


def _entry(feed: ET.Element, hit: Any, doc: dict[str, Any], base: str, fallback: str) -> str:
    """Add one entry; returns its updated instant."""
    is_notice = hit.kind == "notice"
    url = f"{base}/notices/{hit.id}" if is_notice else f"{base}/problems/{hit.id}"
    updated = _stamp(doc.get("date")) or fallback
    entry = _el(feed, "entry")
    _el(entry, "id", url)
    if is_notice:
        title = hit.notice_title or hit.title or f"{hit.organisation}巡察整改情况通报"
    else:
        title = f"{hit.organisation}：{hit.number} {hit.title}".strip()
    _el(entry, "title", title)
    _el(entry, "updated", updated)
    if _stamp(hit.published_date):
        _el(entry, "published", _stamp(hit.published_date))
    _el(entry, "link", rel="alternate", type="text/html", href=url)
    author = _el(entry, "author")
    _el(author, "name", hit.organisation or "未识别单位")
    for t in hit.types:
        _el(entry, "category", term=t.code, label=t.label)
    _el(entry, "summary", _summary(hit, doc), type="text")
    return updated


def build_feed(p: SearchParams, base: str, feed_url: str, page_url: str) -> bytes:
    """The Atom document of a search: its newest ``MAX_ENTRIES`` hits by notice date."""
    index = get_index()
    result = index.search(
        p.q, kind=p.kind, filters=p.filters, sort="date", page=1, per_page=MAX_ENTRIES
    )
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "zh-CN")
    _el(feed, "id", feed_url)
    _el(feed, "title", f"{FEED_TITLE} · {_describe(p)}")
    _el(feed, "subtitle", f"共 {result.total} 条，按通报日期从新到旧列出最近 {MAX_ENTRIES} 条")
    updated = _el(feed, "updated", now)
    _el(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _el(feed, "link", rel="alternate", type="text/html", href=page_url)
    _el(_el(feed, "author"), "name", FEED_TITLE)
    stamps = []
    for hit in result.hits:
        doc = index.document(hit.id) or {}
        stamps.append(_entry(feed, hit, doc, base, now))
    dated = [s for s in stamps if s != now]
    if dated and len(dated) == len(stamps):
        updated.text = max(dated)  # RFC 3339 in one zone: text order is time order
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@bp.get("/search.atom")
def search_atom() -> Response:
    p = SearchParams.from_args(request.args)
    p = replace(p, sort="date", page=1, per_page=MAX_ENTRIES, view="list")
    base = request.host_url.rstrip("/")
    feed_url = base + p.url("/search.atom", sort="relevance", per_page=20)
    page_url = base + p.url("/search", per_page=20)
    return Response(build_feed(p, base, feed_url, page_url), content_type=ATOM_TYPE)


def _error(status: int, message: str, retry_after: int | None = None) -> Response:
    resp = jsonify({"ok": False, "error": message, "status": status})
    resp.status_code = status
    if status == 503:
        resp.headers["Retry-After"] = str(retry_after or RETRY_AFTER)
    return resp


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException) -> Response:
    status = exc.code or 500
    message = MESSAGES.get(status, exc.name)
    if isinstance(exc, BadParameter | Missing | Busy | Denied) and exc.description:
        message = exc.description
    return _error(status, message, exc.retry_after if isinstance(exc, Busy) else None)


@bp.errorhandler(QueryTooCostly)
def _too_costly(exc: QueryTooCostly) -> Response:
    status = exc.status if exc.status in (400, 503) else 400
    return _error(status, str(exc) or MESSAGES[status])


@bp.errorhandler(ArchiveBusy)
@bp.errorhandler(IndexBusy)
def _busy(exc: Exception) -> Response:
    return _error(503, MESSAGES[503])


@bp.errorhandler(IndexMissing)
@bp.errorhandler(IndexDamaged)
@bp.errorhandler(ArchiveDamaged)
def _unavailable(exc: Exception) -> Response:
    return _error(503, str(exc))
