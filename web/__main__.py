"""Serve the archive: ``python -m web --host 127.0.0.1 --port 8000 --data DIR``."""

from __future__ import annotations

import sys

import click

from archive.store import data_dir


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址。")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口。"
)
@click.option(
    "--data",
    "data",
    metavar="DIR",
    default=None,
    help="数据目录（默认取环境变量 NOTICES_DATA，再默认 ./data）。",
)
@click.option(
    "--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="处理请求的线程数。"
)
def main(host: str, port: int, data: str | None, threads: int) -> None:
    """Serve search and side-by-side comparison with a production WSGI server (waitress).

    \b
    示例: python -m web --host 127.0.0.1 --port 8000 --data data
    """
    from waitress import serve

    from archive.store import DB_NAME
    from indexer.searching import open_index
    from web import create_app

    d = data_dir(data)
    if not (d / DB_NAME).exists():
        raise click.ClickException(
            f"数据目录 {d} 中没有档案库：请先运行 python -m archive ingest --data {d} 文件或文件夹"
        )
    app = create_app({"DATA_DIR": d})
    click.echo(f"正在准备索引（{d}）…", err=True)
    open_index(d).refresh(force=True)
    click.echo(f"巡察通报检索库已启动：http://{host}:{port}/", err=False)
    sys.stdout.flush()
    serve(app, host=host, port=port, threads=threads, ident="notices")


if __name__ == "__main__":
    main()
