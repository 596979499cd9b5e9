"""Check writer a's labels of the second held-out split against the parsed notices.

Run from the repository root: ``python tests/data/heldout2/check_a.py``. It only validates
the files (keys, coverage, topics, grades); it computes no grades, which are derived later
when both writers' labels are merged.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
NOTICES = HERE / "notices"
SEEDS = ROOT / "seeds"
SEED_FILES = ("000_15f829d25a69815d.txt", "004_b1ce438446146357.txt")


def read_tsv(path: Path, columns: list[str], errors: list[str]) -> list[dict[str, str]]:
    """Rows of a tab-separated file whose header must be exactly ``columns``."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or rows[0] != columns:
        errors.append(f"{path.name}: header must be {columns}, got {rows[:1]}")
        return []
    out = []
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != len(columns):
            errors.append(f"{path.name}:{i}: {len(row)} columns, expected {len(columns)}")
            continue
        out.append(dict(zip(columns, row, strict=True)))
    return out


def split(cell: str) -> list[str]:
    return [t.strip() for t in cell.split(";") if t.strip()]


def problem_counts() -> dict[str, int]:
    """Problems per file, as the archive's parser sees them."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from archive import parse_file

    paths = sorted(NOTICES.glob("ha*.txt")) + [SEEDS / f for f in SEED_FILES]
    return {p.name: len(parse_file(p).problems) for p in paths}


def check_topics(
    rows: list[dict[str, str]], counts: dict[str, int], kinds: dict[str, str], errors: list[str]
) -> None:
    seen: set[str] = set()
    for row in rows:
        key = row["key"]
        name, _, n = key.rpartition("#")
        if key in seen:
            errors.append(f"topics: duplicate key {key}")
        seen.add(key)
        if name not in counts:
            errors.append(f"topics: unknown file in {key}")
        elif not n.isdigit() or not 1 <= int(n) <= counts[name]:
            errors.append(f"topics: {key} is outside 1..{counts[name]}")
        if not split(row["primary"]):
            errors.append(f"topics: {key} has no primary topic")
        for column in ("primary", "secondary", "mentioned"):
            for topic in split(row[column]):
                if topic not in kinds:
                    errors.append(f"topics: {key} {column} topic {topic!r} is not in kinds")
    for name, count in counts.items():
        for n in range(1, count + 1):
            if f"{name}#{n}" not in seen:
                errors.append(f"topics: no row for {name}#{n}")


def check_kinds(rows: list[dict[str, str]], errors: list[str]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for row in rows:
        topic = row["topic"]
        if topic in kinds:
            errors.append(f"kinds: duplicate topic {topic!r}")
        if not row["kind"].strip():
            errors.append(f"kinds: {topic!r} has no kind")
        if row["shared_primary_grade"] not in ("1", "2", "3"):
            errors.append(f"kinds: {topic!r} grade {row['shared_primary_grade']!r} is not 1-3")
        kinds[topic] = row["kind"]
    return kinds


def check_queries(rows: list[dict[str, str]], kinds: dict[str, str], errors: list[str]) -> None:
    seen: set[str] = set()
    for row in rows:
        query = row["query"].strip()
        if not query or query in seen:
            errors.append(f"queries: empty or duplicate query {query!r}")
        seen.add(query)
        if not split(row["topics"]):
            errors.append(f"queries: {query!r} lists no topic")
        for topic in split(row["topics"]):
            if topic not in kinds:
                errors.append(f"queries: {query!r} topic {topic!r} is not in kinds")
    if len(rows) != 24:
        errors.append(f"queries: {len(rows)} queries, expected 24")


def main() -> int:
    errors: list[str] = []
    counts = problem_counts()
    kinds = check_kinds(
        read_tsv(HERE / "kinds_a.tsv", ["topic", "kind", "shared_primary_grade"], errors), errors
    )
    topics = read_tsv(
        HERE / "topics_a.tsv", ["key", "title", "primary", "secondary", "mentioned"], errors
    )
    check_topics(topics, counts, kinds, errors)
    check_queries(
        read_tsv(HERE / "queries_a.tsv", ["query", "topics", "note"], errors), kinds, errors
    )
    for error in errors:
        print(error)
    problems = sum(counts.values())
    print(f"{len(counts)} files, {problems} problems, {len(topics)} rows, {len(kinds)} topics")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
