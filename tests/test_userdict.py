"""The jieba user dictionary keeps the genre's terms whole (and without it they split)."""

from __future__ import annotations

import logging
from pathlib import Path

import jieba
import pytest

from archive.normalize import normalize
from indexer.domain import USERDICT, DataFileError, load_userdict_words

# From GENRE.md's vocabulary list; 因私出国（境） is indexed as 因私出国 (jieba never keeps
# brackets inside a word).
GENRE_TERMS = (
    "三重一大 一岗双责 三会一课 第一议题 四个意识 四个自信 两个维护 中央八项规定 四风 "
    "形式主义 官僚主义 主体责任 监督责任 全面从严治党 党风廉政建设 意识形态 民主生活会 "
    "组织生活会 谈心谈话 干部选拔任用 因私出国 公务接待 公务用车 财经纪律 巡察整改 回头看 "
    "交叉巡察 机动巡察 纪检监察组 抓早抓小 红脸出汗 举一反三 标本兼治 建章立制"
).split()

# Terms the default dictionary does not keep whole: the file is what makes them whole.
SPLIT_WITHOUT = (
    "三重一大 三会一课 第一议题 四个意识 两个维护 中央八项规定 四风 主体责任 全面从严治党 "
    "民主生活会 谈心谈话 干部选拔任用 因私出国 公务接待 巡察整改 回头看 抓早抓小 红脸出汗 "
    "津补贴 选人用人 问题线索 账外账 履职尽责 派驻纪检监察组"
).split()


def _tokenizer(cache_dir: Path, userdict: Path | None) -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(cache_dir)
    tok.initialize()
    if userdict is not None:
        with open(userdict, "rb") as f:  # a path would leave jieba's handle open
            tok.load_userdict(f)
    return tok


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> jieba.Tokenizer:
    return _tokenizer(tmp_path_factory.mktemp("jieba"), None)


@pytest.fixture(scope="module")
def domain(tmp_path_factory: pytest.TempPathFactory) -> jieba.Tokenizer:
    return _tokenizer(tmp_path_factory.mktemp("jieba"), USERDICT)


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        ("落实三重一大集体决策制度不到位", ["落实", "三重一大", "集体决策", "制度", "不", "到位"]),
        ("未定期召开三会一课和民主生活会", ["未", "定期", "召开", "三会一课", "和", "民主生活会"]),
        ("干部因私出国管理不严格", ["干部", "因私出国", "管理", "不", "严格"]),
        ("违规发放津补贴和慰问金", ["违规发放", "津补贴", "和", "慰问金"]),
        (
            "落实全面从严治党主体责任和一岗双责",
            ["落实", "全面从严治党", "主体责任", "和", "一岗双责"],
        ),
        ("开展巡察整改回头看", ["开展", "巡察整改", "回头看"]),
        ("坚持抓早抓小、红脸出汗", ["坚持", "抓早抓小", "、", "红脸出汗"]),
        ("派驻纪检监察组监督不力", ["派驻纪检监察组", "监督", "不力"]),
        ("存在小金库和账外账问题", ["存在", "小金库", "和", "账外账", "问题"]),
        ("违反中央八项规定", ["违反", "中央八项规定"]),
        # Sector terms of art.
        ("执行案件超审限", ["执行案件", "超审限"]),
        ("终本案件清理不到位", ["终本", "案件", "清理", "不", "到位"]),
        ("留抵退税审核不严", ["留抵退税", "审核", "不严"]),
        ("贷后管理缺位，借新还旧掩盖不良", ["贷后管理", "缺位", "，", "借新还旧", "掩盖", "不良"]),
        ("永久基本农田非粮化", ["永久基本农田", "非粮化"]),
        ("耕地地力保护补贴发放不规范", ["耕地地力保护补贴", "发放", "不", "规范"]),
        ("统计造假问题屡禁不止", ["统计造假", "问题", "屡禁不止"]),
        ("横向课题经费管理松散", ["横向课题", "经费", "管理", "松散"]),
        ("挂床住院套取医保基金", ["挂床", "住院", "套取", "医保基金"]),
        ("融资性贸易空转走单", ["融资性贸易", "空转走单"]),
        ("往来款长期挂账、账实不符", ["往来款", "长期", "挂账", "、", "账实不符"]),
        ("应招未招，化整为零", ["应招未招", "，", "化整为零"]),
    ],
)
def test_sentences_keep_terms_whole(
    domain: jieba.Tokenizer, sentence: str, words: list[str]
) -> None:
    assert domain.lcut(sentence, HMM=False) == words


@pytest.mark.parametrize("term", SPLIT_WITHOUT)
def test_the_file_is_what_keeps_them_whole(
    plain: jieba.Tokenizer, domain: jieba.Tokenizer, term: str
) -> None:
    sentence = f"关于{term}的问题"
    assert term not in plain.lcut(sentence, HMM=False)
    assert term in domain.lcut(sentence, HMM=False)


def test_every_entry_stays_whole_on_its_own(domain: jieba.Tokenizer) -> None:
    broken = [w for w in load_userdict_words() if domain.lcut(w, HMM=False) != [w]]
    assert broken == []


def test_file_shape() -> None:
    words = load_userdict_words()
    assert 150 <= len(words) <= 500
    assert set(GENRE_TERMS) <= set(words)
    assert all(normalize(w) == w for w in words)
    assert load_userdict_words() is words  # read once per process


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("三重一大\n# 注释\n", 2, "注释"),
        ("三重一大\n四风\n三重一大\n", 3, "重复"),
        ("三重一大\n因私出国（境）\n", 2, "半角"),
        ("三重一大 高 n\n", 1, "格式"),
    ],
)
def test_malformed_entries_name_file_and_line(
    tmp_path: Path, content: str, line: int, message: str
) -> None:
    path = tmp_path / "userdict.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_userdict_words(path)
    assert info.value.line == line
    assert str(path) in str(info.value) and message in str(info.value)
