"""Second-round features in the real browser, on a laptop and a phone: downloads, stats
charts, print layout and the phone filter button. Screenshots go to test-artifacts/."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest

from tests.browser.conftest import SCREENSHOTS

VIEWPORTS = ["laptop", "phone"]


def _download(w, selector: str):
    """Click a download link and return (suggested file name, bytes)."""
    link = w.page.locator(selector)
    link.scroll_into_view_if_needed()
    with w.page.expect_download() as info:
        link.click()
    d = info.value
    path = d.path()
    assert d.failure() is None
    return d.suggested_filename, Path(path).read_bytes()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_search_downloads(viewport: str, open_page) -> None:
    w = open_page(viewport)
    assert w.goto("/search?q=" + quote("公务接待")) == 200
    w.page.wait_for_selector("[data-testid=export-xlsx]")
    w.screenshot(f"r2-search-downloads-{viewport}")
    today = date.today().isoformat()
    name, body = _download(w, "[data-testid=export-xlsx]")
    assert name == f"巡察整改问题_公务接待_{today}.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(body)).active
    assert ws.freeze_panes == "A2"
    assert ws["A1"].value == "单位" and ws["G1"].value == "链接"
    assert ws.max_row > 1 and ws["G2"].hyperlink is not None
    name, body = _download(w, "[data-testid=export-csv]")
    assert name == f"巡察整改问题_公务接待_{today}.csv"
    assert body.startswith(b"\xef\xbb\xbf")
    w.assert_clean()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_with_and_compare_downloads(viewport: str, open_page, ids) -> None:
    w = open_page(viewport)
    assert w.goto(f"/problems/{ids.problem}?with={','.join(ids.similar)}") == 200
    w.page.wait_for_selector("[data-testid=with-downloads]")
    w.page.locator("[data-testid=with-downloads]").scroll_into_view_if_needed()
    w.screenshot(f"r2-with-downloads-{viewport}")
    name, body = _download(w, "[data-testid=with-xlsx]")
    assert name.startswith("并排对照_") and name.endswith(".xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(body)).active
    assert ws.max_column == 1 + 1 + len(ids.similar)
    assert w.goto(f"/compare?notices={','.join(ids.notices)}") == 200
    w.page.wait_for_selector("[data-testid=compare-downloads]")
    w.screenshot(f"r2-compare-downloads-{viewport}")
    name, body = _download(w, "[data-testid=compare-xlsx]")
    assert name.startswith("通报对照_") and name.endswith(".xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(body)).active
    assert ws["A1"].value == "问题类型" and ws.max_column == 1 + len(ids.notices)
    w.assert_clean()


# Each chart's bars and counts as drawn: bar widths, values, and whether each count's box
# lies inside the chart's box and the window (not cut off, not in a sideways scroll box).
CHART_GEOMETRY_JS = """(sel) => {
  const out = [];
  for (const svg of document.querySelectorAll(sel)) {
    const box = svg.getBoundingClientRect();
    const rows = [];
    for (const g of svg.querySelectorAll('g.row')) {
      const bar = g.querySelector('rect.bar').getBoundingClientRect();
      const v = g.querySelector('text.value');
      const vb = v.getBoundingClientRect();
      rows.push({width: bar.width, value: Number(v.textContent.replace(/,/g, '')),
                 inside: vb.right <= box.right + 0.5 && vb.right <= window.innerWidth,
                 height: vb.height});
    }
    out.push({id: svg.dataset.testid, right: box.right, rows});
  }
  return out;
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_stats_charts_fit_and_are_proportional(viewport: str, open_page) -> None:
    w = open_page(viewport)
    assert w.goto("/stats") == 200
    w.page.wait_for_selector("svg[data-testid=map-provinces]")
    w.screenshot(f"r2-stats-{viewport}")
    w.page.locator("[data-testid=stat-map]").screenshot(
        path=str(SCREENSHOTS / f"r2-stats-map-{viewport}.png")
    )
    ov = w.overflow()
    assert ov["scrollWidth"] <= ov["clientWidth"] + 1, ov["offenders"]
    charts = w.page.evaluate(CHART_GEOMETRY_JS, "svg.bar-list")
    assert len(charts) >= 4
    for c in charts:
        assert c["right"] <= w.page.viewport_size["width"], c["id"]
        top = max(r["value"] for r in c["rows"])
        widest = max(r["width"] for r in c["rows"])
        for r in c["rows"]:
            assert r["inside"], (c["id"], r)
            assert r["width"] == pytest.approx(widest * r["value"] / top, abs=1.0), (c["id"], r)
    # The tile map: every square with problems shows its count inside the window.
    counts = w.page.locator("svg[data-testid=map-provinces] text.value")
    assert counts.count() > 3
    for i in range(counts.count()):
        box = counts.nth(i).bounding_box()
        assert box and box["x"] + box["width"] <= w.page.viewport_size["width"]
    assert w.small_text(10.0) == []
    # The heat table's first row links to a filtered search.
    link = w.page.locator("table[data-testid=type-year] tbody tr").first.locator("td a").first
    href = link.get_attribute("href")
    assert href and "type=" in href and "year=" in href
    w.assert_clean()


# A4 landscape (297 mm) less the 12 mm margins of the print stylesheet, in CSS px (96/in).
A4_LANDSCAPE_PRINTABLE_PX = round((297 - 2 * 12) / 25.4 * 96)
PRINT_PAGES = {
    "search": lambda ids: "/search?q=" + quote("公务接待"),
    "side": lambda ids: "/search?view=side&q=" + quote("公务接待"),
    "with": lambda ids: f"/problems/{ids.problem}?with={','.join(ids.similar)}",
    "notice": lambda ids: f"/notices/{ids.notice}",
}
PRINT_STATE_JS = """() => {
  const shown = (sel) => [...document.querySelectorAll(sel)].some(
    (e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden');
  const body = getComputedStyle(document.body);
  const wide = [...document.querySelectorAll('main table, main .side-scroll')]
    .map((e) => Math.round(e.getBoundingClientRect().right));
  const targets = 'main a[href^="/problems"], main a[href^="/notices"]';
  const links = [...document.querySelectorAll(targets)].slice(0, 20).map((a) => {
    const after = getComputedStyle(a, '::after');
    return {content: after.content, size: parseFloat(after.fontSize)};
  });
  const coloured = [...document.querySelectorAll('main *')].filter((e) => {
    const s = getComputedStyle(e);
    return s.color !== 'rgb(0, 0, 0)' || !['rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)']
      .includes(s.backgroundColor);
  }).map((e) => e.tagName + '.' + e.className).slice(0, 5);
  return {header: shown('header.site'), forms: shown('form[role=search]'),
          facets: shown('.facets'), color: body.color, background: body.backgroundColor,
          wide, links, coloured, scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", list(PRINT_PAGES))
def test_print_layout(name: str, viewport: str, open_page, ids) -> None:
    w = open_page(viewport)
    path = PRINT_PAGES[name](ids)
    assert w.goto(path) == 200
    w.page.emulate_media(media="print")
    w.page.wait_for_selector("main")
    w.screenshot(f"r2-print-{name}-{viewport}")
    state = w.page.evaluate(PRINT_STATE_JS)
    assert not state["header"] and not state["forms"] and not state["facets"], state
    assert state["color"] == "rgb(0, 0, 0)" and state["background"] == "rgb(255, 255, 255)"
    assert state["coloured"] == [], state["coloured"]
    assert state["links"], "no links on the page"
    for link in state["links"]:
        assert "/" in link["content"] and link["size"] <= 9, link
    # On paper: lay the page out at the printable width of A4 landscape; nothing sticks out.
    w.page.set_viewport_size({"width": A4_LANDSCAPE_PRINTABLE_PX, "height": 700})
    state = w.page.evaluate(PRINT_STATE_JS)
    assert state["scrollWidth"] <= state["clientWidth"] + 1, state
    assert all(right <= A4_LANDSCAPE_PRINTABLE_PX + 1 for right in state["wide"]), state["wide"]
    if viewport == "laptop":
        pdf = SCREENSHOTS / f"r2-print-{name}.pdf"
        w.page.pdf(path=str(pdf), format="A4", landscape=True, prefer_css_page_size=True)
        _first_page_png(pdf, SCREENSHOTS / f"r2-print-{name}-pdf-page1.png")
    w.assert_clean()


def _first_page_png(pdf: Path, png: Path) -> None:
    """The PDF's first page as a PNG, to look at; and the paper really is landscape."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        page = doc[0]
        width, height = page.get_size()
        assert width > height, (width, height)
        page.render(scale=1.2).to_pil().save(png)
    finally:
        doc.close()


@pytest.mark.parametrize("path", ["/search?q=" + quote("公务接待"), "/search", "/"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_one_search_box_per_page(viewport: str, path: str, open_page) -> None:
    w = open_page(viewport)
    assert w.goto(path) == 200
    boxes = w.page.locator("input[name=q]")
    assert boxes.count() == 1
    assert boxes.first.is_visible()
    w.assert_clean()


def test_phone_filter_button_opens_the_facets(open_page) -> None:
    w = open_page("phone")
    assert w.goto("/search?q=" + quote("公务接待")) == 200
    toggle = w.page.locator("[data-testid=filters-toggle]")
    toggle.wait_for(state="visible")
    w.screenshot("r2-filters-closed-phone")
    # At the top: within the first screen, above the first result.
    box = toggle.bounding_box()
    first_hit = w.page.locator("article[data-testid=hit]").first.bounding_box()
    assert box and first_hit and box["y"] + box["height"] <= min(844, first_hit["y"])
    facet = w.page.locator("section[data-facet=organisation] a[data-testid=facet-value]").first
    assert not facet.is_visible()
    toggle.click()
    facet.wait_for(state="visible")
    w.screenshot("r2-filters-open-phone")
    org = facet.get_attribute("data-value")
    with w.page.expect_navigation():
        facet.click()
    assert "org=" in w.page.url
    chip = w.page.locator("a[data-testid=chip]").filter(has_text=org or "")
    chip.wait_for(state="visible")
    assert "已选 1 项" in w.page.locator("[data-testid=filters-toggle]").inner_text()
    w.assert_clean()


def test_laptop_facets_need_no_button(open_page) -> None:
    w = open_page("laptop")
    assert w.goto("/search?q=" + quote("公务接待")) == 200
    w.page.wait_for_selector("section[data-facet=organisation]")
    w.screenshot("r2-filters-laptop")
    assert not w.page.locator("[data-testid=filters-toggle]").is_visible()
    facet = w.page.locator("section[data-facet=organisation] a[data-testid=facet-value]").first
    assert facet.is_visible()
    # Beside the results, not above them.
    hit = w.page.locator("article[data-testid=hit]").first.bounding_box()
    fb = facet.bounding_box()
    assert fb and hit and fb["x"] + fb["width"] <= hit["x"]
    w.assert_clean()
