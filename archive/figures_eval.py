"""``python -m archive evaluate-figures``: precision and recall of the figures extractor
against hand labels (tests/data/facts/figures_labels.json), per split.

A found figure matches a labelled one of the same notice with the same kind and value
(as multisets: two equal figures in one notice must be found twice).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from archive.cli import UserError, cli, data_option
from archive.figures import NoticeFigures, notice_figures
from archive.pipeline import load_and_parse
from archive.traditional import simplify_if_traditional

ROOT = Path(__file__).resolve().parent.parent  # the labels name files relative to it
LABELS_PATH = ROOT / "tests" / "data" / "facts" / "figures_labels.json"

Pair = tuple[str, float]


def file_figures(path: Path) -> NoticeFigures:
    """The figures of a notice file, read as ingesting and indexing it would."""
    loaded, notice = load_and_parse(path)
    return notice_figures(simplify_if_traditional(loaded.text)[0], notice)


def score(expected: list[Pair], found: list[Pair]) -> tuple[int, list[Pair], list[Pair]]:
    """Matched count, misses (labelled, not found) and false finds, as multisets."""
    left = list(found)
    misses = []
    for e in expected:
        if e in left:
            left.remove(e)
        else:
            misses.append(e)
    return len(expected) - len(misses), misses, left


def evaluate(labels_path: Path = LABELS_PATH, root: Path = ROOT) -> dict[str, Any]:
    """Precision and recall of (kind, value) per split of the labelled notices."""
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    out: dict[str, Any] = {"labels": str(labels_path), "splits": {}}
    for split, files in labels["split"].items():
        tp = n_expected = n_found = 0
        errors = []
        for name in files:
            expected = [(x["kind"], float(x["value"])) for x in labels["notices"][name]]
            found = [(f.kind, float(f.value)) for f in file_figures(root / name).all()]
            matched, misses, extra = score(expected, found)
            tp += matched
            n_expected += len(expected)
            n_found += len(found)
            if misses or extra:
                errors.append({"file": name, "missed": misses, "extra": extra})
        out["splits"][split] = {
            "notices": len(files),
            "labelled": n_expected,
            "found": n_found,
            "matched": tp,
            "precision": round(tp / n_found, 4) if n_found else 1.0,
            "recall": round(tp / n_expected, 4) if n_expected else 1.0,
            "errors": errors,
        }
    return out


@cli.command("evaluate-figures")
@click.option("--labels", "labels", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
@data_option
def evaluate_figures_cmd(labels: Path | None, as_json: bool, data: str | None) -> None:
    """按人工标注评估数字（问责、处分、追回金额、制度、完成数）抽取的准确率和召回率。

    读取标注中列出的通报文件（与数据目录无关，--data 仅为与其他命令一致而接受）。

    \b
    示例:
      python -m archive evaluate-figures
      python -m archive evaluate-figures --json
    """
    path = labels or LABELS_PATH
    if not path.exists():
        raise UserError(f"找不到标注文件 {path}")
    result = evaluate(path, ROOT)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for split, s in result["splits"].items():
        click.echo(
            f"{split}: {s['notices']} 份通报，标注 {s['labelled']} 个，抽出 {s['found']} 个，"
            f"一致 {s['matched']} 个；准确率 {s['precision']:.3f}，召回率 {s['recall']:.3f}"
        )
        for e in s["errors"]:
            click.echo(f"  {e['file']}: 漏 {e['missed']} 多 {e['extra']}")
