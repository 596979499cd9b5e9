"""Expectations for the two real seed notices, written by reading them line by line.

The seeds are the reference the parser is judged on: every problem's title and
measure count is listed here so that a regression in any single item shows up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archive import parse_file

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_000 = SEEDS / "000_15f829d25a69815d.txt"
SEED_004 = SEEDS / "004_b1ce438446146357.txt"

_CACHE: dict[Path, dict[str, Any]] = {}


def parsed(path: Path) -> dict[str, Any]:
    """Parse once per test session; the dict is never mutated by the tests."""
    if path not in _CACHE:
        _CACHE[path] = parse_file(path).to_dict()
    return _CACHE[path]


def problem(d: dict[str, Any], number: str) -> dict[str, Any]:
    """The single problem printed with label ``number``."""
    found = [p for p in d["problems"] if p["number"] == number]
    assert len(found) == 1, f"{number}: {[p['number'] for p in d['problems']]}"
    return found[0]


def has_stat(d: dict[str, Any], value: float, word: str) -> bool:
    """A stat with this value whose label or source phrase names ``word``."""
    return any(
        abs(float(s["value"]) - value) < 1e-9 and (word in s["label"] or word in s["text"])
        for s in d["stats"]
    )


# --- seed 000: 淮北市红十字会 ------------------------------------------------------

CAT_000 = [
    "贯彻落实习近平新时代中国特色社会主义思想不到位,红十字事业发展迟缓方面",
    "落实全面从严治党主体责任不到位,重点领域存有较大风险方面",
    "执行新时代党的组织路线不到位,履行党建责任主体缺失方面",
]

# (number, title, measure count, category index, subcategory as printed)
PROBLEMS_000 = [
    (
        "(1)",
        "理论学习不扎实,仅停留在传达上级会议、文件精神“传声筒”作用上,运用理论指导工作"
        "实践不够,对红十字工作缺乏创新性思考,红十字事业发展较为缓慢",
        3,
        0,
        "理论指导实践不够",
    ),
    (
        "(2)",
        "对中心业务宣传发动不到位,工作能力不强,社会影响力较弱,服务群众“最后一公里”不畅通",
        4,
        0,
        "践行红十字精神存在差距",
    ),
    ("(3)", "没有健全应急救援体系", 3, 0, "针对推进重点工作力度不大问题。"),
    ("(4)", "红十字基层阵地作用发挥有限", 2, 0, "针对推进重点工作力度不大问题。"),
    ("(5)", "对意识形态工作重要性认识不足", 5, 0, "意识形态工作抓而不实"),
    ("(6)", "全面从严治党主体责任弱化", 3, 1, "全面从严治党主体责任弱化"),
    ("(7)", "应急救护培训管理不严", 2, 1, "不担当不作为问题较为突出"),
    ("(8)", "定向捐助项目监管不力", 2, 1, "不担当不作为问题较为突出"),
    ("(9)", "救助物资使用不规范", 3, 1, "不担当不作为问题较为突出"),
    ("(10)", "财务支付手续不全", 2, 1, "执行财经纪律不规范"),
    ("(11)", "公务接待不规范", 1, 1, "执行财经纪律不规范"),
    ("(12)", "捐赠物资未登记入账", 1, 1, "执行财经纪律不规范"),
    ("(13)", "捐赠专项资金账户混乱", 2, 1, "执行财经纪律不规范"),
    ("(14)", "派驻纪检监察组“探头”作用发挥不够", 3, 1, "纪检监察组监督职能发挥不够有力"),
    ("(15)", "市红十字会机构不够健全", 3, 2, "机构长期不够健全"),
    ("(16)", "基层党建工作薄弱", 4, 2, "党的建设质量不高"),
    ("(17)", "没有抓好将上轮巡察反馈问题整改落实", 3, 2, "巡察整改后部分问题出现反弹。"),
]


def test_000_metadata() -> None:
    d = parsed(SEED_000)
    assert d["organisation"] == "淮北市红十字会"
    assert d["publisher"] == "淮北市红十字会"
    assert d["region"] == {"province": "安徽省", "city": "淮北市", "district": None}
    assert d["inspector"] == "市委第二巡察组"
    assert d["inspection_kind"] is None
    assert d["round"] is None
    assert d["inspection_start"] == "2021-11-16"
    assert d["inspection_end"] == "2021-12-16"
    # "1月17日" has no year: it follows the inspection that ended in December 2021.
    assert d["feedback_date"] == "2022-01-17"
    assert d["published_date"] == "2022-05-20"


def test_000_contacts() -> None:
    c = parsed(SEED_000)["contacts"]
    assert c["phones"] == ["0561—3119587"]
    assert c["emails"] == ["hbhongshizihui@163.com"]
    assert c["addresses"] == ["淮北市人民路238号粮食大厦11楼"]


def test_000_stats() -> None:
    assert has_stat(parsed(SEED_000), 21, "制度")


def test_000_sections() -> None:
    secs = parsed(SEED_000)["sections"]
    assert [(s["number"], s["heading"], s["kind"]) for s in secs] == [
        ("一、", "巡察整改工作开展情况", "organisation"),
        ("二、", "巡察反馈问题整改情况", "problems"),
        ("三、", "下一步工作打算", "next_steps"),
    ]


def test_000_problem_list() -> None:
    d = parsed(SEED_000)
    assert [p["number"] for p in d["problems"]] == [f"({i})" for i in range(1, 18)]
    assert [p["n"] for p in d["problems"]] == list(range(1, 18))
    assert len({p["category"] for p in d["problems"]}) == 3
    assert len({(p["category"], p["subcategory"]) for p in d["problems"]}) == 11
    assert all(p["status"] is None for p in d["problems"])
    assert all(p["subproblems"] == [] for p in d["problems"])


@pytest.mark.parametrize(
    ("number", "title", "n_measures", "cat", "subcat"),
    PROBLEMS_000,
    ids=[row[0] for row in PROBLEMS_000],
)
def test_000_problem(number: str, title: str, n_measures: int, cat: int, subcat: str) -> None:
    p = problem(parsed(SEED_000), number)
    assert p["title"] == title
    assert title in p["text"]
    assert len(p["measures"]) == n_measures, p["measures"]
    assert p["category"] == CAT_000[cat]
    assert p["subcategory"] == subcat


def test_000_measure_contents() -> None:
    d = parsed(SEED_000)
    m1 = problem(d, "(1)")["measures"]
    assert "理论学习计划" in m1[0]
    assert "三救三献" in m1[2] and "三救三献" not in m1[1]
    # 二是 starts with 针对多头开户问题: a measure of (13), not a new problem.
    m13 = problem(d, "(13)")["measures"]
    assert "多头开户" in m13[1] and "多头开户" not in m13[0]
    assert "公务接待前置审批" in problem(d, "(11)")["measures"][0]


def test_000_next_steps_hold_no_problems() -> None:
    d = parsed(SEED_000)
    for p in d["problems"]:
        assert "更加坚定党的领导" not in p["text"]
        assert not any("更加坚定党的领导" in m for m in p["measures"])


# --- seed 004: 罗湖区残联 ------------------------------------------------------------

CAT_004 = [
    "关于“四个意识”不强,党组领导核心作用发挥不够方面问题的整改落实情况",
    "关于党的组织建设不规范,干部监督管理宽松软方面问题的整改落实情况",
    "关于全面从严治党不够实,纪律建设有待加强方面问题整改落实情况",
    "关于落实中央八项规定精神不力,“四风”问题突出方面问题整改落实情况",
    "关于内控制度不健全,廉政风险较高方面问题的整改落实情况",
]

# (item, title, measures outside sub-problems, category index)
PROBLEMS_004 = [
    (1, "学习领会中央和省委、市委精神不深入,党内政治活动开展不规范", 3, 0),
    (2, "落实上级决策部署不够有力", 0, 0),
    (3, "落实意识形态工作责任制不到位", 3, 0),
    (4, "围绕中心、服务大局的意识不强,履职尽责不到位", 0, 0),
    (5, "党组议事规则不规范", 3, 0),
    (6, "组织生活开展不严谨", 4, 1),
    (7, "干部选拔任用不规范", 1, 1),
    (8, "因私出国(境)管理不规范", 2, 1),
    (9, "“一岗双责”落实不到位", 2, 2),
    (10, "谈心谈话工作不经常", 2, 2),
    (11, "廉政教育措施不到位", 2, 2),
    (12, "岗位责任监督制约存在较大风险", 2, 2),
    (13, "发放专职委员通讯费、交通补助等费用等", 1, 3),
    (14, "履职存在形式主义、官僚主义", 0, 3),
    (15, "公车管理不严", 2, 3),
    (16, "采购制度落实不到位", 3, 4),
    (17, "财务报销资料审核不严格", 2, 4),
    (18, "合同支付把关不严谨", 3, 4),
    (19, "物业管理有漏洞", 3, 4),
]

# item -> [(sub-problem title, measure count)]
SUBPROBLEMS_004 = {
    2: [
        (
            "未对《国家残疾预防行动计划(2016—2020年)》《残疾预防和残疾人康复条例》"
            "等政策文件进行专题学习和研究",
            2,
        ),
        ("“针对贫困残疾人研究扶贫对策较少”、存在简单的“送钱送物办好事”", 3),
    ],
    4: [
        ("助力残疾人复工复产成效不足", 4),
        ("宣传缺少互动反馈", 2),
        ("统筹责任缺失,残工委成员单位没有重新设置", 3),
    ],
    14: [
        ("制度挂在墙上不执行", 1),
        ("开展残疾人服务机构监督检查流于形式", 3),
        ("无障碍环境建设", 1),
    ],
}


def test_004_metadata() -> None:
    d = parsed(SEED_004)
    assert d["organisation"] == "深圳市罗湖区残疾人联合会"
    assert d["publisher"] == "中共深圳市罗湖区残疾人联合会党组"
    assert d["region"] == {"province": "广东省", "city": "深圳市", "district": "罗湖区"}
    assert d["inspector"] == "七届区委第八轮巡察第三巡察组(深圳市区委交叉巡察第十五组)"
    assert d["inspection_kind"] == "交叉"
    assert d["round"] == 8
    assert d["inspection_start"] == "2020-05-19"
    assert d["inspection_end"] == "2020-06-24"
    assert d["feedback_date"] == "2020-07-24"
    assert d["published_date"] == "2021-03-31"


def test_004_contacts() -> None:
    c = parsed(SEED_004)["contacts"]
    assert c["phones"] == ["0755-22185606"]
    assert c["emails"] == ["lh_cl@szlh.gov.cn"]
    assert c["addresses"] == ["深圳市罗湖区沿河北路2021号统建楼六楼"]


def test_004_stats() -> None:
    d = parsed(SEED_004)
    # 五方面十九个问题及四条建议, written in Chinese numerals.
    assert has_stat(d, 19, "问题")
    assert has_stat(d, 4, "建议")


def test_004_sections() -> None:
    secs = parsed(SEED_004)["sections"]
    assert [(s["number"], s["heading"], s["kind"]) for s in secs] == [
        ("一、", "高度重视、周密部署,强化党组对巡察整改工作的领导", "organisation"),
        ("二、", "坚持问题导向,严格要求,确保巡察整改落实到位", "problems"),
        ("三、", "强化责任,持续落实,巩固深化巡察整改工作成效", "next_steps"),
    ]


def test_004_problem_list() -> None:
    d = parsed(SEED_004)
    assert [p["number"] for p in d["problems"]] == [f"{i}." for i in range(1, 20)]
    assert [p["n"] for p in d["problems"]] == list(range(1, 20))
    assert all(p["subcategory"] is None for p in d["problems"])
    assert all(p["status"] is None for p in d["problems"])
    with_subs = [i + 1 for i, p in enumerate(d["problems"]) if p["subproblems"]]
    assert with_subs == [2, 4, 14]


@pytest.mark.parametrize(
    ("item", "title", "n_measures", "cat"),
    PROBLEMS_004,
    ids=[str(row[0]) for row in PROBLEMS_004],
)
def test_004_problem(item: int, title: str, n_measures: int, cat: int) -> None:
    p = problem(parsed(SEED_004), f"{item}.")
    assert p["title"] == title
    assert title in p["text"]
    assert len(p["measures"]) == n_measures, p["measures"]
    assert p["category"] == CAT_004[cat]


@pytest.mark.parametrize("item", sorted(SUBPROBLEMS_004))
def test_004_subproblems(item: int) -> None:
    p = problem(parsed(SEED_004), f"{item}.")
    got = [(s["title"], len(s["measures"])) for s in p["subproblems"]]
    assert got == SUBPROBLEMS_004[item]
    for s in p["subproblems"]:
        assert s["title"] in s["text"]


def test_004_measure_contents() -> None:
    d = parsed(SEED_004)
    # Item 5 and 6: every measure starts with 针对…问题 yet stays a measure.
    m5 = problem(d, "5.")["measures"]
    assert "议事规则执行不严" in m5[0]
    assert "议事决策记录不完整" in m5[2]
    m6 = problem(d, "6.")["measures"]
    assert "三会一课" in m6[0] and "学习记录过于简单" in m6[3]
    subs = problem(d, "14.")["subproblems"]
    assert "盲道" in subs[2]["measures"][0]
    subs2 = problem(d, "2.")["subproblems"]
    assert "一月一走访" in subs2[1]["measures"][1]


def test_004_outside_sections_hold_no_problems() -> None:
    """Section 一 and 三 carry (一)(二)(三) items that are not problems."""
    d = parsed(SEED_004)
    texts = " ".join(p["text"] + "".join(p["measures"]) for p in d["problems"])
    assert "双区驱动" not in texts
    assert "高度重视,周密部署整改" not in texts
