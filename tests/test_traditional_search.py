"""A traditional-character copy is found by words typed in simplified characters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import opencc

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_15f829d25a69815d.txt"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=300
    )


def test_notice_search_finds_a_traditional_copy(tmp_path: Path) -> None:
    traditional = opencc.OpenCC("s2t").convert(SEED.read_text(encoding="utf-8"))
    # The words searched for appear only in the notice's opening, and only in traditional form.
    assert "領導小組" in traditional and "领导小组" not in traditional
    src = tmp_path / "traditional.txt"
    src.write_text(traditional, encoding="utf-8")
    data = str(tmp_path / "data")
    assert _run("archive", "ingest", "--data", data, str(src)).returncode == 0
    assert _run("indexer", "build", "--data", data).returncode == 0
    for query in ("领导小组", '"整改工作领导小组"'):
        out = _run("indexer", "search", query, "--kind", "notice", "--json", "--data", data)
        assert out.returncode == 0, out.stderr
        hits = json.loads(out.stdout)["hits"]
        assert [h["organisation"] for h in hits] == ["淮北市红十字会"], query
