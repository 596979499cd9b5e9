"""Scanned PDFs: read by Tesseract, parsed like their text, refused clearly when OCR cannot run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive.errors import RejectedFile
from archive.loaders import load_path
from archive.ocr import MAX_OCR_PAGES, tidy_line
from archive.pipeline import load_and_parse
from tests.scans import cjk_font, write_blank_scan, write_scan

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTICE = REPO_ROOT / "tests" / "data" / "notices" / "h_village_short_items.txt"


@pytest.fixture(scope="module")
def font() -> tuple[str, int]:
    found = cjk_font()
    if found is None:
        pytest.skip("no Noto CJK font: run .ci/browser-deps (fonts-noto-cjk)")
    return found


def _paragraphs() -> list[str]:
    return [line.strip() for line in NOTICE.read_text("utf-8").splitlines() if line.strip()]


def _parse(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archive", "parse", *args],
        cwd=REPO_ROOT,
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


@pytest.mark.slow
def test_scanned_pdf_gives_the_same_problems_as_its_text(tmp_path: Path, font) -> None:
    scan = tmp_path / "scan.pdf"
    assert write_scan(_paragraphs(), scan, font) == 2
    assert load_path(scan).format == "pdf"
    loaded, scanned = load_and_parse(scan)
    _, typed = load_and_parse(NOTICE)

    assert loaded.ocr_pages == 2
    assert scanned.ocr is True and typed.ocr is False
    assert any("OCR" in w for w in scanned.warnings)
    assert len(scanned.problems) == len(typed.problems) == 11
    assert [p.title for p in scanned.problems] == [p.title for p in typed.problems]
    assert [len(p.measures) for p in scanned.problems] == [len(p.measures) for p in typed.problems]
    for field in ("title", "organisation", "inspector", "feedback_date", "published_date"):
        assert getattr(scanned, field) == getattr(typed, field), field
    # Small character differences are allowed in the text, not large ones.
    typed_chars = sum(len(p.text) for p in typed.problems)
    scanned_chars = sum(len(p.text) for p in scanned.problems)
    assert abs(typed_chars - scanned_chars) <= typed_chars // 50


def test_missing_tesseract_binary_is_named_not_a_traceback(tmp_path: Path) -> None:
    scan = write_blank_scan(tmp_path / "scan.pdf", 1)
    env = dict(os.environ, NOTICES_TESSERACT=str(tmp_path / "no-such" / "tesseract"))
    done = _parse(str(scan), env=env)
    assert done.returncode == 2
    assert "tesseract-ocr tesseract-ocr-chi-sim" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_tesseract_not_on_path_is_named(tmp_path: Path) -> None:
    scan = write_blank_scan(tmp_path / "scan.pdf", 1)
    env = {k: v for k, v in os.environ.items() if k != "NOTICES_TESSERACT"}
    env["PATH"] = str(tmp_path)  # a folder without tesseract; python is run by full path
    done = _parse(str(scan), env=env)
    assert done.returncode == 2
    assert "PATH 中找不到 tesseract" in done.stderr
    assert "apt-get install tesseract-ocr tesseract-ocr-chi-sim" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_long_scan_is_refused_before_any_page_is_read(tmp_path: Path) -> None:
    scan = write_blank_scan(tmp_path / "long.pdf", MAX_OCR_PAGES + 1, size=(40, 56))
    with pytest.raises(RejectedFile) as info:
        load_path(scan)
    assert f"共 {MAX_OCR_PAGES + 1} 页" in info.value.reason
    assert f"OCR 上限 {MAX_OCR_PAGES} 页" in info.value.reason


def test_a_blank_scan_is_refused(tmp_path: Path) -> None:
    scan = write_blank_scan(tmp_path / "blank.pdf", 1)
    with pytest.raises(RejectedFile) as info:
        load_path(scan)
    assert "OCR 也没有识别出文字" in info.value.reason


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("国 定 每 月 10 日 为 主", "国定每月10日为主"),
        ("党日; 二是由镇", "党日；二是由镇"),
        ("〈一) 基层党组织建设方面", "（一）基层党组织建设方面"),
        ("(二) 村务管理方面", "（二）村务管理方面"),
        ("联系电话: 0556-8721305。", "联系电话：0556-8721305。"),
        ("Page 3 of 10", "Page 3 of 10"),
    ],
)
def test_tesseract_habits_on_chinese_are_undone(raw: str, tidy: str) -> None:
    assert tidy_line(raw) == tidy
