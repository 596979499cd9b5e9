"""Turn a file (.txt, .html/.htm, .docx, .pdf) into a notice's display text.

Every format ends in the same shape: original characters, one paragraph per
line, no blank lines, lines stripped. Width folding is left to the parser, so
that what is shown is what was published. Anything that cannot be read as text
is refused with ``RejectedFile`` and a one-line Chinese reason; no other
exception escapes for any input bytes.
"""

from __future__ import annotations

import codecs
import io
import os
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import RejectedFile

SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf")

MiB = 1024 * 1024
MAX_TEXT_BYTES = 8 * MiB  # .txt / .html
MAX_BINARY_BYTES = 32 * MiB  # .docx / .pdf
# The longest notices run to some 60,000 characters and 1,000 lines. Parsing time grows with
# both (dates, headings and items are read over the whole text), so a text far beyond any
# notice is refused before the parser runs: at these limits a worst-case text parses in a
# few seconds.
MAX_CHARS = 300_000
MAX_LINES = 20_000
# A government article page has a few thousand elements; parsing costs ≈ 50 µs per element,
# so a tag-stuffed file would hold the ingest for tens of seconds before being refused.
MAX_TAGS = 60_000

_FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}


@dataclass
class Loaded:
    name: str  # base file name
    format: str  # "txt" | "html" | "docx" | "pdf"
    text: str  # one paragraph per line, no blank lines, lines stripped
    raw: bytes  # the file's bytes as read
    encoding: str | None  # txt/html: detected encoding; else None
    meta: dict[str, str] = field(default_factory=dict)  # "title" / "publisher" / "date"
    ocr_pages: int = 0  # pages of a scanned PDF read by OCR; 0 when the text was in the file


# --------------------------------------------------------------------------- limits


def _size_text(n: int) -> str:
    if n >= MiB:
        return f"{n / MiB:.1f} MiB（{n:,} 字节）"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB（{n:,} 字节）"
    return f"{n} 字节"


def _format_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in _FORMATS:
        shown = f"“{suffix}”" if suffix else "（无扩展名）"
        raise RejectedFile(
            f"不支持的文件类型{shown}：只接受 {'、'.join(SUFFIXES)} 文件", source=name
        )
    return _FORMATS[suffix]


def _check_size(size: int, fmt: str, name: str) -> None:
    if size == 0:
        raise RejectedFile("文件为空（0 字节）", source=name)
    limit = MAX_TEXT_BYTES if fmt in ("txt", "html") else MAX_BINARY_BYTES
    if size > limit:
        raise RejectedFile(
            f"文件过大：{_size_text(size)}，.{fmt} 文件上限为 {limit // MiB} MiB", source=name
        )


# --------------------------------------------------------------------------- text decoding

