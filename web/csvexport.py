"""CSV downloads: UTF-8 with a BOM so that Excel opens Chinese correctly."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from flask import Response

# A cell starting with one of these is a formula to Excel and LibreOffice; a leading
# apostrophe makes it text (CSV injection, OWASP). Numbers are left alone.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def disposition(filename: str, fallback: str = "") -> str:
    """An attachment header: the UTF-8 name (RFC 5987) and an ASCII name for old clients."""
    ascii_name = fallback or filename.encode("ascii", "ignore").decode()
    ascii_name = "".join(c for c in ascii_name if c.isprintable() and c not in '"\\')
    if not ascii_name or ascii_name.startswith("."):
        ascii_name = "export" + (ascii_name or ".csv")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[object]], filename: str, fallback: str = ""
) -> Response:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    body = "\ufeff" + buf.getvalue()
    resp = Response(body.encode("utf-8"), mimetype="text/csv")
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = disposition(filename, fallback)
    return resp
