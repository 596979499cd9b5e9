"""Uploads from the browser: files, zips of them and pasted text become a job run by its own
process; each file gets 新增 / 未变 / 拒收 with the reason, the organisation and problem
count, and the archive's limits apply exactly as for ``python -m archive ingest``."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from archive import audit
from archive.loaders import MAX_TEXT_BYTES
from archive.store import Archive
from tests.test_accounts import PASSWORD, csrf_of, login, make_app
from web.accountdb import Accounts

REPO = Path(__file__).resolve().parents[1]
NOTICES = REPO / "tests" / "data" / "notices"
REJECTS = REPO / "tests" / "data" / "rejects"
GOOD = ["a_fullwidth_categories.txt", "c_labelled_fields.txt"]
BAD = "arrival_announcement.txt"


@pytest.fixture(scope="module")
def with_editors(tmp_path_factory: pytest.TempPathFactory, seeded_data: Path) -> Path:
    """The seeded archive and two editors, made once per module (argon2id is slow on purpose)."""
    d = tmp_path_factory.mktemp("upload") / "data"
    shutil.copytree(seeded_data, d)
    with Accounts(d) as db:
        db.add("alice", "editor", PASSWORD)
        db.add("bob", "editor", PASSWORD)
    return d


@pytest.fixture
def data(tmp_path: Path, with_editors: Path) -> Path:
    """A copy per test: every test uploads into its own archive."""
    return Path(shutil.copytree(with_editors, tmp_path / "data"))


def editor(data: Path, name: str = "alice") -> tuple[FlaskClient, str]:
    client = make_app(data).test_client()
    assert login(client, name).status_code == 302
    return client, csrf_of(client.get("/upload").get_data(as_text=True))


def wait_job(client: FlaskClient, job_id: str, timeout: float = 180.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/upload/jobs/{job_id}").get_json()
        assert body["ok"] is True
        if body["status"] == "done":
            return body
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish: {body}")


def upload(client: FlaskClient, csrf: str, files: list[tuple[str, bytes]], text: str = ""):
    form: dict[str, Any] = {
        "csrf_token": csrf,
        "files": [(io.BytesIO(raw), name) for name, raw in files],
    }
    if text:
        form["text"] = text
    return post_multipart(client, "/upload", form)


def post_multipart(client: FlaskClient, path: str, form: dict[str, Any], **kw: Any):
    """Encoded in memory: the test client's own encoder spools large bodies to a temporary
    file it never closes."""
    files = form.pop("files", [])
    fields = MultiDict(form)
    for stream, name in files:
        fields.add("files", FileStorage(stream, filename=name))
    boundary, body = encode_multipart(fields)
    return client.post(
        path, data=body, content_type=f"multipart/form-data; boundary={boundary}", **kw
    )


def job_of(resp) -> str:
    assert resp.status_code == 303, resp.get_data(as_text=True)[:300]
    return resp.headers["Location"].rsplit("/", 1)[1]


def test_three_files_one_rejected_give_per_file_results_and_audit(data: Path) -> None:
    client, csrf = editor(data)
    files = [(n, (NOTICES / n).read_bytes()) for n in GOOD] + [(BAD, (REJECTS / BAD).read_bytes())]
    job_id = job_of(upload(client, csrf, files))
    body = wait_job(client, job_id)
    assert body["counts"] == {
        "added": 2,
        "unchanged": 0,
        "rejected": 1,
        "pending": 0,
        "draft": 0,
        "discarded": 0,
    }
    assert [f["name"] for f in body["files"]] == [*GOOD, BAD]
    added = body["files"][:2]
    with Archive(data, readonly=True) as archive:
        for f in added:
            stored = archive.notice(f["notice_id"])
            assert f["organisation"] == stored.notice.organisation
            assert f["problems"] == len(stored.notice.problems) > 0
            assert f["url"] == f"/notices/{f['notice_id']}"
            assert f["label"] == "新增"
    rejected = body["files"][2]
    assert rejected["label"] == "拒收" and rejected["reason"] and rejected["notice_id"] is None
    page = client.get(f"/upload/jobs/{job_id}").get_data(as_text=True)
    assert "新增 2，未变 0，拒收 1" in page and rejected["reason"] in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing
    logged = audit.entries(data, action="upload")
    assert sorted(e.notice_id for e in logged) == sorted(f["notice_id"] for f in added)
    assert {e.user for e in logged} == {"alice"}

    form = client.get("/upload").get_data(as_text=True)
    assert f'href="/upload/jobs/{job_id}"' in form and "3 个文件，已完成" in form
    bob, _ = editor(data, "bob")
    assert job_id not in bob.get("/upload").get_data(as_text=True)
    again = wait_job(client, job_of(upload(client, csrf, files[:1])))
    assert again["files"][0]["status"] == "unchanged"
    assert again["files"][0]["notice_id"] == added[0]["notice_id"]


def test_an_editor_removes_their_own_upload_but_not_another_editors(data: Path) -> None:
    alice, csrf_a = editor(data, "alice")
    body = wait_job(
        alice, job_of(upload(alice, csrf_a, [(GOOD[0], (NOTICES / GOOD[0]).read_bytes())]))
    )
    nid = body["files"][0]["notice_id"]
    bob, csrf_b = editor(data, "bob")
    assert bob.get(f"/api/upload/jobs/{body['id']}").status_code == 404  # not bob's job
    refused = bob.post(f"/api/notices/{nid}/remove", headers={"X-CSRF-Token": csrf_b})
    assert refused.status_code == 403
    page = alice.get(f"/notices/{nid}").get_data(as_text=True)
    assert 'data-testid="remove"' in page
    done = alice.post(f"/api/notices/{nid}/remove", headers={"X-CSRF-Token": csrf_a})
    assert done.status_code == 200 and done.get_json()["ok"] is True
    with Archive(data, readonly=True) as archive:
        assert nid not in archive.notice_ids()
    assert [e.action for e in audit.entries(data, notice_id=nid)] == ["remove", "upload"]


def _zip(members: dict[str, bytes], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as zf:
        for name, raw in members.items():
            zf.writestr(name, raw)
    return buf.getvalue()


def test_a_zip_is_read_member_by_member_with_bomb_limits(data: Path) -> None:
    client, csrf = editor(data)
    bundle = _zip(
        {
            f"下载/{GOOD[0]}": (NOTICES / GOOD[0]).read_bytes(),
            f"下载/{GOOD[1]}": (NOTICES / GOOD[1]).read_bytes(),
            "下载/setup.exe": b"MZ\x90\x00",
            "bomb.txt": b"0" * (20 * 1024 * 1024),  # 20 MiB of zeros: about 1000x
            "下载/": b"",
        }
    )
    assert len(bundle) < 100_000
    body = wait_job(client, job_of(upload(client, csrf, [("通报.zip", bundle)])))
    by_name = {f["name"]: f for f in body["files"]}
    assert by_name[GOOD[0]]["status"] == by_name[GOOD[1]]["status"] == "added"
    assert "不支持的文件类型" in by_name["通报.zip/下载/setup.exe"]["reason"]
    assert "疑似压缩炸弹" in by_name["通报.zip/bomb.txt"]["reason"]
    assert len(body["files"]) == 4  # the folder entry is not a file

    broken = wait_job(client, job_of(upload(client, csrf, [("坏.zip", b"PK\x03\x04broken")])))
    assert broken["files"][0]["reason"] == "压缩包已损坏，无法打开"


def test_the_loaders_limits_apply_to_uploads(data: Path) -> None:
    client, csrf = editor(data)
    big = b"\xe5\x95\x8a" * (MAX_TEXT_BYTES // 3 + 10)  # just over 8 MiB of text
    body = wait_job(
        client,
        job_of(upload(client, csrf, [("大.txt", big), ("程序.sh", b"#!/bin/sh\nrm -rf /\n")])),
    )
    big_result, script = body["files"]
    assert big_result["status"] == "rejected" and "MiB" in big_result["reason"]
    assert script["status"] == "rejected" and "不支持的文件类型" in script["reason"]


def test_pasted_text_is_archived_like_a_txt_file(data: Path) -> None:
    client, csrf = editor(data)
    text = (NOTICES / GOOD[1]).read_text(encoding="utf-8")
    body = wait_job(client, job_of(upload(client, csrf, [], text=text)))
    [pasted] = body["files"]
    assert pasted["name"] == "粘贴的文本.txt" and pasted["status"] == "added"
    assert pasted["problems"] > 0


def test_an_empty_upload_says_what_is_missing(data: Path) -> None:
    client, csrf = editor(data)
    resp = upload(client, csrf, [])
    assert resp.status_code == 400 and "没有收到文件或文本" in resp.get_data(as_text=True)
    api = client.post("/api/upload", headers={"X-CSRF-Token": csrf})
    assert api.status_code == 400 and api.get_json()["ok"] is False


def test_the_api_upload_with_a_token_answers_202_and_a_job(data: Path) -> None:
    with Accounts(data) as db:
        token = db.new_token("alice")
    client = make_app(data).test_client()
    auth = {"Authorization": f"Bearer {token}"}
    resp = post_multipart(
        client,
        "/api/upload",
        {"files": [(io.BytesIO((NOTICES / GOOD[0]).read_bytes()), GOOD[0])]},
        headers=auth,
    )
    assert resp.status_code == 202
    body = resp.get_json()
    assert body["ok"] is True and body["url"] == f"/api/upload/jobs/{body['job']}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job = client.get(body["url"], headers=auth).get_json()
        if job["status"] == "done":
            break
        time.sleep(0.3)
    assert job["files"][0]["status"] == "added"


def test_a_job_whose_process_died_is_taken_up_again(data: Path) -> None:
    """A worker killed mid-batch leaves a 'running' job whose process is gone: opening its
    page starts a new process for the files still pending."""
    from web import jobs

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with Accounts(data) as db:
        job_id = jobs.create(db, "alice", [(GOOD[0], (NOTICES / GOOD[0]).read_bytes(), None)])
        with db.transaction() as conn:
            conn.execute(
                "UPDATE jobs SET status = 'running', pid = ? WHERE id = ?", (dead.pid, job_id)
            )
        assert jobs.claim(db, job_id) is True  # its process is gone: claimable
        with db.transaction() as conn:
            conn.execute("UPDATE jobs SET pid = ? WHERE id = ?", (dead.pid, job_id))
    client, _ = editor(data)
    body = wait_job(client, job_id)
    assert body["files"][0]["status"] == "added"


def test_pages_of_a_logged_in_user_are_not_cached(data: Path) -> None:
    client, _ = editor(data)
    assert client.get("/").headers["Cache-Control"] == "private, no-store"
    anonymous = make_app(data).test_client()
    assert "no-store" not in anonymous.get("/").headers.get("Cache-Control", "")


def test_hostile_file_names_are_shown_escaped_and_never_used_as_paths(data: Path) -> None:
    client, csrf = editor(data)
    hostile = "<img src=x onerror=alert(1)>.txt"
    bundle = _zip({"../../../tmp/evil-upload.txt": (NOTICES / GOOD[1]).read_bytes()})
    body = wait_job(client, job_of(upload(client, csrf, [(hostile, b"x" * 10), ("z.zip", bundle)])))
    names = [f["name"] for f in body["files"]]
    assert names == [hostile, "evil-upload.txt"]
    assert body["files"][1]["status"] == "added"
    assert not Path("/tmp/evil-upload.txt").exists()
    page = client.get(f"/upload/jobs/{body['id']}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_two_uploads_at_once_are_archived_one_after_the_other(data: Path) -> None:
    alice, csrf_a = editor(data, "alice")
    bob, csrf_b = editor(data, "bob")
    first = job_of(upload(alice, csrf_a, [(GOOD[0], (NOTICES / GOOD[0]).read_bytes())]))
    second = job_of(upload(bob, csrf_b, [(GOOD[1], (NOTICES / GOOD[1]).read_bytes())]))
    a, b = wait_job(alice, first), wait_job(bob, second)
    assert a["files"][0]["status"] == b["files"][0]["status"] == "added"
    assert (data / "upload.lock").exists()
