"""Reading single items: statement, title, measures, sub-problems; organisation names."""

import pytest

from archive import items as it
from archive.normalize import normalize
from archive.outline import Document, build_tree
from archive.parser import clean_organisation


@pytest.mark.parametrize(
    ("statement", "title"),
    [
        ("针对公务接待不规范问题。", "公务接待不规范"),
        (
            "针对学习领会精神不深入,党内政治活动开展不规范的问题。",
            "学习领会精神不深入,党内政治活动开展不规范",
        ),
        ("关于“三重一大”制度执行不严格问题的整改", "“三重一大”制度执行不严格"),
        ("关于“干部选拔任用不规范”问题", "“干部选拔任用不规范”"),
        ("对于谈心谈话工作不经常问题", "谈心谈话工作不经常"),
        ("问题:公车使用登记不全", "公车使用登记不全"),
    ],
)
def test_clean_title(statement, title):
    assert it.clean_title(statement) == title


def _measures(text: str) -> list[str]:
    norm = normalize(text)
    item = it.split_statement(norm)
    return [text[a:b] for a, b in it.split_measures(norm, *item.rest)]


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        (
            "针对台账不全问题。一是建立台账;二是每月核对。三是专人管理。",
            ["建立台账", "每月核对", "专人管理"],
        ),
        ("针对台账不全问题。已补建台账,做到账物相符。", ["已补建台账,做到账物相符"]),
        ("针对台账不全问题。①建立台账;②每月核对;③专人管理。", ["建立台账", "每月核对", "专人管理"]),
        ("针对台账不全问题。\n(1)建立台账。\n(2)每月核对。", ["建立台账", "每月核对"]),
        # 统一是 is not an enumerator; a lone 一是 does not split.
        ("针对口径不统一问题。统一是前提,一是制定口径。", ["统一是前提,一是制定口径"]),
        # Measures that start with 针对…问题 stay measures.
        (
            "针对制度不健全问题。一是针对议事规则执行不严问题,完善规则。二是针对记录不全问题,专人记录。",
            ["针对议事规则执行不严问题,完善规则", "针对记录不全问题,专人记录"],
        ),
    ],
)
def test_split_measures(text, measures):
    assert _measures(text) == measures


def test_subproblems_inline_and_paragraphs():
    text = (
        "针对履职不到位问题。\n关于台账缺失问题。一是补建台账。二是专人管理。"
        "关于检查流于形式问题,已每月检查。\n关于宣传不足问题,加大宣传。"
    )
    norm = normalize(text)
    item = it.split_statement(norm)
    subs = it.find_subproblems(norm, *item.rest)
    titles = []
    for a, b in subs:
        s, e = it.split_statement(norm[a:b]).statement
        titles.append(it.clean_title(text[a + s : a + e]))
    assert titles == ["台账缺失", "检查流于形式", "宣传不足"]


def test_labelled_fields():
    text = "问题:公车使用登记不全。\n整改措施:①建立登记簿;②每月核查。\n整改状态:完成"
    norm = normalize(text)
    labels = it.find_labels(norm)
    assert set(labels) == {"problem", "measures", "status"}
    a, b = labels["measures"]
    assert [text[x:y] for x, y in it.split_measures(norm, a, b)] == ["建立登记簿", "每月核查"]
    s = it.find_status(norm, labels)
    assert s is not None and text[s[0] : s[1]] == "完成"


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("中共深圳市罗湖区残疾人联合会党组", "深圳市罗湖区残疾人联合会"),
        ("淮北市红十字会", "淮北市红十字会"),
        ("中共某某县教育局委员会", "某某县教育局"),
        ("中共某某市纪律检查委员会", "某某市纪律检查委员会"),
        ("中共某某区某某街道工作委员会", "某某区某某街道"),
        ("某某市志愿服务工作委员会", "某某市志愿服务工作委员会"),
        ("中共某某中学党总支", "某某中学"),
        ("某某县人民医院党委", "某某县人民医院"),
        (None, None),
    ],
)
def test_clean_organisation(name, clean):
    assert clean_organisation(name) == clean


def test_outline_nests_by_first_appearance_and_restarts():
    text = "\n".join(
        [
            "一、整改情况",
            "(一)第一类",
            "1.甲",
            "(1)子一",
            "(2)子二",
            "2.乙",
            "二、下一步",
            "(一)继续",
            "1.重新编号",
        ]
    )
    root = build_tree(Document(text))
    shape = [
        (
            n.number,
            [
                (c.number, [(g.number, [h.number for h in g.children]) for g in c.children])
                for c in n.children
            ],
        )
        for n in root.children
    ]
    assert shape == [
        ("一、", [("(一)", [("1.", ["(1)", "(2)"]), ("2.", [])])]),
        ("二、", [("(一)", [("1.", [])])]),
    ]
