"""An editor's journey on a real server (2 gunicorn workers) in real Chromium: log in, upload
three files of which one is rejected, read the results, find the new notices by search within
5 s, remove one after confirming; then an admin sees it all in the audit log. Laptop and
phone screenshots of each new page.

This module starts its own server on its own archive: it writes, the shared one is read-only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import expect

from bench.serverproc import ServerProcess
from tests.browser.conftest import REPO, Watch

PASSWORD = "browser-journey-pw"
NOTICES = REPO / "tests" / "data" / "notices"
UPLOADS = [
    NOTICES / "a_fullwidth_categories.txt",
    NOTICES / "c_labelled_fields.txt",
    REPO / "tests" / "data" / "rejects" / "arrival_announcement.txt",
]
SEARCH_WITHIN_S = 5.0


def _run(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONUTF8": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{args}: {done.stderr}"


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    root = tmp_path_factory.mktemp("accounts-journey")
    data = root / "data"
    pw = root / "pw"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    _run("archive", "ingest", "--data", str(data), str(REPO / "seeds"))
    _run("indexer", "build", "--data", str(data))
    _run(
        "web",
        "users",
        "add",
        "编辑甲",
        "--role",
        "editor",
        "--password-file",
        str(pw),
        "--data",
        str(data),
    )
    _run(
        "web",
        "users",
        "add",
        "管理员",
        "--role",
        "admin",
        "--password-file",
        str(pw),
        "--data",
        str(data),
    )
    server = ServerProcess(data, workers=2)
    try:
        server.wait_ready(120)
    except (RuntimeError, TimeoutError) as exc:
        server.stop()
        pytest.fail(f"server did not start: {exc}\n{server.output()}")
    yield server
    server.stop()


def _search_ids(server: ServerProcess, query: str) -> set[str]:
    url = server.url("/api/search", q=query, kind="notice")
    with urllib.request.urlopen(url, timeout=30) as resp:
        return {h["notice_id"] for h in json.loads(resp.read().decode("utf-8"))["hits"]}


def _login(w: Watch, name: str) -> None:
    assert w.goto("/login") == 200
    w.page.get_by_label("用户名").fill(name)
    w.page.get_by_label("密码").fill(PASSWORD)
    with w.page.expect_navigation():
        w.page.get_by_role("button", name="登录").click()
    expect(w.page.get_by_test_id("logout")).to_contain_text(name)


def _no_overflow(w: Watch, what: str) -> None:
    ov = w.overflow()
    assert ov["scrollWidth"] <= ov["clientWidth"] + 1, f"{what} overflows: {ov}"


def test_login_upload_search_remove_audit(
    open_page: Callable[..., Watch], writable_server: ServerProcess
) -> None:
    server = writable_server
    w = open_page("laptop")
    w.base_url = server.base_url
    _login(w, "编辑甲")

    # Upload three files, one of them not a rectification notice.
    w.page.get_by_test_id("nav-upload").click()
    expect(w.page.get_by_test_id("upload")).to_be_visible()
    w.screenshot("accounts-upload-laptop")
    w.page.get_by_test_id("upload-files").set_input_files([str(p) for p in UPLOADS])
    with w.page.expect_navigation():
        w.page.get_by_test_id("upload-submit").click()
    assert "/upload/jobs/" in w.page.url
    job = w.page.locator("[data-testid=upload-job][data-status=done]")
    expect(job).to_be_visible(timeout=180_000)
    done_at = time.monotonic()
    expect(w.page.get_by_test_id("job-progress")).to_contain_text("新增 2，未变 0，拒收 1")
    rows = w.page.get_by_test_id("job-file")
    expect(rows).to_have_count(3)
    for i in (0, 1):
        expect(rows.nth(i)).to_contain_text("新增")
        expect(rows.nth(i).get_by_test_id("job-link")).to_be_visible()
    expect(rows.nth(2)).to_contain_text("拒收")
    assert len(rows.nth(2).locator("td").nth(4).inner_text().strip()) > 4  # the reason
    w.screenshot("accounts-job-laptop")
    links = [rows.nth(i).get_by_test_id("job-link").get_attribute("href") for i in (0, 1)]
    new_ids = [str(h).rsplit("/", 1)[1] for h in links]
    orgs = [rows.nth(i).locator("td").nth(2).inner_text().strip() for i in (0, 1)]
    assert all(orgs), orgs

    # The running server's refresher makes them searchable within 5 s.
    found: set[str] = set()
    while time.monotonic() - done_at < SEARCH_WITHIN_S and found != set(new_ids):
        found = {
            nid for nid, org in zip(new_ids, orgs, strict=True) if nid in _search_ids(server, org)
        }
        time.sleep(0.2)
    assert found == set(new_ids), f"not searchable {SEARCH_WITHIN_S} s after the upload"
    assert w.goto("/search?" + urllib.parse.urlencode({"q": orgs[0], "kind": "notice"})) == 200
    expect(w.page.locator(f"a[href*='{new_ids[0]}']").first).to_be_visible()

    # Remove one of them from its page, after confirming.
    assert w.goto(f"/notices/{new_ids[0]}") == 200
    w.page.get_by_test_id("remove").click()
    expect(w.page.get_by_test_id("confirm")).to_contain_text("确认删除")
    w.screenshot("accounts-confirm-laptop")
    with w.page.expect_navigation():
        w.page.get_by_test_id("confirm-remove").click()
    expect(w.page.get_by_test_id("done")).to_contain_text("已删除")
    assert w.goto(f"/notices/{new_ids[0]}") == 404
    w.assert_clean(allow=lambda e: "404" in e)

    # An editor has no audit page; an admin sees the uploads and the removal.
    assert w.goto("/admin/audit") == 403
    w.assert_clean(allow=lambda e: "403" in e and "/admin/audit" in e)
    admin = open_page("laptop")
    admin.base_url = server.base_url
    _login(admin, "管理员")
    admin.page.get_by_test_id("nav-audit").click()
    audit_rows = admin.page.get_by_test_id("audit-row")
    expect(audit_rows).to_have_count(3)
    expect(audit_rows.first).to_contain_text("删除")
    expect(audit_rows.first).to_contain_text(new_ids[0])
    expect(audit_rows.first).to_contain_text("编辑甲")
    expect(audit_rows.nth(1)).to_contain_text("上传")
    admin.screenshot("accounts-audit-laptop")
    _no_overflow(admin, "audit page")

    # The same pages on a phone.
    phone = open_page("phone")
    phone.base_url = server.base_url
    _login(phone, "管理员")
    for path, name in (
        ("/upload", "upload"),
        ("/admin/audit", "audit"),
        (f"/notices/{new_ids[1]}/remove", "confirm"),
        ("/login", "login"),
    ):
        assert phone.goto(path) == 200, path
        _no_overflow(phone, path)
        phone.screenshot(f"accounts-{name}-phone")


@pytest.fixture(scope="module")
def review_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    root = tmp_path_factory.mktemp("accounts-review")
    data = root / "data"
    pw = root / "pw"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    _run("archive", "ingest", "--data", str(data), str(REPO / "seeds"))
    _run("indexer", "build", "--data", str(data))
    for name, role in (("编辑甲", "editor"), ("编辑乙", "editor")):
        _run(
            "web",
            "users",
            "add",
            name,
            "--role",
            role,
            "--password-file",
            str(pw),
            "--data",
            str(data),
        )
    server = ServerProcess(data, workers=1, extra_args=["--review"])
    try:
        server.wait_ready(120)
    except (RuntimeError, TimeoutError) as exc:
        server.stop()
        pytest.fail(f"server did not start: {exc}\n{server.output()}")
    yield server
    server.stop()


def test_a_draft_is_reviewed_beside_its_original_then_published(
    open_page: Callable[..., Watch], review_server: ServerProcess
) -> None:
    server = review_server
    w = open_page("laptop")
    w.base_url = server.base_url
    _login(w, "编辑甲")
    assert w.goto("/upload") == 200
    w.page.get_by_test_id("upload-files").set_input_files([str(UPLOADS[0])])
    with w.page.expect_navigation():
        w.page.get_by_test_id("upload-submit").click()
    expect(w.page.locator("[data-testid=upload-job][data-status=done]")).to_be_visible(
        timeout=180_000
    )
    expect(w.page.get_by_test_id("job-progress")).to_contain_text("待审核 1")
    key_href = w.page.get_by_test_id("draft-link").get_attribute("href")

    reviewer = open_page("laptop")
    reviewer.base_url = server.base_url
    _login(reviewer, "编辑乙")
    reviewer.page.get_by_test_id("nav-drafts").click()
    expect(reviewer.page.get_by_test_id("draft-row")).to_have_count(1)
    reviewer.page.get_by_test_id("draft-row").get_by_role("link").click()
    assert reviewer.page.url.endswith(str(key_href))
    expect(reviewer.page.get_by_test_id("draft-warnings")).to_be_visible()
    problems = reviewer.page.get_by_test_id("draft-problems")
    original = reviewer.page.get_by_test_id("draft-original")
    box_p, box_o = problems.bounding_box(), original.bounding_box()
    assert box_p and box_o and box_p["x"] + box_p["width"] <= box_o["x"] + 1  # side by side
    assert abs(box_p["y"] - box_o["y"]) < 2
    reviewer.screenshot("accounts-draft-laptop")

    phone = open_page("phone")
    phone.base_url = server.base_url
    _login(phone, "编辑乙")
    assert phone.goto(str(key_href)) == 200
    _no_overflow(phone, "draft page")
    phone.screenshot("accounts-draft-phone")

    with reviewer.page.expect_navigation():
        reviewer.page.get_by_test_id("publish").click()
    expect(reviewer.page.get_by_test_id("done")).to_contain_text("进入档案库")
    reviewer.page.get_by_role("link", name="查看通报").click()
    expect(reviewer.page.get_by_test_id("meta")).to_be_visible()
