"""The indexer's command line, run as real processes on a real archive and index."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import main
from indexer.writing import STATE_FILE, State, index_dir, sync
from tests.builtonce import corpus

REPO = Path(__file__).resolve().parents[1]
COMMANDS = ["build", "sync", "search", "similar", "check", "evaluate"]


def run(data: Path, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NOTICES_DATA=str(data), PYTHONUTF8="1")
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=check,
    )


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    """The seeds and every test notice, archived and indexed (shared with other modules,
    tests/builtonce.py); the tests here only read it."""
    return corpus(tmp_path_factory)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "示例: python -m indexer " + command in result.output
    assert "--data" in result.output
    assert f"python -m indexer {command}" in (REPO / "README.md").read_text(encoding="utf-8")


def test_evaluate_meets_the_quality_bars(full):
    out = run(full, "-m", "indexer", "evaluate", "--data", str(full), "--json", check=True)
    scores = json.loads(out.stdout)
    assert set(scores) == {"similar", "search"}
    assert {"ndcg@10", "p@1", "n"} <= set(scores["similar"])
    assert set(scores["search"]) == {"recall@20", "p@5", "n"}
    assert scores["similar"]["n"] >= 30 and scores["search"]["n"] >= 25
    assert scores["similar"]["ndcg@10"] >= 0.85
    assert scores["similar"]["p@1"] >= 0.9
    assert scores["search"]["recall@20"] >= 0.9


def test_similar_on_the_seeds_examples(tmp_path):
    d = tmp_path / "data"
    run(d, "-m", "archive", "ingest", "--data", str(d), "seeds", check=True)
    out = run(d, "-m", "archive", "list", "--data", str(d), "--json", check=True)
    ids = {n["source"]: n["id"] for n in json.loads(out.stdout)}
    huaibei, luohu = ids["000_15f829d25a69815d.txt"], ids["004_b1ce438446146357.txt"]
    for a, b in ((10, 17), (5, 3), (16, 6)):
        res = run(d, "-m", "indexer", "similar", f"{huaibei}-{a}", "--json", "--data", str(d))
        hits = [h["id"] for h in json.loads(res.stdout)]
        assert f"{luohu}-{b}" in hits[:3], (a, b, hits)
        assert all(not h.startswith(huaibei) for h in hits)


def test_search_json_shape(full):
    res = run(
        full, "-m", "indexer", "search", "三重一大", "--json", "--limit", "3", "--data", str(full)
    )
    assert res.returncode == 0, res.stderr
    r = json.loads(res.stdout)
    assert r["total"] >= 3 and len(r["hits"]) == 3
    hit = r["hits"][0]
    for key in ("id", "notice_id", "organisation", "title", "snippet", "types", "score"):
        assert key in hit
    assert "<mark>三重一大</mark>" in "".join(h["snippet"] for h in r["hits"])
    assert {"organisation", "year", "types", "province"} <= set(r["facets"])


def test_unknown_problem_is_a_clean_error(full):
    res = run(full, "-m", "indexer", "similar", "nope-1", "--data", str(full))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr and "没有编号为 nope-1 的问题" in res.stderr


def test_check_reports_drift_and_sync_repairs_it(tmp_path):
    d = tmp_path / "data"
    run(d, "-m", "archive", "ingest", "--data", str(d), "seeds", check=True)
    assert run(d, "-m", "indexer", "check", "--data", str(d)).returncode == 1  # no index yet
    run(d, "-m", "indexer", "build", "--data", str(d), check=True)
    ok = run(d, "-m", "indexer", "check", "--data", str(d))
    assert ok.returncode == 0 and "一致" in ok.stdout
    listing = json.loads(run(d, "-m", "archive", "list", "--json", "--data", str(d)).stdout)
    gone = listing[0]["id"]
    run(d, "-m", "archive", "remove", gone, "--data", str(d), check=True)
    drift = run(d, "-m", "indexer", "check", "--data", str(d))
    assert (
        drift.returncode == 1 and gone in drift.stdout and "python -m indexer sync" in drift.stderr
    )
    synced = run(d, "-m", "indexer", "sync", "--data", str(d))
    assert synced.returncode == 0 and "删除 1" in synced.stdout
    assert run(d, "-m", "indexer", "check", "--data", str(d)).returncode == 0


def test_a_changed_fingerprint_triggers_a_rebuild(tmp_path):
    d = tmp_path / "data"
    run(d, "-m", "archive", "ingest", "--data", str(d), "seeds", check=True)
    assert sync(d).mode == "build"
    assert sync(d).mode == "none"
    state = State.read(index_dir(d))
    State(state.revision, "built-with-another-dictionary").write(index_dir(d))
    assert sync(d).mode == "build"


def test_a_damaged_index_is_reported_then_rebuilt(tmp_path):
    d = tmp_path / "data"
    run(d, "-m", "archive", "ingest", "--data", str(d), "seeds", check=True)
    sync(d)
    for f in index_dir(d).glob("*.toc"):
        f.write_bytes(b"garbage")
    res = run(d, "-m", "indexer", "check", "--data", str(d))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert "索引文件损坏" in res.stderr and "python -m indexer build" in res.stderr
    # A search (or sync) rebuilds it from the archive.
    searched = run(d, "-m", "indexer", "search", "公务接待", "--data", str(d))
    assert searched.returncode == 0 and "公务接待不规范" in searched.stdout
    assert run(d, "-m", "indexer", "check", "--data", str(d)).returncode == 0
    shutil.rmtree(index_dir(d))
    assert run(d, "-m", "indexer", "search", "公务", "--data", str(d)).returncode == 0
    assert (index_dir(d) / STATE_FILE).exists()


def test_an_archive_emptied_by_removal_checks_syncs_and_searches(tmp_path):
    d = tmp_path / "data"
    seed = REPO / "seeds" / "000_15f829d25a69815d.txt"
    run(d, "-m", "archive", "ingest", "--data", str(d), str(seed), check=True)
    listed = run(d, "-m", "archive", "list", "--data", str(d), check=True).stdout
    nid = re.search(r"\b[0-9a-f]{16}\b", listed).group(0)
    run(d, "-m", "archive", "remove", "--data", str(d), nid, check=True)
    # The first index this archive gets is empty: Whoosh's reader then has no columns.
    for args in (("sync",), ("check",), ("search", "整改")):
        res = run(d, "-m", "indexer", args[0], "--data", str(d), *args[1:])
        assert res.returncode == 0, (args, res.stderr)
        assert "内部错误" not in res.stderr
    (index_dir(d) / STATE_FILE).unlink()  # sync must also cope without its saved state
    res = run(d, "-m", "indexer", "sync", "--data", str(d))
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize("suffix", [".pst", ".trm"])
def test_sync_repairs_a_truncated_segment_file(seeded_data, tmp_path, suffix):
    """`truncate -s 50` on the postings or the terms file: check reports the damage and
    sync rebuilds (it once answered 索引已是最新)."""
    # A copy of the seeds archived and built with the CLI (tests/conftest.py): this test damages it.
    d = Path(shutil.copytree(seeded_data, tmp_path / "data"))
    victims = sorted(index_dir(d).glob(f"MAIN_*{suffix}"))
    assert victims, sorted(p.name for p in index_dir(d).iterdir())
    subprocess.run(["truncate", "-s", "50", str(victims[0])], check=True)
    assert victims[0].stat().st_size == 50
    checked = run(d, "-m", "indexer", "check", "--data", str(d))
    assert checked.returncode == 1 and "损坏" in checked.stderr, checked.stderr
    synced = run(d, "-m", "indexer", "sync", "--data", str(d))
    assert synced.returncode == 0, synced.stderr
    assert "已重建索引" in synced.stdout and "索引已是最新" not in synced.stdout
    assert run(d, "-m", "indexer", "check", "--data", str(d)).returncode == 0
    found = run(d, "-m", "indexer", "search", "公务接待", "--data", str(d), check=True)
    assert "公务接待不规范" in found.stdout
    again = run(d, "-m", "indexer", "sync", "--data", str(d), check=True)
    assert "索引已是最新" in again.stdout


def test_a_batched_sync_makes_an_ingest_searchable_step_by_step(tmp_path):
    from indexer.refresher import sync_in_batches
    from indexer.writing import indexed_notice_ids, open_or_create

    def indexed() -> int:
        with open_or_create(d).searcher() as s:
            return len(indexed_notice_ids(s))

    d = tmp_path / "data"
    seeds = sorted((REPO / "seeds").glob("*.txt"))
    notices = sorted((REPO / "tests" / "data" / "notices").glob("s*.txt"))[:3]
    run(d, "-m", "archive", "ingest", "--data", str(d), *map(str, seeds), check=True)
    assert sync(d).mode == "build"
    run(d, "-m", "archive", "ingest", "--data", str(d), *map(str, notices), check=True)
    first = sync(d, merge=False, batch=1)
    assert first.mode == "sync" and len(first.added) == 1
    assert State.read(index_dir(d)).revision == first.revision < 2 + len(notices)
    assert indexed() == 3
    assert sync_in_batches(d, batch=1) == len(notices) - 1
    assert indexed() == 2 + len(notices)
    assert run(d, "-m", "indexer", "check", "--data", str(d)).returncode == 0
