"""The side view, metadata links and hits inside documents in the real browser, on a laptop
(1366×768) and a phone (390×844). Screenshots go to test-artifacts/screenshots (docs-*)."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.browser.conftest import SCREENSHOTS

SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
VIEWPORTS = list(SIZES)
QUERY = "公务接待"

IN_VIEW_JS = """(sel) => {
  const e = document.querySelector(sel);
  if (!e) return null;
  const r = e.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
          visible: !!e.getClientRects().length && getComputedStyle(e).display !== 'none',
          vw: window.innerWidth, vh: window.innerHeight};
}"""


def _open(open_page, viewport: str):
    w = open_page(viewport)
    w.page.set_viewport_size(SIZES[viewport])
    return w


def _in_view(w, sel: str) -> dict:
    box = w.page.evaluate(IN_VIEW_JS, sel)
    assert box is not None, sel
    return box


def _viewport_shot(w, name: str) -> None:
    """What the screen shows (not the whole page): where a jump landed."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    w.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _no_page_overflow(w) -> None:
    ov = w.overflow()
    assert ov["scrollWidth"] <= ov["clientWidth"] + 1, ov["offenders"]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_side_view_says_how_many_and_jumps_to_each_column(viewport: str, open_page) -> None:
    w = _open(open_page, viewport)
    assert w.goto("/search?view=side&q=" + quote(QUERY)) == 200
    total = w.page.locator("[data-testid=side-total]")
    total.wait_for(state="visible")
    assert "个单位" in total.inner_text()
    cols = w.page.locator("section[data-testid=side-col]")
    n = cols.count()
    assert n >= 3
    assert "左右滑动" in w.page.locator("[data-testid=side-hint]").inner_text()
    # How many, and the index, are on the first screen; on a laptop the first column's
    # head too (a phone shows the search box, the 筛选 button and the index first).
    index = _in_view(w, "[data-testid=side-total]")
    assert index["visible"] and index["bottom"] <= index["vh"], index
    if viewport == "laptop":
        head = _in_view(w, "section[data-testid=side-col] [data-testid=side-head]")
        assert head["visible"] and head["bottom"] <= head["vh"], head
    assert w.page.locator("[data-testid=side-col] [data-testid=side-inspector]").count() >= n
    assert w.page.locator("[data-testid=side-excerpt] mark").count() >= n
    _no_page_overflow(w)
    w.screenshot(f"docs-side-{viewport}")
    # Jump to the last column: the box scrolls sideways and shows it.
    last = w.page.locator("a[data-testid=side-jump]").nth(n - 1)
    last.click()
    w.page.wait_for_url(f"**#col-{n}")
    box = _in_view(w, f"#col-{n} h2")
    assert 0 <= box["left"] and box["right"] <= box["vw"] + 1, box
    assert box["top"] >= 0 and box["bottom"] <= box["vh"], box
    _viewport_shot(w, f"docs-side-jump-{viewport}")
    w.assert_clean()


A4_LANDSCAPE_PRINTABLE_PX = round((297 - 2 * 12) / 25.4 * 96)


