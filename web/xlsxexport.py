"""xlsx downloads written with XlsxWriter: frozen header row, column widths, wrapped text,
hyperlinks. Every string is written as a string, so a cell starting with ``=`` stays text."""

from __future__ import annotations

import io

import xlsxwriter
from flask import Response

from web.csvexport import disposition
from web.exports import Table

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel refuses a hyperlink longer than this; such a URL is written as plain text.
MAX_URL = 2079


def xlsx_bytes(table: Table) -> bytes:
    """The table as one worksheet."""
    buf = io.BytesIO()
    # strings_to_formulas/urls off: a value is never read as a formula or turned into a link
    # by its look; links are only the cells the table names.
    book = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = book.add_worksheet(table.title[:31])
    head = book.add_format(
        {"bold": True, "bg_color": "#E8ECF2", "text_wrap": True, "valign": "top"}
    )
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    link = book.add_format({"font_color": "#0645AD", "underline": 1, "valign": "top"})
    for j, name in enumerate(table.header):
        sheet.write_string(0, j, name, head)
        width = table.widths[j] if j < len(table.widths) else 16
        sheet.set_column(j, j, width)
    for i, row in enumerate(table.rows, start=1):
        for j, value in enumerate(row):
            url = table.links.get((i - 1, j))
            if url and len(url) <= MAX_URL:
                sheet.write_url(i, j, url, link, string=str(value))
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(i, j, value, wrap)
            else:
                sheet.write_string(i, j, "" if value is None else str(value), wrap)
    sheet.freeze_panes(1, 0)
    if table.rows:
        sheet.autofilter(0, 0, len(table.rows), len(table.header) - 1)
    book.close()
    return buf.getvalue()


def xlsx_response(table: Table, filename: str, fallback: str) -> Response:
    resp = Response(xlsx_bytes(table), mimetype=XLSX_MIME)
    resp.headers["Content-Disposition"] = disposition(filename, fallback)
    return resp
