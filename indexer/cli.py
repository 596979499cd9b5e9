"""Command line: build, sync, search, similar, check, evaluate.

Run as ``python -m indexer <command> --data DIR``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from archive.cli import ErrorGroup, UserError, data_option
from archive.errors import ArchiveError
from archive.store import data_dir
from indexer.errors import IndexerError


class _Group(ErrorGroup):
    handled = (ArchiveError, IndexerError)


def _echo_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """巡察通报检索库 full-text index: jieba + Whoosh over the archive's notices and problems."""


@main.command()
@data_option
@click.option(
    "--procs",
    type=click.IntRange(1, 16),
    default=min(4, os.cpu_count() or 1),
    show_default=True,
    help="分析文档的进程数。",
)
def build(data: str | None, procs: int) -> None:
    """Rebuild the whole index from the archive.

    \b
    示例: python -m indexer build --data data
    """
    from archive.store import Archive
    from indexer.writing import build as do_build

    d = data_dir(data)
    with Archive(d) as a:
        total = len(a.notice_ids())
    if sys.stderr.isatty():
        with click.progressbar(length=total, label="建立索引", file=sys.stderr) as bar:

            def progress(ids):
                for nid in ids:
                    yield nid
                    bar.update(1)

            report = do_build(d, progress=progress, procs=procs)
    else:
        report = do_build(d, procs=procs)
    click.echo(
        f"已建立索引：{len(report.added)} 份通报，档案版本 {report.revision}，"
        f"用时 {report.seconds:.1f} 秒"
    )


@main.command()
@data_option
def sync(data: str | None) -> None:
    """Bring the index up to date with the archive (incremental).

    \b
    示例: python -m indexer sync --data data
    """
    from indexer.writing import sync as do_sync

    report = do_sync(data_dir(data), verify=True)
    if report.mode == "none":
        click.echo(f"索引已是最新（档案版本 {report.revision}）")
    elif report.mode == "build":
        click.echo(f"已重建索引：{len(report.added)} 份通报，档案版本 {report.revision}")
    else:
        click.echo(
            f"已同步：新增 {len(report.added)}，删除 {len(report.removed)}，"
            f"档案版本 {report.revision}"
        )


@main.command()
@click.argument("query")
@click.option(
    "--kind", type=click.Choice(["problem", "notice"]), default="problem", show_default=True
)
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@data_option
def search(query: str, kind: str, limit: int, as_json: bool, data: str | None) -> None:
    """Search problems (or notices) with the query language.

    \b
    示例: python -m indexer search "三重一大 -公车" --kind problem --limit 5
    """
    from indexer.searching import NoticeIndex

    with NoticeIndex(data_dir(data), poll_interval=0) as idx:
        result = idx.search(query, kind=kind, per_page=limit)
    if as_json:
        _echo_json(result.to_dict())
        return
    click.echo(f"共 {result.total} 条（{result.seconds * 1000:.0f} 毫秒）")
    for m in result.messages:
        click.echo(f"提示：{m}")
    for e in result.expansions:
        click.echo(f"扩展：{e['term']} → {e['alternative']}")
    for h in result.hits:
        label = f"{h.id}  {h.organisation}"
        if h.kind == "problem":
            label += f"  {h.number} {h.title}"
        else:
            label += f"  {h.title}"
        click.echo(label)
        click.echo(f"    {h.excerpt}")
    if result.similar:
        click.echo(f"与检索结果相似的问题（不含检索词，不计入条数）：{len(result.similar)} 条")
    for h in result.similar:
        like = h.similar_to
        click.echo(f"{h.id}  {h.organisation}  {h.number} {h.title}")
        if like is not None:
            how = f"相似度{like.confidence} {like.relevance:.2f}"
            click.echo(f"    与 {like.id}「{like.title}」相似（{how}）")


