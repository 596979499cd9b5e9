"""Exceptions raised by the archive, all under one base class.

Callers (the CLI, the indexer, the web app) catch ``ArchiveError`` and show
its message; a traceback is never the user's error message.
"""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class of every error the archive raises on purpose."""


class RejectedFile(ArchiveError):
    """A file that is not (or cannot be read as) a rectification notice.

    ``reason`` is a one-line, human-readable explanation in Chinese, shown to
    users as is; nothing of the file is stored.
    """

    def __init__(self, reason: str, *, source: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.source = source

    def __str__(self) -> str:
        return self.reason


class ArchiveBusy(ArchiveError):
    """Another process holds the archive's write lock for too long."""


class NotFound(ArchiveError):
    """An id that names no notice or problem in the archive."""


class ArchiveReadOnly(ArchiveError):
    """A write asked of an archive opened read-only (its folder or file is not writable)."""


class ArchiveDamaged(ArchiveError):
    """The SQLite file is damaged; the message names the way out (backup or rebuild)."""


def damage_message(data_dir: object, detail: str = "") -> str:
    """What a damaged archive tells the user: what happened and the exact ways out."""
    shown = f"（{detail}）" if detail else ""
    return (
        f"档案库 {data_dir} 已损坏{shown}。出路：用备份恢复该文件夹；"
        "或从存储的原件重建到新文件夹："
        f"python -m archive rebuild --data {data_dir} --into 新文件夹。"
        f"详情：python -m archive check --data {data_dir}"
    )


def readonly_message(data_dir: object) -> str:
    return (
        f"档案库所在文件夹 {data_dir} 是只读的：导入、删除、重新解析等写入操作需要可写的文件夹"
        "（可把数据目录复制到可写的位置再操作）；查看和检索不受影响"
    )
