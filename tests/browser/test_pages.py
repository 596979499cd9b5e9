"""Every page on a laptop and a phone: no errors, zh-CN, no page-wide overflow, real CJK glyphs.

A full-page screenshot of each page and viewport goes to test-artifacts/screenshots/ so a
person can look at what the tests saw.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

# Families that carry Chinese glyphs; the platform fonts Chromium used must include one.
CJK_FAMILY_RE = re.compile(r"CJK|Source Han|WenQuanYi|PingFang|YaHei|Hei|Song|Kai|Ming", re.I)


# Smallest text a person can read on these screens (effective CSS px).
MIN_TEXT_PX = 10.0


@dataclass(frozen=True)
class PageCase:
    name: str
    path: Callable  # (ids) -> path
    status: int
    selector: str  # the page's main element (contract), which must be visible with text


PAGES = [
    PageCase("home", lambda ids: "/", 200, "form[data-testid=search-form]"),
    PageCase("search", lambda ids: "/search?q=公务接待", 200, "[data-testid=total]"),
    PageCase("search_side", lambda ids: "/search?view=side&q=公务接待", 200, "[data-testid=side]"),
    PageCase("problem", lambda ids: f"/problems/{ids.problem}", 200, "[data-testid=measures]"),
    PageCase(
        "problem_with",
        lambda ids: f"/problems/{ids.problem}?with={','.join(ids.similar)}",
        200,
        "table[data-testid=side-by-side]",
    ),
    PageCase("notice", lambda ids: f"/notices/{ids.notice}", 200, "[data-testid=fulltext]"),
    PageCase(
        "compare",
        lambda ids: f"/compare?notices={','.join(ids.notices)}",
        200,
        "table[data-testid=matrix]",
    ),
    PageCase("stats", lambda ids: "/stats", 200, "svg[data-testid^=chart-]"),
    PageCase("not_found", lambda ids: "/no/such/page", 404, "main"),
]


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
@pytest.mark.parametrize("case", PAGES, ids=[c.name for c in PAGES])
def test_page(case: PageCase, viewport: str, open_page, ids) -> None:
    w = open_page(viewport)
    path = case.path(ids)
    status = w.goto(path)
    w.screenshot(f"{case.name}-{viewport}")
    assert status == case.status, f"{path}: HTTP {status}"
    assert "content-security-policy" in w.headers, f"{path}: no CSP header"

    main = w.page.locator(case.selector).first
    assert main.is_visible(), f"{path}: {case.selector} is not visible"
    if not case.selector.startswith("svg"):
        assert re.search(r"[\u4e00-\u9fff\d]", main.inner_text()), f"{path}: {case.selector} empty"

    lang = w.page.evaluate("document.documentElement.lang")
    assert lang == "zh-CN", f"{path}: <html lang={lang!r}>"

    ov = w.overflow()
    assert ov["scrollWidth"] <= ov["clientWidth"] + 1, (
        f"{path} on {viewport}: the page is {ov['scrollWidth']}px wide in a "
        f"{ov['clientWidth']}px viewport; sticking out: {ov['offenders']}"
    )

    g = w.glyphs("body")
    assert g["checked"] > 0, f"{path}: no Chinese text found on the page"
    assert not g["tofu"], f"{path}: characters drawn as tofu in {g['family']}: {g['tofu']}"
    assert any(CJK_FAMILY_RE.search(f) for f in g["fonts"]), (
        f"{path}: no CJK font drew the page text; fonts used: {g['fonts']}"
    )

    if case.status == 404:
        text = w.page.locator("body").inner_text()
        assert re.search(r"[\u4e00-\u9fff]", text), "the 404 page has no Chinese message"

        # Chromium logs the 404 of the document itself; that one is the point of the page.
        def allow(event: str) -> bool:
            return "status of 404" in event and event.endswith(w.base_url + path)

        w.assert_clean(allow)
    else:
        w.assert_clean()
    assert len(w.requests) >= 1

    small = w.small_text(MIN_TEXT_PX)
    assert not small, (
        f"{path} on {viewport}: {len(small)} texts drawn below {MIN_TEXT_PX}px, e.g. {small[:6]}"
    )
    if case.name == "problem_with":
        widths = w.page.locator("table[data-testid=side-by-side]").evaluate(
            "t => ({box: t.parentElement.clientWidth,"
            " cells: [...t.rows[1].cells].map(c => c.getBoundingClientRect().width)})"
        )
        label = widths["cells"][0]
        assert label <= widths["box"] * 0.4, (
            f"{path} on {viewport}: the row-label column takes {label:.0f}px of "
            f"{widths['box']}px, leaving the problems hardly visible"
        )


def test_tofu_detector_sees_tofu(open_page) -> None:
    """The glyph check must be able to fail: Tangut has no font here, Chinese has one."""
    w = open_page("laptop")
    w.page.set_content(
        '<html lang="zh-CN"><body><p id="t">\U00017002\U00017003</p>'
        '<p id="c">巡察整改</p></body></html>'
    )
    tangut = w.glyphs("#t", r"[\u{17000}-\u{187ff}]")
    chinese = w.glyphs("#c")
    assert tangut["checked"] == 2 and len(tangut["tofu"]) == 2, tangut
    assert chinese["checked"] == 4 and chinese["tofu"] == [], chinese
    assert any(CJK_FAMILY_RE.search(f) for f in chinese["fonts"]), chinese
    w.assert_clean()
