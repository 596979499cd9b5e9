"""The text layer of a PDF, page by page, with paragraphs put back together.

A PDF has no paragraphs, only lines that stop at the right margin. We drop
page numbers and running headers, then join each line to the next unless it
clearly ends a paragraph: it stops short of the typical full line (the next
line's first word would still have fitted), or the next line opens a heading
(一、 (一) 1. (1) …), a date or a signature.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from typing import Any

from archive.errors import RejectedFile
from archive.loaders import MAX_CHARS

# --------------------------------------------------------------------------- page furniture

_DASH = r"[\-—–－~～·•_=\s\u3000]"
_PAGE_NO = re.compile(
    rf"^{_DASH}*\d{{1,4}}{_DASH}*$"
    r"|^第\s*\d{1,4}\s*页(\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?$"
    r"|^共\s*\d{1,4}\s*页\s*[,，、]?\s*第\s*\d{1,4}\s*页$"
    r"|^\d{1,4}\s*/\s*\d{1,4}$"
    r"|^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.I,
)
_EDGE = 2  # lines at the top and bottom of a page that may be furniture


def is_page_number(line: str) -> bool:
    """A page footer/header such as ``— 3 —``, ``第3页``, ``3/12``, ``第 3 页 共 12 页``."""
    return bool(_PAGE_NO.match(line.strip()))


def strip_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers and running headers/footers repeated at page edges."""
    out: list[list[str]] = []
    for lines in pages:
        keep = list(lines)
        for idx in _edge_indexes(len(keep)):
            if is_page_number(keep[idx]):
                keep[idx] = ""
        out.append(keep)
    if len(out) >= 3:
        # Running headers/footers: the same first (or last) line on most pages.
        for edge in (0, -1):
            seen: dict[str, int] = {}
            for lines in out:
                if lines and lines[edge]:
                    key = _digitless(lines[edge])
                    seen[key] = seen.get(key, 0) + 1
            repeated = {k for k, n in seen.items() if n >= 3 and n * 2 >= len(out)}
            for lines in out:
                if lines and lines[edge] and _digitless(lines[edge]) in repeated:
                    lines[edge] = ""
    return [[line for line in lines if line] for lines in out]


def _edge_indexes(n: int) -> list[int]:
    return sorted(set(range(min(_EDGE, n))) | set(range(max(0, n - _EDGE), n)))


def _digitless(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


# --------------------------------------------------------------------------- line joining

_OPENERS = "“‘（(《〈【[「『〔"
_CLOSERS = "，。、；：？！,.;:?!）)》〉】]」』〕”’…—%％"
_ASCII_RUN = re.compile(r"[!-~]+")

_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[章节条部分篇]"
    r"|[一二三四五六七八九十百]+[、．.](?![\d])"
    r"|[（(][一二三四五六七八九十百]+[）)]"
    r"|\d{1,3}[、．.](?![\d])"
    r"|[（(]\d{1,3}[）)]"
    r"|附件\s*\d*\s*[:：])"
)
# Markers that also occur inside a paragraph (一是…二是…, ①…②…, contact
# lines). Each family is trusted only when the document shows it opening
# paragraphs at least as often as running on inside one, and only after a line
# that ends a sentence.
_SOFT_FAMILIES = tuple(
    (re.compile("^(?:" + p + ")"), re.compile(r"(?<=[。；;！？!?：:])\s*(?:" + p + ")"))
    for p in (
        r"[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、是]",
        r"[①-⑳⑴-⒇]",
        r"联系电话|联系方式|联系人|电子邮箱|电子邮件|邮政信箱|通讯地址|邮箱|地址",
    )
)
_SENTENCE_END = tuple("。；;！？!?：:）)”")
_CN_DIGIT = "〇○零一二三四五六七八九十"
_DATE_LINE = re.compile(
    rf"^(?:\d{{4}}|[{_CN_DIGIT}]{{4}})\s*年\s*(?:\d{{1,2}}|[{_CN_DIGIT}]{{1,2}})\s*月"
    rf"\s*(?:\d{{1,2}}|[{_CN_DIGIT}]{{1,3}})\s*日$"
    r"|^\d{4}[-./]\d{1,2}[-./]\d{1,2}$"
)


