"""Follow-ups in the real browser, on a laptop and a phone: the notice page's chain (stages,
dates, links, the current notice marked) and the problem page's 再次出现/此前出现于 links,
on a server of invented notices (one unit's progress, completion and 回头看 notices).
Screenshots go to test-artifacts/screenshots/facts-followup-*.png."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from bench.serverproc import ServerProcess
from tests.browser.conftest import SCREENSHOTS, VIEWPORTS, Watch
from tests.conftest import run_module
from tests.test_followups import build, forestry_notices
from tests.test_followups_recurrence import pid, town_notices


@pytest.fixture(scope="module")
def followup_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServerProcess, dict[str, str], dict[str, str]]]:
    root = tmp_path_factory.mktemp("followup-web")
    texts = {**forestry_notices(), **{f"town_{k}": v for k, v in town_notices().items()}}
    data, all_ids = build(root, texts)
    run_module("indexer", "build", "--data", data)
    town = {k[5:]: v for k, v in all_ids.items() if k.startswith("town_")}
    server = ServerProcess(data, workers=1)
    try:
        server.wait_ready(120)
    except (RuntimeError, TimeoutError) as exc:
        server.stop()
        pytest.fail(f"server did not start: {exc}\n{server.output()}")
    yield server, all_ids, town
    server.stop()


@pytest.fixture
def open_followup(browser: Browser, followup_server) -> Iterator[Callable[[str], Watch]]:
    server = followup_server[0]
    contexts = []

    def make(viewport: str) -> Watch:
        phone = viewport == "phone"
        ctx = browser.new_context(
            viewport=VIEWPORTS[viewport],
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=1,
            locale="zh-CN",
        )
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        w = Watch(page=ctx.new_page(), base_url=server.base_url)
        w.attach()
        return w

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_notice_page_shows_the_chain(viewport: str, open_followup, followup_server) -> None:
    _, ids, _ = followup_server
    w = open_followup(viewport)
    assert w.goto(f"/notices/{ids['completion']}") == 200
    chain = w.page.locator("[data-testid=chain]")
    chain.scroll_into_view_if_needed()
    assert chain.is_visible()
    items = w.page.locator("[data-testid=chain-item]")
    assert items.count() == 3
    texts = [items.nth(i).inner_text() for i in range(3)]
    assert "整改进展" in texts[0] and "2023-08-01" in texts[0]
    assert "集中整改" in texts[1] and "（本篇）" in texts[1]
    assert "回头看" in texts[2] and "2025-09-01" in texts[2]
    current = w.page.locator("[data-testid=chain-item][aria-current=page]")
    assert current.get_attribute("data-id") == ids["completion"]
    assert current.locator("a").count() == 0
    assert w.overflow()["offenders"] == []
    w.page.locator("[data-testid=chain]").screenshot(
        path=str(screens() / f"facts-followup-chain-{viewport}.png")
    )
    w.screenshot(f"facts-followup-notice-{viewport}")
    items.nth(2).locator("a").click()
    w.page.wait_for_url(f"**/notices/{ids['review']}")
    assert (
        w.page.locator("[data-testid=chain-item][aria-current=page]").get_attribute("data-id")
        == ids["review"]
    )
    w.assert_clean()


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_recurrence_links_both_ways(viewport: str, open_followup, followup_server) -> None:
    _, _, town = followup_server
    w = open_followup(viewport)
    assert w.goto(f"/problems/{pid(town, 'A')}") == 200
    later = w.page.locator("[data-testid=recurs-in]")
    assert later.count() == 1
    assert "再次出现于" in later.inner_text() and "回头看" in later.inner_text()
    assert later.is_visible()
    assert w.overflow()["offenders"] == []
    w.screenshot(f"facts-followup-recurs-in-{viewport}")
    later.locator("a").click()
    w.page.wait_for_url(f"**/problems/{pid(town, 'A2')}")
    earlier = w.page.locator("[data-testid=recurred-from]")
    assert "此前出现于" in earlier.inner_text() and "整改进展" in earlier.inner_text()
    assert w.overflow()["offenders"] == []
    w.screenshot(f"facts-followup-recurred-from-{viewport}")
    earlier.locator("a").click()
    w.page.wait_for_url(f"**/problems/{pid(town, 'A')}")
    assert w.goto(f"/problems/{pid(town, 'E')}") == 200
    assert w.page.locator("[data-testid=recurrence]").count() == 0
    w.assert_clean()


def test_search_page_offers_the_feed(open_followup) -> None:
    w = open_followup("phone")
    assert w.goto("/search?q=公务接待") == 200
    link = w.page.locator("[data-testid=feed]")
    assert link.is_visible() and link.inner_text() == "订阅"
    href = link.get_attribute("href")
    assert href == w.page.locator("link[rel=alternate][type='application/atom+xml']").get_attribute(
        "href"
    )
    resp = w.page.request.get(w.base_url + href)
    assert resp.status == 200 and resp.headers["content-type"].startswith("application/atom+xml")
    assert "<entry>" in resp.text()
    assert w.overflow()["offenders"] == []
    w.screenshot("facts-followup-search-feed-phone")
    w.assert_clean()


def screens() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
