"""Review before publishing (``--review``): editors' uploads become drafts that only editors
and admins see, beside their original text and warnings, until one of them publishes or
discards them; publication is logged with both names; admins publish directly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from archive import audit
from archive.store import Archive
from tests.test_accounts import PASSWORD, csrf_of, login, make_app
from tests.test_upload import BAD, GOOD, NOTICES, REJECTS, job_of, upload, wait_job
from web.accountdb import Accounts


@pytest.fixture
def data(tmp_path: Path, seeded_data: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(seeded_data, d)
    with Accounts(d) as db:
        db.add("alice", "editor", PASSWORD)
        db.add("bob", "editor", PASSWORD)
        db.add("root", "admin", PASSWORD)
        db.add("rita", "reader", PASSWORD)
    return d


def client_of(data: Path, name: str | None, review: bool = True) -> tuple[FlaskClient, str]:
    client = make_app(data, REVIEW=review).test_client()
    if name:
        assert login(client, name).status_code == 302
        return client, csrf_of(client.get("/").get_data(as_text=True))
    return client, csrf_of(client.get("/login").get_data(as_text=True))


def ids(data: Path) -> list[str]:
    with Archive(data, readonly=True) as archive:
        return archive.notice_ids()


def drafts_of(data: Path) -> dict[str, str]:
    """Draft keys by file name, from an editor's view of the JSON list."""
    bob, _ = client_of(data, "bob")
    body = bob.get("/api/drafts").get_json()
    assert body["ok"] is True
    return {d["name"]: d["key"] for d in body["drafts"]}


def test_drafts_are_reviewed_then_published_or_discarded(data: Path) -> None:
    before = ids(data)
    alice, csrf_a = client_of(data, "alice")
    files = [(n, (NOTICES / n).read_bytes()) for n in GOOD] + [(BAD, (REJECTS / BAD).read_bytes())]
    body = wait_job(alice, job_of(upload(alice, csrf_a, files)))
    assert body["review"] is True
    assert [f["status"] for f in body["files"]] == ["draft", "draft", "rejected"]
    assert all(f["notice_id"] is None for f in body["files"])
    assert ids(data) == before  # nothing reached the archive
    page = alice.get(f"/upload/jobs/{body['id']}").get_data(as_text=True)
    assert "待审核 2" in page and 'data-testid="draft-link"' in page

    keys = drafts_of(data)
    assert sorted(keys) == sorted(GOOD)
    bob, csrf_b = client_of(data, "bob")
    shown = bob.get(f"/drafts/{keys[GOOD[0]]}").get_data(as_text=True)
    assert 'data-testid="draft-warnings"' in shown and 'data-testid="draft-original"' in shown
    first_line = (NOTICES / GOOD[0]).read_text(encoding="utf-8").strip().splitlines()[0].strip()
    assert first_line[:10] in shown

    done = bob.post(f"/drafts/{keys[GOOD[0]]}/publish", data={"csrf_token": csrf_b})
    assert done.status_code == 200 and "已发布" in done.get_data(as_text=True)
    [new] = [i for i in ids(data) if i not in before]
    logged = {(e.action, e.user) for e in audit.entries(data, notice_id=new)}
    assert logged == {("upload", "alice"), ("publish", "bob")}
    again = bob.post(f"/api/drafts/{keys[GOOD[0]]}/publish", headers={"X-CSRF-Token": csrf_b})
    assert again.status_code == 404 and ids(data).count(new) == 1
    # Published, it is alice's upload: she may remove it.
    assert 'data-testid="remove"' in alice.get(f"/notices/{new}").get_data(as_text=True)

    refused = bob.post(f"/api/drafts/{keys[GOOD[1]]}/discard", headers={"X-CSRF-Token": csrf_b})
    assert refused.status_code == 403
    gone = alice.post(f"/api/drafts/{keys[GOOD[1]]}/discard", headers={"X-CSRF-Token": csrf_a})
    assert gone.status_code == 200 and gone.get_json()["status"] == "discarded"
    assert drafts_of(data) == {}
    assert len(ids(data)) == len(before) + 1


def test_drafts_are_hidden_from_readers_and_writes_are_refused(data: Path) -> None:
    alice, csrf_a = client_of(data, "alice")
    wait_job(alice, job_of(upload(alice, csrf_a, [(GOOD[0], (NOTICES / GOOD[0]).read_bytes())])))
    [key] = drafts_of(data).values()
    before = ids(data)
    anonymous, csrf_anon = client_of(data, None)
    assert anonymous.get("/drafts").status_code == 302
    assert anonymous.get("/api/drafts").status_code == 401
    rita, csrf_r = client_of(data, "rita")
    assert rita.get("/drafts").status_code == 403
    assert rita.get(f"/drafts/{key}").status_code == 403
    root, csrf_root = client_of(data, "root")
    for client, token, status in (
        (anonymous, csrf_anon, 401),
        (rita, csrf_r, 403),
        (root, csrf_root[:-3] + "xyz", 403),
        (root, None, 403),
    ):
        for action in ("publish", "discard"):
            form = {"csrf_token": token} if token else {}
            assert client.post(f"/drafts/{key}/{action}", data=form).status_code == status
    assert ids(data) == before and list(drafts_of(data).values()) == [key]


def test_admins_publish_directly_and_review_off_has_no_drafts(data: Path) -> None:
    root, csrf = client_of(data, "root")
    body = wait_job(root, job_of(upload(root, csrf, [(GOOD[0], (NOTICES / GOOD[0]).read_bytes())])))
    assert body["review"] is False and body["files"][0]["status"] == "added"
    plain, _ = client_of(data, "alice", review=False)
    assert plain.get("/drafts").status_code == 404
    assert 'data-testid="nav-drafts"' not in plain.get("/").get_data(as_text=True)
