"""Scanned PDFs: read by Tesseract, parsed like their text, refused clearly when OCR cannot run."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from archive.errors import RejectedFile
from archive.loaders import load_path
from archive.ocr import MAX_OCR_PAGES, tidy_line
from archive.pipeline import load_and_parse
from tests.scans import cjk_font, write_blank_scan, write_scan

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTICE = REPO_ROOT / "tests" / "data" / "notices" / "s3_street.txt"


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


def _differing_chars(a: str, b: str) -> int:
    """Characters to change, insert or delete to turn one text into the other (roughly),
    punctuation width aside (the typed notices mix half- and full-width marks)."""
    a, b = unicodedata.normalize("NFKC", a), unicodedata.normalize("NFKC", b)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return max(len(a), len(b)) - sum(block.size for block in matcher.get_matching_blocks())


@pytest.mark.slow
def test_scanned_pdf_gives_the_same_problems_as_its_text(tmp_path: Path, font) -> None:
    scan = tmp_path / "scan.pdf"
    assert write_scan(_paragraphs(), scan, font) == 2
    loaded, scanned = load_and_parse(scan)
    _, typed = load_and_parse(NOTICE)

    assert loaded.ocr_pages == 2 and loaded.format == "pdf"
    assert scanned.ocr is True and typed.ocr is False
    assert any("OCR" in w for w in scanned.warnings)
    assert len(scanned.problems) == len(typed.problems) == 11
    assert [p.title for p in scanned.problems] == [p.title for p in typed.problems]
    assert [len(p.measures) for p in scanned.problems] == [len(p.measures) for p in typed.problems]
    for field in ("organisation", "inspector", "feedback_date", "published_date"):
        assert getattr(scanned, field) == getattr(typed, field), field
    # Small character differences are allowed in the text, not large ones.
    assert _differing_chars(scanned.title or "", typed.title or "") <= 2
    typed_text = "".join(p.text for p in typed.problems)
    scanned_text = "".join(p.text for p in scanned.problems)
    assert _differing_chars(scanned_text, typed_text) <= len(typed_text) // 50


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
        ("(1D)针对公务接待不规范问题", "(11)针对公务接待不规范问题"),
        ("(l2)针对", "(12)针对"),
        ("(I)针对", "(I）针对"),
        ("2021年1]月16日至12月16日", "2021年11月16日至12月16日"),
        ("。]月17日，市委", "。1月17日，市委"),
        ("Dell公司1月", "Dell公司1月"),
    ],
)
def test_tesseract_habits_on_chinese_are_undone(raw: str, tidy: str) -> None:
    assert tidy_line(raw) == tidy
