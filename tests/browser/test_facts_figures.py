"""问责与追缴 in the real browser, on a laptop (1366x768) and a phone (390x844): the stats
section's sums, one click from a number to the spans it adds up, and no page overflow.
Screenshots go to test-artifacts/screenshots (facts-figures-*)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import SCREENSHOTS

VIEWPORTS = ["laptop", "phone"]
LAPTOP_768 = {"width": 1366, "height": 768}


def _open(open_page, viewport: str):
    w = open_page(viewport)
    if viewport == "laptop":
        w.page.set_viewport_size(LAPTOP_768)
    return w


def _no_overflow(w, what: str) -> None:
    ov = w.overflow()
    assert ov["scrollWidth"] <= ov["clientWidth"] + 1, (what, ov["offenders"])


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_stats_section_number_leads_to_its_spans(viewport: str, open_page, server) -> None:
    w = _open(open_page, viewport)
    assert w.goto("/stats") == 200
    section = w.page.locator("[data-testid=stat-figures]")
    section.scroll_into_view_if_needed()
    assert section.locator("h2").inner_text() == "问责与追缴"
    totals = section.locator("[data-testid=figures-totals] a")
    assert totals.count() >= 5
    # The province and year tables are open; a money cell links to the spans behind it.
    year = section.locator("[data-testid=figures-year]")
    assert year.get_attribute("open") is not None
    assert section.locator("[data-testid=figures-province]").get_attribute("open") is not None
    _no_overflow(w, "stats")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SCREENSHOTS / f"facts-figures-stats-{viewport}.png"))
    link = year.locator("a[href*='kind=%E8%BF%BD%E5%9B%9E%E9%80%80%E8%BF%98']").first
    shown = link.inner_text()
    href = link.get_attribute("href")
    args = parse_qs(urlsplit(href).query)
    assert args["kind"] == ["追回退还"] and "year" in args
    link.click()
    w.page.wait_for_url("**/figures?**")
    total = w.page.locator("[data-testid=figures-total] strong").inner_text()
    assert total == shown
    items = w.page.locator("[data-testid=figure-item]")
    assert items.count() >= 1
    for i in range(items.count()):
        item = items.nth(i)
        assert item.locator("mark.fig-num").inner_text().strip()
        assert (
            item.locator(".fig-meta a")
            .get_attribute("href")
            .startswith(("/problems/", "/notices/"))
        )
    _no_overflow(w, "figures")
    w.page.screenshot(path=str(SCREENSHOTS / f"facts-figures-list-{viewport}.png"), full_page=True)
    # The span's link opens the problem it was read from.
    items.first.locator(".fig-meta a").click()
    w.page.wait_for_load_state("load")
    assert "/problems/" in w.page.url or "/notices/" in w.page.url
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_other_dimensions_open_and_fit(viewport: str, open_page) -> None:
    w = _open(open_page, viewport)
    assert w.goto("/stats") == 200
    section = w.page.locator("[data-testid=stat-figures]")
    for name in ("city", "types", "inspector_level"):
        table = section.locator(f"[data-testid=figures-{name}]")
        table.locator("summary").first.click()
        assert table.get_attribute("open") is not None, name
        assert table.locator("tbody tr").count() >= 1, name
    _no_overflow(w, "stats, every table open")
    section.screenshot(path=str(SCREENSHOTS / f"facts-figures-tables-{viewport}.png"))
    assert w.goto("/figures") == 200
    assert w.page.locator("[data-testid=figures-totals] a").count() >= 5
    _no_overflow(w, "figures overview")
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_notice_page_lists_its_figures(viewport: str, open_page, server) -> None:
    items = server.api("/api/figures", kind="已完成")["items"]
    notice_id = next(i["notice_id"] for i in items if i["doc_kind"] == "notice")
    w = _open(open_page, viewport)
    assert w.goto(f"/notices/{notice_id}") == 200
    box = w.page.locator("[data-testid=doc-figures]")
    box.locator("summary").click()
    assert box.get_attribute("open") is not None
    assert box.locator("mark.fig-num").count() >= 2
    _no_overflow(w, "notice figures")
    box.screenshot(path=str(SCREENSHOTS / f"facts-figures-notice-{viewport}.png"))
    w.assert_clean()
