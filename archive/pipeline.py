"""One way from a loaded file to a parsed notice, shared by parse, ingest, reparse and check.

The parser reads text only; what the loader knows about how the text was obtained (read by
OCR from a scan) is added to the notice here.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace

from archive.loaders import Loaded, load_bytes
from archive.model import Notice


def ocr_warning(pages: int) -> str:
    return f"正文由扫描件 OCR 识别得到（共 {pages} 页），个别文字可能有误，请以原件为准"


def parse_loaded(loaded: Loaded) -> Notice:
    """Parse a loaded file; a scanned PDF's notice is marked ``ocr`` with a warning."""
    from archive.parser import parse_text  # here, so readers never import the parser

    notice = parse_text(loaded.text, source=loaded.name, meta=loaded.meta)
    if loaded.ocr_pages:
        notice.ocr = True
        notice.warnings.append(ocr_warning(loaded.ocr_pages))
    return notice


def load_and_parse(path: str | os.PathLike[str]) -> tuple[Loaded, Notice]:
    """Load a file from disk and parse it; RejectedFile says why it cannot be a notice.

    A web page with following pages beside it is joined with them (``archive.multipage``)."""
    from archive.multipage import load_article

    loaded = load_article(path)
    return loaded, parse_loaded(loaded)


_JOINED = re.compile(r"由(\d+)个分页网页合并为一篇通报")


def reload_stored(raw: bytes, name: str, stored_text: str, warnings: list[str]) -> Loaded:
    """Read a stored original again, for reparse, check and rebuild.

    Only the first page of an article joined from several web pages is stored: its text
    then comes from the stored text (the pages are not at hand), read with the first page's
    metadata, so a reparse never loses the later pages."""
    loaded = load_bytes(raw, name)
    pages = next((m.group(1) for w in warnings if (m := _JOINED.search(w))), None)
    if pages and loaded.format == "html" and loaded.text != stored_text:
        return replace(loaded, text=stored_text, meta={**loaded.meta, "pages": pages})
    return loaded
