"""Similar problems: statement-first features, the routine-word stop-list, relevance and
the cut-off, the common problem fields of a hit, and similar-to-a-text. On a real archive
and index of the seeds and the test notices; expected neighbours come from the hand-made
judgments (tests/data/judgments.json), not from the code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive.store import Archive
from indexer import features as F
from indexer.evaluate import _Ids
from indexer.likeness import CUTOFF, HIGH, confidence
from indexer.searching import NoticeIndex
from indexer.similar import FLOOR, MAX_TEXT, confident, similar, similar_to_text
from indexer.writing import build

REPO = Path(__file__).resolve().parents[1]
JUDGMENTS = json.loads((REPO / "tests" / "data" / "judgments.json").read_text(encoding="utf-8"))
SEED = "000_15f829d25a69815d.txt"


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("similar") / "data"
    with Archive(d) as a:
        for folder in (REPO / "seeds", REPO / "tests" / "data" / "notices"):
            for path in sorted(folder.glob("*.txt")):
                a.ingest_path(path)
    build(d)
    return d


@pytest.fixture(scope="module")
def index(data: Path):
    with NoticeIndex(data, poll_interval=0) as idx:
        yield idx


@pytest.fixture(scope="module")
def ids(data: Path) -> _Ids:
    return _Ids(data)


def _grades(ref: str) -> dict[str, int]:
    return next(j["relevant"] for j in JUDGMENTS if j["query"] == ref)


def test_routine_words_of_the_stop_list_are_not_looked_for():
    stop = F.load_stopwords()
    assert {"学习", "责任", "领导", "流于形式"} <= stop
    wanted = dict(F.query_features("理论学习不深入、主体责任落实不到位"))
    assert "W:理论学习" in wanted and "W:主体责任" in wanted
    assert not {f"W:{w}" for w in stop} & set(wanted)


def test_the_statement_sentence_is_a_feature_beside_the_title():
    text = (
        "针对“规划编制滞后”问题。\n问题：专项规划迟迟未完成编制，生态旅游资源底数不清。\n"
        "整改措施：①成立专班。"
    )
    feats = F.features("规划编制滞后", (), (), body=text)
    assert "W:生态旅游" in feats and "W:规划" in feats
    assert "B:旅游" in feats and "B:底数" in feats  # the statement's bigrams too
    # Measures are not the statement: 专班 is only looked for as a rare body word.
    assert "W:专班" not in feats
    wanted = dict(F.query_features("规划编制滞后", (), (), body=text))
    assert wanted["W:生态旅游"] == F.STATEMENT_BOOST and wanted["W:规划"] == F.WORD_BOOST


def test_relevance_confidence_and_cut_off(index, ids):
    seen = set()
    for j in JUDGMENTS[::7]:
        hits = similar(index, ids.problem_id(j["query"]), limit=10)
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)
        for i, h in enumerate(hits):
            assert 0.0 <= h.relevance <= 1.0
            standout = i == 0 and h.relevance >= FLOOR and h.confidence == "中"
            assert h.confidence == confidence(h.relevance) or standout
            seen.add(h.confidence)
        shown = confident(hits)
        assert all(h.relevance >= CUTOFF for h in shown[1:])
        assert shown == hits[: len(shown)]  # the cut-off keeps a prefix of the ranking
    assert seen == {"高", "中", "低"}
    assert confidence(HIGH) == "高" and confidence(CUTOFF) == "中"


def test_what_is_shown_as_shared_is_really_shared(index, ids):
    for j in JUDGMENTS[::5]:
        pid = ids.problem_id(j["query"])
        own = index.document(pid)
        own_types = set((own.get("types") or "").split(","))
        for h in similar(index, pid, limit=10):
            assert set(h.shared_types) <= own_types & set(h.type_codes)
            assert len(h.shared_type_labels) == len(h.shared_types)
            other = index.document(h.id)
            for term in h.shared_terms:
                assert term in other["text"] or term in other["title"]
                assert term in own["text"] or term in own["title"]
                assert term not in F.load_stopwords()


def test_a_hit_carries_the_common_problem_fields(index, ids):
    pid = ids.problem_id(f"{SEED}#11")
    hit = similar(index, pid, limit=3)[0]
    doc = index.document(hit.id)
    assert (hit.organisation, hit.title, hit.number) == (
        doc["organisation"],
        doc["title"],
        doc["number"],
    )
    assert hit.inspector == doc["inspector"] and hit.published_date == doc["published_date"]
    assert hit.measures == list(doc["measures"]) and hit.statement
    assert hit.statement.replace("“", "").replace("”", "")[:4] in doc["text"].replace(
        "“", ""
    ).replace("”", "")
    d = hit.to_dict()
    assert {"types", "type_labels", "relevance", "confidence", "statement"} <= set(d)
    assert all(isinstance(t, str) for t in d["types"])


def test_similar_to_a_problem_s_own_text_finds_it_first(index, ids):
    pid = ids.problem_id(f"{SEED}#11")  # (11) 公务接待不规范
    doc = index.document(pid)
    hits = similar_to_text(index, doc["text"], limit=10)
    assert hits[0].id == pid and hits[0].confidence == "高"
    grades = _grades(f"{SEED}#11")
    others = [ids.ref(h.id) for h in hits[1:4]]
    assert all(grades.get(r, 0) >= 2 for r in others), others


def test_similar_to_a_short_draft_finding(index, ids):
    hits = confident(similar_to_text(index, "村级报账手续不全，部分支出缺少审批签字和原始票据"))
    assert hits
    # The judged neighbours of 004#17 (财务支付手续不全) are what such a finding is about.
    grades = _grades("004_b1ce438446146357.txt#17")
    refs = [ids.ref(h.id) for h in hits[:2]]
    assert all(grades.get(r, 0) >= 2 or r.startswith("004_") for r in refs), refs


def test_a_text_too_long_or_empty(index):
    with pytest.raises(ValueError, match="过长"):
        similar_to_text(index, "公" * (MAX_TEXT + 1))
    assert similar_to_text(index, "   ") == []
    assert len(similar_to_text(index, "公务接待" * (MAX_TEXT // 4))) > 0


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "indexer", "similar", *args, "--data", str(data)],
        cwd=REPO,
        env=dict(os.environ, PYTHONUTF8="1"),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_cli_similar_text_json_and_cut_off(data, ids):
    res = _cli(data, "--text", "公务接待无公函、超标准列支接待费用", "--json", "--all")
    assert res.returncode == 0, res.stderr
    every = json.loads(res.stdout)
    assert len(every) == 10
    res = _cli(data, "--text", "公务接待无公函、超标准列支接待费用", "--json")
    shown = json.loads(res.stdout)
    assert shown == [h for h in every if h["confidence"] != "低"]
    assert all(h["relevance"] >= CUTOFF for h in shown[1:])
    grades = _grades(f"{SEED}#11")
    assert all(
        grades.get(ids.ref(h["id"]), 0) >= 2 or h["id"] == ids.problem_id(f"{SEED}#11")
        for h in shown[:3]
    )
    res = _cli(data, "--text", "公务接待无公函")
    assert res.returncode == 0 and "公务接待" in res.stdout


def test_a_standout_best_match_is_listed_in_a_small_archive(tmp_path):
    """Two notices only: idf is low everywhere, so relevance stays small, but the best match
    of 基层党组织建设 (000#16) stands far above the rest and is listed."""
    d = tmp_path / "data"
    with Archive(d) as a:
        for path in sorted((REPO / "seeds").glob("*.txt")):
            a.ingest_path(path)
    build(d)
    ids = _Ids(d)
    with NoticeIndex(d, poll_interval=0) as idx:
        every = similar(idx, ids.problem_id(f"{SEED}#16"), limit=10)
    shown = confident(every)
    assert [ids.ref(h.id) for h in shown] == ["004_b1ce438446146357.txt#6"]
    assert _grades(f"{SEED}#16")["004_b1ce438446146357.txt#6"] >= 2
    assert len(every) > len(shown)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "二者选一"),
        (("x-1", "--text", "公务接待"), "二者选一"),
        (("--text", "  "), "空的"),
        (("--text", "公" * (MAX_TEXT + 1)), "过长"),
    ],
)
def test_cli_similar_argument_errors(data, args, message):
    res = _cli(data, *args)
    assert res.returncode == 1 and message in res.stderr and "Traceback" not in res.stderr
