"""Decompression bombs for tests, made in well under a second.

A deflate stream of N identical blocks is one block's compressed bytes repeated (each block
is compressed after a full flush, so it does not depend on the previous one); the ZIP and
PDF containers around it are written by hand, with true sizes and checksums.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def repeated_deflate(head: bytes, block: bytes, count: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + block * count + tail: (compressed, crc32, size)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    one = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    last = c.compress(tail) + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return first + one * count + last, crc, len(head) + len(block) * count + len(tail)


def write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A ZIP of already deflated members: (name, raw deflate, crc32, uncompressed size)."""
    out = bytearray()
    directory = bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = len(out)
        out += (
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0
            )
            + encoded
            + data
        )
        directory += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = len(out)
    out += directory
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0
    )
    path.write_bytes(bytes(out))
    return path


def write_docx_bomb(path: Path, head: str, block: str, count: int, tail: str) -> Path:
    """A .docx whose word/document.xml is head + block * count + tail."""
    parts = []
    for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS)):
        raw = text.encode()
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        parts.append((name, c.compress(raw) + c.flush(), zlib.crc32(raw), len(raw)))
    data, crc, size = repeated_deflate(head.encode(), block.encode(), count, tail.encode())
    parts.append(("word/document.xml", data, crc, size))
    return write_zip(path, parts)


def document(body: str = "") -> tuple[str, str]:
    """The head and tail of a document.xml around its body."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>{body}'
    return head, "</w:body></w:document>"


def write_pdf_bomb(path: Path, block: bytes, count: int) -> Path:
    """A one-page PDF whose content stream inflates to block * count bytes."""
    data, _crc, _size = repeated_deflate(b"", block, count, b"")
    adler = 1
    for _ in range(count):
        adler = zlib.adler32(block, adler)
    stream = b"\x78\xda" + data + struct.pack(">I", adler)  # a zlib stream around the deflate
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path