# Leading bytes of formats that are never text; named in the rejection reason.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF 文档"),
    (b"PK\x03\x04", "ZIP 压缩包或 Office 文档"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Office 文档（.doc/.xls）"),
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF87a", "GIF 图片"),
    (b"GIF89a", "GIF 图片"),
    (b"\x7fELF", "ELF 可执行文件"),
    (b"MZ", "Windows 可执行文件"),
    (b"Rar!\x1a\x07", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"{\\rtf", "RTF 文档"),
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _magic_kind(data: bytes) -> str | None:
    for prefix, kind in _MAGIC:
        if data.startswith(prefix):
            # "MZ" and two-byte gzip magic also start ordinary text rarely; require a NUL.
            if len(prefix) <= 2 and b"\x00" not in data[:1024]:
                continue
            return kind
    return None


_TRUSTED_LEGACY = frozenset({"gb2312", "gbk", "gb18030", "big5", "big5hkscs", "cp950"})


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, or None."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    return None


def _decode_with_bom(data: bytes, enc: str) -> str:
    bom_len = 3 if enc == "utf-8-sig" else 4 if enc.startswith("utf-32") else 2
    return data[bom_len:].decode(enc.replace("-sig", ""), errors="strict")


def _garbage_ratio(text: str) -> float:
    """Share of characters that never occur in a published text."""
    if not text:
        return 0.0
    sample = text[:200_000]
    bad = 0
    for ch in sample:
        if ch in "\n\r\t\f\v":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Co", "Cn", "Cs") or ch == "\ufffd":
            bad += 1
    return bad / len(sample)


def check_not_garbage(text: str, name: str, what: str = "文件内容") -> None:
    """Refuse text that decoded but is mostly control characters or unassigned code points."""
    ratio = _garbage_ratio(text)
    if ratio > 0.05:
        raise RejectedFile(
            f"{what}是二进制数据或乱码，不是可读的文本（{ratio:.0%} 的字符是控制字符或无效字符）",
            source=name,
        )


def decode_text(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes by evidence, never by guessing; return (text, encoding name).

    Order: byte-order mark; a declared charset (HTML) if it decodes strictly;
    strict UTF-8; strict GB18030 (a superset of GBK/GB2312). A declared legacy
    charset loses to strict UTF-8 when the bytes hold multi-byte UTF-8: page
    templates often keep a stale declaration, and real GBK text is practically
    never valid UTF-8.
    """
    kind = _magic_kind(data)
    if kind:
        raise RejectedFile(f"文件内容是二进制数据（{kind}），不是文本", source=name)
    enc = bom_encoding(data)
    if enc:
        try:
            text = _decode_with_bom(data, enc)
        except UnicodeDecodeError as exc:
            raise RejectedFile(
                f"文件以 {enc.upper()} 字节序标记开头，但第 {exc.start} 字节处无法按该编码解码",
                source=name,
            ) from None
        check_not_garbage(text, name)
        return text, enc
    if b"\x00" in data[:65536]:
        raise RejectedFile("文件内容是二进制数据（含 NUL 字节），不是文本", source=name)
    candidates: list[str] = []
    if declared:
        try:
            declared = codecs.lookup(declared).name
        except LookupError:
            declared = None
    # Only Chinese legacy charsets are believed: a Western one (latin-1, cp1252)
    # decodes any bytes, and on a Chinese page it is always a mistake.
    if declared in _TRUSTED_LEGACY and not _is_multibyte_utf8(data):
        candidates.append(declared)
    candidates += ["utf-8", "gb18030"]
    for enc in dict.fromkeys(candidates):
        try:
            text = data.decode(enc, errors="strict")
        except (UnicodeDecodeError, LookupError):
            continue
        check_not_garbage(text, name)
        if enc == "ascii":
            enc = "utf-8"
        return text, enc
    raise RejectedFile(
        "无法识别文件编码：既不是 UTF-8/UTF-16，也不是 GBK/GB18030（可能是二进制文件）",
        source=name,
    )


def _is_multibyte_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return False
    return True


# --------------------------------------------------------------------------- text shape


def clean_lines(lines: list[str] | str) -> list[str]:
    """Split into lines (CRLF, CR, LF and Unicode separators), strip each, drop empty ones."""
    if isinstance(lines, str):
        lines = [lines]
    out: list[str] = []
    for chunk in lines:
        for line in chunk.replace("\r\n", "\n").splitlines():
            line = line.replace("\ufeff", "").strip()
            if line:
                out.append(line)
    return out


def _finish(lines: list[str], name: str) -> str:
    text = "\n".join(clean_lines(lines))
    if len(text) > MAX_CHARS:
        raise RejectedFile(
            f"提取的文字过长：{len(text):,} 字，上限为 {MAX_CHARS:,} 字", source=name
        )
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise RejectedFile(
            f"文本行数过多：{lines:,} 行，上限为 {MAX_LINES:,} 行，不像一篇整改通报", source=name
        )
    if not text:
        raise RejectedFile("文件中没有可提取的文字（内容为空）", source=name)
    return text


# --------------------------------------------------------------------------- DOCX


def _docx_lines(data: bytes, name: str) -> list[str]:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RejectedFile(
            "这是旧版 Word（.doc）文件，不是 .docx：请另存为 .docx 或 .txt 后再导入", source=name
        )
    if not data.startswith(b"PK"):
        raise RejectedFile("DOCX 文件已损坏或不是 Word 文档（不是 ZIP 格式）", source=name)
    from archive.limits import check_docx

    check_docx(data, name)  # sizes and element counts, before python-docx parses any XML
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = docx.Document(io.BytesIO(data))
        body = document.element.body
        out: list[str] = []

        def walk(container, parent) -> None:  # type: ignore[no-untyped-def]
            for child in container.iterchildren():
                tag = child.tag
                if tag == qn("w:p"):
                    out.append(Paragraph(child, parent).text)
                elif tag == qn("w:tbl"):
                    table_lines(Table(child, parent))
                elif tag == qn("w:sdt"):
                    content = child.find(qn("w:sdtContent"))
                    if content is not None:
                        walk(content, parent)

        def table_lines(table: Table) -> None:
            from archive.tables import docx_rows

            rows = docx_rows(table)
            if rows is not None:  # a problem table: one line per row, cells tab-separated
                out.extend(rows)
                return
            for row in table.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    key = id(cell._tc)
                    if key in seen:  # a horizontally merged cell is listed once per column
                        continue
                    seen.add(key)
                    walk(cell._tc, cell)

        walk(body, document._body)
        return out
    except RejectedFile:
        raise
    except zipfile.BadZipFile:
        raise RejectedFile("DOCX 文件已损坏，无法解压（ZIP 结构错误）", source=name) from None
    except Exception as exc:  # python-docx and lxml raise many kinds on broken packages
        if "content type" in str(exc):
            detail = "是其他类型的 Office 文档"
        elif isinstance(exc, KeyError):
            detail = "缺少 Word 文档的必需部件"
        else:
            detail = type(exc).__name__
        raise RejectedFile(f"DOCX 文件已损坏或不是 Word 文档（{detail}）", source=name) from None


def check_markup(data: bytes, name: str) -> None:
    """Refuse a page with more elements than any article page, before parsing it."""
    tags = data.count(b"<")
    if tags > MAX_TAGS:
        raise RejectedFile(
            f"网页标签过多（约 {tags:,} 个，上限 {MAX_TAGS:,} 个），不像一篇通报网页", source=name
        )


# --------------------------------------------------------------------------- entry points


def load_bytes(data: bytes, name: str) -> Loaded:
    """Load a file given its bytes and its name (the extension picks the format)."""
    base = Path(str(name)).name or str(name)
    fmt = _format_of(base)
    data = bytes(data)
    _check_size(len(data), fmt, base)
    encoding: str | None = None
    meta: dict[str, str] = {}
    ocr_pages = 0
    try:
        if fmt == "txt":
            text, encoding = decode_text(data, base)
            lines = [text]
        elif fmt == "html":
            from archive import html_text

            check_markup(data, base)
            text, encoding = decode_text(data, base, html_text.declared_charset(data))
            lines, meta = html_text.extract(text)
        elif fmt == "docx":
            lines = _docx_lines(data, base)
        else:
            from archive import pdf_text

            lines, ocr_pages = pdf_text.extract_pages(data, base)
        body = _finish(lines, base)
        if fmt in ("docx", "pdf"):
            check_not_garbage(body, base, "提取出的文字")
    except RejectedFile as exc:
        if not exc.source:
            exc.source = base
        raise
    except RecursionError:
        raise RejectedFile("文件结构嵌套过深，无法解析", source=base) from None
    except Exception as exc:  # last line of defence: never a traceback for bad bytes
        raise RejectedFile(
            f"无法读取 {fmt.upper()} 文件：{type(exc).__name__}", source=base
        ) from None
    return Loaded(
        name=base,
        format=fmt,
        text=body,
        raw=data,
        encoding=encoding,
        meta=meta,
        ocr_pages=ocr_pages,
    )


def load_path(path: str | os.PathLike[str]) -> Loaded:
    """Load a file from disk; size limits are checked before the file is read."""
    p = Path(path)
    name = p.name or str(path)
    fmt = _format_of(name)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise RejectedFile(f"文件不存在：{p}", source=name) from None
    except OSError as exc:
        raise RejectedFile(f"无法读取文件：{p}（{exc.strerror or exc}）", source=name) from None
    if not p.is_file():
        raise RejectedFile(f"不是普通文件：{p}", source=name)
    _check_size(st.st_size, fmt, name)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise RejectedFile(f"无法读取文件：{p}（{exc.strerror or exc}）", source=name) from None
    return load_bytes(data, name)
