"""``python -m web users …``: manage the accounts of the web app (add, list, remove, passwd,
token). Accounts live in ``accounts.sqlite3`` in the data folder (see ``web.accountdb``)."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli import ErrorGroup, UserError, data_option
from archive.store import data_dir
from web.accountdb import ROLE_NAMES, ROLES, AccountError, Accounts


class UsersGroup(ErrorGroup):
    handled = (AccountError,)


def _open(data: str | None) -> Accounts:
    return Accounts(data_dir(data))


def _password(password_file: Path | None) -> str:
    """From the file's first line, else prompted twice without echo."""
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UserError(f"无法读取密码文件 {password_file}：{exc.strerror or exc}") from exc
        if not lines or not lines[0]:
            raise UserError(f"密码文件 {password_file} 的第一行是空的")
        return lines[0]
    return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次密码")


password_file_option = click.option(
    "--password-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="从文件第一行读取密码（不给则提示输入两次）。",
)


@click.group(cls=UsersGroup, context_settings={"help_option_names": ["-h", "--help"]})
def users() -> None:
    """管理网页版的用户：读者（reader）只能检索，编辑（editor）可上传、重新解析、删除自己上传的
    通报，管理员（admin）可删除任何通报并查看操作日志。

    \b
    示例:
      python -m web users add 张三 --role editor --data data
      python -m web users list --data data
    """


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="reader", show_default=True)
@password_file_option
@data_option
def add_cmd(name: str, role: str, password_file: Path | None, data: str | None) -> None:
    """新建用户（密码用 argon2id 存储）。"""
    with _open(data) as db:
        if db.get(name) is not None:
            raise UserError(f"用户 {name} 已存在")
        db.add(name, role, _password(password_file))
    click.echo(f"已新建用户 {name}（{ROLE_NAMES[role]}）")


@users.command("list")
@data_option
def list_cmd(data: str | None) -> None:
    """列出用户：用户名、角色、是否有 API 令牌、创建时间。"""
    with _open(data) as db:
        rows = db.list()
    if not rows:
        click.echo("还没有用户", err=True)
        return
    for u in rows:
        token = "有令牌" if u.has_token else "无令牌"
        click.echo(f"{u.name}  {u.role}（{ROLE_NAMES[u.role]}）  {token}  {u.created_at}")


@users.command("remove")
@click.argument("name")
@data_option
def remove_cmd(name: str, data: str | None) -> None:
    """删除用户（其会话和令牌立即失效；操作日志保留）。"""
    with _open(data) as db:
        db.remove(name)
    click.echo(f"已删除用户 {name}")


@users.command("passwd")
@click.argument("name")
@password_file_option
@data_option
def passwd_cmd(name: str, password_file: Path | None, data: str | None) -> None:
    """修改密码（该用户已登录的会话随之失效）。"""
    with _open(data) as db:
        if db.get(name) is None:
            raise UserError(f"没有用户 {name}")
        db.set_password(name, _password(password_file))
    click.echo(f"已修改 {name} 的密码")


@users.command("token")
@click.argument("name")
@data_option
def token_cmd(name: str, data: str | None) -> None:
    """为用户生成新的 API 令牌（旧令牌作废；只显示这一次，库中只存摘要）。

    用法：curl -H "Authorization: Bearer 令牌" …
    """
    with _open(data) as db:
        token = db.new_token(name)
    click.echo(token)
