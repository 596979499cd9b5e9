"""再次出现: problems of a later notice of the same unit that state a problem of an earlier
one again, on invented notice pairs where the recurring problems are known (written by hand
below, not found by the scorer), through the real index and the web app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from indexer import recurrence
from indexer.searching import open_index
from tests.test_followups import build, notice_text
from tests.webarchive import IMG, SCRIPT
from web import create_app

TOWN = dict(
    unit="白桦镇党委",
    signature="中共青松县白桦镇委员会",
    phone="0556-8720002",
)
# The earlier notice's problems, by letter; the later notice restates A and B in other words,
# names the topic of C (公务用车) with a different problem, and adds E.
EARLY = {
    "A": (
        "针对公务接待审批不严、无公函接待问题。"
        "一是严格执行公务接待审批单和公函制度;二是每季度公示接待费用。"
    ),
    "B": (
        "针对村干部误工补贴发放标准不统一问题。"
        "一是清理各村误工补贴发放台账;二是制定全镇误工补贴发放标准。"
    ),
    "C": "针对公务用车使用登记不全问题。一是建立公务用车使用登记制度;二是每月核查用车记录。",
    "D": "针对党费收缴不及时问题。一是开展党费收缴专项检查;二是按月公示党费收缴情况。",
}
LATE = {
    "A2": (
        "针对无公函接待、公务接待审批不严问题仍未根治问题。"
        "一是重新修订公务接待审批制度;二是逐笔核查接待公函。"
    ),
    "C2": "针对公务用车私用、节假日公车未封存问题。一是节假日公车一律封存;二是对公车私用严肃追责。",
    "B2": (
        "针对村干部误工补贴发放标准仍不统一问题。"
        "一是全镇统一误工补贴发放标准;二是按季度公示发放情况。"
    ),
    "E": "针对扶贫项目资产管理不到位问题。一是建立扶贫项目资产台账;二是明确管护责任。",
}
EXPECTED = {("A", "A2"), ("B", "B2")}


def town_notices() -> dict[str, str]:
    return {
        "early": notice_text(
            "中共青松县白桦镇委员会关于县委第二轮巡察整改进展情况的通报",
            problems=tuple(EARLY.values()),
            **TOWN,
        ),
        "late": notice_text(
            "中共青松县白桦镇委员会关于县委巡察“回头看”整改情况的通报",
            inspector="县委第三巡察组",
            period="2025年3月3日至4月11日",
            feedback="2025年5月6日",
            kind="巡察“回头看”",
            announce="巡察“回头看”整改情况",
            signed="2025年9月1日",
            problems=tuple(LATE.values()),
            **TOWN,
        ),
        # Another unit of the same inspection states A word for word: not the same unit.
        "neighbour": notice_text(
            "中共青松县红松镇委员会关于县委第二轮巡察整改进展情况的通报",
            unit="红松镇党委",
            signature="中共青松县红松镇委员会",
            problems=(EARLY["A"], EARLY["D"]),
        ),
    }


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    return build(tmp_path_factory.mktemp("town"), town_notices())


@pytest.fixture(scope="module")
def app(town: tuple[Path, dict[str, str]]) -> Iterator[Flask]:
    yield create_app({"TESTING": True, "DATA_DIR": town[0]})


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def pid(ids: dict[str, str], letter: str) -> str:
    if letter in EARLY:
        return f"{ids['early']}-{list(EARLY).index(letter) + 1}"
    return f"{ids['late']}-{list(LATE).index(letter) + 1}"


def test_recurring_problems_are_linked_and_only_they(town) -> None:
    data, ids = town
    index = open_index(data)
    links = recurrence.chain_links(index, (ids["early"], ids["late"]))
    found = {(e, lt) for e, lt, _ in links}
    assert found == {(pid(ids, a), pid(ids, b)) for a, b in EXPECTED}
    assert all(recurrence.THRESHOLD <= s <= 1 for _, _, s in links)


def test_scores_of_the_near_misses_stay_under_the_threshold(town) -> None:
    """C2 names C's topic (公务用车) with another problem: the same type is not enough."""
    data, ids = town
    index = open_index(data)
    with index.reading():
        gen = index.generation()
        w = {
            d["id"]: recurrence._weights(gen, d)
            for nid in (ids["early"], ids["late"])
            for d in index.problems_of(nid)
        }
    assert recurrence.overlap(w[pid(ids, "C")], w[pid(ids, "C2")]) < recurrence.THRESHOLD
    assert recurrence.overlap(w[pid(ids, "A")], w[pid(ids, "A2")]) >= recurrence.THRESHOLD
    assert recurrence.overlap(w[pid(ids, "A")], w[pid(ids, "A")]) == pytest.approx(1.0)


