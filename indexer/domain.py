"""Shared reading of the indexer's editable data files (``indexer/data/``).

The domain knowledge lives in plain text a domain expert edits; these helpers read
it once per process and turn every malformed entry into an error naming the file
and the line, so a typo never surfaces as a traceback deep inside a search.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import cache
from pathlib import Path

from archive.normalize import normalize
from indexer.errors import IndexerError

DATA_DIR = Path(__file__).parent / "data"
USERDICT = DATA_DIR / "userdict.txt"
BOILERPLATE = DATA_DIR / "boilerplate.txt"

PathLike = str | os.PathLike[str]


class DataFileError(IndexerError, ValueError):
    """A malformed entry in one of the editable data files (``line`` 0: the whole file)."""

    def __init__(self, path: PathLike, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path} 第 {line} 行" if line else self.path
        super().__init__(f"{where}：{message}")


def resolve(path: PathLike | None, default: Path) -> Path:
    """The absolute path a loader caches under (so two spellings share one entry)."""
    return Path(default if path is None else path).resolve()


def read_text(path: Path) -> str:
    """The file's text; a missing or undecodable file is reported, not raised raw."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(path, 0, "文件不存在") from None
    except UnicodeDecodeError as e:
        line = path.read_bytes()[: e.start].count(b"\n") + 1
        raise DataFileError(path, line, "不是 UTF-8 编码") from None


def content_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, stripped text) of every line that is neither blank nor a # comment."""
    out = []
    for n, raw in enumerate(read_text(path).splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append((n, line))
    return out


def file_fingerprint(path: Path) -> str:
    """SHA-256 of the file bytes: what the index records to know it must be rebuilt."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        raise DataFileError(path, 0, "文件不存在") from None


@cache
def _boilerplate(path: Path) -> frozenset[str]:
    words = set()
    for n, line in content_lines(path):
        if any(c.isspace() for c in line):
            raise DataFileError(path, n, f"每行只写一个词，不能含空格：{line!r}")
        words.add(normalize(line).lower())
    return frozenset(words)


def load_boilerplate(path: PathLike | None = None) -> frozenset[str]:
    """Genre words that say nothing about what a problem is (一是, 整改, 加强 …), folded."""
    return _boilerplate(resolve(path, BOILERPLATE))


# jieba's own user-dictionary line: word, then an optional frequency, then an optional tag.
_USERDICT_LINE = re.compile(r"^(\S+?)(?:\s+(\d+))?(?:\s+([a-z]+))?$")


@cache
def _userdict_words(path: Path) -> tuple[str, ...]:
    words: list[str] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(read_text(path).splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            raise DataFileError(path, n, "词典不支持注释行（说明写在 data/README.md）")
        m = _USERDICT_LINE.match(line)
        if m is None:
            raise DataFileError(path, n, f"格式应为“词 [词频] [词性]”：{line!r}")
        word = m.group(1)
        if normalize(word) != word or word != word.lower():
            raise DataFileError(path, n, f"请写半角、小写形式（检索文本已折叠）：{word!r}")
        if word in seen:
            raise DataFileError(path, n, f"与第 {seen[word]} 行重复：{word}")
        seen[word] = n
        words.append(word)
    return tuple(words)


def load_userdict_words(path: PathLike | None = None) -> tuple[str, ...]:
    """The words of the jieba user dictionary, checked; jieba itself reads the file."""
    return _userdict_words(resolve(path, USERDICT))
