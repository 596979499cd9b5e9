"""``python -m indexer evaluate --split``: each split scored on its own corpus, p@1 over the
problems that have a grade >= 2 neighbour."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HELDOUT = REPO / "tests" / "data" / "heldout"


def _evaluate(*args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NOTICES_DATA"}
    res = subprocess.run(
        [sys.executable, "-m", "indexer", "evaluate", *args],
        cwd=REPO,
        env=dict(env, PYTHONUTF8="1"),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def _with_strong_neighbour(path: Path) -> tuple[int, int]:
    """(judged problems, those with a grade >= 2 neighbour), read from the file itself."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    strong = sum(1 for e in entries if max(e["relevant"].values(), default=0) >= 2)
    return len(entries), strong


def test_split_all_scores_every_split_on_its_own_corpus():
    out = _evaluate("--split", "all")
    assert set(out) == {"dev", "dev2", "heldout", "heldout2"}
    for name, judgments in (
        ("dev", REPO / "tests" / "data" / "judgments.json"),
        ("dev2", REPO / "tests" / "data" / "dev2" / "judgments.json"),
        ("heldout", HELDOUT / "judgments.json"),
        ("heldout2", REPO / "tests" / "data" / "heldout2" / "judgments.json"),
    ):
        sim = out[name]["similar"]
        assert {"ndcg@10", "p@1", "n", "p_at_1_n"} <= set(sim)
        judged, strong = _with_strong_neighbour(judgments)
        # Every judged problem is in the split's corpus: none is skipped as unknown.
        assert sim["n"] == judged
        assert sim["p_at_1_n"] == strong
        assert set(out[name]["search"]) == {"recall@20", "p@5", "n"}
        assert 0.5 < sim["ndcg@10"] <= 1.0 and 0.5 < sim["p@1"] <= 1.0
    # The held-out sets have problems whose only neighbours are related (grade 1).
    assert out["heldout"]["similar"]["p_at_1_n"] < out["heldout"]["similar"]["n"]
    assert out["heldout2"]["similar"]["p_at_1_n"] < out["heldout2"]["similar"]["n"]


@pytest.mark.parametrize("split", ["heldout2", "dev2"])
def test_topic_graded_judgments_are_what_their_labels_grade(tmp_path, split):
    """A split graded from topic labels (tests/data/topicgrades.py): the committed
    judgments and queries must be that computation's output."""
    here = REPO / "tests" / "data" / split
    subprocess.run(
        [sys.executable, str(REPO / "tests" / "data" / "topicgrades.py"), str(here), str(tmp_path)],
        check=True,
        capture_output=True,
        env=dict(os.environ, PYTHONUTF8="1"),
    )
    for name in ("judgments.json", "queries.json"):
        assert json.loads((tmp_path / name).read_text(encoding="utf-8")) == json.loads(
            (here / name).read_text(encoding="utf-8")
        ), name
