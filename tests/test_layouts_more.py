"""Second round of hand-written expectations, on layouts real copies use and round one missed.

Each file f_…k_ under tests/data/notices/ was written for this module; every value
below was read off the text, not taken from the parser's output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archive import parse_file

DATA = Path(__file__).resolve().parent / "data" / "notices"

FILES = {
    "f": "f_web_page_copy.txt",
    "g": "g_central_restarting_numbers.txt",
    "h": "h_village_short_items.txt",
    "i": "i_hospital_no_sections.txt",
    "j": "j_mixed_subproblems.txt",
    "k": "k_special_lookback.txt",
}

_CACHE: dict[str, dict[str, Any]] = {}


def parsed(key: str) -> dict[str, Any]:
    """Parse each notice once; the tests only read the dict."""
    if key not in _CACHE:
        _CACHE[key] = parse_file(DATA / FILES[key]).to_dict()
    return _CACHE[key]


META: dict[str, dict[str, Any]] = {
    # (f) Copied from a web page: title line, then 发布时间/字体/分享 noise, bracketed
    # status markers, contacts on one line. The signature date (6月9日) is the notice's
    # own date; the page's 发布时间 (06-12) is only a fallback when the body has none.
    "f": {
        "title": "中共鞍山市铁东区退役军人事务局党组关于区委第三轮巡察整改进展情况的通报",
        "organisation": "鞍山市铁东区退役军人事务局",
        "publisher": "中共鞍山市铁东区退役军人事务局党组",
        # 铁东区 exists in 鞍山 and 四平: the full name settles it (so does 0412).
        "region": {"province": "辽宁省", "city": "鞍山市", "district": "铁东区"},
        "inspector": "区委第一巡察组",
        "inspection_kind": "常规",
        "round": 3,
        "inspection_start": "2022-11-07",
        "inspection_end": "2022-12-30",
        "feedback_date": "2023-02-15",
        "published_date": "2023-06-09",
    },
    # (g) A central inspection of a provincial department: vague period with 上旬/中旬,
    # items 1. restarting under each （一）（二）（三）.
    "g": {
        "title": "中共云南省山地农业资源厅党组关于中央巡视整改进展情况的通报",
        "organisation": "云南省山地农业资源厅",
        "publisher": "中共云南省山地农业资源厅党组",
        "region": {"province": "云南省", "city": None, "district": None},
        "inspector": "中央第八巡视组",
        "inspection_kind": "常规",
        # 十九届中央第十轮巡视
        "round": 10,
        # 上旬 starts on the 1st, 中旬 ends on the 20th.
        "inspection_start": "2022-09-01",
        "inspection_end": "2022-11-20",
        "feedback_date": "2023-01-16",
        "published_date": "2023-07-28",
    },
    # (h) A village party branch; the signature's 支部委员会 is the branch's own
    # committee, so the unit is the village itself. The round is only in the title.
    "h": {
        "title": "中共岳西县温泉镇青杠岭村支部委员会关于县委第四轮巡察反馈意见整改情况的通报",
        "organisation": "岳西县温泉镇青杠岭村",
        "publisher": "中共岳西县温泉镇青杠岭村支部委员会",
        "region": {"province": "安徽省", "city": "安庆市", "district": "岳西县"},
        "inspector": "县委第三联动巡察组",
        "inspection_kind": "联动",
        "round": 4,
        "inspection_start": "2023-04-10",
        "inspection_end": "2023-05-12",
        # "6月2日" follows an inspection that ended on 2023-05-12.
        "feedback_date": "2023-06-02",
        "published_date": "2023-09-08",
    },
    # (i) A hospital: no 一、 sections, items are （一）关于“…”的问题 headings with
    # 整改情况： paragraphs. "回头看" occurs only inside item (八), not as the kind.
    "i": {
        "title": "中共湘潭市岳塘区人民医院委员会关于区委专项巡察反馈问题整改情况的通报",
        "organisation": "湘潭市岳塘区人民医院",
        "publisher": "中共湘潭市岳塘区人民医院委员会",
        # 0731 is shared by 长沙/株洲/湘潭: the name decides.
        "region": {"province": "湖南省", "city": "湘潭市", "district": "岳塘区"},
        "inspector": "区委第二巡察组",
        "inspection_kind": "专项",
        "round": None,
        "inspection_start": "2023-03-13",
        "inspection_end": "2023-04-21",
        "feedback_date": "2023-05-26",
        "published_date": "2023-10-20",
    },
    # (j) 委员会 here is part of the unit's name (卫生健康委员会), only 党组 is dropped.
    # The address names no district and the unit is city-level.
    "j": {
        "title": "中共漳州市卫生健康委员会党组关于市委巡察整改情况的通报",
        "organisation": "漳州市卫生健康委员会",
        "publisher": "中共漳州市卫生健康委员会党组",
        "region": {"province": "福建省", "city": "漳州市", "district": None},
        "inspector": "十二届市委第三轮巡察第四巡察组",
        "inspection_kind": "常规",
        "round": 3,
        "inspection_start": "2023-03-20",
        "inspection_end": "2023-05-19",
        "feedback_date": "2023-06-28",
        "published_date": "2023-12-15",
    },
    # (k) Title over two lines; the period 5月8日—5月24日 takes its year from the title
    # (县委2023年专项巡察); published date in Chinese numerals on the last line.
    "k": {
        "title": "中共平江县文化旅游广电体育局党组关于县委2023年专项巡察“回头看”整改情况的通报",
        "organisation": "平江县文化旅游广电体育局",
        "publisher": "中共平江县文化旅游广电体育局党组",
        "region": {"province": "湖南省", "city": "岳阳市", "district": "平江县"},
        "inspector": "县委第一巡察组",
        "inspection_kind": "专项、回头看",
        "round": None,
        "inspection_start": "2023-05-08",
        "inspection_end": "2023-05-24",
        "feedback_date": "2023-06-14",
        "published_date": "2024-01-10",
    },
}

CONTACTS = {
    "f": {
        "phones": ["0412-2238516"],
        "emails": ["tdqtyjrswj@example.gov.cn"],
        "addresses": ["辽宁省鞍山市铁东区园林路128号"],
    },
    "g": {"phones": [], "emails": [], "addresses": []},
    "h": {"phones": ["0556-8721305"], "emails": [], "addresses": []},
    "i": {"phones": ["0731-58561234"], "emails": ["ytqrmyy_xc@example.com"], "addresses": []},
    "j": {
        "phones": ["0596-2513368"],
        "emails": ["zzwjw_xc@example.gov.cn"],
        "addresses": ["漳州市胜利西路99号卫生健康委员会办公楼"],
    },
    "k": {"phones": ["0730-6223158"], "emails": [], "addresses": []},
}

SECTIONS = {
    "f": [
        ("一、", "巡察整改工作组织情况", "organisation"),
        ("二、", "巡察反馈问题整改落实情况", "problems"),
        ("三、", "下一步工作打算", "next_steps"),
    ],
    "g": [
        ("一、", "坚持政治引领，扛牢巡视整改政治责任", "organisation"),
        ("二、", "聚焦反馈意见，扎实推进问题整改", "problems"),
        ("三、", "持之以恒巩固深化巡视整改成果", "next_steps"),
    ],
    "h": [
        ("一、", "整改工作开展情况", "organisation"),
        ("二、", "巡察反馈问题整改情况", "problems"),
        ("三、", "下一步工作打算", "next_steps"),
    ],
    # No top-level part is printed: the items follow the header directly.
    "i": [],
    "j": [
        ("一、", "整改工作总体情况", "organisation"),
        ("二、", "巡察反馈问题整改落实情况", "problems"),
        ("三、", "下一步工作打算", "next_steps"),
    ],
    "k": [
        ("一、", "整改工作基本情况", "organisation"),
        ("二、", "“回头看”反馈问题整改情况", "problems"),
        ("三、", "下一步工作打算", "next_steps"),
    ],
}

# (value, a word of its label or source phrase)
STATS: dict[str, list[tuple[float, str]]] = {
    "f": [(9, "问题"), (33, "措施"), (7, "完成"), (11, "制度")],
    "g": [
        (31, "任务"),
        (104, "措施"),
        (28, "完成"),
        (90.3, "完成率"),
        (19, "制度"),
        (3, "处分"),
        (5, "诫勉"),
    ],
    "h": [(11, "问题"), (25, "措施"), (6, "制度")],
    "i": [(8, "问题"), (29, "措施"), (13, "制度")],
    "j": [(7, "问题"), (45, "措施"), (6, "完成"), (12, "制度"), (2, "诫勉")],
    "k": [(15, "问题"), (13, "完成"), (2, "正在整改"), (8, "制度")],
}

# Money figures: (value in 万元, a word of the source phrase)
MONEY = {"h": (0.62, "清退"), "k": (3.5, "追缴")}

CATEGORIES: dict[str, list[str]] = {
    "f": [
        "关于落实党的路线方针政策和决策部署方面",
        "关于落实全面从严治党责任方面",
        "关于落实新时代党的组织路线方面",
    ],
    "g": [
        "关于贯彻落实党中央重大决策部署方面",
        "关于落实全面从严治党战略部署方面",
        "关于落实新时代党的组织路线方面",
    ],
    "h": ["基层党组织建设方面", "村务管理方面", "廉洁履职方面", "服务群众方面"],
    "i": [],
    "j": [
        "关于落实卫生健康领域重大决策部署方面",
        "关于落实全面从严治党战略部署方面",
        "关于落实新时代党的组织路线方面",
    ],
    "k": ["上轮巡察反馈问题整改不彻底方面", "落实全面从严治党责任方面", "基层党组织建设方面"],
}

# Per notice, in document order:
# (number, category index or None, title, measures, status, subproblems)
# No notice here has subcategories: every problem's subcategory is None.
Row = tuple[str, int | None, str, int, str | None, list[tuple[str, int]]]
DONE, ONGOING = "已完成", "持续整改"
PROBLEMS: dict[str, list[Row]] = {
    "f": [
        ("1.", 0, "退役军人优待政策宣传不到位", 3, DONE, []),
        ("2.", 0, "困难退役军人帮扶不精准", 2, DONE, []),
        ("3.", 0, "退役军人就业创业服务成效不明显", 3, ONGOING, []),
        ("4.", 1, "党组落实主体责任不够有力", 2, DONE, []),
        ("5.", 1, "优抚资金发放审核把关不严", 3, DONE, []),
        ("6.", 1, "公务接待管理不规范", 1, DONE, []),
        ("7.", 2, "机关党支部“三会一课”制度落实不严格", 2, DONE, []),
        ("8.", 2, "干部教育培训针对性不强", 2, DONE, []),
        ("9.", 2, "退役军人服务站规范化建设滞后", 2, ONGOING, []),
    ],
    "g": [
        ("1.", 0, "山地农业资源调查评价工作推进迟缓", 3, None, []),
        ("2.", 0, "服务乡村振兴政策措施落地不够", 2, None, []),
        ("3.", 0, "耕地保护监管存在薄弱环节", 3, None, []),
        ("1.", 1, "厅党组落实主体责任不够到位", 2, None, []),
        ("2.", 1, "项目资金使用管理不规范", 4, None, []),
        ("1.", 2, "干部队伍专业化建设滞后", 2, None, []),
        ("2.", 2, "基层党组织标准化建设不平衡", 2, None, []),
        ("3.", 2, "选人用人工作不够规范", 2, None, []),
    ],
    "h": [
        ("1.", 0, "“三会一课”落实不经常", 2, None, []),
        ("2.", 0, "党员发展把关不严", 2, None, []),
        ("3.", 0, "流动党员管理缺位", 3, None, []),
        ("4.", 1, "村务公开不及时", 3, None, []),
        ("5.", 1, "集体资产台账不清", 2, None, []),
        ("6.", 1, "项目建设程序不规范", 1, None, []),
        ("7.", 2, "违规发放误工补贴", 2, None, []),
        ("8.", 2, "村务监督委员会作用发挥不够", 2, None, []),
        ("9.", 2, "村级报账手续不全", 2, None, []),
        ("10.", 3, "低保评审程序不规范", 2, None, []),
        ("11.", 3, "产业帮扶带动作用不强", 2, None, []),
    ],
    "i": [
        ("（一）", None, "“党委领导下的院长负责制执行不到位”", 3, None, []),
        ("（二）", None, "“医疗收费管理不规范”", 3, None, []),
        ("（三）", None, "“药品耗材采购监管不严”", 1, None, []),
        ("（四）", None, "“医德医风建设存在薄弱环节”", 2, None, []),
        ("（五）", None, "“科室二次分配缺乏监督”", 3, None, []),
        ("（六）", None, "“党支部建在科室上落实不够”", 2, None, []),
        ("（七）", None, "“大型医用设备购置论证不充分”", 2, None, []),
        ("（八）", None, "“上轮巡察反馈问题整改不彻底”", 1, None, []),
    ],
    "j": [
        ("1.", 0, "公立医院改革推进不够有力", 3, None, []),
        (
            "2.",
            0,
            "医疗机构监管存在薄弱环节",
            0,
            None,
            [("民营医疗机构日常监督检查频次偏低", 3), ("医疗废物处置监管不到位", 2)],
        ),
        ("3.", 1, "委党组落实主体责任有差距", 3, None, []),
        (
            "4.",
            1,
            "财务管理不规范",
            0,
            None,
            [("公务卡使用率偏低", 2), ("差旅费报销审核不严", 3)],
        ),
        ("5.", 1, "政府采购管理不严格", 3, None, []),
        # One unnumbered paragraph opening with 关于印发《…》的通知: a measure.
        ("6.", 1, "内部控制制度不健全", 1, None, []),
        (
            "7.",
            2,
            "干部队伍建设统筹不够",
            0,
            None,
            [("年轻干部培养储备不足", 2), ("干部交流轮岗不及时", 2)],
        ),
    ],
    "k": [
        ("1.", 0, "上轮巡察指出的文物安全巡查不到位", 2, None, []),
        ("2.", 0, "上轮巡察指出的图书馆、文化馆免费开放服务不规范", 1, None, []),
        ("3.", 0, "上轮巡察指出的非遗项目资金拨付滞后", 2, None, []),
        ("4.", 0, "整改台账销号不严谨", 1, None, []),
        ("5.", 0, "整改长效机制不健全", 2, None, []),
        ("6.", 1, "体育场馆经营收入未及时上缴", 2, None, []),
        ("7.", 1, "公务用车使用管理不严", 1, None, []),
        ("8.", 1, "文化市场执法检查不到位", 2, None, []),
        ("9.", 1, "旅游项目招商引资后续监管缺位", 2, None, []),
        ("10.", 1, "班子成员履行“一岗双责”不到位", 1, None, []),
        ("11.", 2, "党支部换届不及时", 1, None, []),
        ("12.", 2, "党员教育管理不严格", 2, None, []),
        ("13.", 2, "党建与业务融合不紧", 2, None, []),
        ("14.", 2, "发展党员工作不规范", 1, None, []),
        ("15.", 2, "意识形态工作责任制落实不到位", 3, None, []),
    ],
}

CASES = [(key, i, row) for key, rows in PROBLEMS.items() for i, row in enumerate(rows)]

# A phrase of each notice's next-steps text, which no problem may absorb.
NEXT_STEPS = {
    "f": "退役军人服务保障工作提质增效",
    "g": "再上新台阶",
    "h": "接受党员群众评议",
    "i": "就医获得感",
    "j": "健康获得感",
    "k": "文旅体融合",
}


def has_stat(d: dict[str, Any], value: float, word: str) -> bool:
    return any(
        abs(float(s["value"]) - value) < 1e-9 and (word in s["label"] or word in s["text"])
        for s in d["stats"]
    )


def all_measures(p: dict[str, Any]) -> list[str]:
    return p["measures"] + [m for s in p["subproblems"] for m in s["measures"]]


def test_files_fit_the_brief() -> None:
    """Each invented notice is 1,500–4,000 characters, so it exercises a full layout."""
    for name in FILES.values():
        text = (DATA / name).read_text(encoding="utf-8")
        body = text.replace("\r", "").replace("\n", "")
        assert 1500 <= len(body) <= 4000, (name, len(body))


@pytest.mark.parametrize("key", sorted(FILES))
@pytest.mark.parametrize("field", list(META["f"]))
def test_metadata(key: str, field: str) -> None:
    assert parsed(key)[field] == META[key][field]


@pytest.mark.parametrize("key", sorted(FILES))
def test_contacts(key: str) -> None:
    assert parsed(key)["contacts"] == CONTACTS[key]


@pytest.mark.parametrize("key", sorted(FILES))
def test_sections(key: str) -> None:
    got = [(s["number"], s["heading"], s["kind"]) for s in parsed(key)["sections"]]
    assert got == SECTIONS[key]


@pytest.mark.parametrize("key", sorted(FILES))
def test_stats(key: str) -> None:
    d = parsed(key)
    missing = [(v, w) for v, w in STATS[key] if not has_stat(d, v, w)]
    assert not missing, d["stats"]


@pytest.mark.parametrize("key", sorted(MONEY))
def test_money_stat(key: str) -> None:
    """Kept in 万元 or converted to 元, but not lost."""
    value, word = MONEY[key]
    d = parsed(key)
    found = [s for s in d["stats"] if word in s["label"] or word in s["text"]]
    assert any(
        (abs(float(s["value"]) - value) < 1e-9 and "万" in s["unit"])
        or (abs(float(s["value"]) - value * 10000) < 1e-6 and s["unit"] == "元")
        for s in found
    ), d["stats"]


def test_g_completion_rate_is_a_percentage() -> None:
    rates = [s for s in parsed("g")["stats"] if "完成率" in s["label"] + s["text"]]
    assert [(float(s["value"]), s["unit"]) for s in rates] == [(90.3, "%")]


@pytest.mark.parametrize("key", sorted(FILES))
def test_problem_list(key: str) -> None:
    d = parsed(key)
    rows = PROBLEMS[key]
    assert [p["number"] for p in d["problems"]] == [r[0] for r in rows]
    assert [p["n"] for p in d["problems"]] == list(range(1, len(rows) + 1))
    got_categories = sorted({p["category"] for p in d["problems"]}, key=str)
    expected = sorted(CATEGORIES[key]) if CATEGORIES[key] else [None]
    assert got_categories == expected
    assert all(p["subcategory"] is None for p in d["problems"])


@pytest.mark.parametrize(("key", "index", "row"), CASES, ids=[f"{k}-{i + 1}" for k, i, _ in CASES])
def test_problem(key: str, index: int, row: Row) -> None:
    number, cat, title, n_measures, status, subs = row
    problems = parsed(key)["problems"]
    assert len(problems) > index
    p = problems[index]
    assert p["number"] == number
    assert p["title"] == title
    assert title in p["text"]
    assert len(p["measures"]) == n_measures, p["measures"]
    assert p["status"] == status
    assert p["category"] == (None if cat is None else CATEGORIES[key][cat])
    assert p["subcategory"] is None
    assert [(s["title"], len(s["measures"])) for s in p["subproblems"]] == subs
    for s in p["subproblems"]:
        assert s["title"] in s["text"]


@pytest.mark.parametrize("key", sorted(FILES))
def test_next_steps_hold_no_measures(key: str) -> None:
    """Next-step lists (一是…) and closing paragraphs must not be glued onto the last problem."""
    marker = NEXT_STEPS[key]
    for p in parsed(key)["problems"]:
        assert marker not in p["text"]
        assert not any(marker in m for m in all_measures(p))


# --- (f) web page copy ----------------------------------------------------------------


def test_f_page_noise_is_not_content() -> None:
    d = parsed("f")
    noise = ["发布时间", "浏览次数", "字体", "分享到"]
    for p in d["problems"]:
        assert not any(word in p["text"] for word in noise)
    assert not any(word in (d["title"] or "") for word in noise)


def test_f_status_markers_are_not_measures() -> None:
    """（已完成）/（持续整改） closing an item is its status, like 整改状态：, not a measure."""
    for p in parsed("f")["problems"]:
        for m in p["measures"]:
            assert "（已完成）" not in m and "（持续整改）" not in m
    first = parsed("f")["problems"][0]
    assert "明白卡" in first["measures"][0]
    assert "政策业务培训" in first["measures"][2]


# --- (g) numbers restarting per category ------------------------------------------------


def test_g_numbers_restart_per_category() -> None:
    by_category: dict[str, list[str]] = {}
    for p in parsed("g")["problems"]:
        by_category.setdefault(p["category"], []).append(p["number"])
    assert list(by_category.values()) == [["1.", "2.", "3."], ["1.", "2."], ["1.", "2.", "3."]]


def test_g_slogans_are_not_stats() -> None:
    """“四个意识”“四个自信”“两个维护” are fixed phrases, not counts."""
    for s in parsed("g")["stats"]:
        assert "四个" not in s["text"] and "两个" not in s["text"], s


def test_g_fourth_measure_kept() -> None:
    p = parsed("g")["problems"][4]
    assert "126.4万元" in p["measures"][0]
    assert "依规依纪" in p["measures"][3]


# --- (h) village ------------------------------------------------------------------------


def test_h_items_without_wenti() -> None:
    """Statements without 问题 still end at their first 。, before 一是."""
    p = parsed("h")["problems"][3]
    assert "村务公开目录" in p["measures"][0]
    assert "公开栏" in p["measures"][1]
    assert "微信群" in p["measures"][2]
    assert "一是" not in p["title"]


# --- (i) hospital, no top-level sections ----------------------------------------------------


def test_i_zhenggai_qingkuang_label_is_not_a_measure() -> None:
    for p in parsed("i")["problems"]:
        assert p["measures"], p["number"]
        for m in p["measures"]:
            assert not m.startswith("整改情况")
            assert m.strip()


def test_i_measures_on_their_own_lines() -> None:
    """整改情况： alone on a line, then 一是…/二是… one per line."""
    p = parsed("i")["problems"][3]
    assert "医德医风专题教育" in p["measures"][0]
    assert "第三方机构" in p["measures"][1]


def test_i_single_paragraph_measure() -> None:
    p = parsed("i")["problems"][2]
    assert "带量采购" in p["measures"][0]


# --- (j) sub-problems in both forms, (1)(2)(3) measures, 关于印发 ------------------------------


def test_j_guanyu_yinfa_is_a_measure() -> None:
    """关于印发《…》的通知 opens a measure: its clause does not end with 问题."""
    problems = parsed("j")["problems"]
    first = problems[0]
    assert first["subproblems"] == []
    assert "关于印发《漳州市公立医院高质量发展评价指标》的通知" in first["measures"][1]
    assert "紧密型医联体" in first["measures"][2]
    sixth = problems[5]
    assert sixth["subproblems"] == []
    assert "关于印发《漳州市卫生健康委员会内部控制管理办法（试行）》的通知" in sixth["measures"][0]


def test_j_subproblem_measures() -> None:
    problems = parsed("j")["problems"]
    private, waste = problems[1]["subproblems"]
    assert "双随机、一公开" in private["measures"][0]
    assert "行政处罚" in private["measures"][2]
    assert "信息化追溯" in waste["measures"][1]
    card, travel = problems[3]["subproblems"]
    assert "强制结算目录" in card["measures"][0]
    assert "0.43万元" in travel["measures"][0]
    assert "内部审计" in travel["measures"][2]
    young, rotation = problems[6]["subproblems"]
    assert "挂职锻炼" in young["measures"][1]
    assert "任职年限底数" in rotation["measures"][0]
    assert "6名科室负责人" in rotation["measures"][1]


def test_j_subproblem_measures_not_repeated_on_item() -> None:
    for p in parsed("j")["problems"]:
        if p["subproblems"]:
            assert p["measures"] == []


# --- (k) special "回头看" ---------------------------------------------------------------------


def test_k_title_variants() -> None:
    """关于…的问题 / 对于…问题 / 针对…问题的整改 all reduce to the bare statement."""
    problems = parsed("k")["problems"]
    assert problems[0]["title"].startswith("上轮巡察指出的")
    assert not problems[2]["title"].startswith("对于")
    assert not problems[8]["title"].endswith("整改")
