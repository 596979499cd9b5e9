"""Score search and similar problems against hand-made relevance files.

Judgments: ``[{"query": "FILE#N", "relevant": {"FILE#N": grade}}]`` (3 = same concrete
problem, 2 = same type, 1 = related). Queries: ``[{"query": "三重一大", "relevant":
["FILE#N", ...]}]``. FILE is the base name of an ingested source file, N a problem's n.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from archive.store import Archive
from indexer.errors import IndexerError
from indexer.searching import NoticeIndex
from indexer.similar import similar

REPO_DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DEFAULT_JUDGMENTS = REPO_DATA / "judgments.json"
DEFAULT_QUERIES = REPO_DATA / "queries.json"
REPO_ROOT = REPO_DATA.parents[1]

# Each split: its judgment and query files, and the notices its corpus holds (see
# tests/data/JUDGMENTS.md and tests/data/heldout/README.md).
SPLITS: dict[str, dict[str, Any]] = {
    "dev": {
        "judgments": DEFAULT_JUDGMENTS,
        "queries": DEFAULT_QUERIES,
        "corpus": [REPO_ROOT / "seeds", REPO_DATA / "notices"],
    },
    "heldout": {
        "judgments": REPO_DATA / "heldout" / "judgments.json",
        "queries": REPO_DATA / "heldout" / "queries.json",
        "corpus": [REPO_ROOT / "seeds", REPO_DATA / "heldout" / "notices"],
    },
    # A second tuning split: the vocabulary corpus, graded from topic labels
    # (tests/data/dev2/README.md).
    "dev2": {
        "judgments": REPO_DATA / "dev2" / "judgments.json",
        "queries": REPO_DATA / "dev2" / "queries.json",
        "corpus": [REPO_DATA / "corpus"],
    },
    # A second held-out split, written and graded blind to the knowledge files
    # (tests/data/heldout2/README.md).
    "heldout2": {
        "judgments": REPO_DATA / "heldout2" / "judgments.json",
        "queries": REPO_DATA / "heldout2" / "queries.json",
        "corpus": [REPO_ROOT / "seeds", REPO_DATA / "heldout2" / "notices"],
    },
}


def _load(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise IndexerError(f"无法读取 {path}：{exc.strerror}") from exc
    except ValueError as exc:
        raise IndexerError(f"{path} 不是有效的 JSON：{exc}") from exc
    if not isinstance(data, list):
        raise IndexerError(f"{path} 应为 JSON 数组")
    return data


class _Ids:
    """FILE#N ↔ problem id, through the archive's source names."""

    def __init__(self, data_dir: Path) -> None:
        with Archive(data_dir) as a:
            self.by_source = {s.source: s.id for s in a.summaries()}
        self.by_id = {v: k for k, v in self.by_source.items()}

    def problem_id(self, ref: str) -> str | None:
        name, _, n = ref.rpartition("#")
        nid = self.by_source.get(name)
        return f"{nid}-{n}" if nid and n.isdigit() else None

    def ref(self, problem_id: str) -> str:
        nid, _, n = problem_id.rpartition("-")
        return f"{self.by_id.get(nid, nid)}#{n}"


def ndcg(grades: list[int], ideal: list[int], k: int = 10) -> float:
    def dcg(gs: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gs[:k]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(grades) / best if best > 0 else 0.0


def build_corpus(split: str, directory: Path) -> Path:
    """Archive and index a split's own corpus in ``directory`` (scored on nothing else:
    another notice's problems are unjudged and would count as misses)."""
    from archive.store import Archive as WritableArchive
    from indexer.writing import build

    exts = {".txt", ".html", ".htm", ".docx", ".pdf"}
    with WritableArchive(directory) as a:
        for folder in SPLITS[split]["corpus"]:
            for path in sorted(Path(folder).iterdir()):
                if path.suffix.lower() in exts:
                    a.ingest_path(path)
    build(directory)
    return directory


def evaluate(
    index: NoticeIndex,
    judgments: Path | None = DEFAULT_JUDGMENTS,
    queries: Path | None = DEFAULT_QUERIES,
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The summary the CLI prints, and per-query details for tuning."""
    ids = _Ids(index.data_dir)
    out: dict[str, Any] = {}
    details: dict[str, list[dict[str, Any]]] = {"similar": [], "search": []}
    if judgments is not None:
        ndcgs, p1, n_p1 = [], [], 0
        listed, listed_good = 0, 0
        for j in _load(judgments):
            pid = ids.problem_id(j["query"])
            if pid is None:
                continue
            relevant = {k: int(v) for k, v in j.get("relevant", {}).items()}
            hits = similar(index, pid, limit=10)
            grades = [relevant.get(ids.ref(h.id), 0) for h in hits]
            score = ndcg(grades, list(relevant.values()))
            shown = [g for h, g in zip(hits, grades, strict=True) if h.confidence != "低"]
            listed += len(shown)
            listed_good += sum(1 for g in shown if g >= 2)
            ndcgs.append(score)
            if max(relevant.values(), default=0) >= 2:
                # p@1 asks for a grade >= 2 top-1: only problems that have one count.
                n_p1 += 1
                p1.append(1.0 if grades and grades[0] >= 2 else 0.0)
            details["similar"].append(
                {
                    "query": j["query"],
                    "ndcg@10": round(score, 4),
                    "top": [ids.ref(h.id) for h in hits[:3]],
                }
            )
        n = len(ndcgs)
        out["similar"] = {
            "ndcg@10": round(sum(ndcgs) / n, 4) if n else 0.0,
            "p@1": round(sum(p1) / n_p1, 4) if n_p1 else 0.0,
            "n": n,
            "p_at_1_n": n_p1,
            # What the cut-off lists by default: how many per problem, and how many of
            # those are grade >= 2.
            "listed_per_problem": round(listed / n, 2) if n else 0.0,
            "listed_precision": round(listed_good / listed, 4) if listed else 0.0,
        }
    if queries is not None:
        recalls, p5 = [], []
        for q in _load(queries):
            relevant = {ref for ref in q.get("relevant", [])}
            if not relevant:
                continue
            res = index.search(q["query"], kind="problem", per_page=20)
            # The first page as the user reads it: the matches, then (when they are few)
            # the problems like them listed below them (``neighbours``).
            top = [ids.ref(h.id) for h in [*res.hits, *res.similar][:20]]
            found = relevant & set(top)
            recalls.append(len(found) / len(relevant))
            p5.append(len(relevant & set(top[:5])) / min(5, len(relevant)))
            details["search"].append(
                {
                    "query": q["query"],
                    "recall@20": round(recalls[-1], 4),
                    "missed": sorted(relevant - found),
                }
            )
        n = len(recalls)
        out["search"] = {
            "recall@20": round(sum(recalls) / n, 4) if n else 0.0,
            "p@5": round(sum(p5) / n, 4) if n else 0.0,
            "n": n,
        }
    return out, details
