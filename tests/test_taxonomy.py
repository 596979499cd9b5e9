"""The problem-type taxonomy: the file's shape, and what it tags on real and test notices.

EXPECTED was written by reading each problem (its title, sub-problems and statement,
with the headings for context) and deciding which of the taxonomy's types describe it.
Where the tagger is known to disagree with that reading, KNOWN_DEVIATIONS says how and
why, so both a fix and a new mistake show up as a failing test.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import archive
from archive.model import Notice
from indexer import taxonomy
from indexer.domain import DataFileError

REPO = Path(__file__).resolve().parents[1]
NOTICE_FILES = sorted(REPO.glob("seeds/*.txt")) + sorted(REPO.glob("tests/data/notices/*.txt"))

# notice file stem -> "n: type type  # what the problem is", one line per problem.
EXPECTED_TEXT: dict[str, str] = {
    "000_15f829d25a69815d": """
        1: theory_study                          # 理论学习不扎实
        2: publicity duty_performance            # 中心业务宣传发动不到位，服务群众不畅通
        3: safety_emergency emergency_response   # 没有健全应急救援体系
        4: duty_performance                      # 基层阵地作用有限（小标题：推进重点工作力度不大）
        5: ideology                              # 意识形态工作认识不足
        6: main_responsibility                   # 全面从严治党主体责任弱化
        7: duty_performance                      # 应急救护培训管理不严（小标题：不担当不作为）
        8: donation                              # 定向捐助项目监管不力
        9: donation social_assistance            # 救助物资使用不规范（红十字会的捐赠物资）
        10: finance reimbursement                # 财务支付手续不全
        11: official_reception                   # 公务接待不规范
        12: donation finance                     # 捐赠物资未登记入账
        13: donation finance special_funds       # 捐赠专项资金账户混乱
        14: supervision                          # 派驻纪检监察组作用发挥不够
        15: staffing_institutions                # 机构不够健全
        16: party_building                       # 基层党建工作薄弱
        17: previous_rectification               # 上轮巡察问题整改未抓好
    """,
    "004_b1ce438446146357": """
        1: political_building theory_study       # 学习领会精神不深入，党内政治活动不规范
        2: theory_study decision_implementation rural_revitalization
                                                 # 落实上级部署不力；文件未专题学习；扶贫对策少
        3: ideology                              # 意识形态工作责任制
        4: duty_performance publicity            # 履职尽责不到位；宣传缺少互动
        5: collective_decision                   # 党组议事规则不规范
        6: org_life                              # 组织生活开展不严谨
        7: cadre_selection                       # 干部选拔任用不规范
        8: private_travel_abroad                 # 因私出国（境）管理不规范
        9: main_responsibility                   # 一岗双责落实不到位
        10: integrity_education                  # 谈心谈话不经常
        11: integrity_education                  # 廉政教育措施不到位
        12: integrity_risk                       # 岗位监督制约风险
        13: allowances                           # 发放通讯费、交通补助
        14: formalism_bureaucratism              # 形式主义、官僚主义
        15: official_cars                        # 公车管理不严
        16: procurement                          # 采购制度落实不到位
        17: finance reimbursement                # 财务报销审核不严
        18: contracts finance                    # 合同支付把关不严
        19: assets_property                      # 物业管理有漏洞
    """,
    "a_fullwidth_categories": """
        1: theory_study first_topic              # 第一议题
        2: theory_study formalism_bureaucratism  # 专题学习研讨流于形式
        3: engineering_projects rural_revitalization   # 高标准农田建设项目推进迟缓
        4: rural_revitalization                  # 农村人居环境整治督导
        5: main_responsibility                   # 党组研究党风廉政建设不经常
        6: main_responsibility                   # 一岗双责
        7: finance special_funds reimbursement   # 财务管理；差旅费报销；项目资金拨付滞后
        8: procurement                           # 政府采购程序
        9: org_life                              # 三会一课记录
        10: party_building party_member_development
                                                 # 发展党员程序
    """,
    "b_top_level_categories": """
        1: safety_emergency emergency_response   # 防汛抗旱责任
        2: rural_revitalization water_conservancy
                                                 # 农村饮水安全工程管护
        3: environment river_lake                # 河湖清四乱
        4: main_responsibility                   # 党组主体责任
        5: engineering_projects integrity_risk water_conservancy
                                                 # 水利工程建设廉政风险防控
        6: allowances                            # 违规发放加班补助
        7: cadre_management                      # 干部队伍结构不优
        8: party_building                        # 基层站所党建薄弱
        9: cadre_selection                       # 选人用人程序
    """,
    "c_labelled_fields": """
        1: decision_implementation               # 专项规划编制滞后（大标题：贯彻决策部署）
        2: formalism_bureaucratism duty_performance    # 服务基层不主动，以发文为主、调研少
        3: special_funds formalism_bureaucratism # 项目资金绩效评价流于形式
        4: main_responsibility                   # 党委主体责任
        5: official_cars                         # 公务用车管理
        6: eight_rules gifts_gratuities          # 违规收受礼品礼金
        7: cadre_management                      # 干部交流轮岗
        8: party_building branch_elections       # 基层党组织换届
    """,
    "d_year_crossing_gb18030": """
        1: theory_study                          # 政治理论学习
        2: ideology                              # 意识形态阵地管理
        3:                                       # 借阅服务管理（图书馆业务，无对应类型）
        4: assets_property fixed_assets          # 固定资产管理
        5: official_reception finance reimbursement
                                                 # 公务接待费用报销
        6: engineering_projects project_settlement previous_rectification
                                                 # 上轮巡察：改造项目结算拖延
        7: previous_rectification                # 上轮巡察整改长效机制
    """,
    "e_truncated_mid_problems": """
        1: food_safety                           # 食品安全抽检
        2: safety_emergency                      # 特种设备安全检查
        3: petitions                             # 消费投诉处理超时
    """,
    "f_web_page_copy": """
        1: publicity social_assistance veteran_affairs
                                                 # 退役军人优待政策宣传
        2: social_assistance veteran_affairs     # 困难退役军人帮扶
        3: veteran_affairs                       # 就业创业服务成效（大标题：决策部署）
        4: main_responsibility                   # 党组主体责任
        5: social_assistance veteran_affairs benefit_eligibility
                                                 # 优抚资金发放审核（重复发放、冒领）
        6: official_reception                    # 公务接待
        7: org_life                              # 三会一课
        8: cadre_management                      # 干部教育培训
        9: veteran_affairs                       # 服务站规范化建设滞后（业务，无对应类型）
    """,
    "g_central_restarting_numbers": """
        1: decision_implementation               # 资源调查评价推进迟缓（大标题：重大决策部署）
        2: decision_implementation rural_revitalization # 乡村振兴政策措施落地不够
        3: rural_revitalization farmland_protection
                                                 # 耕地保护监管
        4: main_responsibility                   # 厅党组主体责任
        5: special_funds                         # 项目资金使用管理
        6: cadre_management                      # 干部队伍专业化
        7: party_building                        # 基层党组织标准化建设
        8: cadre_selection                       # 选人用人
    """,
    "h_village_short_items": """
        1: org_life                              # 三会一课
        2: party_building party_member_development
                                                 # 党员发展把关
        3: party_building party_member_management
                                                 # 流动党员管理
        4: village_affairs                       # 村务公开
        5: assets_property village_affairs village_assets
                                                 # 集体资产台账
        6: engineering_projects                  # 项目建设程序
        7: allowances                            # 违规发放误工补贴
        8: village_affairs                       # 村务监督委员会
        9: finance reimbursement village_affairs village_assets
                                                 # 村级报账手续
        10: social_assistance                    # 低保评审
        11: rural_revitalization                 # 产业帮扶
    """,
    "i_hospital_no_sections": """
        1: political_building collective_decision front_research
                                                 # 党委领导下的院长负责制
        2: sector_conduct medical_services       # 医疗收费管理
        3: procurement medical_services          # 药品耗材采购监管
        4: sector_conduct medical_services       # 医德医风
        5: allowances integrity_risk             # 科室二次分配缺乏监督
        6: party_building                        # 党支部建在科室上
        7: procurement                           # 大型医用设备购置论证
        8: previous_rectification                # 上轮巡察整改不彻底
    """,
    "j_mixed_subproblems": """
        1: decision_implementation               # 公立医院改革推进（大标题：重大决策部署）
        2: regulation_enforcement environment    # 医疗机构监管；医疗废物处置监管
        3: main_responsibility                   # 委党组主体责任
        4: finance reimbursement                 # 财务管理；公务卡；差旅费报销
        5: procurement                           # 政府采购
        6: integrity_risk                        # 内部控制制度
        7: cadre_management                      # 干部队伍；年轻干部；交流轮岗
    """,
    "k_special_lookback": """
        1: previous_rectification safety_emergency culture_heritage
                                                 # 上轮巡察：文物安全巡查
        2: previous_rectification culture_heritage
                                                 # 上轮巡察：免费开放服务
        3: special_funds previous_rectification culture_heritage
                                                 # 上轮巡察：非遗项目资金拨付
        4: previous_rectification rectification_lookback
                                                 # 整改台账销号
        5: previous_rectification                # 整改长效机制
        6: finance revenue_management sports_management
                                                 # 场馆经营收入未上缴
        7: official_cars                         # 公务用车
        8: regulation_enforcement culture_heritage
                                                 # 文化市场执法检查
        9: business_environment                  # 招商引资项目后续监管
        10: main_responsibility                  # 一岗双责
        11: party_building branch_elections      # 党支部换届
        12: party_building party_member_management
                                                 # 党员教育管理
        13: party_building party_business_integration
                                                 # 党建与业务融合
        14: party_building party_member_development
                                                 # 发展党员
        15: ideology                             # 意识形态工作责任制
    """,
    "s1_hospital": """
        1: theory_study first_topic              # 第一议题
        2: political_building collective_decision front_research
                                                 # 党委领导下的院长负责制
        3: medical_insurance                     # 医保基金使用
        4: integrity_risk procurement            # 医药购销廉政风险防控
        5: sector_conduct medical_services       # 医德医风
        6: official_reception                    # 公务接待
        7: allowances                            # 违规发放津补贴
        8: contracts                             # 合同管理
        9: cadre_selection                       # 中层干部选拔任用
        10: org_life                             # 三会一课
        11: previous_rectification               # 上轮巡察整改不彻底
    """,
    "s2_school": """
        1: theory_study                          # 理论学习不深入
        2: ideology                              # 意识形态工作责任制
        3: collective_decision                   # 三重一大
        4: food_safety                           # 学校食堂
        5: sector_conduct                        # 违规收取学生费用
        6: sector_conduct school_management      # 有偿补课
        7: finance reimbursement                 # 财务报账
        8: social_assistance student_aid benefit_eligibility
                                                 # 学生资助资金（困难认定审核不严）
        9: assets_property asset_disposal        # 校舍场地出租
        10: org_life formalism_bureaucratism     # 组织生活会、民主评议党员流于形式
        11: integrity_education                  # 廉政教育
    """,
    "s3_street": """
        1: theory_study first_topic              # 第一议题
        2: community_governance                  # 网格化管理（大标题：上级决策部署）
        3: land_compensation                     # 征地拆迁补偿资金
        4: collective_decision                   # 党工委议事规则
        5: assets_property village_affairs village_assets
                                                 # 社区集体三资
        6: official_cars                         # 公务用车
        7: finance reimbursement                 # 经费支付审批
        8: engineering_projects bidding contracts  # 工程项目招投标和合同
        9: social_assistance                     # 救灾物资和慰问品发放
        10: org_life                             # 三会一课
        11: previous_rectification rectification_lookback
                                                 # 上轮巡察整改不到位、问题反弹
    """,
    "s4_county_bureau": """
        1: theory_study formalism_bureaucratism  # 理论学习中心组学习流于形式
        2: ideology                              # 网络意识形态
        3: engineering_projects transport_infrastructure
                                                 # 农村公路建设项目质量监管
        4: regulation_enforcement transport_infrastructure
                                                 # 行政执法
        5: main_responsibility                   # 主体责任、一岗双责
        6: allowances                            # 违规发放津贴补贴
        7: official_reception                    # 公务接待
        8: procurement                           # 政府采购
        9: engineering_projects contracts        # 工程建设合同管理
        10: cadre_selection                      # 选人用人
        11: private_travel_abroad                # 因私出国（境）证照
    """,
    "s5_state_enterprise": """
        1: theory_study first_topic              # 第一议题
        2: political_building collective_decision front_research
                                                 # 党委前置研究重大经营管理事项
        3: finance loans_receivables integrity_risk
                                                 # 对外出借资金和担保风险防控
        4: engineering_projects bidding procurement  # 工程项目招标采购
        5: contracts                             # 合同管理
        6: official_reception finance            # 业务招待费超标准列支
        7: official_cars                         # 车辆管理
        8: allowances                            # 违规发放福利和津补贴
        9: donation collective_decision          # 对外捐赠未履行决策程序
        10: cadre_selection                      # 中层管理人员选聘
        11: integrity_education formalism_bureaucratism  # 廉洁从业教育；谈心谈话流于形式
    """,
    "s6_city_department": """
        1: theory_study                          # 理论学习学用脱节
        2: ideology                              # 意识形态工作责任制
        3: social_assistance benefit_eligibility     # 社会救助审核（低保特困对象）
        4: regulation_enforcement elderly_care   # 养老机构监管
        5: collective_decision                   # 党组议事规则
        6: donation                              # 慈善捐赠款物
        7: finance reimbursement                 # 财务报账
        8: allowances                            # 违规发放津补贴
        9: integrity_education                   # 廉政教育和谈心谈话
        10: org_life                             # 组织生活、民主生活会
        11: private_travel_abroad                # 因私出国（境）
        12: previous_rectification               # 上轮巡察整改不到位
    """,
}

# (notice, n) -> (types the tagger adds, types it misses), each with the reason.
KNOWN_DEVIATIONS: dict[tuple[str, int], tuple[set[str], set[str]]] = {
    # The item names no type; the category fallback reads the generic frame
    # "全面从严治党不力/责任" as main responsibility.
    ("d_year_crossing_gb18030", 3): ({"main_responsibility"}, set()),
    # "救助物资" says relief, not that it was donated; the donation shows only in measures.
    ("000_15f829d25a69815d", 9): (set(), {"donation"}),
}


def _parse_expected(text: str) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    last: int | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^(\d+):(.*)$", line)
        if m:
            last = int(m.group(1))
            out[last] = set(m.group(2).split())
        else:  # continuation of the previous item's types
            assert last is not None, raw
            out[last] |= set(line.split())
    return out


EXPECTED = {stem: _parse_expected(text) for stem, text in EXPECTED_TEXT.items()}


@cache
def _notice(path: Path) -> Notice:
    return archive.parse_file(path)


def _items() -> Iterator[tuple[str, int]]:
    for stem, table in EXPECTED.items():
        for n in table:
            yield stem, n


def _path(stem: str) -> Path:
    return next(p for p in NOTICE_FILES if p.stem == stem)


def test_table_covers_every_problem_of_every_notice() -> None:
    covered = {(p.stem, n) for p in NOTICE_FILES for n in EXPECTED.get(p.stem, {})}
    actual = {(p.stem, q.n) for p in NOTICE_FILES for q in _notice(p).problems}
    assert actual - covered == set(), "problems without an expected row"
    assert covered - actual == set(), "expected rows for problems the parser did not find"


@pytest.mark.parametrize(("stem", "n"), list(_items()), ids=lambda v: str(v))
def test_item_types(stem: str, n: int) -> None:
    problem = next(p for p in _notice(_path(stem)).problems if p.n == n)
    got = set(taxonomy.tag_problem(problem))
    expected = EXPECTED[stem][n]
    extra, missing = KNOWN_DEVIATIONS.get((stem, n), (set(), set()))
    assert got == (expected | extra) - missing, problem.title


def test_precision_and_recall_over_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    tp = fp = fn = 0
    for stem, n in _items():
        problem = next(p for p in _notice(_path(stem)).problems if p.n == n)
        got = set(taxonomy.tag_problem(problem))
        expected = EXPECTED[stem][n]
        tp += len(got & expected)
        fp += len(got - expected)
        fn += len(expected - got)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    with capsys.disabled():
        print(f"\ntaxonomy: precision {precision:.3f}, recall {recall:.3f}", (tp, fp, fn))
    assert precision >= 0.9
    assert recall >= 0.8


def test_tag_order_follows_the_file() -> None:
    codes = [t.code for t in taxonomy.load_types()]
    got = taxonomy.tag("合同支付把关不严谨", "针对合同支付把关不严谨问题。一是……")
    assert got == sorted(got, key=codes.index)
    assert set(got) == {"finance", "contracts"}


def test_measures_do_not_tag() -> None:
    text = "针对物业管理有漏洞问题。一是加强理论学习，落实“三会一课”;二是完善财务制度。"
    assert taxonomy.tag("物业管理有漏洞", text) == ["assets_property"]


def test_headings_speak_only_when_the_item_says_nothing() -> None:
    own = taxonomy.tag("公务接待不规范", category="关于全面从严治党不力方面")
    assert own == ["official_reception"]
    assert taxonomy.tag("某项工作进展缓慢", subcategory="不担当不作为问题较为突出") == [
        "duty_performance"
    ]
    assert taxonomy.tag(
        "某项工作进展缓慢", subcategory="工作推进缓慢", category="落实党中央决策部署方面"
    ) == ["decision_implementation"]
    assert taxonomy.tag("某项工作进展缓慢") == []


def test_labelled_problem_line_is_part_of_the_statement() -> None:
    text = "针对“服务不够主动”问题。\n问题：存在公务用车未按规定登记使用情况。\n整改措施：①……"
    assert taxonomy.tag("“服务不够主动”", text) == ["official_cars"]


def test_full_width_and_half_width_match_alike() -> None:
    assert taxonomy.tag("干部因私出国（境）管理不严") == ["private_travel_abroad"]
    assert taxonomy.tag("干部因私出国(境)管理不严") == ["private_travel_abroad"]


def test_exclude_terms_veto_a_type() -> None:
    # 人居环境 is rural work, not environmental protection, though it says 环境整治.
    assert taxonomy.tag("农村人居环境整治督导不到位") == ["rural_revitalization"]
    assert taxonomy.tag("河湖环境保护不力") == ["environment", "river_lake"]
    # 森林防火 is emergency work, not forestry management.
    assert taxonomy.tag("森林防火责任落实不到位") == ["emergency_response"]


def test_file_shape() -> None:
    types = taxonomy.load_types()
    codes = [t.code for t in types]
    assert 80 <= len(types) <= 150
    assert len(codes) == len(set(codes))
    areas = taxonomy.load_areas()
    assert 12 <= len(areas) <= 20
    assert {a.code for a in areas}.isdisjoint(codes)
    for a in areas:
        assert a.label and a.definition
        assert 2 <= len(taxonomy.types_in_area(a.code)) <= 20
    for t in types:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", t.code)
        assert t.label and re.search(r"[\u4e00-\u9fff]", t.label)
        assert t.terms and all(t.terms)
        assert t.area in {a.code for a in areas}, t.code
        assert re.search(r"[\u4e00-\u9fff]", t.definition), t.code
    assert taxonomy.label("official_cars") == "公务用车"
    assert taxonomy.label("no_such_code") == "no_such_code"
    assert re.fullmatch(r"[0-9a-f]{64}", taxonomy.fingerprint())


def test_loading_is_cached_per_path(tmp_path: Path) -> None:
    assert taxonomy.load_types()[0] is taxonomy.load_types()[0]
    copy = tmp_path / "types.tsv"
    shutil.copy(taxonomy.TYPES_FILE, copy)
    assert taxonomy.load_types(copy) == taxonomy.load_types()
    assert taxonomy.load_types(copy)[0] is not taxonomy.load_types()[0]


def test_editing_a_copy_changes_the_tags(tmp_path: Path) -> None:
    copy = tmp_path / "types.tsv"
    original = taxonomy.TYPES_FILE.read_text(encoding="utf-8")
    copy.write_text(
        original + "archives\t档案管理\t档案管理|档案室|re:档案.{0,2}缺失\n", encoding="utf-8"
    )
    title = "人事档案缺失、档案室管理混乱"
    before = taxonomy.tag(title)
    after = taxonomy.tag(title, types=taxonomy.load_types(copy))
    assert before == ["cadre_management", "cadre_archives"]
    assert after == ["cadre_management", "cadre_archives", "archives"]
    assert taxonomy.load_types(copy)[-1].area == ""  # the area column may be left out
    assert taxonomy.label("archives", taxonomy.load_types(copy)) == "档案管理"
    assert taxonomy.fingerprint(copy) != taxonomy.fingerprint()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("bad code\t名称\t词", "代码"),
        ("dup\t名称\t词\ndup\t名称二\t词二", "重复"),
        ("x\t\t词", "名称"),
        ("x\t名称\t", "列"),
        ("x\t名称\t词||词二", "空词"),
        ("x\t名称\tre:([a", "正则"),
        ("x\t名称\tre:因私出国（境）", "全角"),
        ("x\t名称\t词\t排除\t多余", "列"),
    ],
)
def test_malformed_rows_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "types.tsv"
    path.write_text("# comment\ncode\tlabel\tterms\texclude\nok\t好\t词\n" + line + "\n", "utf-8")
    with pytest.raises(DataFileError) as info:
        taxonomy.load_types(path)
    text = str(info.value)
    assert str(path) in text
    assert message in text
    assert info.value.line == 4 + line.count("\n")


# Short invented problem titles, one per kind, with the exact types a reader gives them.
# Sector duties are leaf types of their own, so a court's 执行案件 problem meets other
# courts' problems and not every problem that says 履职.
TITLES: list[tuple[str, list[str], str]] = [
    (
        "法院执行案件执行款发放不及时",
        ["custodial_funds", "trial_execution"],
        "area_sector_law",
    ),
    ("部分案件超审限未结", ["trial_execution"], "area_sector_law"),
    ("公益诉讼线索移送不及时", ["procuratorial_supervision"], "area_sector_law"),
    (
        "派出所涉案财物管理不规范",
        ["custodial_funds", "public_security"],
        "area_sector_law",
    ),
    ("社区矫正对象脱管漏管", ["judicial_administration"], "area_sector_law"),
    ("口岸通关查验不严格", ["customs_control"], "area_sector_law"),
    (
        "重大事故隐患排查整治不彻底",
        ["safety_emergency", "work_safety_regulation"],
        "area_sector_law",
    ),
    ("欠税清缴不到位，退税审核不严", ["tax_collection"], "area_sector_economy"),
    ("贷后管理缺位，不良贷款攀升", ["credit_management"], "area_sector_economy"),
    ("反洗钱工作落实不到位", ["financial_risk"], "area_sector_economy"),
    ("统计数据弄虚作假", ["statistics_quality"], "area_sector_economy"),
    ("隐性债务化解进度滞后", ["government_debt"], "area_sector_economy"),
    ("违法占用耕地问题整治不力", ["farmland_protection"], "area_sector_rural"),
    ("环境执法宽松软", ["eco_enforcement"], "area_sector_rural"),
    ("种粮补贴发放审核不严", ["benefit_eligibility", "agri_subsidies"], "area_sector_rural"),
    ("村集体资金管理混乱", ["village_affairs", "village_assets"], "area_sector_rural"),
    ("防返贫监测帮扶不精准", ["rural_revitalization", "poverty_monitoring"], "area_sector_rural"),
    ("储备粮轮换管理不规范", ["grain_reserves"], "area_sector_rural"),
    ("优抚对象抚恤金发放不规范", ["social_assistance", "veteran_affairs"], "area_sector_social"),
    ("学校违规收取代办费", ["sector_conduct", "education_fees"], "area_sector_social"),
    ("科研经费报销审核不严", ["finance", "reimbursement", "research_funds"], "area_sector_social"),
    ("横向课题管理松散", ["research_funds"], "area_sector_social"),
    ("体育场馆运营管理不规范", ["sports_management"], "area_sector_social"),
    ("高龄津贴发放不精准", ["elderly_care"], "area_sector_social"),
    ("公租房分配管理不规范", ["housing_security"], "area_sector_social"),
    ("医保基金监管不严", ["medical_insurance"], "area_sector_social"),
    ("疫苗接种管理不规范", ["health_services"], "area_sector_social"),
    ("违规设立小金库", ["finance", "small_treasury"], "area_finance"),
    ("往来款长期挂账未清理", ["loans_receivables"], "area_finance"),
    ("超预算列支会议费", ["meetings_training", "finance", "budget_management"], "area_finance"),
    ("非税收入坐收坐支", ["finance", "revenue_management"], "area_finance"),
    ("违规收受购物卡", ["eight_rules", "gifts_gratuities"], "area_frugality"),
    ("办公用房超标准配备", ["office_space", "assets_property"], "area_frugality"),
    ("借婚丧喜庆大操大办", ["eight_rules", "weddings_funerals"], "area_frugality"),
    ("督查检查考核过多过频", ["grassroots_burden"], "area_frugality"),
    ("领导干部个人有关事项漏报", ["cadre_management", "personal_matters"], "area_personnel"),
    ("公开招聘程序不规范", ["recruitment"], "area_personnel"),
    ("干部违规在企业兼职取酬", ["part_time_posts"], "area_personnel"),
    ("党费收缴不足额", ["party_building", "party_dues"], "area_party_org"),
    (
        "审计发现问题整改不到位",
        ["previous_rectification", "audit_rectification"],
        "area_rectification",
    ),
    ("干部亲属经商办企业", ["work_style", "conflict_of_interest"], "area_integrity"),
    ("涉密文件管理不规范", ["confidentiality"], "area_ideology"),
    ("规范性文件合法性审查缺位", ["law_based_administration"], "area_performance"),
    ("融资性贸易风险失控", ["soe_investment"], "area_assets"),
    # the fourth vocabulary round's sectors (tests/test_corpus_d.py)
    ("减刑假释案件办理把关不严", ["prison_management"], "area_sector_law"),
    ("手机等违禁品流入监区", ["prison_management"], "area_sector_law"),
    ("看守所监室巡视不到位", ["public_security", "prison_management"], "area_sector_law"),
    ("辅警单独执法", ["public_security"], "area_sector_law"),
    ("布控查验指令执行不到位", ["customs_control"], "area_sector_law"),
    ("私设聚会点治理不彻底", ["religious_affairs"], "area_sector_civil"),
    ("宗教团体财务管理混乱", ["finance", "religious_affairs"], "area_sector_civil"),
    ("少数民族发展资金滞留未拨付", ["special_funds", "ethnic_affairs"], "area_sector_civil"),
    ("经营性公墓违规销售超规格墓穴", ["funeral_cemetery"], "area_sector_civil"),
    ("公共机构节能考核不到位", ["energy_conservation"], "area_assets"),
    ("驾校培训学时造假", ["transport_infrastructure"], "area_sector_economy"),
    ("虚报运营里程骗领燃油补贴", ["fund_misuse"], "area_finance"),
    (
        "安全生产费用用于非安全生产支出",
        ["special_funds", "fund_misuse", "safety_emergency"],
        "area_sector_law",
    ),
    ("宗教渗透防范不力", ["ideology"], "area_ideology"),
]


@pytest.mark.parametrize(("title", "codes", "area"), TITLES, ids=[t[0] for t in TITLES])
def test_short_titles_get_their_leaf_types_and_area(
    title: str, codes: list[str], area: str
) -> None:
    assert taxonomy.tag(title) == codes
    assert area in {taxonomy.area_of(c) for c in codes}


def test_every_existing_code_still_resolves() -> None:
    # Codes stored in indexes and links before the two-level taxonomy: never renamed.
    old = (
        "political_building theory_study decision_implementation ideology main_responsibility "
        "supervision collective_decision org_life party_building cadre_selection cadre_management "
        "private_travel_abroad staffing_institutions integrity_education integrity_risk "
        "eight_rules official_reception official_cars allowances formalism_bureaucratism "
        "work_style "
        "duty_performance finance special_funds procurement bidding contracts engineering_projects "
        "assets_property donation publicity previous_rectification safety_emergency food_safety "
        "medical_insurance land_compensation social_assistance rural_revitalization "
        "village_affairs regulation_enforcement sector_conduct petitions environment"
    ).split()
    codes = {t.code for t in taxonomy.load_types()}
    assert set(old) <= codes
    assert taxonomy.label("official_reception") == "公务接待"
    assert taxonomy.area_of("official_reception") == "area_frugality"
    assert taxonomy.area_label("official_reception") == "中央八项规定/四风"


def test_area_helpers() -> None:
    assert taxonomy.area_of("area_finance") == "area_finance"
    assert taxonomy.area_of("no_such_code") == ""
    assert taxonomy.area_label("no_such_code") == ""
    assert taxonomy.label("area_finance") == "财务/资金管理"
    finance = [t.code for t in taxonomy.types_in_area("area_finance")]
    assert finance[:2] == ["finance", "special_funds"]
    assert {"reimbursement", "small_treasury"} <= set(finance)


@pytest.mark.parametrize(
    ("rows", "message", "line"),
    [
        ("x\t名称\t词\t\tarea_nope\t定义", "领域", 4),
        ("@Bad\t名称", "领域代码", 4),
        ("@ok\t重名", "重复", 4),
        ("@a1\t\t定义", "名称", 4),
        ("@a1\t名称\t定义\t多余", "列", 4),
        ("x\t名称\t词\t\tarea_late\t定义\n@area_late\t后定义", "领域", 4),
    ],
)
def test_malformed_area_rows_name_file_and_line(
    tmp_path: Path, rows: str, message: str, line: int
) -> None:
    path = tmp_path / "types.tsv"
    path.write_text(
        "# c\ncode\tlabel\tterms\texclude\tarea\tdefinition\nok\t好\t词\n" + rows, "utf-8"
    )
    with pytest.raises(DataFileError) as info:
        taxonomy.load_types(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)
    assert info.value.line == line


@pytest.mark.parametrize(
    ("title", "not_code"),
    [
        # Words that look like a sector's trigger but say something else.
        ("推进人居环境整治不力", "recruitment"),  # 推进人居 holds 进人
        ("差旅住宿费超标准报销", "education_fees"),
        ("因私出国签证管理不严", "project_settlement"),
        ("工程款长期未结算", "trial_execution"),
        ("回避矛盾、不敢担当", "conflict_of_interest"),
        ("助学贷款发放审核不严", "credit_management"),
        ("个人有关事项报告制度执行不严", "request_report"),
        ("高龄津贴发放不精准", "allowances"),
    ],
)
def test_look_alike_words_do_not_tag(title: str, not_code: str) -> None:
    assert not_code not in taxonomy.tag(title)


GENRE_TITLES = [
    ("拖欠农民工工资问题清欠不力", ["wage_arrears"]),
    ("工程款拖欠问题突出", ["engineering_projects", "wage_arrears"]),
    ("违法建设查处不力", ["illegal_construction"]),
    ("违建底数不清", ["illegal_construction"]),
    ("干部酒后驾车", ["work_style"]),
    ("乡镇站所乱罚款、乱摊派", ["sector_conduct"]),
    ("突击提拔干部", ["cadre_selection"]),
    ("三边工程问题突出", ["engineering_projects"]),
    ("惠民资金雁过拔毛", ["abuse_of_power"]),
    ("工程偷工减料", ["engineering_projects"]),
    ("低保评审存在人情保", ["sector_conduct", "benefit_eligibility", "social_assistance"]),
]


@pytest.mark.parametrize(("title", "codes"), GENRE_TITLES, ids=[t[0] for t in GENRE_TITLES])
def test_colloquial_genre_names_tag_their_types(title: str, codes: list[str]) -> None:
    assert taxonomy.tag(title) == codes
