"""The analysis pipeline: exact token lists, as Whoosh's own analyzer tests do."""

import pickle

import pytest

from indexer.analysis import (
    LiteralTokenizer,
    WordTokenizer,
    configure,
    literal_terms,
    query_bigrams,
)


@pytest.fixture(autouse=True)
def _jieba_cache(tmp_path):
    configure(tmp_path / "cache")


def test_literal_terms_are_overlapping_bigrams_then_the_last_character():
    assert literal_terms("理论学习") == ["理论", "论学", "学习", "习"]


def test_literal_terms_drop_punctuation_and_fold_width_and_case():
    assert literal_terms("（一）ＡＢ，c") == ["一a", "ab", "bc", "c"]


def test_literal_terms_of_empty_or_punctuation_only_text():
    assert literal_terms("") == []
    assert literal_terms("，。！“”") == []


@pytest.mark.parametrize(
    ("query", "grams"),
    [
        ("理论学习", ["理论", "论学", "学习"]),
        ("党", ["党"]),
        ("理论 学习", ["理论", "论学", "学习"]),
        ("2021年", ["20", "02", "21", "1年"]),
        ("!!", []),
    ],
)
def test_query_bigrams(query, grams):
    assert query_bigrams(query) == grams


def test_literal_tokens_have_sequential_positions_and_original_offsets():
    text = "关于“三重一大”问题"
    toks = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in LiteralTokenizer()(text, positions=True, chars=True)
    ]
    assert toks == [
        ("关于", 0, 0, 2),
        ("于三", 1, 1, 4),
        ("三重", 2, 3, 5),
        ("重一", 3, 4, 6),
        ("一大", 4, 5, 7),
        ("大问", 5, 6, 9),
        ("问题", 6, 8, 10),
        ("题", 7, 9, 10),
    ]


def test_word_tokens_keep_domain_terms_whole_and_positions_sequential():
    tokens = WordTokenizer()("落实“三重一大”制度和“一岗双责”", positions=True)
    toks = [(t.text, t.pos) for t in tokens]
    assert toks == [("落实", 0), ("三重一大", 1), ("制度", 2), ("一岗双责", 3)]


def test_tokenizers_pickle():
    # Whoosh pickles the schema with the index; the analyzers must survive it.
    assert pickle.loads(pickle.dumps(LiteralTokenizer())) == LiteralTokenizer()
    assert pickle.loads(pickle.dumps(WordTokenizer())) == WordTokenizer()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # Terms of art from the user dictionary stay whole in the word field.
        ("法院执行案件超审限", ["法院", "执行案件", "超审限"]),
        ("落实“第一议题”和前置研究", ["落实", "第一议题", "前置研究"]),
        ("违规发放高龄津贴", ["违规发放", "高龄津贴"]),
        ("村账镇管流于形式", ["村账镇管", "流于形式"]),
        ("涉案财物管理混乱", ["涉案财物", "管理混乱"]),
        ("隐性债务和专项债", ["隐性债务", "专项债"]),
    ],
)
def test_word_tokens_keep_sector_terms_whole(text, words):
    assert [t.text for t in WordTokenizer()(text)] == words