def test_side_view_prints_in_rows_of_columns(open_page) -> None:
    w = _open(open_page, "laptop")
    assert w.goto("/search?view=side&q=" + quote(QUERY)) == 200
    w.page.emulate_media(media="print")
    w.page.set_viewport_size({"width": A4_LANDSCAPE_PRINTABLE_PX, "height": 700})
    state = w.page.evaluate(
        """() => {
      const cols = [...document.querySelectorAll('section[data-testid=side-col]')]
        .map((c) => c.getBoundingClientRect());
      const shown = (s) => [...document.querySelectorAll(s)].some((e) => e.getClientRects().length);
      return {right: Math.max(...cols.map((r) => r.right)),
              tops: cols.map((r) => Math.round(r.top)),
              jumps: shown('ol.side-jumps'), hint: shown('.side-hint'),
              total: shown('[data-testid=side-total]'), heads: shown('[data-testid=side-head]'),
              scrollWidth: document.documentElement.scrollWidth};
    }"""
    )
    assert state["right"] <= A4_LANDSCAPE_PRINTABLE_PX + 1, state
    assert state["scrollWidth"] <= A4_LANDSCAPE_PRINTABLE_PX + 1, state
    assert len(set(state["tops"])) >= 2, "columns wrap into rows on paper"
    assert not state["jumps"] and not state["hint"], state
    assert state["total"] and state["heads"], state
    w.screenshot("docs-side-print")
    pdf = SCREENSHOTS / "docs-side-print.pdf"
    w.page.pdf(path=str(pdf), format="A4", landscape=True, prefer_css_page_size=True)
    assert pdf.stat().st_size > 10_000
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_hit_opens_its_notice_marked_with_previous_and_next(viewport: str, open_page) -> None:
    w = _open(open_page, viewport)
    assert w.goto("/search?q=" + quote(QUERY)) == 200
    link = w.page.locator("article[data-testid=hit] a[data-testid=notice-link]").first
    with w.page.expect_navigation():
        link.click()
    url = urlsplit(w.page.url)
    assert url.path.startswith("/notices/") and parse_qs(url.query) == {"q": [QUERY]}
    assert url.fragment.startswith("p-")
    bar = w.page.locator("[data-testid=hitbar]")
    total = int(bar.locator("[data-testid=hit-total]").inner_text())
    assert total >= 2
    assert w.page.locator("mark.qhit").count() == total
    # No hit is the target yet: no "第 k/N 处" shows.
    assert w.page.locator("[data-testid=hitnav]:visible").count() == 0
    w.screenshot(f"docs-notice-hits-{viewport}")
    bar.locator("[data-testid=hit-first]").click()
    w.page.wait_for_url("**#hit-1")
    nav = w.page.locator("#hit-1 + [data-testid=hitnav]")
    nav.wait_for(state="visible")
    assert nav.inner_text().startswith(f"第 1/{total} 处")
    nav.locator("a[rel=next]").click()
    w.page.wait_for_url("**#hit-2")
    nav2 = w.page.locator("#hit-2 + [data-testid=hitnav]")
    nav2.wait_for(state="visible")
    assert f"第 2/{total} 处" in nav2.inner_text()
    assert not nav.is_visible()
    box = _in_view(w, "#hit-2")
    assert 0 <= box["top"] and box["bottom"] <= box["vh"], box
    assert box["right"] <= box["vw"] + 1, box
    _no_page_overflow(w)
    _viewport_shot(w, f"docs-notice-hit2-{viewport}")
    nav2.locator("a[rel=prev]").click()
    w.page.wait_for_url("**#hit-1")
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_search_within_one_notice(viewport: str, open_page, ids) -> None:
    w = _open(open_page, viewport)
    assert w.goto(f"/notices/{ids.notice}") == 200
    form = w.page.locator("form[data-testid=doc-search]")
    form.locator("input[name=q]").fill("整改")
    with w.page.expect_navigation():
        form.locator("button").click()
    url = urlsplit(w.page.url)
    assert url.path == f"/notices/{ids.notice}" and parse_qs(url.query) == {"q": ["整改"]}
    assert w.page.locator("mark.qhit").count() >= 3
    assert form.locator("input[name=q]").input_value() == "整改"
    _no_page_overflow(w)
    w.screenshot(f"docs-notice-search-{viewport}")
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_problem_page_marks_and_metadata_links(viewport: str, open_page, server, ids) -> None:
    w = _open(open_page, viewport)
    assert w.goto("/search?q=" + quote(QUERY)) == 200
    with w.page.expect_navigation():
        w.page.locator("article[data-testid=hit] a[data-testid=problem-link]").first.click()
    assert parse_qs(urlsplit(w.page.url).query) == {"q": [QUERY]}
    assert w.page.locator("article.problem mark.qhit").count() >= 1
    w.page.locator("[data-testid=hit-first]").click()
    w.page.locator("#hit-1 + [data-testid=hitnav]").wait_for(state="visible")
    _no_page_overflow(w)
    _viewport_shot(w, f"docs-problem-hit1-{viewport}")
    w.screenshot(f"docs-problem-hits-{viewport}")
    pid = urlsplit(w.page.url).path.rsplit("/", 1)[1]
    inspector = server.api(f"/api/problems/{pid}")["problem"]["inspector"]
    more = w.page.locator("a[data-testid=meta-inspector-more]")
    assert more.inner_text() == "本巡察组的其他通报"
    with w.page.expect_navigation():
        more.click()
    args = parse_qs(urlsplit(w.page.url).query)
    assert args["kind"] == ["notice"] and args["inspector"] == [inspector]
    assert int(w.page.locator("[data-testid=total]").inner_text()) >= 1
    hits = w.page.locator("article[data-testid=hit]")
    assert hits.count() >= 1
    w.screenshot(f"docs-group-notices-{viewport}")
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_notice_metadata_links(viewport: str, open_page, ids) -> None:
    w = _open(open_page, viewport)
    assert w.goto(f"/notices/{ids.notice}") == 200
    meta = w.page.locator("[data-testid=meta]")
    assert meta.locator("a[data-testid=meta-org]").is_visible()
    assert meta.locator("[data-testid=meta-region] a").count() >= 1
    meta.locator("a[data-testid=meta-inspector-more]").scroll_into_view_if_needed()
    w.screenshot(f"docs-notice-meta-{viewport}")
    with w.page.expect_navigation():
        meta.locator("[data-testid=meta-region] a").first.click()
    assert "region" in parse_qs(urlsplit(w.page.url).query)
    assert w.page.locator(f"article[data-testid=hit] a[href^='/notices/{ids.notice}']").count()
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_query_naming_a_group_offers_the_filter(viewport: str, open_page) -> None:
    w = _open(open_page, viewport)
    assert w.goto("/search?q=" + quote("市委第三巡察组")) == 200
    box = w.page.locator("[data-testid=name-filters]")
    box.wait_for(state="visible")
    assert "按巡察组筛选" in box.inner_text()
    w.screenshot(f"docs-name-filters-{viewport}")
    with w.page.expect_navigation():
        box.locator("a[data-testid=name-filter]").first.click()
    assert parse_qs(urlsplit(w.page.url).query).get("inspector") == ["市委第三巡察组"]
    assert int(w.page.locator("[data-testid=total]").inner_text()) > 0
    w.assert_clean()


