"""A user's journey through the app on a laptop: search, narrow, read, compare, download.

Every step checks what a person sees (visible text), not only that an element exists.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, expect

QUERY = "公务接待"
NUMBER_RE = re.compile(r"^\s*(?:[(（]\s*\d+\s*[)）]|\d+\s*[.．、]|[一二三四五六七八九十]+、)\s*")


def _params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _ids_param(page: Page, name: str) -> list[str]:
    """A list parameter given either as ``a,b`` or repeated: ``x=a&x=b``."""
    return [v for raw in _params(page).get(name, []) for v in raw.split(",") if v]


def _total(page: Page) -> int:
    text = page.locator("[data-testid=total]").first.inner_text().strip()
    assert re.fullmatch(r"\d+", text), f"[data-testid=total] should hold digits, has {text!r}"
    return int(text)


def _table_rows(table: Locator) -> list[list[str]]:
    """Each row of a table as the visible texts of its cells, label cell first."""
    return table.evaluate("t => [...t.rows].map(r => [...r.cells].map(c => c.innerText.trim()))")


def _submit(page: Page, button: Locator) -> None:
    with page.expect_navigation():
        button.click()


def test_search_narrow_read_compare_download(page, server, ids) -> None:
    p = page.page
    assert page.goto("/") == 200
    form = p.locator("form[data-testid=search-form]")
    expect(form).to_be_visible()
    box = form.locator("input[name=q][data-testid=q]")
    box.fill(QUERY)
    with p.expect_navigation():
        box.press("Enter")
    assert urlsplit(p.url).path == "/search"
    assert _params(p).get("q") == [QUERY]

    # Results: a total, hits, highlighted query words.
    total = _total(p)
    assert total > 0
    hits = p.locator("article[data-testid=hit]")
    assert 0 < hits.count() <= total
    marks = [m for m in hits.locator("mark").all() if m.is_visible()]
    assert marks, "no visible <mark> in the hits"
    assert any(m.inner_text() in QUERY or QUERY in m.inner_text() for m in marks), [
        m.inner_text() for m in marks[:10]
    ]
    assert QUERY in hits.first.inner_text()

    # Narrow by organisation: the unit whose 公务接待 problem has similar problems elsewhere.
    org = server.api(f"/api/problems/{ids.problem}")["problem"]["organisation"]
    facet = p.locator("section[data-facet=organisation] a[data-testid=facet-value]")
    assert facet.count() >= 2, "the organisation facet lists fewer than two values"
    value = facet.filter(has_text=org).first
    expect(value).to_be_visible()
    _submit(p, value)
    assert _params(p).get("org") == [org], p.url
    chip = p.locator("a[data-testid=chip]").filter(has_text=org)
    expect(chip).to_be_visible()
    narrowed = _total(p)
    assert 0 < narrowed <= total
    expect(hits.first).to_contain_text(org)

    # The first hit's problem page.
    link = hits.first.locator("a[data-testid=problem-link]")
    title = link.inner_text().strip()
    _submit(p, link)
    problem_id = urlsplit(p.url).path.rsplit("/", 1)[-1]
    assert urlsplit(p.url).path == f"/problems/{problem_id}"
    h1 = p.locator("h1").first.inner_text().strip()
    assert h1 and (h1 in title or title.endswith(h1)), (h1, title)
    # The heading may lead with the notice's own number ("6.", "(11)"); the title follows.
    name = NUMBER_RE.sub("", h1)
    assert len(name) >= 4, h1
    measures = p.locator("[data-testid=measures] li")
    assert measures.count() >= 1
    assert len(measures.first.inner_text().strip()) >= 4

    # Similar problems from other notices; tick two and compare side by side.
    similar = p.locator("[data-testid=similar]")
    expect(similar).to_be_visible()
    boxes = p.locator("form[data-testid=side-form] [data-testid=similar] input[name=with]")
    if boxes.count() == 0:
        boxes = similar.locator("input[name=with]")
    assert boxes.count() >= 2, "fewer than two similar problems to tick"
    chosen = [boxes.nth(0).get_attribute("value"), boxes.nth(1).get_attribute("value")]
    boxes.nth(0).check()
    boxes.nth(1).check()
    _submit(p, p.locator("button[data-testid=side-btn]"))
    assert sorted(_ids_param(p, "with")) == sorted(chosen), p.url

    table = p.locator("table[data-testid=side-by-side]")
    expect(table).to_be_visible()
    rows = {r[0]: r[1:] for r in _table_rows(table) if r}
    for label in ("单位", "巡察组", "反馈日期", "问题", "整改状态"):
        assert label in rows, f"side-by-side table has no {label} row; rows: {list(rows)}"
    assert len(rows["单位"]) == 3, rows["单位"]
    assert rows["单位"][0] == org
    assert name in rows["问题"][0]
    others = [server.api(f"/api/problems/{pid}")["problem"] for pid in chosen]
    assert rows["单位"][1:] == [o["organisation"] for o in others]
    measure_rows = [k for k in rows if re.fullmatch(r"整改措施\s*\d+", k)]
    assert measure_rows, f"no 整改措施 n rows; rows: {list(rows)}"
    assert any(rows[k][0] for k in measure_rows), "this problem's measures are empty"
    page.screenshot("journey-side-by-side")

    # On to the notice: meta, outline, full text with problem anchors, original download.
    _submit(p, p.locator("a[data-testid=notice-link]").first)
    notice_id = urlsplit(p.url).path.rsplit("/", 1)[-1]
    assert urlsplit(p.url).path == f"/notices/{notice_id}"
    notice = server.api(f"/api/notices/{notice_id}")
    expect(p.locator("[data-testid=meta]")).to_contain_text(org)
    outline = p.locator("[data-testid=outline]")
    expect(outline).to_be_visible()
    assert len(outline.inner_text().strip()) > 10
    fulltext = p.locator("[data-testid=fulltext]")
    expect(fulltext).to_be_visible()
    expect(fulltext).to_contain_text(name)
    assert fulltext.locator("[id^=p-]").count() == len(notice["problems"])
    expect(fulltext.locator("#p-1")).to_have_count(1)

    original = server.sources[notice["source"]].read_bytes()
    try:
        source_text = original.decode("utf-8")
    except UnicodeDecodeError:
        source_text = original.decode("gb18030")
    assert name in source_text, f"the title {name!r} is not in {notice['source']}"
    download = p.locator("a[data-testid=download]")
    expect(download).to_be_visible()
    assert download.get_attribute("href") == f"/notices/{notice_id}/source"
    resp = p.request.get(server.base_url + f"/notices/{notice_id}/source")
    assert resp.status == 200
    assert resp.body() == original
    with p.expect_download() as got:
        download.click()
    saved = got.value.path()
    assert saved.read_bytes() == original
    page.assert_clean()


def test_side_view_scrolls_inside_its_box(page, server) -> None:
    p = page.page
    assert page.goto(f"/search?q={QUERY}") == 200
    _submit(p, p.locator("a[data-testid=view-side]").first)
    assert _params(p).get("view") == ["side"] and _params(p).get("q") == [QUERY]
    side = p.locator("[data-testid=side]")
    expect(side).to_be_visible()
    cols = side.locator("section[data-testid=side-col]")
    assert cols.count() >= 2
    orgs = {h["organisation"] for h in server.api("/api/search", q=QUERY, per_page="100")["hits"]}
    headings = [c.locator("h1, h2, h3, h4, header").first.inner_text().strip() for c in cols.all()]
    assert len(set(headings)) == len(headings), headings
    for heading in headings:
        assert any(o in heading for o in orgs), f"column heading {heading!r} is no organisation"
    for col in cols.all():
        assert len(col.inner_text()) > len(col.locator("h1, h2, h3, h4, header").first.inner_text())

    ov = page.overflow()
    assert ov["scrollWidth"] <= ov["clientWidth"] + 1, f"the page overflows: {ov}"
    box = side.evaluate(
        """s => ({sw: s.scrollWidth, cw: s.clientWidth, ox: getComputedStyle(s).overflowX,
                 widths: [...s.querySelectorAll('[data-testid=side-col]')]
                         .map(c => c.getBoundingClientRect().width)})"""
    )
    assert min(box["widths"]) >= 160, f"side columns squeezed to unreadable widths: {box}"
    if box["sw"] > box["cw"] + 1:
        assert box["ox"] in ("auto", "scroll"), f"wide side view does not scroll: {box}"
        left = side.evaluate("s => { s.scrollLeft = 200; return s.scrollLeft; }")
        assert left > 0, "the side view cannot be scrolled horizontally"
    page.screenshot("journey-side-view")
    page.assert_clean()


def test_compare_two_notices_from_results(page, server) -> None:
    p = page.page
    assert page.goto(f"/search?q={QUERY}") == 200
    form = p.locator("form[data-testid=compare-form]")
    expect(form).to_be_visible()
    boxes = form.locator("input[name=notices]")
    picked: list[str] = []
    for i in range(boxes.count()):
        value = boxes.nth(i).get_attribute("value")
        if value and value not in picked:
            boxes.nth(i).check()
            picked.append(value)
        if len(picked) == 2:
            break
    assert len(picked) == 2, "fewer than two notices to compare in the results"
    _submit(p, form.locator("button[data-testid=compare-btn]"))
    assert urlsplit(p.url).path == "/compare"
    assert sorted(_ids_param(p, "notices")) == sorted(picked), p.url

    matrix = p.locator("table[data-testid=matrix]")
    expect(matrix).to_be_visible()
    rows = _table_rows(matrix)
    header = " ".join(rows[0])
    for nid in picked:
        org = server.api(f"/api/notices/{nid}")["notice"]["organisation"]
        assert org in header, f"{org} is not a column of the matrix: {rows[0]}"
    body = {r[0]: r[1:] for r in rows[1:] if r}
    assert any(label.startswith(QUERY) for label in body), f"no {QUERY} row: {list(body)}"
    row = next(v for k, v in body.items() if k.startswith(QUERY))
    assert len(row) >= 2 and all(cell for cell in row[:2]), f"{QUERY} row: {row}"
    page.screenshot("journey-compare")
    page.assert_clean()


def test_every_facet_value_is_a_filter_link(page) -> None:
    """Each facet panel's values are links that add a filter, shown as a removable chip."""
    p = page.page
    assert page.goto(f"/search?q={QUERY}") == 200
    total = _total(p)
    names = [s.get_attribute("data-facet") for s in p.locator("section[data-facet]").all()]
    assert "organisation" in names and "year" in names, names
    not_links = []
    for name in names:
        assert page.goto(f"/search?q={QUERY}") == 200
        section = p.locator(f"section[data-facet={name}]")
        values = section.locator("a[data-testid=facet-value]")
        if values.count() == 0:
            not_links.append(f"{name}: {section.inner_text().strip()!r}")
            continue
        label = values.first.inner_text().strip()
        _submit(p, values.first)
        assert _params(p).get("q") == [QUERY], f"{name}: the filter link drops the query"
        assert 0 < _total(p) <= total, f"{name}={label}: total {_total(p)} of {total}"
        chips = p.locator("a[data-testid=chip]")
        expect(chips.first).to_be_visible()
        _submit(p, chips.first)
        assert _total(p) == total, f"{name}: removing the chip does not restore the results"
    assert not not_links, "facet values that are not filter links:\n" + "\n".join(not_links)
    page.assert_clean()