@main.command()
@click.argument("problem_id", required=False)
@click.option(
    "--text", default=None, help="按一段文字（如问题表述草稿，最多 2000 字）查找相似问题。"
)
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--all", "show_all", is_flag=True, help="也列出相似度较低的问题。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@data_option
def similar(
    problem_id: str | None,
    text: str | None,
    limit: int,
    show_all: bool,
    as_json: bool,
    data: str | None,
) -> None:
    """Problems in other notices similar to PROBLEM_ID (or to a text, over all notices).

    Weak matches (relevance below the cut-off) are left out unless --all is given.

    \b
    示例: python -m indexer similar b5968cf5a00b5686-10 --limit 5
          python -m indexer similar --text "公务接待无公函、超标准列支接待费用" --json
    """
    from indexer.searching import NoticeIndex
    from indexer.similar import MAX_TEXT, confident, similar_to_text
    from indexer.similar import similar as find_similar

    if (problem_id is None) == (text is None):
        raise UserError("请给出一个问题编号，或用 --text 给出一段文字（二者选一）")
    if text is not None and not text.strip():
        raise UserError("--text 的文字是空的")
    if text is not None and len(text.strip()) > MAX_TEXT:
        raise UserError(f"--text 的文字过长（{len(text.strip())} 字）：最多 {MAX_TEXT} 字")
    with NoticeIndex(data_dir(data), poll_interval=0) as idx:
        if text is not None:
            hits = similar_to_text(idx, text, limit=limit)
        else:
            hits = find_similar(idx, problem_id or "", limit=limit)
    shown = hits if show_all else confident(hits)
    if as_json:
        _echo_json([h.to_dict() for h in shown])
        return
    for h in shown:
        why = "、".join(h.shared_terms + [f"类型:{t}" for t in h.shared_type_labels])
        click.echo(
            f"{h.score:7.2f}  {h.confidence} {h.relevance:.2f}  {h.id}  {h.organisation}  "
            f"{h.number} {h.title}  [{why}]"
        )
    if len(shown) < len(hits):
        click.echo(f"其余 {len(hits) - len(shown)} 个相似度较低（加 --all 显示）")


@main.command()
@data_option
def check(data: str | None) -> None:
    """Report drift between the index and the archive (exit 1 when they differ).

    \b
    示例: python -m indexer check --data data
    """
    from indexer.writing import check as do_check

    d = data_dir(data)
    drift = do_check(d)
    click.echo(f"档案版本 {drift.archive_revision}，索引版本 {drift.index_revision}")
    if drift.missing:
        click.echo(f"索引缺少 {len(drift.missing)} 份通报：{' '.join(drift.missing[:10])}")
    if drift.extra:
        click.echo(f"索引多出 {len(drift.extra)} 份通报：{' '.join(drift.extra[:10])}")
    if drift.stale_fingerprint:
        click.echo("词典、分类、同义词表或索引结构已变更，需要重建")
    if drift.ok:
        click.echo("索引与档案一致")
    else:
        raise UserError(f"索引与档案不一致：请运行 python -m indexer sync --data {d}")


@main.command()
@click.option(
    "--judgments",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="相似问题评测文件（默认 tests/data/judgments.json）。",
)
@click.option(
    "--queries",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="检索评测文件（默认 tests/data/queries.json）。",
)
@click.option(
    "--split",
    type=click.Choice(["dev", "dev2", "heldout", "heldout2", "all"]),
    default=None,
    help="评测集：dev、dev2（调参用）、heldout、heldout2（留出集）或 all（全部输出）；"
    "不给 --data 时为该评测集单独建立临时档案库和索引。",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（默认也是 JSON）。")
@click.option("--details", is_flag=True, help="同时输出每个查询的得分。")
@data_option
def evaluate(
    judgments: Path | None,
    queries: Path | None,
    split: str | None,
    as_json: bool,
    details: bool,
    data: str | None,
) -> None:
    """Score similar problems (NDCG@10, p@1) and search (recall@20, p@5) on relevance files.

    \b
    示例: python -m indexer evaluate --judgments tests/data/judgments.json --json
          python -m indexer evaluate --split all
    """
    from indexer.evaluate import DEFAULT_JUDGMENTS, DEFAULT_QUERIES, SPLITS

    if split is None:
        _echo_json(
            _score(
                data_dir(data),
                judgments or (DEFAULT_JUDGMENTS if DEFAULT_JUDGMENTS.exists() else None),
                queries or (DEFAULT_QUERIES if DEFAULT_QUERIES.exists() else None),
                details,
            )
        )
        return
    names = list(SPLITS) if split == "all" else [split]
    out = {name: _score_split(name, data, judgments, queries, details) for name in names}
    _echo_json(out if split == "all" else out[split])


def _score(
    directory: Path, judgments: Path | None, queries: Path | None, details: bool
) -> dict[str, Any]:
    from indexer.evaluate import evaluate as do_evaluate
    from indexer.searching import NoticeIndex

    with NoticeIndex(directory, poll_interval=0) as idx:
        summary, per_query = do_evaluate(idx, judgments, queries)
    return {**summary, "details": per_query} if details else summary


def _score_split(
    name: str, data: str | None, judgments: Path | None, queries: Path | None, details: bool
) -> dict[str, Any]:
    """One split: its own files (unless given), on ``--data`` or on a temporary archive of
    the split's corpus."""
    import tempfile

    from indexer.evaluate import SPLITS, build_corpus

    files = SPLITS[name]
    j = judgments or files["judgments"]
    q = queries or files["queries"]
    if data:
        return _score(data_dir(data), j, q, details)
    with tempfile.TemporaryDirectory(prefix=f"evaluate-{name}-") as tmp:
        return _score(build_corpus(name, Path(tmp)), j, q, details)
