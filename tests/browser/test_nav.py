"""Finding one's way on the search page in the real browser, on a laptop (1366x768) and a
phone (390x844): typo suggestions, an unclosed quote, the last page past the end, numbered
pages with a jump and a page-size choice, the skip link, "/" to the search box and visible
focus rings. Screenshots go to test-artifacts/screenshots (nav-*)."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.browser.conftest import SCREENSHOTS

VIEWPORTS = ["laptop", "phone"]
LAPTOP_768 = {"width": 1366, "height": 768}

# The focused element, whether it shows an outline, and the outline's size.
FOCUS_JS = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
          testid: el.dataset ? el.dataset.testid || '' : '', outline: s.outlineStyle,
          width: parseFloat(s.outlineWidth), top: r.top, bottom: r.bottom, left: r.left,
          right: r.right, vh: window.innerHeight, vw: window.innerWidth};
}"""


def _open(open_page, viewport: str):
    w = open_page(viewport)
    if viewport == "laptop":
        w.page.set_viewport_size(LAPTOP_768)
    return w


def _args(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _view(w, name: str) -> None:
    """A screenshot of the visible window only (what the user sees at that moment)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    w.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def _no_overflow(w, what: str) -> None:
    ov = w.overflow()
    assert ov["scrollWidth"] <= ov["clientWidth"] + 1, (what, ov["offenders"])


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_typo_offers_the_right_word(viewport: str, open_page) -> None:
    w = _open(open_page, viewport)
    assert w.goto("/search?q=" + quote("公务接侍")) == 200
    offer = w.page.locator("[data-testid=suggestion]")
    offer.wait_for(state="visible")
    assert offer.inner_text().startswith("您要找的是 公务接待")
    box = offer.bounding_box()
    assert box is not None and box["y"] < 844  # seen without scrolling, above the results
    _no_overflow(w, "suggestion")
    w.screenshot(f"nav-suggestion-{viewport}")
    offer.locator("a").click()
    w.page.wait_for_url("**/search?q=*")
    assert _args(w.page.url)["q"] == ["公务接待"]
    assert int(w.page.locator("[data-testid=total]").inner_text()) > 0
    assert w.page.locator("article[data-testid=hit]").count() > 0
    assert w.page.locator("input[type=search][name=q]").input_value() == "公务接待"
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_unclosed_quote_and_a_page_past_the_end(viewport: str, open_page, server) -> None:
    w = _open(open_page, viewport)
    assert w.goto("/search?q=" + quote('规定 "公务接待')) == 200
    messages = w.page.locator("[data-testid=message]").all_inner_texts()
    assert '引号未闭合，已按 规定 "公务接待" 检索' in messages
    total = server.api("/api/search", q="整改", per_page="5")["total"]
    pages = math.ceil(total / 5)
    assert w.goto("/search?" + f"q={quote('整改')}&per_page=5&page=999") == 200
    note = f"第 999 页超出范围（共 {pages} 页），已显示最后一页。"
    assert note in w.page.locator("[data-testid=message]").all_inner_texts()
    assert w.page.locator("[data-testid=page-current]").inner_text() == str(pages)
    assert w.page.locator("input[type=search][name=q]").input_value() == "整改"
    assert w.page.locator("article[data-testid=hit]").count() == total - 5 * (pages - 1)
    _no_overflow(w, "past the end")
    w.screenshot(f"nav-past-end-{viewport}")
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_numbered_pages_jump_and_page_size(viewport: str, open_page, server) -> None:
    w = _open(open_page, viewport)
    total = server.api("/api/search", per_page="5")["total"]
    pages = math.ceil(total / 5)
    assert pages > 8
    assert w.goto("/search?per_page=5&page=4") == 200
    pager = w.page.locator("nav[data-testid=pager]")
    pager.scroll_into_view_if_needed()
    _no_overflow(w, "pager")
    _view(w, f"nav-pager-{viewport}")
    numbers = pager.locator(".pages").inner_text()
    assert "1" in numbers and "…" in numbers and str(pages) in numbers
    # a numbered link
    far = pager.locator("a[data-testid=page-link].far")
    assert far.count() == 2 and far.first.is_visible() == (viewport == "laptop")
    pager.locator("a[data-testid=page-link]", has_text="5").click()
    w.page.wait_for_url("**page=5*")
    assert w.page.locator("[data-testid=page-current]").inner_text() == "5"
    assert _args(w.page.url)["per_page"] == ["5"]
    # the jump form
    field = w.page.locator("form[data-testid=jump] input[name=page]")
    field.fill(str(pages - 1))
    field.press("Enter")
    w.page.wait_for_url(f"**page={pages - 1}*")
    assert w.page.locator("[data-testid=page-current]").inner_text() == str(pages - 1)
    assert _args(w.page.url)["per_page"] == ["5"]
    # the page size, kept when moving on
    w.page.locator("[data-testid=per-page] a", has_text="50").click()
    w.page.wait_for_url("**per_page=50*")
    assert w.page.locator("article[data-testid=hit]").count() == min(
        50, total - 50 * (int(_args(w.page.url).get("page", ["1"])[0]) - 1)
    )
    w.page.locator(
        "nav[data-testid=pager] a[rel=prev], nav[data-testid=pager] a[rel=next]"
    ).first.click()
    w.page.wait_for_load_state()
    assert _args(w.page.url)["per_page"] == ["50"]
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_skip_link_slash_key_and_focus_rings(viewport: str, open_page) -> None:
    w = _open(open_page, viewport)
    assert w.goto("/search?q=" + quote("公务接待")) == 200
    w.page.keyboard.press("Tab")
    f = w.page.evaluate(FOCUS_JS)
    assert f["testid"] == "skip-link", f
    assert f["outline"] != "none" and f["width"] >= 2, f  # a visible focus ring
    assert 0 <= f["top"] and f["bottom"] <= f["vh"] and f["right"] <= f["vw"], f  # on screen
    _view(w, f"nav-skip-link-{viewport}")
    w.page.keyboard.press("Enter")
    f = w.page.evaluate(FOCUS_JS)
    assert f["id"] == "results", f
    # the next Tab lands inside the results, not back in the header
    w.page.keyboard.press("Tab")
    inside = w.page.evaluate("() => !!document.activeElement.closest('#results')")
    assert inside
    f = w.page.evaluate(FOCUS_JS)
    assert f["outline"] != "none" and f["width"] >= 2, f
    # "/" moves to the search box and does not type itself there
    w.page.keyboard.press("/")
    f = w.page.evaluate(FOCUS_JS)
    assert f["tag"] == "input" and f["name"] == "q", f
    box = w.page.locator("input[type=search][name=q]")
    assert box.input_value() == "公务接待"
    w.page.keyboard.type("三重一大")  # the text was selected: typing replaces it
    assert box.input_value() == "三重一大"
    w.page.keyboard.press("/")  # inside the box "/" is a character
    assert box.input_value() == "三重一大/"
    _view(w, f"nav-slash-focus-{viewport}")
    w.assert_clean()


@pytest.mark.parametrize("path", ["/", "/stats"])
def test_slash_key_on_other_pages(path: str, open_page) -> None:
    w = _open(open_page, "laptop")
    assert w.goto(path) == 200
    w.page.locator("h1").first.click()  # focus out of any field (the home box autofocuses)
    w.page.keyboard.press("/")
    f = w.page.evaluate(FOCUS_JS)
    assert f["tag"] == "input" and f["name"] == "q", f
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_which_date_and_date_order(viewport: str, open_page) -> None:
    w = _open(open_page, viewport)
    assert w.goto("/stats") == 200
    note = w.page.locator("[data-testid=date-note]")
    assert note.is_visible() and "按巡察反馈日期计" in note.inner_text()
    _no_overflow(w, "stats note")
    _view(w, f"nav-stats-date-{viewport}")
    assert w.goto("/search?kind=notice&sort=date_asc") == 200
    if viewport == "phone":
        w.page.locator("[data-testid=filters-toggle]").click()
    note = w.page.locator("[data-testid=date-note]")
    note.scroll_into_view_if_needed()
    assert note.is_visible() and "排在最后" in note.inner_text()
    assert w.page.locator("a.on[data-testid=sort-date-asc]").count() == 1
    _no_overflow(w, "search date note")
    w.screenshot(f"nav-search-date-{viewport}")
    w.assert_clean()


def test_hostile_text_in_the_new_links_stays_text(open_page) -> None:
    w = _open(open_page, "laptop")
    payload = '"><img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'
    path = "/search?" + "&".join(
        [f"q={quote('公务接侍 ' + payload)}", f"org={quote(payload)}", "per_page=50", "page=999"]
    )
    assert w.goto(path) == 200
    assert w.page.evaluate("() => typeof window.__xss") == "undefined"
    assert w.page.locator("input[type=search][name=q]").input_value() == "公务接侍 " + payload
    chips = w.page.locator("[data-testid=chip]").all_inner_texts()
    assert any(payload in c for c in chips), chips
    assert w.page.locator("main img, main script").count() == 0
    w.assert_clean()
