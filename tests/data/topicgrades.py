"""Grade a split from its topic labels (run from the repository root).

    python tests/data/topicgrades.py SPLIT_DIR [OUT_DIR]

Reads every ``topics_*.tsv``, ``kinds_*.tsv`` and ``queries_*.tsv`` in SPLIT_DIR and
``tests/data/heldout2/neighbours.tsv``, parses the split's notices (``corpus.txt`` in SPLIT_DIR
lists their folders, relative to the repository; seed problems are judged as targets, not
used as queries) and writes ``judgments.json`` and ``queries.json`` (to OUT_DIR, default
SPLIT_DIR) in the format of ``tests/data/judgments.json`` and ``tests/data/queries.json``.
The rules are those of ``tests/data/JUDGMENTS.md``; no ranking system is involved: only the
labels and, for keyword queries, plain string containment.
"""

from __future__ import annotations

import csv
import json
import sys
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NEIGHBOURS = REPO / "tests" / "data" / "heldout2" / "neighbours.tsv"
sys.path.insert(0, str(REPO))

from archive import parse_file  # noqa: E402
from archive.normalize import normalize  # noqa: E402

SEEDS = sorted((REPO / "seeds").glob("*.txt"))


def _rows(here: Path, pattern: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for path in sorted(here.glob(pattern)):
        with path.open(encoding="utf-8", newline="") as f:
            out.extend(csv.DictReader(f, delimiter="\t"))
    return out


def _split(cell: str | None) -> set[str]:
    cell = (cell or "").replace("；", ";").replace("，", ";").replace(",", ";")
    return {t.strip() for t in cell.split(";") if t.strip()}


def load_labels(here: Path) -> tuple[dict[str, dict[str, set[str]]], dict[str, tuple[str, int]]]:
    labels: dict[str, dict[str, set[str]]] = {}
    for r in _rows(here, "topics_*.tsv"):
        labels[r["key"].strip()] = {
            "primary": _split(r["primary"]),
            "secondary": _split(r["secondary"]),
            "mentioned": _split(r["mentioned"]),
        }
    kinds: dict[str, tuple[str, int]] = {}
    for r in _rows(here, "kinds_*.tsv"):
        topic, kind, grade = r["topic"].strip(), r["kind"].strip(), int(r["shared_primary_grade"])
        if topic in kinds and kinds[topic] != (kind, grade):
            raise SystemExit(f"topic {topic} has two kinds: {kinds[topic]} and {(kind, grade)}")
        kinds[topic] = (kind, grade)
    missing = {t for lab in labels.values() for part in lab.values() for t in part} - set(kinds)
    if missing:
        raise SystemExit(f"topics without a kind: {sorted(missing)}")
    return labels, kinds


def load_neighbours() -> set[frozenset[str]]:
    out: set[frozenset[str]] = set()
    for line in NEIGHBOURS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            group = [k.strip() for k in line.split("\t") if k.strip()]
            out.update(frozenset(p) for p in combinations(group, 2))
    return out


def grade(
    a: dict[str, set[str]],
    b: dict[str, set[str]],
    kinds: dict[str, tuple[str, int]],
    neighbours: set[frozenset[str]],
) -> int:
    """The highest grade that applies (JUDGMENTS.md, step 3); symmetric by construction."""
    g = 0
    for t in a["primary"] & b["primary"]:
        g = max(g, kinds[t][1])

    def kind(ts: set[str]) -> set[str]:
        return {kinds[t][0] for t in ts}

    if a["primary"] & b["secondary"] or b["primary"] & a["secondary"]:
        g = max(g, 2)
    for x in a["primary"]:
        for y in b["primary"]:
            if x != y and kinds[x][0] == kinds[y][0]:
                # Same kind, other topic: 2, never more than the same topic would give.
                g = max(g, min(2, kinds[x][1], kinds[y][1]))
    if (
        a["secondary"] & b["secondary"]
        or a["primary"] & b["mentioned"]
        or b["primary"] & a["mentioned"]
        or kind(a["primary"]) & kind(b["secondary"])
        or kind(b["primary"]) & kind(a["secondary"])
        or any(
            frozenset((x, y)) in neighbours
            for x in kind(a["primary"])
            for y in kind(b["primary"])
            if x != y
        )
    ):
        g = max(g, 1)
    return g


def _files(here: Path) -> list[Path]:
    """The split's notices: every .txt of the folders its ``corpus.txt`` lists."""
    folders = (here / "corpus.txt").read_text(encoding="utf-8").split()
    return [p for f in folders for p in sorted((REPO / f).glob("*.txt"))]


def _problems(files: list[Path]) -> dict[str, str]:
    """Every problem's key -> its folded title and text."""
    out: dict[str, str] = {}
    for path in files:
        notice = parse_file(path)
        for p in notice.problems:
            subs = " ".join(s.title for s in p.subproblems)
            out[f"{path.name}#{p.n}"] = normalize(f"{p.title}\n{subs}\n{p.text}")
    return out


def main(here: Path, out_dir: Path) -> None:
    labels, kinds = load_labels(here)
    neighbours = load_neighbours()
    texts = _problems(_files(here))
    unknown = set(labels) - set(texts)
    if unknown:
        raise SystemExit(f"labels for unknown problems: {sorted(unknown)}")
    seeds = {p.name for p in SEEDS}
    judgments = []
    for q in sorted(labels):
        if q.split("#")[0] in seeds:
            continue  # seeds are judged as targets, not used as queries
        rel = {}
        for t in labels:
            if t.split("#")[0] == q.split("#")[0]:
                continue
            g = grade(labels[q], labels[t], kinds, neighbours)
            if g:
                rel[t] = g
        if rel:
            ordered = dict(sorted(rel.items(), key=lambda kv: (-kv[1], kv[0])))
            judgments.append({"query": q, "relevant": ordered})
    queries = []
    for r in _rows(here, "queries_*.tsv"):
        text = r["query"].strip()
        topics = _split(r["topics"])
        unknown_topics = topics - set(kinds)
        if unknown_topics:
            raise SystemExit(f"query {text}: unknown topics {sorted(unknown_topics)}")
        terms = [normalize(t) for t in text.split()]
        rel = {k for k, lab in labels.items() if topics & (lab["primary"] | lab["secondary"])}
        rel |= {k for k, body in texts.items() if all(t in body for t in terms)}
        queries.append({"query": text, "relevant": sorted(rel)})
    (out_dir / "judgments.json").write_text(
        json.dumps(judgments, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (out_dir / "queries.json").write_text(
        json.dumps(queries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    n2 = sum(1 for j in judgments if max(j["relevant"].values()) >= 2)
    print(
        f"{len(texts)} problems, {len(judgments)} judged queries ({n2} with grade >= 2), "
        f"{sum(len(j['relevant']) for j in judgments)} judgments, {len(queries)} keyword queries"
    )


if __name__ == "__main__":
    split = Path(sys.argv[1]).resolve()
    main(split, Path(sys.argv[2]) if len(sys.argv) > 2 else split)
