"""Limits on what a .docx may expand to, checked before any XML is parsed.

A .docx is a ZIP of XML parts. A small file can inflate to gigabytes (a decompression
bomb) or hold millions of tiny elements that take minutes to walk. The ZIP's central
directory gives each member's uncompressed size, and Python's ``zipfile`` never yields
more than that size (a member that lies about it fails its CRC), so the declared sizes are
safe upper bounds. Then the XML parts are streamed once, counting elements and paragraphs,
and the file is refused as soon as a count passes its limit: memory stays at one chunk.
"""

from __future__ import annotations

import re
import zipfile

from archive.errors import RejectedFile

MiB = 1024 * 1024
MAX_MEMBERS = 2_000  # parts in the package; a notice has 10–30
MAX_TOTAL = 64 * MiB  # all parts, uncompressed (images included)
MAX_XML_PART = 16 * MiB  # one XML part, uncompressed; a long notice's document.xml is < 2 MiB
MAX_RATIO = 100  # uncompressed/compressed for a member over 1 MiB; real XML stays below 20
RATIO_FLOOR = 1 * MiB
# Elements are counted as "<" bytes (text holds "&lt;", never "<"). A formatted notice of
# 100 000 characters has ≈ 60 000; python-docx walks 600 000 in ≈ 5 s and ≈ 110 MB.
MAX_TAGS = 600_000
MAX_PARAGRAPHS = 30_000  # a notice at the 1 000 000-character limit has ≈ 20 000
CHUNK = MiB

# A paragraph start tag with any namespace prefix: <w:p>, <w:p w:rsidR="…">, <ns0:p/>.
_PARAGRAPH = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")


def _mib(n: int) -> str:
    return f"{n / MiB:.0f} MiB" if n >= MiB else f"{n / 1024:.0f} KiB"


def check_docx(data: bytes | zipfile.ZipFile, name: str) -> None:
    """Refuse a .docx whose parts would inflate beyond the limits; returns when it is safe."""
    import io

    try:
        package = data if isinstance(data, zipfile.ZipFile) else zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise RejectedFile("DOCX 文件已损坏，无法解压（ZIP 结构错误）", source=name) from None
    _check_directory(members, name)
    tags = paragraphs = 0
    for member in members:
        if not member.filename.lower().endswith((".xml", ".rels")):
            continue
        t, p = _count(package, member, name, MAX_TAGS - tags)
        tags += t
        paragraphs += p
        if paragraphs > MAX_PARAGRAPHS:
            raise RejectedFile(
                f"DOCX 段落过多（超过 {MAX_PARAGRAPHS:,} 段），不像一篇整改通报", source=name
            )


def _check_directory(members: list[zipfile.ZipInfo], name: str) -> None:
    if len(members) > MAX_MEMBERS:
        raise RejectedFile(
            f"DOCX 内部文件过多（{len(members):,} 个，上限 {MAX_MEMBERS:,} 个）", source=name
        )
    total = sum(m.file_size for m in members)
    if total > MAX_TOTAL:
        raise RejectedFile(
            f"DOCX 解压后过大（{_mib(total)}，上限 {_mib(MAX_TOTAL)}），可能是压缩炸弹",
            source=name,
        )
    for m in members:
        xml = m.filename.lower().endswith((".xml", ".rels"))
        if xml and m.file_size > MAX_XML_PART:
            raise RejectedFile(
                f"DOCX 中的 {m.filename} 解压后过大（{_mib(m.file_size)}，"
                f"上限 {_mib(MAX_XML_PART)}）",
                source=name,
            )
        ratio = m.file_size // max(m.compress_size, 1)
        if m.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise RejectedFile(
                f"DOCX 中的 {m.filename} 压缩比异常（{ratio:,} 倍，"
                f"上限 {MAX_RATIO} 倍），可能是压缩炸弹",
                source=name,
            )


def _count(
    package: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, room: int
) -> tuple[int, int]:
    """Stream one XML part: its "<" count and paragraph count; refuse past ``room`` tags."""
    tags = paragraphs = 0
    carry = b""
    try:
        with package.open(member) as stream:
            while chunk := stream.read(CHUNK):
                tags += chunk.count(b"<")
                if tags > room:
                    raise RejectedFile(
                        f"DOCX 元素过多（超过 {MAX_TAGS:,} 个标签），不像一篇整改通报",
                        source=name,
                    )
                buffer = carry + chunk
                cut = buffer.rfind(b"<")
                if cut < 0 or len(buffer) - cut > 64:
                    cut = len(buffer)
                paragraphs += len(_PARAGRAPH.findall(buffer, 0, cut))
                carry = buffer[cut:]
        paragraphs += len(_PARAGRAPH.findall(carry + b" "))
    except RejectedFile:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise RejectedFile(
            f"DOCX 文件已损坏，无法解压 {member.filename}（{type(exc).__name__}）", source=name
        ) from None
    return tags, paragraphs
