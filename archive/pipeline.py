"""One way from a loaded file to a parsed notice, shared by parse, ingest, reparse and check.

The parser reads text only; what the loader knows about how the text was obtained (read by
OCR from a scan) is added to the notice here.
"""

from __future__ import annotations

import os

from archive.loaders import Loaded, load_path
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
    """Load a file from disk and parse it; RejectedFile says why it cannot be a notice."""
    loaded = load_path(path)
    return loaded, parse_loaded(loaded)
