"""Serve the archive: ``python -m web --host 127.0.0.1 --port 8000 --data DIR [--workers N]``.

With ``--workers 1`` one process (waitress, ``--threads`` threads) serves every request.
With more, gunicorn's master creates the app and warms the index once, then forks the
workers: they share one listening socket and whatever was loaded before the fork (copy on
write), so searches of several users run on several cores instead of queueing on one
interpreter. Each worker has ``--threads`` threads (gunicorn's ``gthread`` worker).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import click

from archive.store import data_dir

# Worker timeout (s): a worker silent for this long is killed and replaced by the master.
WORKER_TIMEOUT = 120
# Seconds a worker may take to finish its requests after SIGTERM before it is killed.
GRACEFUL_SECONDS = 10


def default_workers() -> int:
    """One worker per usable core, at most 4 (the index is searched in memory per process)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def _warm(data: Path, seconds: float) -> None:
    """Prepare the index once in the parent process, before any worker is forked.

    The index is synced with the archive, then its columns and the postings of the most
    frequent words are decoded into arrays (``indexer.searching.warm``, at most ``seconds``),
    which forked workers share as copy-on-write pages. No thread is started here: threads
    do not survive a fork.
    """
    from indexer.searching import warm

    report = warm(data, seconds=seconds)
    if seconds > 0:
        _warm_chains(data)
    click.echo(
        f"索引已预热：{report.documents:,} 个文档，{report.terms} 个常用词，"
        f"{report.cache_mb} MB，{report.seconds:.1f} 秒",
        err=True,
    )


def _warm_chains(data: Path) -> None:
    """The follow-up chains of the whole archive (``archive.followups``): built once here,
    then kept up to date from the change log, so no notice page pays the first build."""
    from archive.followups import archive_chains
    from archive.store import Archive

    with Archive(data, readonly=True) as a:
        archive_chains(a)


def _after_fork(data: Path) -> None:
    """Run in each worker right after the fork: the index reopens its files for this
    process (keeping the arrays decoded before the fork) and starts this worker's
    background refresher, so the worker is fresh before its first search."""
    from indexer.searching import open_index

    with open_index(data).reading():
        pass


def _announce(host: str, port: int) -> None:
    click.echo(f"巡察通报检索库已启动：http://{host}:{port}/")
    sys.stdout.flush()


def _serve_waitress(app: Any, host: str, port: int, threads: int) -> None:
    """One process: waitress; SIGTERM stops it like Ctrl-C (sockets closed, exit 0)."""
    from waitress import create_server

    server = create_server(app, host=host, port=port, threads=threads, ident="notices")

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    _announce(host, server.effective_port)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()


def _serve_gunicorn(app: Any, data: Path, host: str, port: int, workers: int, threads: int):
    """Several processes: gunicorn with the app preloaded in the master.

    SIGTERM stops gracefully (workers finish their requests, at most GRACEFUL_SECONDS),
    SIGINT quickly; a worker whose master died exits by itself (gunicorn checks its parent).
    """
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        "timeout": WORKER_TIMEOUT,
        "graceful_timeout": GRACEFUL_SECONDS,
        "keepalive": 5,
        # A 500-character CJK query is 4.5 kB percent-encoded: no limit on the request line
        # (the app refuses long parameters itself with a Chinese 400).
        "limit_request_line": 0,
        "control_socket_disable": True,
        "proc_name": "notices-web",
        "loglevel": "warning",
        "when_ready": lambda arbiter: _announce(host, arbiter.LISTENERS[0].sock.getsockname()[1]),
        "post_fork": lambda arbiter, worker: _after_fork(data),
    }

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    Server().run()


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
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 64),
    help="每个进程处理请求的线程数。",
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 32),
    help=f"工作进程数（默认取 CPU 核数，最多 4；本机为 {default_workers()}）。",
)
@click.option(
    "--warm",
    "warm",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0, 600),
    metavar="SECONDS",
    help="启动时预热索引（解码常用词）最多用的秒数；0 只载入索引列。",
)
@click.option("--private", is_flag=True, help="关闭匿名阅读：只有登录的用户能访问。")
@click.option(
    "--review", is_flag=True, help="编辑上传的通报先成为草稿，经编辑或管理员审核发布后才入库。"
)
@click.option(
    "--secure-cookies",
    is_flag=True,
    help="会话 Cookie 只经 HTTPS 发送（在 HTTPS 反向代理后面运行时打开）。",
)
def main(
    host: str,
    port: int,
    data: str | None,
    threads: int,
    workers: int | None,
    warm: float,
    private: bool,
    review: bool,
    secure_cookies: bool,
) -> None:
    """Serve search and side-by-side comparison: several worker processes (gunicorn), or one
    process (waitress) with --workers 1.

    \b
    示例: python -m web --host 127.0.0.1 --port 8000 --data data
          python -m web --data data --workers 2 --threads 8
          python -m web users add 张三 --role editor --data data   （用户管理，见 users --help）
    """
    from archive.store import DB_NAME
    from web import create_app

    d = data_dir(data)
    if not (d / DB_NAME).exists():
        raise click.ClickException(
            f"数据目录 {d} 中没有档案库：请先运行 python -m archive ingest --data {d} 文件或文件夹"
        )
    n = workers or default_workers()
    settings = {"PRIVATE": private, "REVIEW": review, "SECURE_COOKIES": secure_cookies}
    app = create_app({"DATA_DIR": d, **settings})
    click.echo(f"正在准备索引（{d}）…", err=True)
    _warm(d, warm)
    if n == 1:
        _serve_waitress(app, host, port, threads)
    else:
        click.echo(f"{n} 个工作进程，每个 {threads} 个线程", err=True)
        _serve_gunicorn(app, d, host, port, n, threads)


def run() -> None:
    """``python -m web users …`` manages accounts; anything else serves."""
    if len(sys.argv) > 1 and sys.argv[1] == "users":
        from web.users import users

        users.main(args=sys.argv[2:], prog_name="python -m web users")
    else:
        main()


if __name__ == "__main__":
    run()
