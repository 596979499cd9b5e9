"""Text of a scanned PDF (pages that are only images) by optical character recognition.

Pages are rendered with pdfium (the ``pypdfium2`` wheel) and read by the Tesseract
program with its simplified-Chinese model (Debian packages ``tesseract-ocr`` and
``tesseract-ocr-chi-sim``). Tesseract runs as a child process with a deadline, so a
long scan is bounded in time; a scan of more than ``MAX_OCR_PAGES`` pages is refused
before any page is rendered.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass

from archive.errors import RejectedFile

# Tesseract reads a notice page in 2–5 s on one core; 30 pages stay within a few minutes.
MAX_OCR_PAGES = 30
OCR_SECONDS = 300.0  # the whole document
PAGE_SECONDS = 90.0  # one page
# 300 dpi: characters of a 10.5–12 pt face come out ≈ 45 px high; at 200 dpi Tesseract
# misreads bracketed numbers such as (4) markedly more often, for hardly less time.
OCR_DPI = 300
MAX_PAGE_PIXELS = 35_000_000  # an A3 page at 300 dpi; larger pages are rendered smaller
LANGUAGE = "chi_sim"
BINARY_ENV = "NOTICES_TESSERACT"  # path of the tesseract program, if not the one on PATH
INSTALL_HINT = (
    "请安装 Tesseract 及其简体中文模型：apt-get install tesseract-ocr tesseract-ocr-chi-sim"
)


@dataclass
class OcrText:
    pages: list[list[str]]  # per page: lines, a blank string where Tesseract saw a paragraph gap
    seconds: float


def tesseract_binary(name: str) -> str:
    """The tesseract program to run, or a RejectedFile naming the packages to install."""
    configured = os.environ.get(BINARY_ENV)
    found = shutil.which(configured or "tesseract")
    if not found:
        where = (
            f"（{BINARY_ENV}={configured} 不存在）" if configured else "（PATH 中找不到 tesseract）"
        )
        raise RejectedFile(
            f"PDF 没有文字层，是扫描件，需要 OCR 识别，"
            f"但本机没有安装 Tesseract{where}：{INSTALL_HINT}",
            source=name,
        )
    return found


def _renderer(name: str):  # type: ignore[no-untyped-def]
    try:
        import pypdfium2
    except ImportError:
        raise RejectedFile(
            "PDF 没有文字层，是扫描件，OCR 需要 Python 包 pypdfium2："
            "pip install -r requirements.txt",
            source=name,
        ) from None
    return pypdfium2


def recognise(data: bytes, name: str, page_count: int) -> OcrText:
    """OCR every page of a PDF; refuses long scans and a missing Tesseract clearly."""
    if page_count > MAX_OCR_PAGES:
        raise RejectedFile(
            f"PDF 没有文字层，是扫描件，共 {page_count} 页，超过 OCR 上限 {MAX_OCR_PAGES} 页："
            "请提供带文字层的 PDF 或 .txt/.docx，或分成较短的文件",
            source=name,
        )
    binary = tesseract_binary(name)
    pdfium = _renderer(name)
    start = time.monotonic()
    try:
        document = pdfium.PdfDocument(data)
    except Exception as exc:  # pdfium refuses what pypdf tolerated
        raise RejectedFile(f"扫描件 PDF 无法渲染（{type(exc).__name__}）", source=name) from None
    pages: list[list[str]] = []
    try:
        for index in range(len(document)):
            left = OCR_SECONDS - (time.monotonic() - start)
            if left <= 0:
                raise RejectedFile(
                    f"扫描件 OCR 超时：{OCR_SECONDS:.0f} 秒内只识别了 {index} 页"
                    f"（共 {len(document)} 页）",
                    source=name,
                )
            image = _render(document[index])
            pages.append(_tesseract(binary, image, name, min(left, PAGE_SECONDS), index + 1))
    finally:
        document.close()
    return OcrText(pages=pages, seconds=time.monotonic() - start)


def _render(page) -> bytes:  # type: ignore[no-untyped-def]
    """A page as a grayscale PNG at OCR_DPI, smaller if the page is huge."""
    width, height = page.get_size()  # points
    scale = OCR_DPI / 72
    pixels = width * height * scale * scale
    if pixels > MAX_PAGE_PIXELS:
        scale *= (MAX_PAGE_PIXELS / pixels) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        buffer = io.BytesIO()
        bitmap.to_pil().save(buffer, "PNG")
    finally:
        bitmap.close()
        page.close()
    return buffer.getvalue()


def _tesseract(binary: str, png: bytes, name: str, seconds: float, number: int) -> list[str]:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # one core per page; ingest is sequential
    try:
        done = subprocess.run(
            [binary, "stdin", "stdout", "-l", LANGUAGE, "--psm", "6"],
            input=png,
            capture_output=True,
            timeout=seconds,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RejectedFile(
            f"扫描件 OCR 超时：第 {number} 页在 {seconds:.0f} 秒内未识别完", source=name
        ) from None
    except OSError as exc:
        raise RejectedFile(
            f"无法运行 Tesseract（{binary}：{exc.strerror or exc}）：{INSTALL_HINT}", source=name
        ) from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace")
        if LANGUAGE in err or "traineddata" in err:
            raise RejectedFile(
                "Tesseract 缺少简体中文模型（chi_sim）：apt-get install tesseract-ocr-chi-sim",
                source=name,
            )
        first = next((line for line in err.splitlines() if line.strip()), "")
        raise RejectedFile(
            f"Tesseract 识别第 {number} 页失败（退出码 {done.returncode}：{first[:120]}）",
            source=name,
        )
    text = done.stdout.decode("utf-8", "replace")
    return [tidy_line(line) for line in text.replace("\f", "").splitlines()]


# --------------------------------------------------------------------------- clean-up

_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_HALF_PUNCT = re.compile(rf"(?<=[{_CJK}])[,;:?!()]|[,;:?!()](?=[{_CJK}])")
# A bracketed Chinese numeral read with a look-alike opening bracket: 〈一) {二) [三）
_BRACKET_NUMERAL = re.compile(r"^[〈<{\[【（(]\s*([一二三四五六七八九十]{1,3})\s*[)）〉>}\]】]")
# A digit 1 read as a look-alike: (1D) (l2) 1]月 ]月17日 2021年1l月.
_ONE_LIKE = r"lI|\]D"  # a character class body
_BRACKET_NUMBER = re.compile(rf"^([（(])\s*([\d{_ONE_LIKE}]{{1,3}})\s*([)）])")
_ONE_IN_DATE = re.compile(
    rf"(?<![A-Za-z])[{_ONE_LIKE}](?=\d?[月日])|(?<=\d)[{_ONE_LIKE}](?=\d*[月日年])"
)


def tidy_line(line: str) -> str:
    """Undo Tesseract's habits on Chinese: spaces between characters, ASCII punctuation."""
    line = _SPACE_IN_CJK.sub("", line.strip())
    line = _SPACE_IN_CJK.sub("", _HALF_PUNCT.sub(lambda m: _HALF_TO_FULL[m.group()], line))
    line = _BRACKET_NUMERAL.sub(lambda m: f"（{m.group(1)}）", line)
    line = _BRACKET_NUMBER.sub(_bracket_number, line)
    return _ONE_IN_DATE.sub("1", line)


def _bracket_number(m: re.Match[str]) -> str:
    digits = m.group(2)
    if not any(c.isdigit() for c in digits):
        return m.group(0)  # (I) (D): a letter label, not a misread number
    close = ")" if m.group(1) == "(" else "）"  # Tesseract turns ")" before CJK into "）"
    return f"{m.group(1)}{re.sub(f'[{_ONE_LIKE}]', '1', digits)}{close}"


def page_lines(pages: list[list[str]]) -> list[str]:
    """All pages' lines in order; a line after a paragraph gap gets a leading ideographic
    space, the mark ``pdf_text.join_lines`` reads as an indented first line. A page's first
    line is left unmarked so a paragraph running over a page break is joined again."""
    out: list[str] = []
    for lines in pages:
        gap = False
        first = True
        for line in lines:
            if not line:
                gap = True
                continue
            out.append(("\u3000" + line) if gap and not first else line)
            gap = False
            first = False
    return out