_NARROW = set(",.:;'`!|ijlIft ")
_SLIM = set('()[]{}/\\-rs?"J*')
_WIDE_ASCII = set("mwMW@%&")


def char_width(ch: str) -> float:
    """Approximate advance of a character in em.

    CJK and full-width forms are 1; Latin letters and digits follow a typical
    proportional serif face, which is what Chinese documents use for them.
    """
    if ch.isascii():
        if ch in _NARROW:
            return 0.27
        if ch in _SLIM:
            return 0.36
        if ch in _WIDE_ASCII:
            return 0.85
        if ch.isupper():
            return 0.66
        return 0.48
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.5


def line_width(line: str) -> float:
    return sum(char_width(c) for c in line)


def _first_unit_width(line: str) -> float:
    """Width of what could not be split from the start of a line (a word, a char + closers)."""
    i = 0
    while i < len(line) and line[i] in _OPENERS:
        i += 1
    m = _ASCII_RUN.match(line, i)
    if m and m.group() not in _OPENERS:
        i = m.end()
    elif i < len(line):
        i += 1
    while i < len(line) and line[i] in _CLOSERS:
        i += 1
    return line_width(line[:i])


def typical_full_width(widths: list[float]) -> float:
    """The width of a line that runs to the right margin, from the longest lines."""
    if not widths:
        return 0.0
    ordered = sorted(widths)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    long = [w for w in ordered if w >= 0.8 * p90]
    # Lines that wrapped fill the measure to within one character; the upper
    # part of that band is the measure itself.
    return long[min(len(long) - 1, int(len(long) * 0.75))]


def _is_date(line: str) -> bool:
    return bool(_DATE_LINE.match(line.replace(" ", "")))


def _soft_families(lines: list[str], ends: list[bool]) -> list[re.Pattern[str]]:
    trusted = []
    for start, inline in _SOFT_FAMILIES:
        running = sum(len(inline.findall(line)) for line in lines)
        opening = sum(1 for i in range(1, len(lines)) if ends[i - 1] and start.match(lines[i]))
        if opening > 0 and opening >= running:
            trusted.append(start)
    return trusted


def _join_pair(a: str, b: str) -> str:
    if a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum():
        return a + " " + b
    if (
        a[-1:] in ",.;:!?"
        and len(a) > 1
        and a[-2].isascii()
        and a[-2].isalpha()
        and b[:1].isascii()
        and b[:1].isalpha()
    ):
        return a + " " + b
    return a + b


def join_lines(lines: list[str], full: float | None = None) -> list[str]:
    """Rebuild paragraphs from margin-wrapped lines (all pages, in order).

    Leading white space on a line is kept as a sign of an indented first line.
    Documents whose paragraphs open with an invisible two-character indent show
    it as a cluster of first lines two characters short of the full width; then
    a first line counts as full at that shorter width.
    """
    marked = [line[:1] in (" ", "\u3000") for line in lines if line.strip()]
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        return []
    widths = [line_width(line) for line in lines]
    if full is None:
        full = typical_full_width(widths)
    tol = max(1.0, 0.035 * full)
    n = len(lines)
    reach = [widths[i] + _first_unit_width(lines[i + 1]) for i in range(n - 1)] + [0.0]

    def opens(i: int, soft: list[re.Pattern[str]]) -> bool:
        line = lines[i]
        if line[:1] in _CLOSERS and line[:1] not in "—…":
            return False  # a closing mark never opens a paragraph
        prev = lines[i - 1]
        return (
            marked[i]
            or _HEADING.match(line) is not None
            or (prev.endswith(_SENTENCE_END) and any(p.match(line) for p in soft))
            or _is_date(line)
            or _is_date(prev)
            or (i + 1 < n and _is_date(lines[i + 1]) and widths[i] <= 0.6 * full)
        )

    def split(indent: float, soft: list[re.Pattern[str]]) -> list[bool]:
        ends = [False] * n
        first = True
        for i in range(n - 1):
            limit = full - (indent if first else 0.0) - tol
            ends[i] = reach[i] <= limit or opens(i + 1, soft)
            first = ends[i]
        ends[-1] = True
        return ends

    ends = split(0.0, [])
    # Indented documents: first lines that wrapped two characters early.
    starts = [i for i in range(n - 1) if i == 0 or ends[i - 1]]
    early = [i for i in starts if full - 2.0 - tol < reach[i] <= full - 1.0 + 0.25]
    indent = 2.0 if len(early) >= 2 and len(early) * 3 >= len(starts) else 0.0
    soft = _soft_families(lines, ends)
    if indent or soft:
        ends = split(indent, soft)

    paragraphs: list[str] = []
    current = lines[0]
    for i in range(1, n):
        if ends[i - 1]:
            paragraphs.append(current)
            current = lines[i]
        else:
            current = _join_pair(current, lines[i])
    paragraphs.append(current)
    return paragraphs


