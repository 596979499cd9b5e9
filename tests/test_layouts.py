"""Hand-written expectations for invented notices, one per layout seen in the wild.

Each file under tests/data/notices/ was written for this module; every value
below was read off the text, not taken from the parser's output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archive import parse_file

DATA = Path(__file__).resolve().parent / "data" / "notices"

_CACHE: dict[str, dict[str, Any]] = {}


def parsed(name: str) -> dict[str, Any]:
    """Parse each notice once; the tests only read the dict."""
    if name not in _CACHE:
        _CACHE[name] = parse_file(DATA / FILES[name]).to_dict()
    return _CACHE[name]


FILES = {
    "a": "a_fullwidth_categories.txt",
    "b": "b_top_level_categories.txt",
    "c": "c_labelled_fields.txt",
    "d": "d_year_crossing_gb18030.txt",
}

META: dict[str, dict[str, Any]] = {
    # (a) （一）在“…”方面 → 1．关于“…”问题的整改 → （1）关于…, full-width punctuation.
    "a": {
        "title": "中共宜宾市叙州区农业农村局党组关于十届区委第五轮巡察整改进展情况的通报",
        "organisation": "宜宾市叙州区农业农村局",
        "publisher": "中共宜宾市叙州区农业农村局党组",
        "region": {"province": "四川省", "city": "宜宾市", "district": "叙州区"},
        "inspector": "十届区委第五轮巡察第二巡察组",
        # "回头看" also occurs, but only in the next-steps section.
        "inspection_kind": "常规",
        "round": 5,
        "inspection_start": "2023-03-06",
        "inspection_end": "2023-04-28",
        "feedback_date": "2023-06-12",
        "published_date": "2023-08-15",
    },
    # (b) 一、关于“…”问题的整改情况 as categories, （一） items restarting per section,
    # a two-line title, a vague period and a date in Chinese numerals.
    "b": {
        "title": "中共长丰县水务局党组关于县委机动巡察反馈意见整改情况的通报",
        "organisation": "长丰县水务局",
        "publisher": "中共长丰县水务局党组",
        "region": {"province": "安徽省", "city": "合肥市", "district": "长丰县"},
        "inspector": "县委机动巡察组",
        "inspection_kind": "机动",
        "round": None,
        # 2022年8月下旬至9月底: 下旬 starts on the 21st, 底 is the month's last day.
        "inspection_start": "2022-08-21",
        "inspection_end": "2022-09-30",
        "feedback_date": "2022-10-18",
        "published_date": "2023-03-05",
    },
    # (c) 1、针对“…”问题。 with labelled fields, ①②③ measures, a provincial 巡视组.
    "c": {
        "title": "中共江西省生态旅游发展中心委员会关于省委专项巡视整改进展情况的通报",
        "organisation": "江西省生态旅游发展中心",
        "publisher": "中共江西省生态旅游发展中心委员会",
        # A provincial unit with no address or phone: nothing names a city.
        "region": {"province": "江西省", "city": None, "district": None},
        "inspector": "省委第六巡视组",
        "inspection_kind": "专项",
        "round": 3,
        "inspection_start": "2023-04-10",
        "inspection_end": "2023-06-09",
        "feedback_date": "2023-07-20",
        "published_date": "2024-01-12",
    },
    # (d) GB18030 with CRLF, a year-crossing inspection, feedback without year,
    # an ISO published date, the organisation named only in the signature.
    "d": {
        "title": "关于区委巡察反馈意见整改情况的通报",
        "organisation": "洛阳市涧西区图书馆",
        "publisher": "中共洛阳市涧西区图书馆党支部",
        "region": {"province": "河南省", "city": "洛阳市", "district": "涧西区"},
        "inspector": "区委第一巡察组",
        "inspection_kind": "常规、回头看",
        "round": None,
        "inspection_start": "2022-11-20",
        "inspection_end": "2023-01-10",
        # "2月3日" after an inspection that ended on 2023-01-10.
        "feedback_date": "2023-02-03",
        "published_date": "2023-06-30",
    },
}

CONTACTS = {
    "a": {
        "phones": ["0831－8225136"],
        "emails": ["xzqnyj_xc@example.gov.cn"],
        "addresses": ["四川省宜宾市叙州区南岸东区金沙江大道88号"],
    },
    "b": {
        "phones": ["0551-66712830"],
        "emails": ["cfxswj_xc@example.cn"],
        "addresses": ["安徽省合肥市长丰县水湖镇长丰路99号"],
    },
    "c": {"phones": [], "emails": ["jxstlyzx@example.gov.cn"], "addresses": []},
    "d": {
        "phones": ["0379-64821356"],
        "emails": ["jxqtsg_xc@example.com"],
        "addresses": ["河南省洛阳市涧西区长春路16号"],
    },
}

SECTIONS = {
    "a": [
        ("一、", "整改工作组织情况", "organisation"),
        ("二、", "巡察反馈问题整改落实情况", "problems"),
        ("三、", "下一步工作打算", "next_steps"),
    ],
    "b": [
        ("一、", "关于“落实防汛抗旱和水利发展决策部署”问题的整改情况", "problems"),
        ("二、", "关于“落实全面从严治党战略部署”问题的整改情况", "problems"),
        ("三、", "关于“落实新时代党的组织路线”问题的整改情况", "problems"),
        ("四、", "下一步工作打算", "next_steps"),
    ],
    "c": [
        ("一、", "整改工作总体情况", "organisation"),
        ("二、", "巡视反馈问题整改情况", "problems"),
        ("三、", "下一步工作打算", "next_steps"),
    ],
    "d": [
        ("一、", "提高政治站位，扎实推进巡察整改", "organisation"),
        ("二、", "巡察反馈问题整改落实情况", "problems"),
        ("三、", "下一步工作打算", "next_steps"),
    ],
}

# (value, a word of its label or source phrase)
STATS: dict[str, list[tuple[float, str]]] = {
    "a": [(10, "问题"), (42, "措施"), (14, "制度")],
    "b": [],
    "c": [
        (28, "问题"),
        (25, "完成"),
        (3, "推进"),
        (89, "完成率"),
        (96, "措施"),
        (17, "制度"),
        (2, "政务处分"),
        (3, "诫勉"),
    ],
    "d": [(12, "问题"), (35, "措施")],
}

CATEGORIES = {
    "a": [
        "在“落实党的理论和路线方针政策”方面",
        "在“落实全面从严治党战略部署”方面",
        "在“落实新时代党的组织路线”方面",
    ],
    "b": [heading for _, heading, kind in SECTIONS["b"] if kind == "problems"],
    "c": [
        "关于贯彻落实党中央决策部署和省委工作要求方面",
        "关于落实全面从严治党责任方面",
        "关于落实新时代党的组织路线方面",
    ],
    "d": ["关于党的领导弱化方面", "关于全面从严治党不力方面", "关于上轮巡察整改不彻底方面"],
}

SUBCATEGORIES = {
    "a": [
        "关于“理论武装不够深入”问题的整改",
        "关于“推动乡村振兴不够有力”问题的整改",
        "关于“主体责任落实不到位”问题的整改",
        "关于“财经纪律执行不严”问题的整改",
        "关于“基层党组织建设薄弱”问题的整改",
    ],
}

# Per notice, in document order:
# (number, category index, subcategory index or None, title, measures, status, subproblems)
Row = tuple[str, int, int | None, str, int, str | None, list[tuple[str, int]]]
PROBLEMS: dict[str, list[Row]] = {
    "a": [
        ("（1）", 0, 0, "“第一议题”制度落实不严格", 3, None, []),
        ("（2）", 0, 0, "专题学习研讨流于形式", 2, None, []),
        ("（3）", 0, 1, "高标准农田建设项目推进迟缓", 4, None, []),
        ("（4）", 0, 1, "农村人居环境整治督导不到位", 1, None, []),
        ("（5）", 1, 2, "党组研究党风廉政建设工作不经常", 2, None, []),
        ("（6）", 1, 2, "“一岗双责”履行不到位", 2, None, []),
        (
            "（7）",
            1,
            3,
            "财务管理不规范",
            0,
            None,
            [("差旅费报销审核不严", 2), ("项目资金拨付滞后", 1)],
        ),
        ("（8）", 1, 3, "政府采购程序不规范", 3, None, []),
        ("（9）", 2, 4, "“三会一课”记录不完整", 1, None, []),
        ("（10）", 2, 4, "发展党员工作程序不规范", 2, None, []),
    ],
    "b": [
        ("（一）", 0, None, "防汛抗旱责任落实不到位", 3, None, []),
        ("（二）", 0, None, "农村饮水安全工程运行管护薄弱", 3, None, []),
        ("（三）", 0, None, "河湖“清四乱”常态化不够", 1, None, []),
        ("（一）", 1, None, "党组落实主体责任不到位", 2, None, []),
        ("（二）", 1, None, "水利工程建设领域廉政风险防控不力", 4, None, []),
        ("（三）", 1, None, "违规发放加班补助", 1, None, []),
        ("（一）", 2, None, "干部队伍结构不优", 2, None, []),
        ("（二）", 2, None, "基层站所党建工作薄弱", 1, None, []),
        ("（三）", 2, None, "选人用人程序执行不严格", 3, None, []),
    ],
    "c": [
        ("1、", 0, None, "“生态旅游发展规划编制滞后”", 3, "完成", []),
        ("2、", 0, None, "“服务基层景区不够主动”", 2, "阶段性完成", []),
        ("3、", 0, None, "项目资金绩效评价流于形式", 3, "持续整改", []),
        ("4、", 1, None, "“党委主体责任压得不实”", 2, "完成", []),
        ("5、", 1, None, "公务用车管理不严", 3, "完成", []),
        ("6、", 1, None, "“违规收受礼品礼金”", 2, "完成", []),
        ("7、", 2, None, "“干部交流轮岗不及时”", 2, "完成", []),
        ("8、", 2, None, "基层党组织换届不及时", 2, "完成", []),
    ],
    "d": [
        ("1.", 0, None, "政治理论学习不系统", 3, None, []),
        ("2.", 0, None, "意识形态阵地管理有漏洞", 3, None, []),
        ("3.", 1, None, "借阅服务管理不规范", 3, None, []),
        ("4.", 1, None, "固定资产管理不到位", 3, None, []),
        ("5.", 1, None, "公务接待费用报销不规范", 1, None, []),
        ("6.", 2, None, "上轮巡察指出的阅览室改造项目结算拖延", 2, None, []),
        ("7.", 2, None, "上轮巡察整改长效机制不健全", 3, None, []),
    ],
}

CASES = [(key, i, row) for key, rows in PROBLEMS.items() for i, row in enumerate(rows)]


def has_stat(d: dict[str, Any], value: float, word: str) -> bool:
    return any(
        abs(float(s["value"]) - value) < 1e-9 and (word in s["label"] or word in s["text"])
        for s in d["stats"]
    )


def test_files_fit_the_brief() -> None:
    """Each invented notice is 1,500–4,000 characters, so it exercises a full layout."""
    for key, name in FILES.items():
        raw = (DATA / name).read_bytes()
        text = raw.decode("gb18030" if key == "d" else "utf-8")
        body = text.replace("\r", "").replace("\n", "")
        assert 1500 <= len(body) <= 4000, (name, len(body))


def test_d_is_not_utf8() -> None:
    """The loader, not the test, has to work out the encoding of this one."""
    raw = (DATA / FILES["d"]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert b"\r\n" in raw


@pytest.mark.parametrize("key", sorted(FILES))
@pytest.mark.parametrize("field", list(META["a"]))
def test_metadata(key: str, field: str) -> None:
    assert parsed(key)[field] == META[key][field]


@pytest.mark.parametrize("key", sorted(FILES))
def test_contacts(key: str) -> None:
    assert parsed(key)["contacts"] == CONTACTS[key]


@pytest.mark.parametrize("key", sorted(FILES))
def test_sections(key: str) -> None:
    got = [(s["number"], s["heading"], s["kind"]) for s in parsed(key)["sections"]]
    assert got == SECTIONS[key]


@pytest.mark.parametrize("key", [k for k in sorted(FILES) if STATS[k]])
def test_stats(key: str) -> None:
    d = parsed(key)
    missing = [(v, w) for v, w in STATS[key] if not has_stat(d, v, w)]
    assert not missing, d["stats"]


def test_c_money_stat() -> None:
    """追缴资金7.132万元: either kept in 万元 or converted to 元, but not lost."""
    d = parsed("c")
    money = [s for s in d["stats"] if "资金" in s["label"] or "资金" in s["text"]]
    assert any(
        (abs(float(s["value"]) - 7.132) < 1e-9 and "万" in s["unit"])
        or (abs(float(s["value"]) - 71320) < 1e-6 and s["unit"] == "元")
        for s in money
    ), d["stats"]


@pytest.mark.parametrize("key", sorted(FILES))
def test_problem_list(key: str) -> None:
    d = parsed(key)
    rows = PROBLEMS[key]
    assert [p["number"] for p in d["problems"]] == [r[0] for r in rows]
    assert [p["n"] for p in d["problems"]] == list(range(1, len(rows) + 1))
    assert sorted({p["category"] for p in d["problems"]}) == sorted(CATEGORIES[key])


@pytest.mark.parametrize(("key", "index", "row"), CASES, ids=[f"{k}-{i + 1}" for k, i, _ in CASES])
def test_problem(key: str, index: int, row: Row) -> None:
    number, cat, subcat, title, n_measures, status, subs = row
    problems = parsed(key)["problems"]
    assert len(problems) > index
    p = problems[index]
    assert p["number"] == number
    assert p["title"] == title
    assert title in p["text"]
    assert len(p["measures"]) == n_measures, p["measures"]
    assert p["status"] == status
    assert p["category"] == CATEGORIES[key][cat]
    expected_sub = None if subcat is None else SUBCATEGORIES[key][subcat]
    assert p["subcategory"] == expected_sub
    assert [(s["title"], len(s["measures"])) for s in p["subproblems"]] == subs


def test_a_subproblem_texts() -> None:
    p = parsed("a")["problems"][6]
    first, second = p["subproblems"]
    assert "1.26万元" in first["text"] or "1.26万元" in "".join(first["measures"])
    assert "差旅费管理办法" in first["measures"][1]
    assert "月通报制度" in second["measures"][0]
    # The sub-problem measures are not repeated on the item itself.
    assert p["measures"] == []


def test_a_fullwidth_text_kept_as_written() -> None:
    """Spans come from the original text, not its half-width folded copy."""
    p = parsed("a")["problems"][3]
    assert "各镇（街道）" in p["measures"][0]


def test_b_numbers_restart_per_section() -> None:
    d = parsed("b")
    by_category: dict[str, list[str]] = {}
    for p in d["problems"]:
        by_category.setdefault(p["category"], []).append(p["number"])
    assert list(by_category.values()) == [["（一）", "（二）", "（三）"]] * 3


def test_c_labelled_fields() -> None:
    d = parsed("c")
    first = d["problems"][0]
    assert "规划编制工作专班" in first["measures"][0]
    assert "资源普查" in first["measures"][1]
    assert "按程序报批" in first["measures"][2]
    # The 问题： description belongs to the problem; 整改情况/整改状态 are not measures.
    assert "迟迟未完成编制" in first["text"]
    for p in d["problems"]:
        for m in p["measures"]:
            assert "整改情况" not in m and "整改状态" not in m
    assert not any("印发实施" in m for m in first["measures"])


def test_d_measures_starting_with_zhendui() -> None:
    """一是针对…问题 opens a measure, never a new problem."""
    p = parsed("d")["problems"][2]
    words = ["逾期催还", "电子阅览室", "读者意见"]
    for m, word in zip(p["measures"], words, strict=True):
        assert word in m


def test_d_numbered_measure_lines() -> None:
    """（1）（2）（3） lines under a problem statement are its measures, not problems."""
    p = parsed("d")["problems"][3]
    words = ["清查盘点", "领用登记", "报废"]
    for m, word in zip(p["measures"], words, strict=True):
        assert word in m
    assert p["subcategory"] is None


def test_next_steps_hold_no_measures() -> None:
    """Numbered next-step lists (一是…) must not be glued onto the last problem."""
    markers = {"a": "提质增效", "b": "追责问责", "c": "挂账督办", "d": "凝心铸魂"}
    for key, marker in markers.items():
        last = parsed(key)["problems"][-1]
        assert marker not in last["text"]
        assert not any(marker in m for m in last["measures"])
