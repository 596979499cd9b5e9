"""The archive: load notices from files, parse them, store them in SQLite.

The lowest layer of the product: the indexer and the web app read from it and never
write to it.
"""

from __future__ import annotations

import os

from archive.model import Notice

__all__ = ["Notice", "parse_file"]


def parse_file(path: str | os.PathLike[str]) -> Notice:
    """Load a notice file in any supported format and parse it."""
    from archive.pipeline import load_and_parse

    return load_and_parse(path)[1]
