"""Check writer b's labels of the second held-out split before they are merged and graded.

Run from the repository root: ``python tests/data/heldout2/check_b.py``. Exits 1 and lists
every fault. It parses the notices with ``archive.parse_file`` only; it computes no grades
(the two writers' labels are merged and graded elsewhere).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
TOPIC_COLUMNS = ["key", "title", "primary", "secondary", "mentioned"]
KIND_COLUMNS = ["topic", "kind", "shared_primary_grade"]
QUERY_COLUMNS = ["query", "topics", "note"]


def read_tsv(path: Path, columns: list[str], faults: list[str]) -> list[dict[str, str]]:
    """Read a tab-separated file whose first line must be exactly ``columns``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].split("\t") != columns:
        faults.append(f"{path.name}: header must be {columns}")
        return []
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(columns):
            faults.append(f"{path.name}:{number}: {len(cells)} cells, expected {len(columns)}")
            continue
        rows.append(dict(zip(columns, cells, strict=True)))
    return rows


def split_topics(cell: str) -> list[str]:
    """Topics of one cell, separated by ``;``; an empty cell has none."""
    return [topic.strip() for topic in cell.split(";") if topic.strip()]


def problem_counts() -> dict[str, int]:
    """Problem count of every notice of this writer, as the parser sees it."""
    sys.path.insert(0, str(ROOT))
    from archive import parse_file

    return {
        path.name: len(parse_file(path).problems)
        for path in sorted((HERE / "notices").glob("hb*.txt"))
    }


def check_kinds(kinds: list[dict[str, str]], faults: list[str]) -> set[str]:
    """Every topic once, with a kind and a grade from 1 to 3."""
    known: set[str] = set()
    for row in kinds:
        topic = row["topic"]
        if topic in known:
            faults.append(f"kinds_b.tsv: topic listed twice: {topic}")
        known.add(topic)
        if not row["kind"].strip():
            faults.append(f"kinds_b.tsv: no kind for {topic}")
        if row["shared_primary_grade"] not in {"1", "2", "3"}:
            faults.append(f"kinds_b.tsv: grade of {topic} is not 1-3")
    return known


def check_topics(
    rows: list[dict[str, str]], counts: dict[str, int], known: set[str], faults: list[str]
) -> set[str]:
    """Every key exists, every problem has one row with a primary, every topic is known."""
    seen: set[str] = set()
    used: set[str] = set()
    for row in rows:
        key = row["key"]
        name, _, n = key.partition("#")
        if name not in counts:
            faults.append(f"topics_b.tsv: unknown file in {key}")
        elif not n.isdigit() or not 1 <= int(n) <= counts[name]:
            faults.append(f"topics_b.tsv: no problem {n} in {name} ({counts[name]} problems)")
        if key in seen:
            faults.append(f"topics_b.tsv: key listed twice: {key}")
        seen.add(key)
        if not split_topics(row["primary"]):
            faults.append(f"topics_b.tsv: no primary topic for {key}")
        for column in ("primary", "secondary", "mentioned"):
            for topic in split_topics(row[column]):
                used.add(topic)
                if topic not in known:
                    faults.append(f"topics_b.tsv: {key} {column} topic not in kinds: {topic}")
    for name, count in counts.items():
        for n in range(1, count + 1):
            if f"{name}#{n}" not in seen:
                faults.append(f"topics_b.tsv: no row for {name}#{n}")
    return used


def check_queries(queries: list[dict[str, str]], known: set[str], faults: list[str]) -> None:
    """Each query is unique and names at least one known topic."""
    seen: set[str] = set()
    for row in queries:
        query = row["query"].strip()
        if not query or query in seen:
            faults.append(f"queries_b.tsv: empty or repeated query: {query!r}")
        seen.add(query)
        topics = split_topics(row["topics"])
        if not topics:
            faults.append(f"queries_b.tsv: no topics for {query}")
        for topic in topics:
            if topic not in known:
                faults.append(f"queries_b.tsv: {query} topic not in kinds: {topic}")


def main() -> int:
    """Run every check and print the faults; 0 when there are none."""
    faults: list[str] = []
    counts = problem_counts()
    known = check_kinds(read_tsv(HERE / "kinds_b.tsv", KIND_COLUMNS, faults), faults)
    rows = read_tsv(HERE / "topics_b.tsv", TOPIC_COLUMNS, faults)
    used = check_topics(rows, counts, known, faults)
    queries = read_tsv(HERE / "queries_b.tsv", QUERY_COLUMNS, faults)
    check_queries(queries, known, faults)
    for topic in sorted(known - used):
        print(f"note: kinds_b.tsv topic not used by any problem: {topic}")
    for fault in faults:
        print(fault)
    print(
        f"{len(counts)} notices, {sum(counts.values())} problems, {len(rows)} labelled, "
        f"{len(known)} topics, {len(queries)} queries, {len(faults)} faults"
    )
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
