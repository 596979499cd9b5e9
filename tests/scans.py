"""Scanned PDFs for tests: text drawn into page images with a CJK font, pages wrapped in a
PDF that has no text layer (Pillow writes it), as a scanner would produce."""

from __future__ import annotations

import glob
from pathlib import Path

FONT_GLOBS = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/**/Noto*CJK*Regular*.tt[cf]",
)
DPI = 200
_NO_LINE_START = "，。、；：？！）》”’"


def cjk_font() -> tuple[str, int] | None:
    """A Noto CJK face and the index of its simplified-Chinese member, if installed."""
    from PIL import ImageFont

    for pattern in FONT_GLOBS:
        for path in sorted(glob.glob(pattern, recursive=True)):
            for index in range(6):
                try:
                    face = ImageFont.truetype(path, 12, index=index)
                except OSError:
                    break
                if face.getname()[0].endswith("SC"):
                    return path, index
    return None


def _px(points: float) -> int:
    return round(points * DPI / 72)


def write_scan(paragraphs: list[str], path: Path, font: tuple[str, int]) -> int:
    """Draw paragraphs on A4 page images (12 pt, first-line indent) and save them as a PDF.
    Returns the number of pages."""
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(font[0], _px(12), index=font[1])
    width, height = _px(595), _px(842)
    margin, leading, indent = _px(72), _px(20), _px(24)
    lines: list[tuple[int, str]] = []
    for paragraph in paragraphs:
        current, offset = "", indent
        for ch in paragraph:
            room = width - 2 * margin - offset
            if current and ch not in _NO_LINE_START and face.getlength(current + ch) > room:
                lines.append((offset, current))
                current, offset = ch, 0
            else:
                current += ch
        if current:
            lines.append((offset, current))
    per_page = (height - 2 * margin) // leading
    pages = []
    for start in range(0, len(lines), per_page):
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        y = margin
        for offset, line in lines[start : start + per_page]:
            draw.text((margin + offset, y), line, font=face, fill=0)
            y += leading
        pages.append(image)
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=DPI)
    return len(pages)


def write_blank_scan(path: Path, pages: int, size: tuple[int, int] = (200, 280)) -> Path:
    """Image-only pages with nothing on them."""
    from PIL import Image

    images = [Image.new("L", size, 255) for _ in range(pages)]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=DPI)
    return path