# --------------------------------------------------------------------------- entry point


FURNITURE_SLACK = 40  # characters per page a footer or page number may take
# The longest rectification notices run to a few dozen pages; extracting a page costs about
# 10 ms, so a file with more pages than this is refused before any text is extracted.
MAX_PDF_PAGES = 300
# pypdf inflates a stream up to 75 MB by default; a notice page's content stream is a few
# hundred KB, so a stream beyond this is a decompression bomb, refused before it fills memory.
STREAM_LIMIT = 16_000_000
_BOMB_MESSAGE = (
    f"PDF 内容解压后过大或过于复杂（单个数据流上限 {STREAM_LIMIT // 1_000_000} MB），"
    "可能是压缩炸弹，不像一篇整改通报"
)
PYPDF_LIMITS = {
    "maximum_declared_stream_length": STREAM_LIMIT,
    "array_based_stream_maximum_output_length": STREAM_LIMIT,
    "jbig2_maximum_output_length": STREAM_LIMIT,
    "lzw_maximum_output_length": STREAM_LIMIT,
    "run_length_maximum_output_length": STREAM_LIMIT,
    "zlib_maximum_output_length": STREAM_LIMIT,
    "brotli_maximum_output_length": STREAM_LIMIT,
    "image_maximum_buffer_size": STREAM_LIMIT,
    "stream_decoding_work_maximum_length": 4 * STREAM_LIMIT,
}


def read_pages(data: bytes, name: str) -> list[str]:
    """Raw text of each page; refuses damaged, truncated and encrypted files."""
    if b"%PDF-" not in data[:1024]:
        raise RejectedFile("PDF 文件已损坏或不是 PDF（缺少 %PDF 文件头）", source=name)
    if b"%%EOF" not in data.rstrip()[-2048:]:
        raise RejectedFile(
            f"PDF 文件不完整（缺少 %%EOF 结尾标记，可能被截断；共 {len(data):,} 字节）",
            source=name,
        )
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    try:
        with warnings.catch_warnings(), apply_configuration(**PYPDF_LIMITS):
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except Exception:
                    ok = 0
                if not ok:
                    raise RejectedFile("PDF 文件已加密，无法提取文字", source=name)
            count = len(reader.pages)
            if count > MAX_PDF_PAGES:
                raise RejectedFile(
                    f"PDF 页数过多（{count:,} 页，上限 {MAX_PDF_PAGES} 页），不像一篇整改通报",
                    source=name,
                )
            pages: list[str] = []
            size = 0
            for page in reader.pages:
                pages.append(page.extract_text() or "")
                # Non-blank characters all reach the final text (page furniture aside),
                # so once they pass the limit the rest of the file need not be read.
                size += len(pages[-1]) - sum(map(pages[-1].count, " \n\r\t\u3000"))
                if size > MAX_CHARS + FURNITURE_SLACK * len(pages):
                    raise RejectedFile(
                        f"提取的文字过长：前 {len(pages)} 页已超过 {MAX_CHARS:,} 字，"
                        f"上限为 {MAX_CHARS:,} 字",
                        source=name,
                    )
    except RejectedFile:
        raise
    except RecursionError:
        raise RejectedFile("PDF 文件已损坏（对象嵌套过深）", source=name) from None
    except LimitReachedError:
        raise RejectedFile(_BOMB_MESSAGE, source=name) from None
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise RejectedFile(
            f"PDF 文件已损坏，无法读取（{type(exc).__name__}）", source=name
        ) from None
    if not pages:
        raise RejectedFile("PDF 文件没有页面", source=name)
    return pages


