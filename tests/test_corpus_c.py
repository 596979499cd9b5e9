"""A vocabulary corpus of ten invented notices (tests/data/corpus/vc*.txt) in sectors the
other test notices do not cover: a sports bureau, a statistics bureau, a tobacco monopoly
bureau, a meteorological bureau, an insurance company branch, a party school, a supply and
marketing cooperative, a youth league committee, a data administration and a culture and
tourism group.

EXPECTED_TEXT and QUERIES were written by reading each problem before any tagger or search
was run on these notices (see the commit history): which taxonomy types describe what went
wrong, and which problems a user's keyword query must find (topical relevance, also
problems that say it in other words). New codes were written where no type fitted, and then
added to indexer/data/problem_types.tsv.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

import archive
from archive.model import Notice
from indexer import taxonomy
from indexer.analysis import words
from indexer.searching import NoticeIndex
from indexer.thesaurus import load_thesaurus
from tests.corpustables import agreement, unknown_codes, wanted_types
from tests.test_taxonomy import _parse_expected

REPO = Path(__file__).resolve().parents[1]
CORPUS_FILES = sorted((REPO / "tests" / "data" / "corpus").glob("vc*.txt"))

# notice file stem -> "n: type type  # what the problem is", one line per problem.
EXPECTED_TEXT: dict[str, str] = {
    "vc01_sports": """
        1: theory_study                          # 中心组学习流于形式
        2: ideology                              # 意识形态责任制、场馆电子屏宣传阵地
        3: sports_management special_funds       # 场馆免费低收费开放补助申报不实
        4: sports_management special_funds fund_misuse
                                                 # 体彩公益金用于机关日常运转
        5: sports_management allowances fund_misuse  # 运动员伙食补助虚报人数冒领
        6: official_reception finance reimbursement  # 以承办赛事名义列支接待费
        7: procurement sports_management         # 健身器材化整为零规避政府采购
        8: official_cars                         # 赛事保障车辆节假日不入库
        9: sports_management administrative_approval # 等级运动员证书审批把关不严
    """,
    "vc02_statistics": """
        1: theory_study first_topic              # 第一议题以传达为主
        2: statistics_quality                    # 统计造假、规上工业产值虚报
        3: statistics_quality regulation_enforcement # 统计执法宽松软
        4: statistics_quality special_funds      # 经济普查经费、普查员劳务补助
        5: statistics_quality benefit_eligibility    # 住户调查记账补贴代记账照发
        6: finance reimbursement                 # 差旅费超标准报销
        7: org_life                              # 三会一课、组织生活会
        8: previous_rectification rectification_lookback statistics_quality
                                                 # 上轮指出数据赶工、原始记录缺失，反弹
    """,
    "vc03_tobacco": """
        1: theory_study                          # 中心组学习与专卖营销结合不紧
        2: tobacco_monopoly administrative_approval  # 零售许可证违反合理布局发放
        3: tobacco_monopoly regulation_enforcement   # 以罚代刑、案件线索移交不及时
        4: tobacco_monopoly sector_conduct       # 人情货源、关系户倾斜分配
        5: official_reception finance            # 以营销费用名义列支招待费
        6: allowances                            # 以稽查加班补助名义发节日福利
        7: procurement bidding                   # 物流车辆仓储设备未公开招标
        8: cadre_selection                       # 中层选任推荐范围窄、考察不深
        9: previous_rectification rectification_lookback tobacco_monopoly
                                                 # 烟叶收购人情级问题反弹
    """,
    "vc04_meteorology": """
        1: emergency_response                    # 气象灾害预警发布不及时
        2: safety_emergency                      # 人工影响天气作业弹药存储、无证上岗
        3: administrative_approval               # 防雷装置设计审核、竣工验收许可不规范
        4: special_funds fund_misuse             # 观测站维护专项经费购置办公设备
        5: official_reception official_cars      # 接待无公函、应急车辆接送职工
        6: revenue_management finance            # 气象服务收入坐收坐支
        7: org_life party_building               # 台站党员少、三会一课不经常
        8: cadre_management                      # 关键岗位不交流、年轻干部培养
    """,
    "vc05_insurance": """
        1: front_research collective_decision    # 大额费用未经党委前置研究
        2: theory_study                          # 学习与金融保险工作结合不紧
        3: insurance_business                    # 车险虚假理赔、人情赔付
        4: insurance_business agri_subsidies fund_misuse
                                                 # 农险虚假承保套取保费补贴
        5: insurance_business finance fund_misuse    # 以手续费佣金名义套取资金
        6: allowances                            # 以业务推动费名义发购物卡
        7: official_reception reimbursement      # 招待超标准、报销无清单
        8: cadre_selection                       # 竞聘上岗未经民主测评
        9: part_time_posts conflict_of_interest  # 员工兼职、亲属从事保险代理
    """,
    "vc06_party_school": """
        1: school_management                     # 党性教育主课比重不足
        2: ideology school_management            # 讲坛有纪律执行不严
        3: research_funds                        # 课题经费结余未收回
        4: school_management                     # 主体班学员考勤流于形式
        5: allowances                            # 讲课费课酬重复计酬
        6: meetings_training public_travel       # 以培训名义列支餐费旅游费
        7: bidding engineering_projects          # 维修工程未公开招标
        8: research_funds performance_appraisal  # 职称评聘把关不严、科研成果造假
    """,
    "vc07_supply_coop": """
        1: theory_study                          # 学习与为农服务结合不紧
        2: rural_revitalization                  # 基层社空壳化、为农服务弱化
        3: commodity_reserves special_funds      # 化肥淡储不足、储备补贴申领不实
        4: assets_property asset_disposal        # 门面房仓库未公开招租、租金拖欠
        5: soe_investment loans_receivables collective_decision
                                                 # 社有企业对外出借资金未集体研究
        6: allowances                            # 以农资销售奖励名义发奖金
        7: finance reimbursement                 # 基层社报账凭证不全、白条入账
        8: party_building party_member_development   # 党员老化、发展党员停滞
        9: previous_rectification rectification_lookback fixed_assets assets_property
                                                 # 上轮指出资产账实不符整改不彻底
    """,
    "vc08_youth_league": """
        1: theory_study                          # 理论学习与青年工作结合不紧
        2: ideology                              # 团属新媒体审核、网络文明志愿者
        3: student_aid benefit_eligibility       # 希望工程助学金受助对象认定不准
        4: assets_property asset_disposal revenue_management
                                                 # 活动中心场地出租未审批、租金未入账
        5: special_funds benefit_eligibility     # 青年创业扶持资金推荐对象审核不严
        6: finance reimbursement                 # 活动经费列支餐费、报销手续不全
        7: official_cars                         # 车辆维修费偏高、定点维修未落实
        8: party_building                        # 基层团组织薄弱、团员发展质量
        9: previous_rectification rectification_lookback party_dues
                                                 # 上轮指出团费收缴不规范，未上缴
    """,
    "vc09_data_admin": """
        1: administrative_approval business_environment  # 一网通办推进不力、多头跑
        2: informatization                       # 数据共享不畅、烟囱林立
        3: network_security                      # 政务云漏洞、个人信息访问权限
        4: informatization contracts             # 信息系统重复建设、未验收付尾款
        5: outsourcing                           # 窗口外包服务按人头结算
        6: abuse_of_power sector_conduct         # 窗口吃拿卡要、为中介开绿色通道
        7: org_life party_business_integration  # 主题党日与业务融合不够
        8: cadre_selection                       # 任用动议未经党组集体研究
        9: previous_rectification rectification_lookback procurement
                                                 # 上轮指出采购意向未公开、化整为零
    """,
    "vc10_culture_tourism": """
        1: front_research collective_decision    # 投资项目未经党委前置研究
        2: soe_investment                        # 文旅投资项目盲目上马、民宿闲置
        3: ideology                              # 景区解说词演艺节目审核不严
        4: revenue_management finance            # 门票收入未足额上缴、优惠随意
        5: culture_heritage                      # 文物建筑修缮不及时、被商业占用
        6: assets_property asset_disposal        # 商铺未公开招租、租金拖欠
        7: official_reception finance            # 以营销推介费名义列支招待费
        8: bidding engineering_projects project_settlement
                                                 # 工程拆分发包规避招标、变更签证随意
        9: cadre_selection                       # 子公司中层选聘未公开竞聘
        10: previous_rectification rectification_lookback loans_receivables collective_decision
                                                 # 上轮指出对外担保未集体决策，反弹
    """,
}

EXPECTED = {stem: _parse_expected(text) for stem, text in EXPECTED_TEXT.items()}

# (notice, n) -> (types the tagger adds, types it misses), each with the reason.
KNOWN_DEVIATIONS: dict[tuple[str, int], tuple[set[str], set[str]]] = {
    # -- the statement literally names another type's trigger; the reading did not count it
    # 流于形式 / 调研不深入 are formalism triggers (vb08 reads study 走过场 so too).
    ("vc01_sports", 1): ({"formalism_bureaucratism"}, set()),
    ("vc08_youth_league", 1): ({"formalism_bureaucratism"}, set()),
    ("vc09_data_admin", 5): ({"administrative_approval", "formalism_bureaucratism"}, set()),
    ("vc06_party_school", 4): (
        {"attendance_discipline", "formalism_bureaucratism", "work_style"},
        set(),
    ),
    # 持证上岗 (of the weather-modification crews) is an enforcement trigger.
    ("vc04_meteorology", 2): ({"regulation_enforcement"}, set()),
    # 竣工验收 names the stage a lightning-protection permit checks.
    ("vc04_meteorology", 3): ({"engineering_projects"}, set()),
    # The 问题 line names 合同, 支付 and 购置: contracts, finance and procurement are fair.
    ("vc04_meteorology", 4): ({"contracts", "finance", "procurement"}, set()),
    # 前置研究 is read as the party's leadership (vb03 reads it so) and 投资项目 as SOE
    # investment.
    ("vc05_insurance", 1): ({"political_building"}, set()),
    ("vc10_culture_tourism", 1): ({"political_building", "soe_investment"}, set()),
    # 购物卡 is a gifts trigger.
    ("vc05_insurance", 6): ({"eight_rules", "gifts_gratuities"}, set()),
    # 违规兼职 is also a work-style trigger.
    ("vc05_insurance", 9): ({"work_style"}, set()),
    # 主题党日 … 政务服务业务融合: 政务服务 names the unit's business.
    ("vc09_data_admin", 7): ({"administrative_approval"}, set()),
    # 集体研究 (of a cadre's nomination) is a collective-decision trigger.
    ("vc09_data_admin", 8): ({"collective_decision"}, set()),
    # 贴息贷款 is a credit trigger; 社会组织 a social-organisation one; 新媒体 publicity.
    ("vc08_youth_league", 5): ({"credit_management"}, set()),
    ("vc08_youth_league", 8): ({"social_organizations"}, set()),
    ("vc08_youth_league", 2): ({"publicity"}, set()),
    # 党组织设置 is the setting type's trigger: fair.
    ("vc07_supply_coop", 8): ({"branch_elections"}, set()),
    # 主责主业 is the duty type's trigger.
    ("vc07_supply_coop", 1): ({"duty_performance"}, set()),
    # -- the broad finance type's convention (入账/上缴/报销/列支/支付/担保/出借资金)
    ("vc05_insurance", 7): ({"finance"}, set()),
    ("vc06_party_school", 6): ({"finance"}, set()),
    ("vc07_supply_coop", 5): ({"finance"}, set()),
    ("vc08_youth_league", 4): ({"finance"}, set()),
    ("vc09_data_admin", 4): (
        {"engineering_projects", "finance", "formalism_bureaucratism"},
        {"contracts"},
    ),
    # -- a sector's own word in a problem about something else (the sector is context)
    ("vc01_sports", 2): ({"sports_management"}, set()),  # 体育场馆 (its screens)
    ("vc01_sports", 6): ({"sports_management"}, set()),  # 承办赛事 (the occasion)
    ("vc01_sports", 8): ({"sports_management"}, set()),  # 赛事保障车辆
    ("vc03_tobacco", 1): ({"tobacco_monopoly"}, set()),  # what study ignores
    ("vc06_party_school", 7): ({"food_safety"}, set()),  # 学员食堂 (the building)
    # -- what the knowledge format cannot say without harming other notices
    # 冒领 is a social-security trigger; 补贴发放不规范 is not an allowance trigger because
    # it would tag every benefit problem (高龄津贴发放不规范).
    ("vc01_sports", 5): ({"social_security_funds"}, {"allowances"}),
    # 党员人数少 (why branches were merged) has no trigger of party building.
    ("vc04_meteorology", 7): (set(), {"party_building"}),
    # 套取 is a misuse trigger, not a finance one (other corpora read it so).
    ("vc05_insurance", 5): (set(), {"finance"}),
    # 储备补贴资金: 补贴资金 would tag every subsidy problem as a special fund.
    ("vc07_supply_coop", 3): (set(), {"special_funds"}),
    # 群众办事多头跑: the business-environment type needs 营商环境/涉企 words.
    ("vc09_data_admin", 1): (set(), {"business_environment"}),
    # 整改不彻底 without a rebound word is not the look-back type (other corpora agree);
    # 入账/上缴/担保 tag finance.
    ("vc07_supply_coop", 9): ({"finance"}, {"rectification_lookback"}),
    ("vc08_youth_league", 9): ({"finance"}, {"rectification_lookback"}),
    ("vc09_data_admin", 9): (set(), {"rectification_lookback"}),
    ("vc10_culture_tourism", 10): ({"finance"}, {"rectification_lookback"}),
}

# query -> the corpus problems ("stem:n") it must find among the first 20 hits, whatever
# words they use (a problem type's name, a colloquial word, a broader or an official term).
QUERIES: dict[str, list[str]] = {
    # vc01 sports bureau
    "体彩公益金": ["vc01_sports:4"],
    "场馆开放": ["vc01_sports:3"],
    "健身器材": ["vc01_sports:7"],
    "冒领补助": ["vc01_sports:5"],
    # vc02 statistics bureau
    "统计造假": ["vc02_statistics:2"],
    "数据造假": ["vc02_statistics:2"],
    "普查经费": ["vc02_statistics:4"],
    "差旅费": ["vc02_statistics:6"],
    # vc03 tobacco monopoly bureau
    "零售许可证": ["vc03_tobacco:2"],
    "人情货源": ["vc03_tobacco:4"],
    "以罚代刑": ["vc03_tobacco:3"],
    "烟叶收购": ["vc03_tobacco:9"],
    # vc04 meteorological bureau
    "气象预警": ["vc04_meteorology:1"],
    "人工增雨": ["vc04_meteorology:2"],
    "防雷": ["vc04_meteorology:3"],
    "坐收坐支": ["vc04_meteorology:6"],
    # vc05 insurance branch
    "骗保": ["vc05_insurance:3", "vc05_insurance:4"],
    "农业保险": ["vc05_insurance:4"],
    "虚假理赔": ["vc05_insurance:3"],
    "前置研究": ["vc05_insurance:1", "vc10_culture_tourism:1"],
    # vc06 party school
    "课酬": ["vc06_party_school:5"],
    "讲课费": ["vc06_party_school:5"],
    "学术不端": ["vc06_party_school:8"],
    "学员管理": ["vc06_party_school:4"],
    # vc07 supply and marketing cooperative
    "化肥储备": ["vc07_supply_coop:3"],
    "基层社": ["vc07_supply_coop:2"],
    "白条": ["vc07_supply_coop:7"],
    "对外借款": ["vc07_supply_coop:5", "vc10_culture_tourism:10"],
    # vc08 youth league committee
    "希望工程": ["vc08_youth_league:3"],
    "助学金": ["vc08_youth_league:3"],
    "团费": ["vc08_youth_league:9"],
    "出租": ["vc08_youth_league:4", "vc07_supply_coop:4", "vc10_culture_tourism:6"],
    # vc09 government services and data administration
    "一网通办": ["vc09_data_admin:1"],
    "数据共享": ["vc09_data_admin:2"],
    "吃拿卡要": ["vc09_data_admin:6"],
    "信息化项目": ["vc09_data_admin:4"],
    # vc10 culture and tourism group
    "门票收入": ["vc10_culture_tourism:4"],
    "文物保护": ["vc10_culture_tourism:5"],
    "对外担保": ["vc10_culture_tourism:10"],
    "闲置": ["vc10_culture_tourism:2"],
    # across the corpus: the genre's general terms
    "公务接待": [
        "vc01_sports:6",
        "vc03_tobacco:5",
        "vc04_meteorology:5",
        "vc05_insurance:7",
        "vc10_culture_tourism:7",
    ],
    "津补贴": [
        "vc03_tobacco:6",
        "vc05_insurance:6",
        "vc07_supply_coop:6",
        "vc06_party_school:5",
    ],
    "上轮巡察整改": [
        "vc02_statistics:8",
        "vc03_tobacco:9",
        "vc07_supply_coop:9",
        "vc08_youth_league:9",
        "vc09_data_admin:9",
        "vc10_culture_tourism:10",
    ],
    "资格审核": ["vc08_youth_league:3", "vc02_statistics:5", "vc08_youth_league:5"],
}


# Queries whose relevant problem is found only by its type (the concept band), ranked below
# every literal match, when more than 20 problems hold the word or a thesaurus alternative.
# The reading stands; these are the ranks the search gives (gaps, see the report).
QUERY_GAPS: dict[str, list[str]] = {
    # 讲课费/课酬 are paid for teaching, tagged allowances; 津补贴's expansion is pinned by
    # tests/test_thesaurus.py, and 20+ problems say 津补贴 or one of its narrower words.
    "津补贴": ["vc06_party_school:5"],
    # 记账补贴发放把关不严 names no eligibility word; 23 problems are eligibility checks.
    "资格审核": ["vc02_statistics:5"],
}


# Written after the tagger run, when the new types existed: a query naming a new type (or
# one of its trigger words) finds that type's problems whatever words they use.
CONCEPT_QUERIES: dict[str, list[str]] = {
    "烟草专卖": ["vc03_tobacco:2", "vc03_tobacco:3", "vc03_tobacco:4", "vc03_tobacco:9"],
    "保险理赔": ["vc05_insurance:3", "vc05_insurance:4", "vc05_insurance:5"],
    "物资储备": ["vc07_supply_coop:3"],
    "信息化建设": ["vc09_data_admin:2", "vc09_data_admin:4"],
}


@cache
def _notice(path: Path) -> Notice:
    return archive.parse_file(path)


def test_table_covers_every_problem_of_every_corpus_notice() -> None:
    assert {p.stem for p in CORPUS_FILES} == set(EXPECTED)
    for path in CORPUS_FILES:
        ns = {p.n for p in _notice(path).problems}
        assert ns == set(EXPECTED[path.stem]), path.name
        assert 2500 <= len(path.read_text(encoding="utf-8")) <= 6000, path.name
    tables = (QUERIES, QUERY_GAPS, CONCEPT_QUERIES)
    wanted = {ref for q in tables for refs in q.values() for ref in refs}
    assert all(int(r.split(":")[1]) in EXPECTED[r.split(":")[0]] for r in wanted)


def _problem(stem: str, n: int):
    path = next(p for p in CORPUS_FILES if p.stem == stem)
    return next(p for p in _notice(path).problems if p.n == n)


def test_every_code_in_the_table_is_in_the_taxonomy() -> None:
    assert unknown_codes(EXPECTED, KNOWN_DEVIATIONS) == set()


@pytest.mark.parametrize(
    ("stem", "n"), [(s, n) for s, t in EXPECTED.items() for n in t], ids=lambda v: str(v)
)
def test_item_types(stem: str, n: int) -> None:
    problem = _problem(stem, n)
    wanted = wanted_types(EXPECTED, KNOWN_DEVIATIONS, stem, n)
    assert set(taxonomy.tag_problem(problem)) == wanted, problem.title


def test_deviations_are_few() -> None:
    """Most extras are broad types the statement names literally; misses stay rare."""
    tp, fp, fn = agreement(EXPECTED, _problem)
    assert tp / (tp + fp) >= 0.75
    assert tp / (tp + fn) >= 0.92


def test_every_corpus_problem_is_searched(vocabulary_ids: dict[str, str]) -> None:
    wanted = {f"{stem}:{n}" for stem, items in EXPECTED.items() for n in items}
    assert wanted <= set(vocabulary_ids)


@pytest.mark.parametrize(
    ("query", "wanted"),
    list(QUERIES.items()) + list(CONCEPT_QUERIES.items()),
    ids=list(QUERIES) + list(CONCEPT_QUERIES),
)
def test_query_finds_its_problems_in_the_top_20(
    vocabulary_index: NoticeIndex, vocabulary_ids: dict[str, str], query: str, wanted: list[str]
) -> None:
    top = [h.id for h in vocabulary_index.search(query, per_page=20).hits]
    missed = [w for w in wanted if vocabulary_ids[w] not in top]
    assert missed == QUERY_GAPS.get(query, []), query


@pytest.mark.parametrize(("query", "gaps"), list(QUERY_GAPS.items()), ids=list(QUERY_GAPS))
def test_query_gaps_are_found_by_their_type_below_the_literal_matches(
    vocabulary_index: NoticeIndex, vocabulary_ids: dict[str, str], query: str, gaps: list[str]
) -> None:
    hits = vocabulary_index.search(query, per_page=60).hits
    ids = [h.id for h in hits]
    for ref in gaps:
        hit = hits[ids.index(vocabulary_ids[ref])]
        assert hit.concepts, ref


S, N = "synonym", "narrower"


@pytest.mark.parametrize(
    ("word", "alternatives"),
    [
        # official vs colloquial names of a sector's process, fund or offence
        ("体彩公益金", [("彩票公益金", S), ("体育彩票公益金", S)]),
        ("以罚代刑", [("以罚代移", S), ("有案不移", S)]),
        ("零售许可证", [("卷烟零售许可证", S), ("烟草专卖零售许可证", S)]),
        ("人情货源", [("关系货源", S), ("人情烟", S)]),
        ("气象预警", [("气象灾害预警", S), ("天气预警", S)]),
        ("人影作业", [("人工影响天气作业", S)]),
        ("农险", [("农业保险", S), ("政策性农业保险", S)]),
        ("虚假理赔", [("骗取理赔款", S), ("骗赔", S)]),
        ("数据烟囱", [("数据壁垒", S), ("信息孤岛", S), ("烟囱林立", S)]),
        ("多头跑", [("来回跑", S), ("多次跑", S), ("跑多次", S)]),
        ("基层社", [("基层供销社", S), ("基层供销合作社", S)]),
        ("化肥淡储", [("化肥储备", S), ("化肥淡季储备", S), ("化肥商业储备", S)]),
        ("团费", [("团费收缴", S), ("团费缴纳", S)]),
        ("竞聘上岗", [("竞争上岗", S), ("公开竞聘", S)]),
        ("门票收入", [("票务收入", S), ("门票款", S)]),
        # broader > narrower, one level down, with the narrower terms' synonyms
        (
            "骗保",
            [("欺诈骗保", S), ("骗取医保基金", S)]
            + [("虚假理赔", N), ("骗取理赔款", N), ("骗赔", N), ("虚假承保", N)]
            + [("骗取保险金", N)],
        ),
        (
            "防雷",
            [("防雷许可", N), ("防雷装置设计审核", N), ("防雷装置竣工验收", N)]
            + [("防雷检测", N), ("防雷装置", N)],
        ),
        (
            "公益金",
            [("彩票公益金", N), ("体彩公益金", N), ("体育彩票公益金", N)]
            + [("福彩公益金", N), ("福利彩票公益金", N)],
        ),
        ("学术不端", [("学术失范", S), ("科研造假", N), ("成果造假", N), ("抄袭剽窃", N)]),
    ],
)
def test_sector_terms_expand_exactly(word: str, alternatives: list[tuple[str, str]]) -> None:
    assert load_thesaurus().expand(word) == alternatives


@pytest.mark.parametrize(
    ("sentence", "whole"),
    [
        ("部分体彩公益金用于机关日常运转", ["体彩公益金"]),
        ("彩票公益金使用管理不规范", ["彩票公益金"]),
        ("住户调查记账户补贴发放把关不严", ["住户调查", "记账户"]),
        ("卷烟零售许可证审批把关不严", ["零售许可证"]),
        ("客户经理人情货源倾斜分配", ["人情货源"]),
        ("烟叶收购人情级问题反弹", ["人情级"]),
        ("人工影响天气作业安全管理不到位", ["人工影响天气"]),
        ("人工增雨作业点弹药存储不规范", ["人工增雨"]),
        ("防雷装置设计审核不规范", ["防雷装置"]),
        ("气象灾害预警信息发布不及时", ["气象灾害预警"]),
        ("车险虚假理赔查处不力", ["虚假理赔"]),
        ("政策性农业保险套取保费补贴", ["农业保险", "保费补贴"]),
        ("讲坛有纪律执行不严", ["讲坛有纪律"]),
        ("主体班学员管理不严", ["主体班"]),
        ("部分基层社成为空壳社", ["空壳社"]),
        ("社有资产账实不符、社有企业经营混乱", ["社有资产", "社有企业"]),
        ("基层团组织建设薄弱", ["基层团组织"]),
        ("部门数据烟囱林立", ["烟囱林立"]),
        ("政务服务好差评落实不到位", ["好差评"]),
        ("社会体育指导员认定把关不严", ["社会体育指导员"]),
        ("业余体校运动员伙食补助", ["业余体校"]),
    ],
)
def test_sector_terms_stay_whole_words(sentence: str, whole: list[str]) -> None:
    got = [w for w, _, _ in words(sentence)]
    assert [w for w in whole if w not in got] == [], got


# Sector words for familiar problems beyond the corpus notices, in the sectors' own
# words: each short title must get exactly these types.
SECTOR_TITLES = [
    ("福彩公益金挪作他用", {"special_funds", "fund_misuse"}),
    ("彩票公益金用于弥补办公经费", {"special_funds", "fund_misuse"}),
    ("专项资金用于发放福利", {"allowances", "special_funds", "fund_misuse"}),
    ("停车费收入未及时入账", {"finance", "revenue_management"}),
    ("烟草专卖零售许可证核发不规范", {"administrative_approval", "tobacco_monopoly"}),
    ("涉烟违法案件查处不力", {"tobacco_monopoly"}),
    ("农业保险虚假承保", {"insurance_business"}),
    ("车险理赔时效慢", {"insurance_business"}),
    ("保费补贴资金拨付滞后", {"special_funds", "agri_subsidies"}),
    ("政务数据共享不畅", {"informatization"}),
    ("信息化项目重复建设", {"informatization"}),
    ("化肥淡储任务落实不到位", {"commodity_reserves"}),
    ("应急物资储备不足", {"emergency_response", "commodity_reserves"}),
    ("团费收缴不规范", {"party_dues"}),
    ("气象灾害预警信息发布滞后", {"emergency_response"}),
    ("作业安全管理不到位", {"safety_emergency"}),
    ("主题党日活动与业务工作结合不紧", {"org_life", "party_business_integration"}),
    ("亲属与本单位存在业务往来", {"conflict_of_interest"}),
    ("培训期间列支旅游费用", {"public_travel", "finance"}),
    ("课程设置不合理", {"school_management"}),
    ("技术等级证书审批把关不严", {"administrative_approval"}),
    ("教师职称评聘把关不严", {"performance_appraisal"}),
    ("科研成果造假", {"research_funds"}),
    ("基层团组织覆盖率低", {"party_building"}),
]


@pytest.mark.parametrize(("title", "codes"), SECTOR_TITLES, ids=[t[0] for t in SECTOR_TITLES])
def test_sector_titles_get_their_types(title: str, codes: set[str]) -> None:
    assert set(taxonomy.tag(title)) == codes
