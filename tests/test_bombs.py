"""Decompression bombs and expansion attacks are refused quickly and in little memory.

Each bomb goes through ``python -m archive ingest`` in a child process; a small wrapper
process reports the child's peak RSS (``getrusage(RUSAGE_CHILDREN)``), so the figure is
the ingest's own, not the test runner's.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from archive.errors import RejectedFile
from archive.limits import MAX_PARAGRAPHS, MAX_TAGS
from archive.loaders import load_path
from tests.bombs import document, write_docx_bomb, write_pdf_bomb, write_zip

REPO_ROOT = Path(__file__).resolve().parents[1]
MAX_RSS_MB = 300
_WRAPPER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, encoding="utf-8")
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(done.returncode, peak // 1024)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
"""


def _ingest(path: Path, data: Path) -> tuple[int, int, str]:
    """(exit code, peak RSS in MB, stderr) of ``archive ingest`` on one file."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, sys.executable, "-m", "archive", "ingest", str(path)]
        + ["--data", str(data)],
        cwd=REPO_ROOT,
        env=dict(os.environ, PYTHONUTF8="1"),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    code, peak = map(int, done.stdout.splitlines()[0].split())
    return code, peak, done.stderr


def _refused(path: Path, tmp_path: Path, cause: str) -> int:
    code, peak, err = _ingest(path, tmp_path / "data")
    assert code == 1, err
    assert cause in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "data" / "archive.sqlite3").exists()  # nothing stored
    assert peak < MAX_RSS_MB, peak
    return peak


def _text(rng: random.Random, n: int) -> str:
    return "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(n))


def test_docx_inflating_to_600_mb_is_refused_by_its_directory(tmp_path: Path) -> None:
    head, tail = document("<w:p><w:r><w:t>")
    bomb = write_docx_bomb(
        tmp_path / "bomb.docx", head, " " * (1 << 20), 600, "</w:t></w:r></w:p>" + tail
    )
    assert bomb.stat().st_size < 1_000_000
    _refused(bomb, tmp_path, "DOCX 解压后过大（600 MiB，上限 64 MiB），可能是压缩炸弹")


def test_two_million_empty_paragraphs_are_refused(tmp_path: Path) -> None:
    head, tail = document()
    bomb = write_docx_bomb(tmp_path / "paras.docx", head, "<w:p/>" * 100_000, 20, tail)
    assert bomb.stat().st_size < 300_000
    _refused(bomb, tmp_path, "压缩比异常")


def test_paragraphs_past_the_limit_are_counted_while_streaming(tmp_path: Path) -> None:
    rng = random.Random(7)
    body = "".join(
        f"<w:p><w:r><w:t>{_text(rng, 4)}</w:t></w:r></w:p>" for _ in range(MAX_PARAGRAPHS + 1)
    )
    head, tail = document(body)
    bomb = write_docx_bomb(tmp_path / "many.docx", head, "", 0, tail)
    with pytest.raises(RejectedFile) as info:
        load_path(bomb)
    assert f"DOCX 段落过多（超过 {MAX_PARAGRAPHS:,} 段）" in info.value.reason


def test_elements_past_the_limit_are_counted_while_streaming(tmp_path: Path) -> None:
    rng = random.Random(8)
    runs = MAX_TAGS // 4 // 100 + 1
    body = "".join(
        "<w:p>" + "".join(f"<w:r><w:t>{_text(rng, 2)}</w:t></w:r>" for _ in range(100)) + "</w:p>"
        for _ in range(runs)
    )
    head, tail = document(body)
    bomb = write_docx_bomb(tmp_path / "tags.docx", head, "", 0, tail)
    with pytest.raises(RejectedFile) as info:
        load_path(bomb)
    assert f"DOCX 元素过多（超过 {MAX_TAGS:,} 个标签）" in info.value.reason


def test_a_member_lying_about_its_size_is_refused(tmp_path: Path) -> None:
    head, tail = document("<w:p><w:r><w:t>")
    honest = write_docx_bomb(
        tmp_path / "honest.docx", head, "巡察" * 1000, 100, "</w:t></w:r></w:p>" + tail
    )
    import zipfile

    with zipfile.ZipFile(honest) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    import zlib

    parts = []
    for info, raw in members:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        size = 1000 if info.filename == "word/document.xml" else len(raw)  # the lie
        parts.append((info.filename, c.compress(raw) + c.flush(), zlib.crc32(raw), size))
    liar = write_zip(tmp_path / "liar.docx", parts)
    with pytest.raises(RejectedFile) as info:
        load_path(liar)
    assert "DOCX 文件已损坏" in info.value.reason


def test_pdf_stream_inflating_to_184_mb_is_refused(tmp_path: Path) -> None:
    bomb = write_pdf_bomb(tmp_path / "bomb.pdf", b"BT /F1 12 Tf (x) Tj ET\n" * 40_000, 200)
    assert bomb.stat().st_size < 1_000_000
    _refused(bomb, tmp_path, "PDF 内容解压后过大或过于复杂（单个数据流上限 16 MB），可能是压缩炸弹")


def test_a_textless_pdf_full_of_drawing_is_not_sent_to_ocr(tmp_path: Path) -> None:
    bomb = write_pdf_bomb(tmp_path / "drawing.pdf", b"0 0 m 1 1 l S\n" * 10_000, 10)
    with pytest.raises(RejectedFile) as info:
        load_path(bomb)
    assert "不像扫描件，不做 OCR" in info.value.reason


def test_html_entities_are_never_expanded(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10))
    page = (
        f'<!DOCTYPE html [<!ENTITY e0 "巡察整改巡察整改">{entities}]>'
        "<html><body><p>&e9;</p><p>巡察整改情况通报</p></body></html>"
    )
    path = tmp_path / "laughs.html"
    path.write_text(page, encoding="utf-8")
    loaded = load_path(path)
    assert len(loaded.text) < 100  # 10⁹ copies would be 8 GB of text
    assert "巡察整改情况通报" in loaded.text


def test_deep_html_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 29_000 + "巡察" + "</div>" * 29_000, "utf-8")
    _refused(path, tmp_path, "嵌套过深")
