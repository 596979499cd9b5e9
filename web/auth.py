"""Who is asking: signed-cookie sessions or API tokens, CSRF tokens, roles, login and logout.

Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, Secure with --secure-cookies)
holding the user name, the user's password generation (a new password ends old sessions)
and the time of the last request (a session idle longer than IDLE_MINUTES ends). The role
is read from the accounts database on every request, so removing a user or changing a role
takes effect at once. Every unsafe request (POST…) made with the cookie must carry the
session's CSRF token; requests with ``Authorization: Bearer`` carry no cookie and need none.
"""

from __future__ import annotations

import functools
import hmac
import os
import secrets
import sqlite3
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from web.accountdb import ACCOUNTS_DB, Accounts, User
from web.errors import Busy, Denied

SECRET_FILE = "secret_key"
IDLE_MINUTES = 30
LOGIN_WINDOW = 60.0  # seconds
LOGIN_TRIES = 5  # failed logins per window, per account and per address
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_ENDPOINTS = frozenset({"auth.login", "static", "pages.favicon"})
ANONYMOUS_WRITES = frozenset({"auth.login", "auth.logout"})  # the only posts without a login
BAD_LOGIN = "用户名或密码不正确"
TOO_MANY = "登录尝试过于频繁，请一分钟后再试"
CSRF_FAILED = "页面已过期或请求来源不明（CSRF 校验未通过），请刷新页面后重试"

bp = Blueprint("auth", __name__)


def secret_key(data_dir: Path) -> bytes:
    """The session signing key, kept in the data folder (created once, mode 600).

    In a folder that cannot be written a key is made for this process only: sessions then
    end when the server restarts."""
    path = Path(data_dir) / SECRET_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()  # another process created it first
    except OSError:
        return key
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


def accounts() -> Accounts:
    """This request's accounts database (closed in teardown)."""
    if "accounts" not in g:
        try:
            g.accounts = Accounts(current_app.config["DATA_DIR"])
        except sqlite3.Error as exc:  # a read-only or damaged data folder
            raise Busy(f"账号库 {ACCOUNTS_DB} 无法打开（{exc}）：登录和写入暂不可用") from exc
    return g.accounts


def current_user() -> User | None:
    return g.get("user")


def _bearer_user() -> User | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    user = accounts().by_token(header[7:].strip())
    if user is None:
        abort(401)
    return user


def _session_user() -> User | None:
    name = session.get("user")
    if not name:
        return None
    idle = current_app.config["IDLE_MINUTES"] * 60
    user = accounts().get(name)
    if (
        user is None
        or session.get("gen") != user.generation
        or time.time() - session.get("seen", 0) > idle
    ):
        session.pop("user", None)
        session.pop("gen", None)
        return None
    session["seen"] = int(time.time())
    return user


def csrf_token() -> str:
    """The session's CSRF token, made on first use (templates call it in every form)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _check_csrf() -> None:
    """Without a session token nothing can match: refused before the body is even parsed."""
    expected = session.get("csrf") or ""
    if not expected:
        raise Denied(CSRF_FAILED)
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Denied(CSRF_FAILED)


def _before() -> Any:
    g.user = None
    g.by_token = False
    if request.endpoint == "static" or request.routing_exception is not None:
        return None  # a 404/405 stays a 404/405 (no CSRF or login check before it)
    g.user = _bearer_user()
    g.by_token = g.user is not None
    if g.user is None:
        g.user = _session_user()
        if request.method not in SAFE_METHODS:
            if g.user is None and request.endpoint not in ANONYMOUS_WRITES:
                abort(401)  # no write without a login: refused before the body is read
            _check_csrf()
    if current_app.config["PRIVATE"] and g.user is None and request.endpoint not in OPEN_ENDPOINTS:
        if request.path.startswith("/api/"):
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return None


def _private_cache(response: Any) -> Any:
    """Pages for a logged-in user (their name, CSRF token, write buttons) are never kept by
    a shared cache or the browser's back-forward history."""
    if g.get("user") is not None:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _teardown(exc: BaseException | None = None) -> None:
    opened = g.pop("accounts", None)
    if opened is not None:
        opened.close()


def require(role: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view only users of ``role`` or above reach: 401 without a login, 403 below it."""

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                if request.method in SAFE_METHODS and not request.path.startswith("/api/"):
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                abort(401)
            if not user.at_least(role):
                abort(403)
            return view(*args, **kwargs)

        return checked

    return wrap


def _client_address() -> str:
    """The peer address (a proxy in front must be configured to pass the real one)."""
    return request.remote_addr or "?"


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute or scheme-relative URL."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return url_for("pages.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return url_for("pages.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    nxt = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=nxt, error=None)
    name = request.form.get("name", "").strip()[:80]
    password = request.form.get("password", "")[:1024]
    keys = [f"user:{name}", f"addr:{_client_address()}"]
    db = accounts()
    if db.recent_failures(keys, LOGIN_WINDOW) >= LOGIN_TRIES:
        return render_template("login.html", next=nxt, error=TOO_MANY, name=name), 429
    user = db.verify(name, password)
    if user is None:
        db.record_failure(keys, LOGIN_WINDOW)
        return render_template("login.html", next=nxt, error=BAD_LOGIN, name=name), 401
    session.clear()
    session.permanent = True
    session.update(user=user.name, gen=user.generation, seen=int(time.time()))
    csrf_token()
    return redirect(nxt)


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("pages.home"))


def init_app(app: Flask) -> None:
    app.config.setdefault("PRIVATE", False)
    app.config.setdefault("REVIEW", False)
    app.config.setdefault("SECURE_COOKIES", False)
    app.config.setdefault("IDLE_MINUTES", IDLE_MINUTES)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.config["DATA_DIR"])
    app.config.update(
        SESSION_COOKIE_NAME="notices_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(app.config["SECURE_COOKIES"]),
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=app.config["IDLE_MINUTES"]),
    )
    app.before_request(_before)
    app.after_request(_private_cache)
    app.teardown_appcontext(_teardown)
    app.context_processor(lambda: {"current_user": current_user(), "csrf_token": csrf_token})
    app.register_blueprint(bp)