def test_a_stricter_threshold_links_fewer(town, monkeypatch) -> None:
    data, ids = town
    index = open_index(data)
    monkeypatch.setattr(recurrence, "THRESHOLD", 1.01)
    assert recurrence.chain_links(index, ("f" * 16, ids["early"], ids["late"])) == []


def test_problem_json_links_both_ways(client: FlaskClient, town) -> None:
    _, ids = town
    early = client.get(f"/api/problems/{pid(ids, 'A')}").get_json()
    assert [r["id"] for r in early["recurs_in"]] == [pid(ids, "A2")]
    assert early["recurred_from"] == []
    later = early["recurs_in"][0]
    assert later["notice_id"] == ids["late"]
    assert later["date"] == "2025-09-01" and later["stage_label"] == "回头看"
    assert later["title"].startswith("无公函接待")
    back = client.get(f"/api/problems/{pid(ids, 'B2')}").get_json()
    assert [r["id"] for r in back["recurred_from"]] == [pid(ids, "B")]
    assert back["recurs_in"] == []
    for letter in ("C", "D", "C2", "E"):
        d = client.get(f"/api/problems/{pid(ids, letter)}").get_json()
        assert d["recurs_in"] == [] and d["recurred_from"] == [], letter
    # The neighbour states A word for word, but is another unit.
    other = client.get(f"/api/problems/{ids['neighbour']}-1").get_json()
    assert other["recurs_in"] == [] and other["recurred_from"] == []


def test_problem_page_shows_the_links(client: FlaskClient, town) -> None:
    _, ids = town
    html = client.get(f"/problems/{pid(ids, 'A')}").get_data(as_text=True)
    assert 'data-testid="recurrence"' in html
    assert "再次出现于" in html and f'href="/problems/{pid(ids, "A2")}"' in html
    html = client.get(f"/problems/{pid(ids, 'A2')}").get_data(as_text=True)
    assert "此前出现于" in html and f'href="/problems/{pid(ids, "A")}"' in html
    html = client.get(f"/problems/{pid(ids, 'E')}").get_data(as_text=True)
    assert 'data-testid="recurrence"' not in html


def test_notice_page_and_json_show_the_chain(client: FlaskClient, town) -> None:
    _, ids = town
    d = client.get(f"/api/notices/{ids['late']}").get_json()
    assert [c["id"] for c in d["chain"]] == [ids["early"], ids["late"]]
    assert [c["current"] for c in d["chain"]] == [False, True]
    assert [c["stage_label"] for c in d["chain"]] == ["整改进展", "回头看"]
    html = client.get(f"/notices/{ids['late']}").get_data(as_text=True)
    assert html.count('data-testid="chain-item"') == 2
    assert f'href="/notices/{ids["early"]}"' in html
    assert 'aria-current="page"' in html
    alone = client.get(f"/api/notices/{ids['neighbour']}").get_json()
    assert alone["chain"] == []
    assert 'data-testid="chain"' not in client.get(f"/notices/{ids['neighbour']}").get_data(
        as_text=True
    )


def test_hostile_titles_in_a_chain_are_escaped(tmp_path: Path) -> None:
    texts = {
        "a": notice_text(
            f"中共青松县松涛乡委员会关于县委第二轮巡察整改进展情况的通报{SCRIPT}",
            unit="松涛乡党委",
            signature="中共青松县松涛乡委员会",
            problems=(EARLY["D"],),
        ),
        "b": notice_text(
            f"中共青松县松涛乡委员会关于县委第二轮巡察集中整改情况的通报{IMG}",
            unit="松涛乡党委",
            signature="中共青松县松涛乡委员会",
            signed="2023年12月1日",
            problems=(EARLY["D"],),
        ),
    }
    data, ids = build(tmp_path, texts)
    client = create_app({"TESTING": True, "DATA_DIR": data}).test_client()
    d = client.get(f"/api/notices/{ids['a']}").get_json()
    assert all(c["title"].endswith(x) for c, x in zip(d["chain"], (SCRIPT, IMG), strict=True))
    html = client.get(f"/notices/{ids['a']}").get_data(as_text=True)
    chain = html[html.index('data-testid="chain"') :]
    chain = chain[: chain.index("</section>")]
    assert SCRIPT not in chain and IMG not in chain
    assert "&lt;script&gt;" in chain and "&lt;img src=x onerror=alert(1)&gt;" in chain
    html = client.get(f"/problems/{ids['a']}-1").get_data(as_text=True)
    assert 'data-testid="recurs-in"' in html and "<img src=x" not in html