def extract(data: bytes, name: str) -> list[str]:
    """Paragraphs of a PDF's text layer (or of its OCR), page furniture removed."""
    return extract_pages(data, name)[0]


def extract_pages(data: bytes, name: str) -> tuple[list[str], int]:
    """Paragraphs and the number of pages read by OCR (0 when the text layer was used).

    A PDF without a text layer is a scan: its pages are read by Tesseract (``archive.ocr``).
    """
    pages = read_pages(data, name)
    page_lines = [
        [line.rstrip() for line in text.replace("\r\n", "\n").splitlines() if line.strip()]
        for text in pages
    ]
    page_lines = strip_furniture(page_lines)
    lines = [line for page in page_lines for line in page]
    visible = sum(len(re.sub(r"\s", "", line)) for line in lines)
    if visible >= 20:
        return join_lines(lines), 0
    from archive import ocr

    if len(pages) <= ocr.MAX_OCR_PAGES:
        check_scan(data, name)
    scanned = ocr.recognise(data, name, len(pages))
    read = [[_blank_page_number(lines, i) for i in range(len(lines))] for lines in scanned.pages]
    lines = ocr.page_lines(read)
    if sum(len(re.sub(r"\s", "", line)) for line in lines) < 20:
        raise RejectedFile(
            f"PDF 没有文字层，OCR 也没有识别出文字（共 {len(pages)} 页）：可能是空白页或图片",
            source=name,
        )
    return join_lines(lines), len(pages)


# A scanned page draws one image: its content stream is a few dozen bytes. Anything bigger
# on a page without text is not a scan, and rendering it could take minutes and gigabytes.
MAX_SCAN_CONTENT = 64 * 1024
MAX_SCAN_PIXELS = 40_000_000  # an A4 page scanned at 600 dpi has 35 million


def check_scan(data: bytes, name: str) -> None:
    """Refuse, before rendering, a text-less PDF whose pages are not plain page images."""
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    try:
        with warnings.catch_warnings(), apply_configuration(**PYPDF_LIMITS):
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                reader.decrypt("")
            for number, page in enumerate(reader.pages, start=1):
                _check_scan_page(page, number, name)
    except RejectedFile:
        raise
    except LimitReachedError:
        raise RejectedFile(_BOMB_MESSAGE, source=name) from None
    except Exception as exc:  # the many kinds a damaged file raises
        raise RejectedFile(
            f"PDF 没有文字层，且页面内容无法安全读取（{type(exc).__name__}），不做 OCR",
            source=name,
        ) from None


def _check_scan_page(page: Any, number: int, name: str) -> None:
    contents = page.get_contents()
    size = len(contents.get_data()) if contents is not None else 0
    if size > MAX_SCAN_CONTENT:
        raise RejectedFile(
            f"PDF 没有文字层，但第 {number} 页的绘制指令多达 {size:,} 字节，不像扫描件，不做 OCR",
            source=name,
        )
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    for ref in xobjects.get_object().values() if xobjects is not None else []:
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            pixels = int(xobject.get("/Width", 0)) * int(xobject.get("/Height", 0))
            if pixels > MAX_SCAN_PIXELS:
                raise RejectedFile(
                    f"PDF 第 {number} 页的图像过大（{pixels:,} 像素，上限 {MAX_SCAN_PIXELS:,}），"
                    "不做 OCR",
                    source=name,
                )
        elif len(xobject.get_data()) > MAX_SCAN_CONTENT:
            raise RejectedFile(
                f"PDF 没有文字层，但第 {number} 页含过大的绘制指令，不像扫描件，不做 OCR",
                source=name,
            )


def _blank_page_number(lines: list[str], i: int) -> str:
    """OCR lines with a page number at the top or bottom edge blanked (a paragraph gap)."""
    kept = [k for k, line in enumerate(lines) if line]
    edges = set(kept[:_EDGE] + kept[-_EDGE:])
    return "" if i in edges and is_page_number(lines[i]) else lines[i]
