"""Every write route refuses whoever may not write: no session, a reader's session, a forged
or missing CSRF token, a forged API token — 401 or 403, and the archive byte-identical."""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from archive.store import DB_NAME, Archive
from tests.test_accounts import PASSWORD, csrf_of, login, make_app
from web.accountdb import ACCOUNTS_DB, Accounts

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_15f829d25a69815d.txt"

# (method, path, with a file) — {n} is a stored notice id.
WRITES = [
    ("/upload", True),
    ("/api/upload", True),
    ("/notices/{n}/remove", False),
    ("/notices/{n}/reparse", False),
    ("/api/notices/{n}/remove", False),
    ("/api/notices/{n}/reparse", False),
]
# Pages that lead to writes or show the log: GET, a login and a role needed.
GUARDED_PAGES = [
    ("/upload", "editor"),
    ("/notices/{n}/remove", "editor"),
    ("/notices/{n}/reparse", "editor"),
    ("/admin/audit", "admin"),
    ("/admin/audit.csv", "admin"),
    ("/api/admin/audit", "admin"),
]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, seeded_data: Path) -> Path:
    d = tmp_path_factory.mktemp("routes") / "data"
    shutil.copytree(seeded_data, d)
    with Accounts(d) as db:
        db.add("alice", "editor", PASSWORD)
        db.add("root", "admin", PASSWORD)
        db.add("rita", "reader", PASSWORD)
    return d


@pytest.fixture(scope="module")
def notice_id(data: Path) -> str:
    with Archive(data, readonly=True) as archive:
        return archive.notice_ids()[0]


def fingerprint(data: Path) -> str:
    """The archive's bytes (database and write-ahead log) and the number of upload jobs."""
    h = hashlib.sha256()
    for name in (DB_NAME, f"{DB_NAME}-wal"):
        path = data / name
        h.update(path.read_bytes() if path.exists() else b"-")
    conn = sqlite3.connect(data / ACCOUNTS_DB)
    h.update(str(conn.execute("SELECT COUNT(*) FROM jobs").fetchone()).encode())
    conn.close()
    return h.hexdigest()


def attempt(client: FlaskClient, path: str, with_file: bool, csrf: str | None, **kw):
    form: dict[str, object] = {}
    if csrf is not None:
        form["csrf_token"] = csrf
    if with_file:
        form["files"] = (io.BytesIO(SEED.read_bytes()), "notice.txt")
        form["text"] = SEED.read_text(encoding="utf-8")
    return client.post(path, data=form, content_type="multipart/form-data", **kw)


# Session cookies by (archive, user): each user logs in once per module, and later clients
# of the same archive start from that session (argon2id verification is slow on purpose).
_SESSIONS: dict[tuple[str, str], str] = {}
COOKIE = "notices_session"


def session_client(data: Path, name: str | None) -> tuple[FlaskClient, str]:
    """A client logged in as ``name`` (or anonymous) and its session's valid CSRF token."""
    client = make_app(data).test_client()
    if name:
        key = (str(data), name)
        if key in _SESSIONS:
            client.set_cookie(COOKIE, _SESSIONS[key])
        else:
            assert login(client, name).status_code == 302
            _SESSIONS[key] = client.get_cookie(COOKIE).value  # type: ignore[union-attr]
        page = client.get("/")
        assert f"退出 {name}" in page.get_data(as_text=True), "the session is logged in"
    else:
        page = client.get("/login")
    return client, csrf_of(page.get_data(as_text=True))


CASES = {
    # case: (user, which CSRF token to send, expected status)
    "anonymous": (None, "valid", 401),
    "anonymous-no-csrf": (None, None, 401),  # no login: refused before the form is read
    "reader": ("rita", "valid", 403),
    "editor-forged-csrf": ("alice", "forged", 403),
    "admin-forged-csrf": ("root", "forged", 403),
    "admin-no-csrf": ("root", None, 403),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(("route", "with_file"), WRITES)
def test_write_routes_refuse_and_change_nothing(
    data: Path, notice_id: str, route: str, with_file: bool, case: str
) -> None:
    user, which, expected = CASES[case]
    client, valid = session_client(data, user)
    csrf = {"valid": valid, "forged": valid[:-4] + "AAAA", None: None}[which]
    before = fingerprint(data)
    resp = attempt(client, route.format(n=notice_id), with_file, csrf)
    assert resp.status_code == expected, resp.get_data(as_text=True)[:300]
    message = {"anonymous": "请先登录", "anonymous-no-csrf": "请先登录", "reader": "没有权限"}.get(
        case, "CSRF 校验未通过"
    )
    assert message in resp.get_data(as_text=True)
    if route.startswith("/api/"):
        body = resp.get_json()
        assert body["ok"] is False and body["status"] == expected
    else:
        assert "<html" in resp.get_data(as_text=True)
    assert fingerprint(data) == before


@pytest.mark.parametrize(("route", "with_file"), WRITES)
def test_write_routes_refuse_a_forged_api_token(
    data: Path, notice_id: str, route: str, with_file: bool
) -> None:
    client = make_app(data).test_client()
    before = fingerprint(data)
    resp = attempt(
        client, route.format(n=notice_id), with_file, None, headers={"Authorization": "Bearer x"}
    )
    assert resp.status_code == 401
    assert fingerprint(data) == before


def test_a_readers_api_token_cannot_write(data: Path, notice_id: str) -> None:
    with Accounts(data) as db:
        token = db.new_token("rita")
    client = make_app(data).test_client()
    before = fingerprint(data)
    for route, with_file in WRITES:
        resp = attempt(
            client,
            route.format(n=notice_id),
            with_file,
            None,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert resp.status_code == 403, route
    assert fingerprint(data) == before


@pytest.mark.parametrize(("route", "role"), GUARDED_PAGES)
def test_guarded_pages_need_a_login_and_the_role(
    data: Path, notice_id: str, route: str, role: str
) -> None:
    path = route.format(n=notice_id)
    anonymous = make_app(data).test_client().get(path)
    if path.startswith("/api/"):
        assert anonymous.status_code == 401
    else:
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    reader, _ = session_client(data, "rita")
    assert reader.get(path).status_code == 403
    editor, _ = session_client(data, "alice")
    if role == "admin":
        assert editor.get(path).status_code == 403
        admin, _ = session_client(data, "root")
        assert admin.get(path).status_code == 200
    elif path.endswith("/remove"):
        # An editor removes only their own uploads; this notice came from the shell.
        assert editor.get(path).status_code == 403
    else:
        assert editor.get(path).status_code == 200


def test_an_editor_cannot_remove_a_notice_they_did_not_upload(data: Path, notice_id: str) -> None:
    client, csrf = session_client(data, "alice")
    before = fingerprint(data)
    resp = client.post(f"/api/notices/{notice_id}/remove", headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 403 and resp.get_json()["ok"] is False
    assert fingerprint(data) == before
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert 'data-testid="reparse"' in page and 'data-testid="remove"' not in page


def test_readers_and_anonymous_see_no_write_buttons(data: Path, notice_id: str) -> None:
    for user in (None, "rita"):
        client, _ = session_client(data, user)
        page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
        assert 'data-testid="manage"' not in page
        assert 'data-testid="nav-upload"' not in page
