"""A search that finds nothing tries its words split into their parts (残疾补贴 → 残疾 补贴)
and says so, on the seeds' real archive and index, and through the JSON API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.normalize import normalize
from archive.store import Archive
from indexer import ranking
from indexer.results import relaxed_words
from indexer.searching import NoticeIndex


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("残疾补贴", ["残疾", "补贴"]),
        ("税收减免 违规", ["税收", "减免", "违规"]),
        ("违规的补贴", ["违规", "补贴"]),  # a one-character word is no search term
        ("公车", []),  # one word: nothing to split
        ("惠农补贴", []),  # one word of the dictionary
        ('"残疾补贴"', []),  # a quoted phrase stays as written
        ("残疾补贴 -违规", []),  # so does a query with a negation …
        ("残疾补贴 | 救助", []),  # … or an alternative
        ("org:残联 残疾补贴", []),  # … or a field filter
    ],
)
def test_which_queries_are_split_and_into_what(query, expected):
    assert relaxed_words(query) == expected


@pytest.fixture(scope="module")
def index(seeded_data: Path) -> Iterator[NoticeIndex]:
    with NoticeIndex(seeded_data, poll_interval=0) as idx:
        yield idx


@pytest.fixture(scope="module")
def texts(seeded_data: Path) -> dict[str, str]:
    """Every problem's title and text, folded, by id: the test's own literal truth."""
    out = {}
    with Archive(seeded_data) as a:
        for stored in a.iter_notices():
            for p in stored.notice.problems:
                out[f"{stored.id}-{p.n}"] = normalize(p.title + "\n" + p.text)
    return out


def test_nothing_found_as_written_finds_the_problems_holding_every_part(index, texts):
    assert not any("残疾补贴" in t for t in texts.values())
    both = {k for k, t in texts.items() if "残疾" in t and "补贴" in t}
    assert both
    r = index.search("残疾补贴", kind="problem", per_page=100)
    assert r.relaxed == "残疾 补贴"
    assert {h.id for h in r.hits} >= both
    assert all("残疾" in texts[h.id] and "补贴" in texts[h.id] for h in r.hits if not h.concepts)
    assert r.messages[-1] == "没有找到包含“残疾补贴”的结果，以下是同时包含“残疾”“补贴”的结果"


def test_a_query_that_finds_something_or_a_phrase_is_searched_as_written(index):
    found = index.search("公车", kind="problem")
    assert found.total > 0 and found.relaxed == "" and not found.messages
    quoted = index.search('"残疾补贴"', kind="problem")
    assert quoted.total == 0 and quoted.relaxed == ""


def test_the_api_says_what_it_searched_instead(client):
    body = client.get("/api/search", query_string={"q": "残疾补贴"}).get_json()
    assert body["relaxed"] == "残疾 补贴"
    assert body["total"] > 0
    assert "没有找到包含“残疾补贴”的结果，以下是同时包含“残疾”“补贴”的结果" in body["messages"]
    plain = client.get("/api/search", query_string={"q": "公车"}).get_json()
    assert plain["relaxed"] == ""


def test_a_split_query_over_the_budget_leaves_the_answer_as_written(seeded_data, monkeypatch):
    # As written, 残疾补贴 reads 3 terms (the literal and its two words' boost); split, 6.
    monkeypatch.setattr(ranking, "MAX_TERMS", 4)
    with NoticeIndex(seeded_data, poll_interval=0, cache_size=0) as uncached:
        r = uncached.search("残疾补贴", kind="problem")
    assert r.total == 0 and r.relaxed == "" and r.messages == []
