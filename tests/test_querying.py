"""The query language: parse trees for good and hostile input."""

import pytest

from indexer.querying import And, Filter, Not, Or, Word, parse


@pytest.mark.parametrize(
    ("q", "tree"),
    [
        ("三重一大", Word("三重一大")),
        ("公车 接待", And([Word("公车"), Word("接待")])),
        ('"理论 学习"', Word("理论 学习", quoted=True)),
        ("“理论学习”", Word("理论学习", quoted=True)),
        ("公车 OR 公务用车", Or([Word("公车"), Word("公务用车")])),
        ("公车 | 公务用车", Or([Word("公车"), Word("公务用车")])),
        ("公车 ｜ 公务用车", Or([Word("公车"), Word("公务用车")])),
        ("接待 -公车", And([Word("接待"), Not(Word("公车"))])),
        ("接待 NOT 公车", And([Word("接待"), Not(Word("公车"))])),
        ('接待 -"八项规定 精神"', And([Word("接待"), Not(Word("八项规定 精神", quoted=True))])),
        ("接待 -“接待管理规定”", And([Word("接待"), Not(Word("接待管理规定", quoted=True))])),
        ("接待 -(公车 OR 会议)", And([Word("接待"), Not(Or([Word("公车"), Word("会议")]))])),
        ("org:红十字 year:2021-2022", And([Filter("org", "红十字"), Filter("year", "2021-2022")])),
        ("单位：红十字会", Filter("org", "红十字会")),
        ('type:"八项规定"', Filter("type", "八项规定")),
        ("(公车 OR 接待) 规定", And([Or([Word("公车"), Word("接待")]), Word("规定")])),
        ("（公车 OR 接待）", Or([Word("公车"), Word("接待")])),
        ("时间:2021", Word("时间:2021")),
    ],
)
def test_parse(q, tree):
    assert parse(q) == tree


@pytest.mark.parametrize(
    ("q", "tree"),
    [
        ("", None),
        ("   ", None),
        ("OR", None),
        ("NOT", None),
        ("AND", None),
        ("- -", None),
        ("接待 -", Word("接待")),
        ('接待 -""', Word("接待")),
        ("|||", None),
        (")(", None),
        ('"unbalanced', Word("unbalanced", quoted=True)),
        ('""', None),
        ("((( 公车", Word("公车")),
        ("公车 )))", Word("公车")),
        ("公车 OR", Word("公车")),
        ("org:", None),
        ("a\x00b", And([Word("a"), Word("b")])),
    ],
)
def test_hostile_input_degrades(q, tree):
    assert parse(q) == tree


def test_long_query_is_cut_not_refused():
    tree = parse("公" * 2000)
    assert isinstance(tree, Word) and len(tree.text) == 500
