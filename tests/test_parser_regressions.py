"""Small notices pinning parser fixes found by the benchmark corpus."""

import pytest

from archive.header import INSPECTOR_RE
from archive.parser import parse_text

NOTICE = """根据区委统一部署，2023年3月1日至4月10日，区委交叉巡察第十一组对区市场监督管理局党组\
开展了巡察。2023年5月8日，区委交叉巡察第十一组向区市场监督管理局党组反馈了巡察意见。\
现将巡察整改情况予以公布。
一、整改工作开展情况
局党组成立整改工作领导小组，逐条制定整改措施。
二、巡察反馈问题整改情况
（一）上轮巡察反馈问题整改不彻底方面
1.整改台账销号不严。一是重新梳理上轮巡察整改台账；二是逐项复核销号材料。
2.长效机制建立不够。一是修订完善议事规则；二是建立整改回头看制度。
（二）落实全面从严治党主体责任方面
3.廉政谈话开展不经常。一是制定年度谈话计划；二是党组书记带头开展谈话。
三、下一步工作打算
持续巩固整改成果。
中共某某市某某区市场监督管理局党组
2023年9月1日
"""


def test_inspector_with_round_number_after_the_kind():
    assert INSPECTOR_RE.search("区委交叉巡察第十一组对").group(0) == "区委交叉巡察第十一组"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A system run as bureau and company at once names its party group with both.
        ("省局(公司)党组第四巡察组对临江市", "省局(公司)党组第四巡察组"),
        ("集团(公司)党委第二巡察组对", "集团(公司)党委第二巡察组"),
        ("省局党组第四巡察组对", "省局党组第四巡察组"),
    ],
)
def test_inspector_whose_party_group_names_a_unit_in_brackets(text, expected):
    assert INSPECTOR_RE.search(text).group(0) == expected


def test_category_heading_naming_problems_does_not_swallow_its_items():
    n = parse_text(NOTICE, source="regression.txt")
    assert [p.number for p in n.problems] == ["1.", "2.", "3."]
    assert [p.title for p in n.problems] == [
        "整改台账销号不严",
        "长效机制建立不够",
        "廉政谈话开展不经常",
    ]
    assert n.problems[0].category == "上轮巡察反馈问题整改不彻底方面"
    assert [len(p.measures) for p in n.problems] == [2, 2, 2]


def test_market_supervision_bureau_signs_the_notice():
    n = parse_text(NOTICE, source="regression.txt")
    assert n.publisher == "中共某某市某某区市场监督管理局党组"
    assert n.organisation == "某某市某某区市场监督管理局"
    assert n.inspector == "区委交叉巡察第十一组"
    assert n.inspection_kind == "交叉"
    assert n.published_date == "2023-09-01"


LABELLED = """根据区委统一部署，2023年10月16日至12月15日，区委第四巡察组对区民政局党组\
开展了常规巡察。2024年1月22日，区委第四巡察组向区民政局党组反馈了巡察意见。\
现将巡察整改情况予以公布。
一、巡察整改工作总体情况
局党组成立整改工作领导小组，逐条制定整改措施。
二、巡察反馈问题整改落实情况
（一）贯彻落实民生兜底保障决策部署方面
问题1：城乡低保动态管理不到位，对经济状况发生变化的对象未及时停保。
整改措施：一是开展低保对象家庭经济状况信息比对；二是建立动态退出机制。
整改情况：已停发不符合条件的低保对象312户。
问题2：临时救助审批不规范，部分救助未经公示。
整改措施：一是修订临时救助实施细则；二是对救助档案逐件复核。
整改情况：补齐审批手续86件。
（二）全面从严治党方面
{third}：政府采购不规范，信息平台运维项目拆分采购规避公开招标。
整改措施：一是修订采购内控制度；二是对拆分采购项目重新履行程序；三是约谈相关责任人。
整改情况：已完成。
三、下一步工作打算
持续巩固整改成果。
中共某某区民政局党组
2024年6月1日
"""


@pytest.mark.parametrize("third", ["问题3", "问题三", "反馈问题3", "问题 3"])
def test_labelled_problems_numbered_in_their_label_under_categories(third):
    """问题1：… / 整改措施：… / 整改情况：… with no numbered heading of their own: each
    label is an item (they were read as the three category headings)."""
    n = parse_text(LABELLED.replace("{third}", third), source="labelled.txt")
    assert [p.title for p in n.problems] == [
        "城乡低保动态管理不到位，对经济状况发生变化的对象未及时停保",
        "临时救助审批不规范，部分救助未经公示",
        "政府采购不规范，信息平台运维项目拆分采购规避公开招标",
    ]
    assert [p.number for p in n.problems] == ["问题1", "问题2", third]
    assert [p.category for p in n.problems] == ["贯彻落实民生兜底保障决策部署方面"] * 2 + [
        "全面从严治党方面"
    ]
    assert [len(p.measures) for p in n.problems] == [2, 2, 3]


def test_problems_the_leaders_found_in_themselves_are_not_the_fed_back_count():
    text = LABELLED.replace("{third}", "问题3").replace(
        "逐条制定整改措施。", "逐条制定整改措施，班子成员共查摆问题31条。反馈问题3个。"
    )
    n = parse_text(text, source="labelled.txt")
    assert len(n.problems) == 3
    assert not [w for w in n.warnings if "通报称反馈问题" in w]
    wrong = parse_text(text.replace("反馈问题3个", "反馈问题4个"), source="labelled.txt")
    assert "通报称反馈问题4个，解析出3个" in wrong.warnings


@pytest.mark.parametrize(
    ("line", "address"),
    [
        # a postcode in brackets closes the address (it was cut at the bracket, kept with it)
        (
            "邮政信箱：岚州市滨江北路88号市疾控中心党办（邮编：422100）。",
            "岚州市滨江北路88号市疾控中心党办",
        ),
        ("通信地址：某某区民政局办公室(邮政编码 422100)", "某某区民政局办公室"),
        ("通信地址：某某区和平路1号，邮编：100000", "某某区和平路1号"),
        ("联系地址：某某区和平路1号；联系电话：0739-5216348", "某某区和平路1号"),
        ("来信地址：某某区和平路1号", "某某区和平路1号"),
    ],
)
def test_contact_address_stops_at_the_postcode_or_the_next_label(line, address):
    text = LABELLED.replace("{third}", "问题3").replace(
        "中共某某区民政局党组\n", f"欢迎监督。{line}\n中共某某区民政局党组\n"
    )
    assert parse_text(text, source="contacts.txt").contacts.addresses == [address]
