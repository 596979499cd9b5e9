"""Help when a query goes wrong (``indexer.suggest``): corrections from the index's own
vocabulary on a real archive and index, and how an unclosed quote was read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.store import Archive
from indexer import suggest
from indexer.searching import NoticeIndex
from indexer.suggest import Correction, Vocabulary, quote_reading
from tests.builtonce import corpus

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds and the test notices, shared with other modules (tests/builtonce.py)."""
    return corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def index(data: Path) -> Iterator[NoticeIndex]:
    with NoticeIndex(data, poll_interval=0) as idx:
        yield idx


@pytest.fixture(scope="module")
def texts(data: Path) -> list[str]:
    """Every archived problem's text: the literal truth the counts are checked against."""
    with Archive(data) as a:
        return [p.text for s in a.iter_notices() for p in s.notice.problems]


# -- the look-up, on a vocabulary written here -------------------------------------------

WORDS = Vocabulary({"公务接待": 40, "公务用车": 30, "公务接送": 2, "三重一大": 25, "选拔任用": 9})


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("公务接侍", ["公务接待", "公务接送"]),  # one replaced; the more frequent first
        ("公务用东", ["公务用车"]),
        ("三重大", ["三重一大"]),  # one missing
        ("三重一一大", ["三重一大"]),  # one extra
        ("重三一大", ["三重一大"]),  # two swapped
        ("选拔任用", []),  # the word itself is no correction
        ("火星人", []),
    ],
)
def test_neighbours_are_one_character_off(typed: str, expected: list[str]) -> None:
    assert WORDS.neighbours(typed) == expected


def test_the_index_vocabulary_holds_frequent_words_only(index: NoticeIndex) -> None:
    vocab = suggest.vocabulary(index)
    assert "公务接待" in vocab and "三重一大" in vocab
    assert all(2 <= len(w) <= suggest.MAX_WORD for w in vocab.counts)
    assert "公务接侍" not in vocab
    assert suggest.vocabulary(index) is vocab  # built once per index generation


# -- suggestions on the real index -------------------------------------------------------


def literal_count(texts: list[str], word: str) -> int:
    return sum(1 for t in texts if word in t)


@pytest.mark.parametrize(
    "typed, expected, word",
    [
        ("公务接侍", "公务接待", "公务接待"),
        ("三重一打", "三重一大", "三重一大"),
        ("干部选拔仍用", "干部选拔任用", "干部选拔任用"),
        ('"公务接侍"', '"公务接待"', "公务接待"),  # a quoted phrase stays quoted
    ],
)
def test_a_typo_gets_the_frequent_word(
    index: NoticeIndex, texts: list[str], typed: str, expected: str, word: str
) -> None:
    total = index.search(typed).total
    assert total == 0
    found = suggest.suggest(index, typed, total)
    assert found, typed
    best = found[0]
    assert best.query == expected
    assert best.corrections == (Correction(typed.strip('"'), word),)
    assert best.total >= literal_count(texts, word) > 0


def test_a_suggestion_keeps_the_rest_of_the_query(index: NoticeIndex, texts: list[str]) -> None:
    query = "org:红十字 公务接侍"
    assert index.search(query).total == 0
    found = suggest.suggest(index, query, 0)
    assert [s.query for s in found] == ["org:红十字 公务接待"]
    assert found[0].total == index.search("org:红十字 公务接待").total > 0


def test_filters_given_as_parameters_count(index: NoticeIndex) -> None:
    nowhere = {"region": "火星"}
    assert suggest.suggest(index, "公务接侍", 0, filters=nowhere) == []


@pytest.mark.parametrize(
    "query",
    [
        "公务接待",  # found: nothing to correct
        "公务用车 火星人",  # nothing near 火星人
        "接侍",  # too short to guess
        "",
        "   ",
        "-公务接侍",  # an excluded word is not what the user looks for
    ],
)
def test_no_suggestion_without_a_likely_typo(index: NoticeIndex, query: str) -> None:
    assert suggest.suggest(index, query, index.search(query).total) == []


def test_enough_results_means_no_suggestion(index: NoticeIndex) -> None:
    assert suggest.suggest(index, "公务接侍", suggest.FEW) == []


# -- unclosed quotes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, reading",
    [
        ('"公务 接待', '"公务 接待"'),
        ('规定 "公务 接待', '规定 "公务 接待"'),
        ("“公务接待", '"公务接待"'),
        ('公务接待 "', "公务接待"),
        ('"公务接待" "三重', '"公务接待" "三重"'),
        ('"公务接待"', None),
        ("公务接待", None),
        ("“公务接待”", None),
    ],
)
def test_how_an_unclosed_quote_was_read(query: str, reading: str | None) -> None:
    assert quote_reading(query) == reading


def test_the_reading_finds_what_the_query_found(index: NoticeIndex) -> None:
    query = '规定 "公务接待'
    reading = quote_reading(query)
    assert reading is not None
    assert index.search(reading).total == index.search(query).total > 0
