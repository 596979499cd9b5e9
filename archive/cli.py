"""Command line: parse, ingest, list, show and remove.

Run as ``python -m archive <command> --data DIR``. User errors are one line on
stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import click

from archive.errors import (
    ArchiveBusy,
    ArchiveError,
    NotFound,
    RejectedFile,
    damage_message,
    readonly_message,
)
from archive.loaders import SUFFIXES, Loaded
from archive.model import Notice, Problem
from archive.store import DB_NAME, Archive, StoredNotice, data_dir

F = TypeVar("F", bound=Callable[..., Any])

EXIT_REJECTED = 2


class UserError(click.ClickException):
    """A one-line error in the archive's language, with a chosen exit code."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(f"错误: {self.format_message()}", err=True)


class ErrorGroup(click.Group):
    """Turns the package's own errors (``handled``) and any unexpected exception into a
    one-line error instead of a traceback. The indexer's CLI extends ``handled``."""

    handled: tuple[type[Exception], ...] = (ArchiveError,)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except self.handled as exc:
            raise UserError(str(exc)) from exc
        except BrokenPipeError:
            # The reader went away (``… | head``): stop quietly, as other tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(0) from None
        except Exception as exc:
            raise UserError(f"内部错误（{type(exc).__name__}: {exc}）") from exc


def data_option(func: F) -> F:
    """``--data DIR`` after any sub-command, the same in every package's CLI."""
    return click.option(
        "--data",
        "data",
        metavar="DIR",
        default=None,
        help="数据目录（默认取环境变量 NOTICES_DATA，再默认 ./data）。",
    )(func)


def _open(data: str | None, *, must_exist: bool = True, readonly: bool = False) -> Archive:
    """Open the archive; reading commands refuse to create an empty one by accident and
    open it read-only (it may lie in a folder that cannot be written)."""
    directory = data_dir(data)
    if must_exist and not (directory / DB_NAME).is_file():
        raise UserError(f"{directory} 下还没有档案库，请先运行 python -m archive ingest")
    try:
        return Archive(directory, readonly=readonly)
    except ArchiveError as exc:
        raise UserError(str(exc)) from exc


def _open_for_writing(data: str | None, *, must_exist: bool = True) -> Archive:
    """Open the archive to write into it: refuses a read-only folder and a damaged file."""
    archive = _open(data, must_exist=must_exist)
    try:
        if archive.readonly:
            raise UserError(readonly_message(archive.data_dir))
        found = archive.damage()
        if found:
            raise UserError(damage_message(archive.data_dir, found))
    except BaseException:
        archive.close()
        raise
    return archive


