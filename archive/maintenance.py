"""Commands that look after a stored archive: reparse, check and rebuild.

Registered on the ``python -m archive`` group by ``archive.cli``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.cli import UserError, _open_for_writing, cli, data_option
from archive.store import DB_NAME, data_dir


@cli.command("reparse")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--all", "everything", is_flag=True, help="重新解析档案库中的全部通报。")
@data_option
def reparse_cmd(ids: tuple[str, ...], everything: bool, data: str | None) -> None:
    """用当前的解析程序重新解析已存储的原件（编号不变，索引随后同步）。

    每份通报一个事务，可随时中断；只有解析结果有变化的通报才会写入。
    输出每份有变化的通报（问题数 之前 → 之后，变化的要素）和汇总。

    \b
    示例:
      python -m archive reparse --all --data data
      python -m archive reparse --data data 1a2b3c4d5e6f7a8b
    """
    from archive.reparse import describe, reparse, totals

    if not ids and not everything:
        raise UserError("请给出通报编号，或用 --all 重新解析全部通报")
    if ids and everything:
        raise UserError("编号和 --all 只能选一个")
    with _open_for_writing(data) as archive:
        targets = archive.notice_ids() if everything else list(dict.fromkeys(ids))
        outcomes = []
        for outcome in reparse(archive, targets):
            outcomes.append(outcome)
            line = describe(outcome)
            if line:
                click.echo(line)
    totals(outcomes, click.echo)
    if any(o.status == "missing" for o in outcomes):
        sys.exit(1)


@cli.command("check")
@click.option("--ocr", is_flag=True, help="扫描件也重新 OCR 识别（较慢）。")
@data_option
def check_cmd(ocr: bool, data: str | None) -> None:
    """检查档案库是否损坏：SQLite 完整性、外键、每份原件能否读出存储的正文。

    有问题时退出码为 1，并给出出路（用备份恢复，或重建到新文件夹）。

    \b
    示例:
      python -m archive check --data data
    """
    from archive.check import check, render

    directory = data_dir(data)
    if not (directory / DB_NAME).is_file():
        raise UserError(f"{directory} 下还没有档案库，请先运行 python -m archive ingest")
    report = check(directory, ocr=ocr)
    for line in render(report, directory):
        click.echo(line, err=not report.ok)
    if not report.ok:
        sys.exit(1)


@cli.command("rebuild")
@click.option(
    "--into",
    "into",
    required=True,
    type=click.Path(path_type=Path),
    metavar="NEW",
    help="新档案库的文件夹（必须还没有档案库）。",
)
@data_option
def rebuild_cmd(into: Path, data: str | None) -> None:
    """从档案库中存储的原件重建一个新档案库（编号不变），用于修复损坏的档案库。

    无法读出的通报逐个列出，退出码为 1；原档案库不做任何改动。

    \b
    示例:
      python -m archive rebuild --data data --into data-rebuilt
    """
    from archive.check import rebuild

    directory = data_dir(data)
    if not (directory / DB_NAME).is_file():
        raise UserError(f"{directory} 下还没有档案库")
    if into.resolve() == directory.resolve():
        raise UserError("--into 必须是另一个文件夹")
    report = rebuild(directory, into)
    for line in report.lost:
        click.echo(f"未能重建: {line}", err=True)
    click.echo(
        f"已重建 {report.copied} 份通报到 {into}，未能重建 {len(report.lost)} 份；"
        f"接着运行 python -m indexer build --data {into}"
    )
    if report.lost:
        sys.exit(1)
