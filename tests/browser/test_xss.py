"""Hostile text in a notice stays text: no script runs, no element is injected.

Two notices in the archive carry ``<script>`` and ``"><img … onerror>`` payloads in their
organisation, a problem title and a measure (see conftest). Each page that shows them must
show the payload as readable text and leave ``window.__xss`` undefined.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

INJECTED_JS = """() => ({
  xss: typeof window.__xss,
  imgOnerror: document.querySelectorAll('img[onerror]').length,
  anyOnerror: [...document.querySelectorAll('*')]
      .filter(e => e.getAttributeNames().some(n => n.startsWith('on'))).length,
  hostileScripts: [...document.scripts].filter(s => s.textContent.includes('__xss')).length,
})"""

CLEAN = {"xss": "undefined", "imgOnerror": 0, "anyOnerror": 0, "hostileScripts": 0}


def _check(w, path: str, must_show: list[str], name: str) -> str:
    """Open ``path``, check nothing was injected, return the page's visible text."""
    status = w.goto(path)
    w.screenshot(name)
    assert status == 200, f"{path}: HTTP {status}"
    w.page.wait_for_timeout(150)  # let a failing <img> fire its error handler, if any
    assert w.page.evaluate(INJECTED_JS) == CLEAN, f"{path}: payload became markup"
    text = w.page.locator("body").inner_text()
    for s in must_show:
        assert s in text, f"{path}: {s!r} is not shown as text"
    w.assert_clean()
    return text


@pytest.mark.parametrize("key", ["script", "img"])
def test_hostile_notice_pages(key: str, page, ids, payloads) -> None:
    word = dict(payloads.words)[key]
    org = payloads.org_script if key == "script" else payloads.org_img
    org_payload = payloads.script if key == "script" else payloads.img_nospace

    text = _check(page, f"/search?q={quote(word)}", [org_payload], f"xss-search-{key}")
    assert org in text, "the hostile organisation is not shown in the results"

    _check(
        page,
        f"/search?q={quote(word)}&org={quote(org)}",
        [org],
        f"xss-search-org-{key}",
    )
    chip = page.page.locator("a[data-testid=chip]").filter(has_text=org_payload)
    assert chip.count() == 1, "the organisation chip does not show the hostile name as text"

    _check(
        page,
        f"/problems/{ids.xss_problems[key]}",
        [payloads.script, payloads.img, org],
        f"xss-problem-{key}",
    )
    h1 = page.page.locator("h1").first.inner_text()
    assert payloads.script in h1 and payloads.img in h1, h1
    measures = page.page.locator("[data-testid=measures]").inner_text()
    assert payloads.script in measures and payloads.img in measures, measures

    _check(
        page,
        f"/notices/{ids.xss_notices[key]}",
        [payloads.script, payloads.img, org],
        f"xss-notice-{key}",
    )
    assert org in page.page.locator("[data-testid=meta]").inner_text()
    fulltext = page.page.locator("[data-testid=fulltext]").inner_text()
    assert payloads.script in fulltext and payloads.img in fulltext


@pytest.mark.parametrize("view", ["list", "side"])
def test_hostile_query_is_text(view: str, page, payloads) -> None:
    """The query itself is echoed back (search box, chips, messages) and must stay text."""
    q = payloads.img + payloads.script
    _check(page, f"/search?view={view}&q={quote(q)}", [], f"xss-query-{view}")
    values = page.page.locator("input[name=q]").evaluate_all("els => els.map(e => e.value)")
    assert q in values, f"the search box does not hold the query verbatim: {values}"


def test_hostile_names_in_tables(page, ids, payloads) -> None:
    """Column headings of the side view, the side-by-side table and the compare matrix."""
    both = f"{payloads.words[0][1]} OR {payloads.words[1][1]}"
    _check(
        page,
        f"/search?view=side&q={quote(both)}",
        [payloads.org_script, payloads.org_img],
        "xss-side-view",
    )
    s, i = ids.xss_problems["script"], ids.xss_problems["img"]
    _check(
        page,
        f"/problems/{s}?with={i}",
        [payloads.org_script, payloads.org_img, payloads.script, payloads.img],
        "xss-side-by-side",
    )
    n = ",".join(ids.xss_notices[k] for k in ("script", "img"))
    _check(page, f"/compare?notices={n}", [payloads.org_script, payloads.org_img], "xss-compare")


def test_injection_detector_sees_injection(open_page, payloads) -> None:
    """The checks above must be able to fail: the same payloads as raw markup do run."""
    w = open_page("laptop")
    w.page.set_content(f"<p>{payloads.img_nospace}</p><p>{payloads.script}</p>")
    w.page.wait_for_function("window.__xss === 1", timeout=5_000)
    found = w.page.evaluate(INJECTED_JS)
    assert found["xss"] == "number" and found["imgOnerror"] == 1, found
    assert found["hostileScripts"] == 1, found
    w.assert_clean()


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_hostile_query_and_filter_in_new_views(viewport: str, open_page, ids, payloads) -> None:
    """Second-round views that echo input: the printed search line, the 筛选 button, the
    download links, the stats map and heat table."""
    w = open_page(viewport)
    org = payloads.org_script
    q = payloads.img + payloads.words[0][1]
    path = f"/search?q={quote(q)}&org={quote(org)}"
    _check(w, path, [], f"xss-r2-search-{viewport}")
    for testid in ("export-csv", "export-xlsx"):
        href = w.page.locator(f"[data-testid={testid}]").get_attribute("href") or ""
        assert href.startswith("/search.") and "<" not in href and '"' not in href, href
    assert "已选 1 项" in w.page.locator("[data-testid=filters-toggle]").inner_text()
    w.page.emulate_media(media="print")
    line = w.page.locator("[data-testid=print-query]")
    line.wait_for(state="visible")
    assert q in line.inner_text() and org in line.inner_text()
    assert w.page.evaluate(INJECTED_JS) == CLEAN
    w.page.emulate_media(media="screen")
    s, i = ids.xss_problems["script"], ids.xss_problems["img"]
    _check(w, f"/problems/{s}?with={i}", [payloads.org_script], f"xss-r2-with-{viewport}")
    href = w.page.locator("[data-testid=with-xlsx]").get_attribute("href") or ""
    assert href.startswith(f"/problems/{s}/compare.xlsx?with=") and "<" not in href
    n = ",".join(ids.xss_notices[k] for k in ("script", "img"))
    _check(w, f"/compare?notices={n}", [payloads.org_img], f"xss-r2-compare-{viewport}")
    _check(w, "/stats", [], f"xss-r2-stats-{viewport}")
