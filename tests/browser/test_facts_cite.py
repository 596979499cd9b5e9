"""Cited documents in the real browser, on a laptop and a phone: the /documents list (tabs,
links to the problems, paging, the site navigation) and the problem page's list of cited
documents. Screenshots go to test-artifacts/screenshots/facts-cite-*.png."""

from __future__ import annotations

from urllib.parse import quote

import pytest

VIEWPORTS = ["laptop", "phone"]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_documents_list_links_to_the_problems(viewport: str, open_page) -> None:
    w = open_page(viewport)
    assert w.goto("/") == 200
    nav = w.page.locator("nav.site-nav a[href='/documents']")
    assert nav.inner_text().strip() == "引用文件"
    if nav.is_visible():
        nav.click()
    else:  # a phone may fold the navigation: the link is still in the page
        w.goto("/documents")
    w.page.wait_for_selector("[data-testid=document-row]")
    rows = w.page.locator("[data-testid=document-row]")
    assert rows.count() >= 5
    assert all(k == "issued" for k in rows.evaluate_all("els => els.map(e => e.dataset.kind)"))
    assert w.page.locator("[data-testid=tab-issued][aria-current=page]").count() == 1
    assert w.overflow()["offenders"] == []
    w.screenshot(f"facts-cite-documents-{viewport}")

    w.page.fill("#documents-q", "议事规则")
    w.page.click("form[data-testid=documents-form] button[type=submit]")
    w.page.wait_for_selector("[data-testid=document-row]")
    names = w.page.locator("[data-testid=document-row] .doc-name").all_inner_texts()
    assert names and all("议事规则" in n for n in names)
    first = w.page.locator("[data-testid=document-search]").first
    title = first.inner_text().strip("《》 ")
    first.click()
    w.page.wait_for_selector("[data-testid=hit]")
    assert "doc%3A" in w.page.url or "doc:" in w.page.url
    assert w.page.locator("input[name=q]").first.input_value() == f'doc:"{title}"'
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_studied_material_is_listed_apart(viewport: str, open_page) -> None:
    w = open_page(viewport)
    assert w.goto("/documents") == 200
    w.page.click("[data-testid=tab-studied]")
    w.page.wait_for_selector("[data-testid=tab-studied][aria-current=page]")
    kinds = w.page.locator("[data-testid=document-row]").evaluate_all(
        "els => els.map(e => e.dataset.kind)"
    )
    assert kinds and set(kinds) == {"studied"}
    names = w.page.locator("[data-testid=document-row] .doc-name").all_inner_texts()
    assert any("党政领导干部选拔任用工作条例" in n for n in names)
    assert w.overflow()["offenders"] == []
    w.screenshot(f"facts-cite-studied-{viewport}")
    w.assert_clean()


def test_long_lists_are_paged(open_page) -> None:
    w = open_page("phone")
    assert w.goto("/documents?kind=all&per_page=5") == 200
    first = w.page.locator("[data-testid=document-row] .doc-name").all_inner_texts()
    w.page.click("[data-testid=documents-next]")
    w.page.wait_for_selector("[data-testid=documents-prev]")
    second = w.page.locator("[data-testid=document-row] .doc-name").all_inner_texts()
    assert len(first) == 5 and second and not set(first) & set(second)
    assert w.overflow()["offenders"] == []
    w.screenshot("facts-cite-paged-phone")
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_problem_page_lists_its_cited_documents(viewport: str, open_page, server) -> None:
    # The county bureau's problem 8 studied 《政府采购法》 and issued an internal rule.
    hits = server.api("/api/search", q='doc:"政府采购法"')["hits"]
    assert len(hits) == 1
    pid = hits[0]["id"]
    cites = server.api(f"/api/problems/{pid}")["problem"]["citations"]
    w = open_page(viewport)
    assert w.goto(f"/problems/{pid}") == 200
    section = w.page.locator("[data-testid=citations]")
    section.scroll_into_view_if_needed()
    assert section.is_visible()
    shown = w.page.locator("[data-testid=citations] li").count()
    assert shown == len(cites)
    for kind in ("issued", "studied"):
        want = [f"《{c['title']}》" for c in cites if c["kind"] == kind]
        got = w.page.locator(f"[data-testid=citations-{kind}] li a:first-child").all_inner_texts()
        assert want and got == want, kind
    assert w.overflow()["offenders"] == []
    w.screenshot(f"facts-cite-problem-{viewport}")
    link = w.page.locator("[data-testid=citations] li a").first
    link.click()
    w.page.wait_for_load_state("load")
    assert "/search?q=" + quote('doc:"', safe="") in w.page.url
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_notice_page_lists_what_its_organising_sections_cite(
    viewport: str, open_page, server
) -> None:
    # Seed 004's opening relays the feedback, studies a rule and issues a task table.
    hits = server.api("/api/search", q="罗湖区残联谈话提醒", kind="notice")["hits"]
    nid = hits[0]["id"]
    cites = server.api(f"/api/notices/{nid}")["citations"]
    assert {c["kind"] for c in cites} == {"issued", "studied"}
    w = open_page(viewport)
    assert w.goto(f"/notices/{nid}") == 200
    section = w.page.locator("[data-testid=citations]")
    section.scroll_into_view_if_needed()
    assert section.locator("h2").inner_text() == "整改工作部分引用的文件"
    assert section.locator("li").count() == len(cites)
    assert w.overflow()["offenders"] == []
    w.screenshot(f"facts-cite-notice-{viewport}")
    w.assert_clean()
