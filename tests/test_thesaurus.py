"""The thesaurus (synonyms, broader terms) and the boilerplate list, read from their files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from indexer import thesaurus
from indexer.domain import BOILERPLATE, DataFileError
from indexer.thesaurus import load_boilerplate, load_thesaurus

S, N = "synonym", "narrower"


def test_synonyms() -> None:
    t = load_thesaurus()
    assert t.expand("公车") == [("公务用车", S), ("公务车辆", S)]
    assert t.expand("征收") == [("拆迁", S), ("征迁", S)]
    assert t.expand("选人用人") == [("干部选拔任用", S), ("选拔任用", S)]
    assert t.expand("小金库") == [("账外账", S), ("账外资金", S)]
    assert t.expand("津贴补贴") == [("津补贴", S)] + [
        (w, N) for w in ("加班补助", "加班费", "交通补助", "交通补贴", "车补")
    ] + [(w, N) for w in ("通讯补贴", "通讯费", "通信补贴", "慰问金", "值班补贴")]


def test_broader_term_expands_to_narrower_terms_and_their_synonyms() -> None:
    t = load_thesaurus()
    assert t.expand("四风") == [
        ("形式主义", N),
        ("官僚主义", N),
        ("享乐主义", N),
        ("奢靡之风", N),
    ]
    assert t.expand("八项规定") == [
        ("中央八项规定", S),
        ("八项规定精神", S),
        ("公务接待", N),
        ("公车", N),
        ("公务用车", N),
        ("公务车辆", N),
        ("津补贴", N),
        ("津贴补贴", N),
        ("违规吃喝", N),
        ("公款吃喝", N),
        ("违规宴请", N),
        ("公款旅游", N),
        ("违规收送礼品礼金", N),
        ("收受礼品礼金", N),
        ("收送礼品礼金", N),
    ]
    # A synonym of the broader term expands the same way.
    assert t.expand("中央八项规定")[2:] == t.expand("八项规定")[2:]


def test_expansion_goes_one_level_down_never_up() -> None:
    t = load_thesaurus()
    # 四风 > 形式主义 > 流于形式: 四风 stops at 形式主义.
    assert ("流于形式", N) not in t.expand("四风")
    assert t.expand("形式主义") == [
        ("文山会海", N),
        ("过度留痕", N),
        ("层层加码", N),
        ("走过场", N),
        ("流于形式", N),
    ]
    assert t.expand("公务用车") == [("公车", S), ("公务车辆", S)]  # not 八项规定
    assert t.expand("低保") == [("最低生活保障", S), ("城乡低保", S)]  # not 社会救助


def test_synonyms_are_symmetric_across_the_whole_file() -> None:
    t = load_thesaurus()
    for term in t.terms():
        for alt, rel in t.expand(term):
            if rel == S:
                assert (term, S) in t.expand(alt), (term, alt)


def test_no_term_expands_to_itself_and_order_is_stable() -> None:
    t = load_thesaurus()
    for term in t.terms():
        alts = [a for a, _ in t.expand(term)]
        assert term not in alts
        assert len(alts) == len(set(alts))
        assert t.expand(term) == t.expand(term)


def test_width_folding_and_unknown_terms() -> None:
    t = load_thesaurus()
    assert t.expand("因私出国（境）") == [("因私出国", S), ("因私出境", S), ("因私出入境", S)]
    assert t.expand("因私出国(境)") == t.expand("因私出国（境）")
    assert t.expand(" 公车 ") == t.expand("公车")
    assert t.expand("红十字") == []
    assert t.expand("") == []


def test_file_size_and_fingerprint() -> None:
    lines = [
        ln
        for ln in thesaurus.THESAURUS_FILE.read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.lstrip().startswith("#")
    ]
    assert 40 <= len(lines) <= 80
    assert re.fullmatch(r"[0-9a-f]{64}", thesaurus.fingerprint())
    assert load_thesaurus() is load_thesaurus()


def test_editing_a_copy_changes_expansion(tmp_path: Path) -> None:
    copy = tmp_path / "thesaurus.txt"
    shutil.copy(thesaurus.THESAURUS_FILE, copy)
    with copy.open("a", encoding="utf-8") as f:
        f.write("公车 = 官车\n财务管理 > 财务报销, 小金库\n")
    edited = load_thesaurus(copy)
    assert edited.expand("公车") == [("公务用车", S), ("公务车辆", S), ("官车", S)]
    assert edited.expand("官车") == [("公车", S), ("公务用车", S), ("公务车辆", S)]
    assert edited.expand("财务管理") == [
        ("财务报销", N),
        ("报销", N),
        ("报账", N),
        ("小金库", N),
        ("账外账", N),
        ("账外资金", N),
    ]
    assert load_thesaurus().expand("官车") == []
    assert thesaurus.fingerprint(copy) != thesaurus.fingerprint()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("公车 = 公务用车 > 车辆", "混用"),
        ("公车 公务用车", "缺少"),
        ("公车 = = 公务用车", "为空"),
        ("公车 >", "为空"),
        ("> 公车", "为空"),
        ("车辆 > 公车 > 公务用车", "一个“>”"),
        ("公车 = 公车", "重复"),
        ("车辆 > 车辆, 公车", "自己"),
        ("公车 = 公务 用车", "空格"),
        ("公车, 公务用车 = 公务车辆", "符号"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "thesaurus.txt"
    path.write_text(f"# 注释\n\n四风 > 形式主义\n{line}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_thesaurus(path)
    assert info.value.line == 4
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="不存在"):
        load_thesaurus(tmp_path / "nope.txt")


def test_boilerplate_loads_and_holds_the_genre_filler() -> None:
    words = load_boilerplate()
    assert isinstance(words, frozenset)
    filler = (
        "一是 二是 整改 进一步 加强 落实 问题 工作 情况 方面 不到位 不够 开展 严格 制度 规范 完善"
    )
    assert set(filler.split()) <= words
    # Words that say what a problem is about must not be dropped.
    assert not {"公务接待", "三重一大", "采购", "合同", "意识形态"} & words
    assert load_boilerplate() is words


def test_boilerplate_comments_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "boilerplate.txt"
    path.write_text("# 注释\n一是\n\n  整改  \n", encoding="utf-8")
    assert load_boilerplate(path) == frozenset({"一是", "整改"})
    bad = tmp_path / "bad.txt"
    bad.write_text("一是\n加强 落实\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_boilerplate(bad)
    assert info.value.line == 2 and str(bad) in str(info.value)
    assert BOILERPLATE.exists()
