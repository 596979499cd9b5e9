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


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> Response:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    body = "\ufeff" + buf.getvalue()
    resp = Response(body.encode("utf-8"), mimetype="text/csv")
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = (
        f'attachment; filename="{filename.encode("ascii", "ignore").decode() or "export.csv"}"; '
        f"filename*=UTF-8''{quote(filename)}"
    )
    return resp
