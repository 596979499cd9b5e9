"""Accounts: the ``python -m web users`` commands, passwords and tokens at rest, sessions
(cookie flags, inactivity, password change), login rate limiting across processes, no user
enumeration, ``--private`` and safe redirects after login."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from web import create_app
from web.accountdb import ACCOUNTS_DB, Accounts
from web.auth import BAD_LOGIN, SECRET_FILE, TOO_MANY

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse 42"


def users_cli(data: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "web", "users", *args, "--data", str(data)],
        cwd=REPO,
        env=dict(os.environ, PYTHONUTF8="1", PYTHONPATH=str(REPO)),
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def make_app(data: Path, **config: object) -> Flask:
    return create_app({"TESTING": True, "DATA_DIR": data, "POLL_INTERVAL": 60.0, **config})


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def login(client: FlaskClient, name: str, password: str = PASSWORD, **extra: str):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"name": name, "password": password, "csrf_token": token, **extra}
    )


@pytest.fixture(scope="module")
def with_users(tmp_path_factory: pytest.TempPathFactory, seeded_data: Path) -> Path:
    """The seeded archive (with its index) and three users, made once per module (argon2id
    hashing is slow on purpose)."""
    d = tmp_path_factory.mktemp("accounts") / "data"
    shutil.copytree(seeded_data, d)
    with Accounts(d) as db:
        db.add("alice", "editor", PASSWORD)
        db.add("root", "admin", PASSWORD)
        db.add("rita", "reader", PASSWORD)
    return d


@pytest.fixture
def data(tmp_path: Path, with_users: Path) -> Path:
    """A copy of the seeded archive and its three users: tests log in, lock out and change
    passwords in their own."""
    return Path(shutil.copytree(with_users, tmp_path / "data"))


def test_the_users_commands_add_list_passwd_token_and_remove(tmp_path: Path) -> None:
    d = tmp_path / "data"
    pw = tmp_path / "pw"
    pw.write_text("s3cret-password\n", encoding="utf-8")
    added = users_cli(d, "add", "张三", "--role", "editor", "--password-file", str(pw))
    assert added.returncode == 0, added.stderr
    assert "已新建用户 张三（编辑）" in added.stdout
    prompted = users_cli(d, "add", "李四", "--role", "admin", input="another-pass\nanother-pass\n")
    assert prompted.returncode == 0, prompted.stderr
    mismatch = users_cli(d, "add", "王五", input="another-pass\ndifferent-pass\n" * 1)
    assert mismatch.returncode != 0
    again = users_cli(d, "add", "张三", "--password-file", str(pw))
    assert again.returncode == 1 and "用户 张三 已存在" in again.stderr
    short = tmp_path / "short"
    short.write_text("1234\n", encoding="utf-8")
    weak = users_cli(d, "add", "赵六", "--password-file", str(short))
    assert weak.returncode == 1 and "密码至少 8 个字符" in weak.stderr
    bad_role = users_cli(d, "add", "钱七", "--role", "root", "--password-file", str(pw))
    assert bad_role.returncode == 2

    listed = users_cli(d, "list").stdout.splitlines()
    assert [line.split()[0] for line in listed] == sorted(["张三", "李四"])
    assert "editor（编辑）  无令牌" in listed[[x.split()[0] for x in listed].index("张三")]

    token = users_cli(d, "token", "张三").stdout.strip()
    assert len(token) >= 40
    assert "有令牌" in users_cli(d, "list").stdout
    with Accounts(d) as db:
        assert db.by_token(token).name == "张三"  # type: ignore[union-attr]
        assert db.verify("张三", "s3cret-password") is not None
    new_pw = tmp_path / "new"
    new_pw.write_text("changed-password\n", encoding="utf-8")
    assert users_cli(d, "passwd", "张三", "--password-file", str(new_pw)).returncode == 0
    with Accounts(d) as db:
        assert db.verify("张三", "s3cret-password") is None
        assert db.verify("张三", "changed-password") is not None
    removed = users_cli(d, "remove", "张三")
    assert removed.returncode == 0 and "已删除用户 张三" in removed.stdout
    assert users_cli(d, "remove", "张三").returncode == 1
    assert users_cli(d, "token", "nobody").returncode == 1
    with Accounts(d) as db:
        assert db.by_token(token) is None


def test_passwords_are_argon2id_and_tokens_are_stored_as_digests(data: Path) -> None:
    with Accounts(data) as db:
        token = db.new_token("alice")
    conn = sqlite3.connect(data / ACCOUNTS_DB)
    pw_hash, token_hash = conn.execute(
        "SELECT pw_hash, token_hash FROM users WHERE name = 'alice'"
    ).fetchone()
    conn.close()
    assert pw_hash.startswith("$argon2id$") and PASSWORD not in pw_hash
    assert token not in token_hash and len(token_hash) == 64
    raw = (data / ACCOUNTS_DB).read_bytes()
    assert token.encode() not in raw and PASSWORD.encode() not in raw


def test_the_session_secret_is_created_once_with_mode_600(data: Path) -> None:
    first = make_app(data).config["SECRET_KEY"]
    path = data / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 32
    assert make_app(data).config["SECRET_KEY"] == first


def test_login_sets_a_strict_cookie_and_logout_ends_the_session(data: Path) -> None:
    client = make_app(data).test_client()
    resp = login(client, "alice")
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    page = client.get("/upload")
    assert page.status_code == 200 and "退出 alice" in page.get_data(as_text=True)
    token = csrf_of(page.get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/upload").status_code == 302  # back to the login page


def test_secure_cookies_option_marks_the_cookie_secure(data: Path) -> None:
    client = make_app(data, SECURE_COOKIES=True).test_client()
    resp = login(client, "alice")
    assert "Secure" in resp.headers["Set-Cookie"]


def test_anonymous_reading_sets_no_cookie(data: Path) -> None:
    client = make_app(data).test_client()
    for path in ("/", "/api/", "/search?q=x"):
        assert "Set-Cookie" not in client.get(path).headers, path


def test_wrong_name_and_wrong_password_get_the_same_answer(data: Path) -> None:
    client = make_app(data).test_client()
    wrong_pw = login(client, "alice", "not the password")
    unknown = login(client, "nobody-here", "not the password")
    assert wrong_pw.status_code == unknown.status_code == 401
    body_a, body_b = wrong_pw.get_data(as_text=True), unknown.get_data(as_text=True)
    assert BAD_LOGIN in body_a and BAD_LOGIN in body_b
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", body_a) == strip.sub("", body_b)


def test_login_is_limited_per_account_across_worker_processes(data: Path) -> None:
    """Two app instances stand for two gunicorn workers: they share only the data folder."""
    first, second = make_app(data).test_client(), make_app(data).test_client()
    for i in range(5):
        client = first if i % 2 else second
        resp = login(client, "alice", f"guess {i}", next="/")
        assert resp.status_code == 401
    blocked = login(first, "alice")  # the right password, too late
    assert blocked.status_code == 429 and TOO_MANY in blocked.get_data(as_text=True)
    assert login(second, "alice").status_code == 429
    # Another account from another address is not blocked.
    other = make_app(data).test_client()
    token = csrf_of(other.get("/login").get_data(as_text=True))
    ok = other.post(
        "/login",
        data={"name": "root", "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert ok.status_code == 302


def test_login_is_limited_per_address_across_accounts(data: Path) -> None:
    client = make_app(data).test_client()
    for i in range(5):
        assert login(client, f"user{i}", "wrong password").status_code == 401
    assert login(client, "alice").status_code == 429


def test_login_without_its_csrf_token_is_refused(data: Path) -> None:
    client = make_app(data).test_client()
    resp = client.post("/login", data={"name": "alice", "password": PASSWORD})
    assert resp.status_code == 403
    assert "notices_session" not in resp.headers.get("Set-Cookie", "") or "user" not in str(
        resp.headers
    )


def test_a_session_ends_after_inactivity(data: Path) -> None:
    client = make_app(data, IDLE_MINUTES=30).test_client()
    login(client, "alice")
    assert client.get("/upload").status_code == 200
    with client.session_transaction() as sess:
        sess["seen"] = int(time.time()) - 31 * 60
    assert client.get("/upload").status_code == 302


def test_a_new_password_or_removal_ends_existing_sessions(data: Path) -> None:
    client = make_app(data).test_client()
    login(client, "alice")
    assert client.get("/upload").status_code == 200
    with Accounts(data) as db:
        db.set_password("alice", "a brand new password")
    assert client.get("/upload").status_code == 302
    login(client, "alice", "a brand new password")
    assert client.get("/upload").status_code == 200
    with Accounts(data) as db:
        db.remove("alice")
    assert client.get("/upload").status_code == 302


def test_private_mode_turns_anonymous_reading_off(data: Path) -> None:
    client = make_app(data, PRIVATE=True).test_client()
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].startswith("/login")
    api = client.get("/api/search?q=x")
    assert api.status_code == 401 and api.get_json()["ok"] is False
    assert client.get("/login").status_code == 200
    with client.get("/static/style.css") as css:
        assert css.status_code == 200
    assert login(client, "rita", next="/stats").headers["Location"] == "/stats"
    assert client.get("/api/").status_code != 401


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_login_never_redirects_off_the_site(data: Path, target: str) -> None:
    client = make_app(data).test_client()
    assert login(client, "alice", next=target).headers["Location"] == "/"


def test_an_api_token_authenticates_without_a_cookie(data: Path) -> None:
    with Accounts(data) as db:
        token = db.new_token("root")
    client = make_app(data).test_client()
    ok = client.get("/api/admin/audit", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and ok.get_json() == {"ok": True, "entries": []}
    bad = client.get("/api/admin/audit", headers={"Authorization": "Bearer forged"})
    assert bad.status_code == 401 and bad.get_json()["ok"] is False
    assert client.get("/api/admin/audit").status_code == 401


def test_an_unusable_accounts_file_stops_logins_not_reading(data: Path) -> None:
    (data / ACCOUNTS_DB).unlink()
    (data / ACCOUNTS_DB).mkdir()  # cannot be opened as a database
    client = make_app(data).test_client()
    assert client.get("/").status_code == 200
    resp = login(client, "alice")
    assert resp.status_code == 503 and "账号库" in resp.get_data(as_text=True)
