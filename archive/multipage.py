"""Articles split over several web pages, joined into one notice.

Government sites split long articles into pages (``X.html``, then ``X_1.html`` or
``X_2.html`` …, linked by 下一页). How users give them: save every page of the article
into one folder under the site's own names, then ingest or parse the first page, the
folder, or all the pages — the pages found beside the first one are joined in order
(following the 下一页 link when the page has one, else the numbered names), and a page
that continues another is never archived on its own.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from archive.loaders import Loaded, load_path

CONTINUATION_RE = re.compile(r"^(?P<base>.+)_(?P<n>\d{1,2})$")
HTML_SUFFIXES = (".html", ".htm")
MAX_PAGES = 30


def continuation_of(path: Path) -> Path | None:
    """The first page of the article ``path`` continues (X.html for X_2.html), if beside it."""
    if path.suffix.lower() not in HTML_SUFFIXES:
        return None
    m = CONTINUATION_RE.match(path.stem)
    if not m:
        return None
    for suffix in (path.suffix, *HTML_SUFFIXES):
        base = path.with_name(m.group("base") + suffix)
        if base.is_file():
            return base
    return None


def first_page(path: Path) -> Path:
    """The page an article starts on: ``path`` itself unless it continues another page."""
    return continuation_of(path) or path


def _numbered(path: Path) -> list[Path]:
    found = []
    for n in range(1, MAX_PAGES + 1):
        page = path.with_name(f"{path.stem}_{n}{path.suffix}")
        if page.is_file():
            found.append(page)
        elif found or n > 2:
            break
    return found


def following_pages(path: Path, meta: dict[str, str]) -> list[Path]:
    """The pages after ``path``, in order: by 下一页 links to files beside it, else by name."""
    pages: list[Path] = []
    seen = {path.resolve()}
    nxt = meta.get("next_page")
    current_meta = meta
    while nxt and len(pages) < MAX_PAGES:
        page = path.with_name(Path(nxt).name)
        if not page.is_file() or page.resolve() in seen:
            break
        seen.add(page.resolve())
        pages.append(page)
        current_meta = load_path(page).meta
        nxt = current_meta.get("next_page")
    return pages or _numbered(path)


def _drop_repeated_head(first: list[str], lines: list[str]) -> list[str]:
    """Later pages often repeat the article's title (and date line) at the top."""
    head = set(first[:3])
    i = 0
    while i < len(lines) and i < 3 and lines[i] in head:
        i += 1
    return lines[i:]


def load_article(path: str | Path) -> Loaded:
    """Load a file; a web page with following pages beside it is joined with them."""
    path = first_page(Path(path))
    loaded = load_path(path)
    if loaded.format != "html":
        return loaded
    pages = following_pages(path, loaded.meta)
    if not pages:
        return loaded
    lines = loaded.text.split("\n")
    for page in pages:
        lines += _drop_repeated_head(lines, load_path(page).text.split("\n"))
    meta = dict(loaded.meta)
    meta["pages"] = str(1 + len(pages))
    return replace(loaded, text="\n".join(lines), meta=meta)
