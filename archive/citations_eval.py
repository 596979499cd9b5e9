"""Precision and recall of the citation extractor against hand-written labels.

The labels (``tests/data/facts/citations_labels.json``) name, per notice file, every cited
document a careful reader finds: where, the title as written, the verb, the kind and the
normalised title. A citation counts as found when its notice, title and kind match a label
(each label matched once); ``where`` and the normalised title are scored on the found ones.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from archive.citations import Citation, cited_documents
from archive.cli import UserError, cli
from archive.pipeline import load_and_parse

DEFAULT_LABELS = Path("tests/data/facts/citations_labels.json")


@dataclass
class Score:
    """Counts of one split."""

    notices: int = 0
    labelled: int = 0
    extracted: int = 0
    matched: int = 0
    where_right: int = 0
    norm_right: int = 0
    misses: list[str] = field(default_factory=list)  # labelled, not extracted
    extras: list[str] = field(default_factory=list)  # extracted, not labelled

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.labelled if self.labelled else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "notices": self.notices,
            "labelled": self.labelled,
            "extracted": self.extracted,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "where_right": self.where_right,
            "normalised_right": self.norm_right,
            "misses": self.misses,
            "extras": self.extras,
        }


def _score_notice(score: Score, name: str, labels: list[dict[str, Any]], got: list[Citation]):  # type: ignore[no-untyped-def]
    want = Counter((x["title"], x["kind"]) for x in labels)
    have = Counter((c.title, c.kind) for c in got)
    score.notices += 1
    score.labelled += sum(want.values())
    score.extracted += sum(have.values())
    score.matched += sum((want & have).values())
    for (title, kind), k in (want - have).items():
        score.misses += [f"{name}: 《{title}》 {kind}"] * k
    for (title, kind), k in (have - want).items():
        score.extras += [f"{name}: 《{title}》 {kind}"] * k
    pool = list(got)
    for x in labels:
        hit = next((c for c in pool if (c.title, c.kind) == (x["title"], x["kind"])), None)
        if hit is None:
            continue
        pool.remove(hit)
        score.where_right += hit.where == x["where"]
        score.norm_right += hit.normalised == x["norm"]


def evaluate(labels_path: Path = DEFAULT_LABELS, root: Path | None = None) -> dict[str, Score]:
    """Scores per split (``dev``: seeds and test notices; ``heldout``) and ``all``."""
    data = json.loads(labels_path.read_text(encoding="utf-8"))
    base = root if root is not None else Path.cwd()
    scores: dict[str, Score] = {"dev": Score(), "heldout": Score(), "all": Score()}
    for name, entry in data["notices"].items():
        loaded, notice = load_and_parse(base / name)
        got = cited_documents(notice, loaded.text)
        for split in (entry["split"], "all"):
            _score_notice(scores[split], name, entry["citations"], got)
    return scores


def _print(scores: dict[str, Score]) -> None:
    names = {"dev": "种子与测试通报", "heldout": "留出通报", "all": "合计"}
    for key, s in scores.items():
        click.echo(
            f"{names[key]}：通报 {s.notices} 篇，标注 {s.labelled} 条，抽取 {s.extracted} 条，"
            f"命中 {s.matched} 条；准确率 {s.precision:.3f}，召回率 {s.recall:.3f}；"
            f"出处正确 {s.where_right}，归一化标题正确 {s.norm_right}"
        )
        if key == "all":
            continue
        for line in s.misses:
            click.echo(f"  漏抽 {line}")
        for line in s.extras:
            click.echo(f"  误抽 {line}")


@cli.command("evaluate-citations")
@click.option(
    "--labels",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_LABELS,
    show_default=True,
    help="人工标注文件（相对路径从当前目录算起）。",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def evaluate_citations_cmd(labels: Path, as_json: bool) -> None:
    """按人工标注计算引用文件抽取的准确率和召回率（按标题与类别计，分种子/测试与留出两组）。

    \b
    示例:
      python -m archive evaluate-citations
      python -m archive evaluate-citations --json
    """
    # Labelled files are named from the repository root: the folder above the labels that
    # holds the seeds.
    root = next((d for d in labels.resolve().parents if (d / "seeds").is_dir()), Path.cwd())
    try:
        scores = evaluate(labels, root)
    except (OSError, KeyError, ValueError) as exc:
        raise UserError(f"无法读取标注或通报：{exc}") from exc
    if as_json:
        click.echo(
            json.dumps({k: s.to_dict() for k, s in scores.items()}, ensure_ascii=False, indent=2)
        )
    else:
        _print(scores)