INJECTED_JS = """() => ({
  xss: typeof window.__xss,
  onAttributes: [...document.querySelectorAll('*')]
      .filter(e => e.getAttributeNames().some(n => n.startsWith('on'))).length,
  hostileScripts: [...document.scripts].filter(s => s.textContent.includes('__xss')).length,
  foreignMarks: [...document.querySelectorAll('mark')]
      .filter(m => m.children.length || (m.id && !/^hit-\\d+$/.test(m.id))).length,
})"""
CLEAN = {"xss": "undefined", "onAttributes": 0, "hostileScripts": 0, "foreignMarks": 0}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_hostile_queries_and_marks_in_hostile_text(viewport: str, open_page, ids, payloads) -> None:
    w = _open(open_page, viewport)
    word = dict(payloads.words)["script"]
    nid, pid = ids.xss_notices["script"], ids.xss_problems["script"]
    paths = [
        f"/notices/{nid}?q={quote(word)}",
        f"/problems/{pid}?q={quote(word)}",
        f"/notices/{nid}?q={quote('script')}",
        f"/problems/{pid}?q={quote('onerror')}",
        f"/notices/{nid}?q={quote(payloads.script)}",
        f"/problems/{pid}?q={quote(payloads.img)}",
        f"/search?view=side&q={quote(word)}",
        f"/search?q={quote(payloads.img)}",
    ]
    for path in paths:
        assert w.goto(path) == 200, path
        w.page.wait_for_timeout(150)  # a failing <img> would fire its handler by now
        assert w.page.evaluate(INJECTED_JS) == CLEAN, path
    # The hostile words are marked as text inside the hostile notice, and shown as text.
    assert w.goto(f"/notices/{nid}?q={quote('script')}") == 200
    marks = w.page.locator("mark.qhit")
    assert marks.count() >= 2
    assert {marks.nth(i).inner_text() for i in range(marks.count())} == {"script"}
    assert payloads.script in w.page.locator("section[data-testid=fulltext]").inner_text()
    w.screenshot(f"docs-xss-marks-{viewport}")
    w.assert_clean()
