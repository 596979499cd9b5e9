"""The benchmark corpus generator: same bytes for a seed, files the archive accepts, and rare
terms exactly where its manifest says (and nowhere else)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import archive
from archive.normalize import normalize
from bench.corpus import extra_notice, generate

N = 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("corpus")
    return out, generate(out, N, seed=1)


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def test_same_seed_same_bytes(corpus: tuple[Path, dict], tmp_path: Path) -> None:
    out, _ = corpus
    again = tmp_path / "again"
    generate(again, N, seed=1)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    assert len(names) == N + 1  # the notices and manifest.json
    for name in names:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_other_seed_other_notices(corpus: tuple[Path, dict], tmp_path: Path) -> None:
    out, _ = corpus
    other = tmp_path / "other"
    generate(other, 3, seed=2)
    mine = {p.read_bytes() for p in out.glob("*.txt")}
    assert not mine & {p.read_bytes() for p in other.glob("*.txt")}


def test_encodings_and_line_ends(corpus: tuple[Path, dict]) -> None:
    out, manifest = corpus
    by_index = {int(f["file"][:5]): (out / f["file"]).read_bytes() for f in manifest["files"]}
    gb = by_index[3]
    with pytest.raises(UnicodeDecodeError):
        gb.decode("utf-8")
    assert "巡" in gb.decode("gb18030")
    assert by_index[7].startswith(b"\xef\xbb\xbf") and b"\r\n" in by_index[7]
    assert b"\r\n" in by_index[11] and not by_index[11].startswith(b"\xef\xbb\xbf")
    assert b"\r" not in by_index[0]
    by_index[0].decode("utf-8")


def test_every_file_parses_with_the_stated_problems(corpus: tuple[Path, dict]) -> None:
    out, manifest = corpus
    assert len(manifest["files"]) == N
    for f in manifest["files"]:
        notice = archive.parse_file(out / f["file"])
        assert len(notice.problems) == f["problems"], f["file"]
        assert 8 <= f["problems"] <= 20
        assert notice.organisation and notice.published_date


def test_rare_terms_exactly_where_the_manifest_says(corpus: tuple[Path, dict]) -> None:
    out, manifest = corpus
    seeds_dir = Path(__file__).resolve().parents[1] / "seeds"
    seeds = "".join(p.read_text(encoding="utf-8") for p in seeds_dir.glob("*.txt"))
    terms = [t["term"] for t in manifest["rare_terms"]]
    assert terms and len(set(terms)) == len(terms)
    assert all(2 <= len(t) <= 6 for t in terms)
    assert not any(c in seeds for t in terms for c in t)
    texts = {f["file"]: _decoded((out / f["file"]).read_bytes()) for f in manifest["files"]}
    parsed = {name: archive.parse_file(out / name) for name in texts}
    for entry in manifest["rare_terms"]:
        term = entry["term"]
        expected = {(o["file"], o["problem"]) for o in entry["occurrences"]}
        assert expected
        assert {name for name, text in texts.items() if term in text} == {f for f, _ in expected}
        found = {
            (name, p.n)
            for name, notice in parsed.items()
            for p in notice.problems
            if term in normalize(p.text)
        }
        assert found == expected, term


def test_extra_notice_is_new_and_accepted(corpus: tuple[Path, dict], tmp_path: Path) -> None:
    out, manifest = corpus
    path = extra_notice(tmp_path, N, seed=1)
    assert path.name not in {f["file"] for f in manifest["files"]}
    assert archive.parse_file(path).problems
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["n"] == N