def _is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def _dump(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@click.group(cls=ErrorGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """巡察通报检索库：导入、查看和管理巡察整改情况通报。

    \b
    示例:
      python -m archive ingest --data data seeds/
      python -m archive list --data data
    """


@cli.command("parse")
@click.argument("file", type=click.Path(path_type=Path))
@data_option
def parse_cmd(file: Path, data: str | None) -> None:
    """解析一个文件并以 JSON 输出通报结构（不写入档案库）。

    被拒收的文件以退出码 2 结束，并在 stderr 给出一行原因。

    \b
    示例:
      python -m archive parse seeds/000_15f829d25a69815d.txt
    """
    del data  # accepted for uniformity with the other commands
    try:
        _, notice = _load_and_parse(file)
    except RejectedFile as exc:
        raise UserError(f"{file}: {exc.reason}", EXIT_REJECTED) from exc
    _dump(notice.to_dict())


def _load_and_parse(path: Path) -> tuple[Loaded, Notice]:
    """Load and parse one path; RejectedFile says why it cannot be a notice."""
    from archive.pipeline import load_and_parse  # here, so list/show start without the parser

    return load_and_parse(path)


def _collect(paths: tuple[Path, ...]) -> tuple[list[Path], list[tuple[Path, str]], int]:
    """Expand folders; returns (files to ingest, early rejections, skipped count)."""
    files: list[Path] = []
    rejected: list[tuple[Path, str]] = []
    skipped = 0
    seen: set[Path] = set()

    def add(path: Path) -> None:
        from archive.multipage import first_page

        path = first_page(path)  # X_2.html is part of the article that starts at X.html
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for path in paths:
        if not path.exists():
            rejected.append((path, "路径不存在"))
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file():
                    continue
                if _is_supported(child):
                    add(child)
                else:
                    skipped += 1
        else:
            add(path)
    return files, rejected, skipped


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@data_option
def ingest_cmd(paths: tuple[Path, ...], data: str | None) -> None:
    """导入文件或文件夹（递归，只取 .txt .html .htm .docx .pdf）。

    有拒收时退出码为 1（原因逐个写到 stderr），合格文件照常入库；重复导入不产生新记录。

    \b
    示例:
      python -m archive ingest --data data seeds/
      python -m archive ingest --data data 通报.docx 下载/
    """
    files, early, skipped = _collect(paths)
    counts = {"added": 0, "unchanged": 0, "rejected": 0}
    interactive = sys.stderr.isatty()
    deferred: list[str] = []

    def reject(path: Path, reason: str) -> None:
        counts["rejected"] += 1
        line = f"拒收: {path}: {reason}"
        if interactive:
            deferred.append(line)  # printed after the progress bar, which owns the line
        else:
            click.echo(line, err=True)

    for path, reason in early:
        reject(path, reason)
    archive: Archive | None = None  # opened at the first good file: rejects touch nothing
    fatal: UserError | None = None
    try:
        with click.progressbar(files, label="导入", file=sys.stderr, hidden=not interactive) as bar:
            for path in bar:
                try:
                    loaded, notice = _load_and_parse(path)
                    archive = archive or _open_for_writing(data, must_exist=False)
                    result = archive.ingest(loaded, notice)
                except RejectedFile as exc:
                    reject(path, exc.reason)
                except (ArchiveBusy, UserError) as exc:
                    fatal = exc if isinstance(exc, UserError) else UserError(str(exc))
                    break
                except ArchiveError as exc:
                    reject(path, str(exc))
                except Exception as exc:  # a parser bug must not lose the rest of the batch
                    reject(path, f"解析出错（{type(exc).__name__}: {exc}）")
                else:
                    counts[result.status] += 1
    finally:
        if archive is not None:
            archive.close()
        for line in deferred:
            click.echo(line, err=True)
    summary = f"新增 {counts['added']}，未变 {counts['unchanged']}，拒收 {counts['rejected']}"
    if skipped:
        summary += f"，跳过 {skipped}（文件夹中不支持的文件类型）"
    click.echo(summary)
    if fatal is not None:
        raise fatal
    if counts["rejected"]:
        sys.exit(1)


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@data_option
def list_cmd(as_json: bool, data: str | None) -> None:
    """列出档案库中的通报：编号、发布日期、被巡察单位、问题数、标题（或来源文件）。

    \b
    示例:
      python -m archive list --data data
      python -m archive list --data data --json
    """
    with _open(data, readonly=True) as archive:
        rows = archive.summaries()
    if as_json:
        _dump([asdict(r) for r in rows])
        return
    if not rows:
        click.echo("档案库中还没有通报", err=True)
        return
    for r in rows:
        click.echo(
            "  ".join(
                [
                    r.id,
                    r.published_date or "----------",
                    r.organisation or "（单位不详）",
                    f"{r.problem_count} 个问题" + ("（文本可能不完整）" if r.incomplete else ""),
                    r.title or r.source,
                ]
            )
        )


@cli.command("show")
@click.argument("item_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@data_option
def show_cmd(item_id: str, as_json: bool, data: str | None) -> None:
    """显示一篇通报的要素和问题清单；给问题编号（通报编号-序号）则显示该问题及整改措施。

    \b
    示例:
      python -m archive show --data data 1a2b3c4d5e6f7a8b
      python -m archive show --data data 1a2b3c4d5e6f7a8b-3
    """
    with _open(data, readonly=True) as archive:
        try:
            stored = archive.notice(item_id)
        except NotFound:
            stored = None
        if stored is None:
            try:
                notice_id, problem = archive.problem(item_id)
            except NotFound as exc:
                raise UserError(f"找不到编号为 {item_id} 的通报或问题") from exc
            parent = archive.notice(notice_id)
            _show_problem(item_id, parent, problem, as_json)
            return
    _show_notice(stored, as_json)


def _show_notice(stored: StoredNotice, as_json: bool) -> None:
    n = stored.notice
    if as_json:
        _dump(
            {
                "id": stored.id,
                "content_hash": stored.content_hash,
                "source": stored.source,
                "format": stored.format,
                "encoding": stored.encoding,
                "ingested_at": stored.ingested_at,
                "notice": n.to_dict(),
            }
        )
        return
    region = " ".join(x for x in (n.region.province, n.region.city, n.region.district) if x)
    period = " 至 ".join(x for x in (n.inspection_start, n.inspection_end) if x)
    inspector = n.inspector or ""
    extras = [x for x in (n.inspection_kind, f"第{n.round}轮" if n.round else None) if x]
    if extras:
        inspector = f"{inspector}（{'，'.join(extras)}）" if inspector else "，".join(extras)
    fields = [
        ("编号", stored.id),
        ("标题", n.title),
        ("被巡察单位", n.organisation),
        ("发布者", n.publisher),
        ("地区", region),
        ("巡察组", inspector),
        ("巡察时间", period),
        ("反馈日期", n.feedback_date),
        ("发布日期", n.published_date),
        ("来源", f"{stored.source}（{stored.format}，{stored.encoding or '编码不详'}）"),
        ("导入时间", stored.ingested_at),
    ]
    for label, value in fields:
        click.echo(f"{label}: {value or '—'}")
    if n.incomplete:
        click.echo("文本可能不完整: 未能读出完整的问题清单（只有开头部分或问题清单缺失）")
    click.echo(f"问题 {len(n.problems)} 个:")
    for p in n.problems:
        click.echo(f"  {stored.id}-{p.n}  {p.number} {p.title}（整改措施 {len(p.measures)} 项）")
    for warning in n.warnings:
        click.echo(f"提示: {warning}")


def _show_problem(pid: str, parent: StoredNotice, p: Problem, as_json: bool) -> None:
    if as_json:
        _dump({"id": pid, "notice_id": parent.id, "problem": asdict(p)})
        return
    category = " / ".join(x for x in (p.category, p.subcategory) if x)
    click.echo(f"编号: {pid}")
    click.echo(f"通报: {parent.id}  {parent.notice.title or parent.source}")
    click.echo(f"类别: {category or '—'}")
    click.echo(f"问题 {p.number}: {p.title}")
    if p.status:
        click.echo(f"整改状态: {p.status}")
    click.echo(f"整改措施 {len(p.measures)} 项:")
    for i, measure in enumerate(p.measures, 1):
        click.echo(f"  {i}. {measure}")
    for sub in p.subproblems:
        click.echo(f"子问题: {sub.title}（整改措施 {len(sub.measures)} 项）")
        for i, measure in enumerate(sub.measures, 1):
            click.echo(f"  {i}. {measure}")


@cli.command("remove")
@click.argument("notice_id", metavar="ID")
@data_option
def remove_cmd(notice_id: str, data: str | None) -> None:
    """从档案库删除一篇通报及其问题（索引随后同步）。

    \b
    示例:
      python -m archive remove --data data 1a2b3c4d5e6f7a8b
    """
    with _open_for_writing(data) as archive:
        try:
            stored = archive.notice(notice_id)
            archive.remove(notice_id)
        except NotFound as exc:
            raise UserError(f"找不到编号为 {notice_id} 的通报") from exc
    click.echo(f"已删除 {notice_id}（{stored.notice.title or stored.source}）")


import archive.citations_eval  # noqa: E402, F401  (registers evaluate-citations)
import archive.figures_eval  # noqa: E402, F401  (registers evaluate-figures)
from archive import maintenance  # noqa: E402, F401  (registers reparse, check, rebuild)


def main() -> None:
    """Entry point of ``python -m archive``."""
    cli.main(prog_name="python -m archive")
