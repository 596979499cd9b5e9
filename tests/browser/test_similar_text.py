"""Similar problems in the real browser, on a laptop and a phone: the similar-to-text page
(form, results, compare link, the cut-off link), a long search handed over to it, and the
problem page's similar list. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from urllib.parse import quote

import pytest

VIEWPORTS = ["laptop", "phone"]
DRAFT = "公务接待无公函、无接待清单，超标准列支接待费用，个别接待由下属单位支付"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_similar_to_a_pasted_text(viewport: str, open_page) -> None:
    w = open_page(viewport)
    assert w.goto("/similar") == 200
    w.page.fill("textarea[name=text]", DRAFT)
    w.screenshot(f"similar-text-form-{viewport}")
    w.page.click("form[data-testid=similar-text-form] button[type=submit]")
    w.page.wait_for_selector("[data-testid=similar-hit]")
    hits = w.page.locator("[data-testid=similar-hit]")
    assert hits.count() >= 2
    first = hits.nth(0)
    assert first.locator("[data-testid=relevance] meter").is_visible()
    assert first.locator("[data-testid=first-measure]").first.is_visible()
    assert w.overflow()["offenders"] == []
    w.screenshot(f"similar-text-results-{viewport}")
    if w.page.locator("[data-testid=similar-more] a").count():
        more = w.page.locator("[data-testid=similar-more] a")
        shown = hits.count()
        more.click()
        w.page.wait_for_selector("[data-testid=similar-hit]")
        assert w.page.locator("[data-testid=similar-hit]").count() > shown
        w.page.go_back()
        w.page.wait_for_selector("[data-testid=similar-hit]")
    link = w.page.locator("[data-testid=compare-link]").first
    link.click()
    w.page.wait_for_selector("table[data-testid=side-by-side]")
    assert w.page.locator("table[data-testid=side-by-side] thead th").count() == 3
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_long_search_is_handed_to_the_similar_search(viewport: str, open_page) -> None:
    w = open_page(viewport)
    q = DRAFT * 20  # longer than a query may be
    assert w.goto("/search?q=" + quote(q)) == 400
    assert "检索词过长" in w.page.locator("[data-testid=error]").inner_text()
    assert w.page.locator("textarea[name=text]").input_value() == q[:2000]
    w.screenshot(f"similar-text-offer-{viewport}")
    w.page.click("form[data-testid=similar-text-form] button[type=submit]")
    w.page.wait_for_selector("[data-testid=similar-hit]")
    assert "/similar?" in w.page.url
    w.assert_clean(allow=lambda e: "400" in e)


def test_a_finding_pasted_into_the_search_box_is_offered_the_similar_search(open_page) -> None:
    """The search boxes take up to 2,000 characters, so a pasted finding reaches the server
    (which offers the similar search) instead of being cut at the query limit."""
    w = open_page("laptop")
    assert w.goto("/") == 200
    text = DRAFT * 20
    w.page.fill("[data-testid=q]", text)
    w.page.press("[data-testid=q]", "Enter")
    w.page.wait_for_selector("form[data-testid=similar-text-form]")
    assert w.page.locator("textarea[name=text]").input_value() == text
    w.assert_clean(allow=lambda e: "400" in e)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_problem_page_similar_list(viewport: str, open_page, ids) -> None:
    w = open_page(viewport)
    assert w.goto(f"/problems/{ids.problem}") == 200
    section = w.page.locator("[data-testid=similar]")
    section.scroll_into_view_if_needed()
    items = section.locator("[data-testid=similar-hit]")
    assert items.count() >= 2
    for i in range(items.count()):
        label = items.nth(i).locator("[data-testid=relevance]").inner_text()
        assert label.strip().endswith(("高", "中"))
    assert w.overflow()["offenders"] == []
    section.screenshot(path=str(w.screenshot(f"similar-problem-{viewport}")))
    w.assert_clean()


def test_hostile_text_stays_text(open_page) -> None:
    w = open_page("laptop")
    payload = '<script>window.__xss=1</script>"><img src=x onerror="window.__xss=1">公务接待'
    assert w.goto("/similar?text=" + quote(payload)) == 200
    assert w.page.evaluate("() => window.__xss") is None
    assert w.page.locator("textarea[name=text]").input_value() == payload
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_search_with_few_matches_lists_the_problems_like_them(viewport: str, open_page) -> None:
    """公车 is in a handful of problems: below them, under their own heading, the problems
    like them, each linking the match it is like; they are not in the total."""
    w = open_page(viewport)
    assert w.goto("/search?q=" + quote("公车")) == 200
    total = int(w.page.locator("[data-testid=total]").inner_text())
    assert w.page.locator("[data-testid=hit]").count() == total < 20
    section = w.page.locator("[data-testid=similar-results]")
    section.scroll_into_view_if_needed()
    assert section.locator("h2").inner_text() == "与检索结果相似的问题"  # items are h3
    items = section.locator("[data-testid=similar-hit]")
    assert 1 <= items.count() <= 20 - total
    assert items.count() == section.locator("[data-testid=similar-to] a").count()
    assert w.overflow()["offenders"] == []
    w.screenshot(f"search-similar-{viewport}")
    link = section.locator("[data-testid=similar-to] a").first
    href = link.get_attribute("href")
    assert href.startswith("/problems/")
    link.click()
    w.page.wait_for_url("**" + href.split("?")[0] + "*")
    assert w.page.locator("mark.qhit").count() >= 1  # the match holds the query
    w.assert_clean()
