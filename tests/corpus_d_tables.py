"""The reading of the fourth vocabulary round (tests/data/corpus_d/vd*.txt), written by
reading each problem before any tagger or search ran on these notices: which taxonomy
types describe what went wrong, and which problems a user's keyword query must find
(topical relevance, also problems that say it in other words). Codes that no type had yet
(prison_management, religious_affairs, ethnic_affairs, funeral_cemetery,
energy_conservation) were written where nothing fitted. ``tests/test_corpus_d.py`` checks
the tagger and the search against it.

Sectors: a customs district office, a county public security bureau, a district civil
affairs bureau, a city transport bureau, a city disease control centre, a provincial coal
and energy group, a city urban construction and investment group, an ethnic and religious
affairs bureau, a government offices administration and a provincial prison.
"""

from __future__ import annotations

# notice file stem -> "n: type type  # what the problem is", one line per problem.
EXPECTED_TEXT: dict[str, str] = {
    "vd01_customs": """
        1: theory_study                          # 学习重要指示批示不深入
        2: customs_control                       # 布控查验指令未执行，未开箱即放行
        3: customs_control                       # 保税监管漏洞，保税料件擅自内销未补税
        4: customs_control administrative_approval   # 减免税审批把关不严、后续监管缺位
        5: customs_control                       # 进境检疫处理不到位，截获有害生物迟报
        6: customs_control regulation_enforcement    # 行政处罚自由裁量不规范、走私线索未移交
        7: customs_control asset_disposal        # 罚没物品处置不及时、台账与实物不符
        8: eight_rules official_reception official_cars  # 陪餐超标、查验用车公车私用
        9: cadre_selection cadre_management      # 执法关键岗位不交流、试用期满未考核
        10: previous_rectification rectification_lookback outsourcing
                                                 # 上轮指出查验辅助外包人员管理，反弹
    """,
    "vd02_public_security": """
        1: public_security                       # 接处警不规范、刑事警情降格处理
        2: public_security                       # 有案不立、立而不侦、以罚代刑
        3: public_security                       # 涉案财物未移交管理中心、暂扣车辆滞留
        4: public_security administrative_approval   # 户籍身份证办理多头跑、违规办理户口迁入
        5: public_security                       # 违规撤销交通违法记录、代扣分消分
        6: public_security recruitment           # 辅警单独执法、辅警招聘不公开
        7: public_security prison_management     # 看守所监室巡视不到位、民警违规传递信息
        8: eight_rules allowances official_cars  # 违规发放加班补贴、警车私用
        9: ideology                              # 民警自媒体账号和工作群管理不严
        10: previous_rectification rectification_lookback org_life party_business_integration
                                                 # 上轮指出派出所支部组织生活，反弹
    """,
    "vd03_civil_affairs": """
        1: social_assistance benefit_eligibility # 低保动态管理不到位、人情保关系保
        2: social_assistance                     # 临时救助审批不规范、未公示
        3: elderly_care benefit_eligibility fund_misuse
                                                 # 养老补贴审核不严，养老机构虚报入住人数
        4: disability_services benefit_eligibility   # 残疾人两项补贴死亡未停发、重复享受
        5: funeral_cemetery                      # 经营性公墓超规格墓穴、未批扩建，散埋乱葬
        6: social_organizations                  # 僵尸社会组织未注销、行业协会违规收费
        7: theory_study                          # 中心组学习随意、研讨不深入
        8: procurement special_funds             # 拆分采购规避招标、福彩公益金支出手续不全
        9: previous_rectification rectification_lookback recruitment staffing_institutions
                                                 # 上轮指出编外人员招聘不公开，反弹
    """,
    "vd04_transport_bureau": """
        1: transport_infrastructure administrative_approval  # 道路运输许可把关不严
        2: transport_infrastructure regulation_enforcement   # 治超不力、超限车辆未卸载即放行
        3: transport_infrastructure special_funds    # 公路养护资金使用不规范、计量不实
        4: transport_infrastructure              # 网约车平台无证运营、出租车经营权未收回
        5: transport_infrastructure              # 驾培机构学时造假、违规收费查处不力
        6: transport_infrastructure bidding      # 交通项目招投标设排斥条件、围标串标
        7: transport_infrastructure fund_misuse benefit_eligibility
                                                 # 燃油补贴审核不严、虚报运营里程
        8: eight_rules official_reception official_cars  # 工作餐名义超标准接待、车辆未封存
        9: party_building branch_elections org_life party_business_integration
                                                 # 支部未按期换届、三会一课走形式
        10: previous_rectification rectification_lookback engineering_projects
            transport_infrastructure             # 上轮指出工程质量抽检不足，整改不彻底
    """,
    "vd05_cdc": """
        1: theory_study first_topic              # 第一议题以传达文件为主
        2: ideology publicity                    # 公众号、宣传折页审核不严出现错误
        3: health_services                       # 传染病报告卡审核迟、网络直报督导不力
        4: health_services                       # 疫苗出入库账实不符、冷链温度记录缺失
        5: health_services safety_emergency      # 实验室生物安全、菌毒种保藏登记不全
        6: health_services                       # 职业健康检查报告超时、疑似职业病告知迟
        7: health_services special_funds         # 公共卫生项目资金拨付滞后、结余沉淀
        8: revenue_management finance            # 自立项目超标准收检测费、收入未缴专户
        9: eight_rules allowances official_reception # 加班补助名义发津补贴、接待无公函
        10: previous_rectification rectification_lookback research_funds
                                                 # 上轮指出科研经费报销无关费用，未改彻底
    """,
    "vd06_coal_group": """
        1: theory_study                          # 中心组学习能源安全论述不深入
        2: energy_supply                         # 电煤长协履约率低、保供不到位
        3: safety_emergency                      # 瓦斯抽采达标评判不严、隐患排查走过场
        4: safety_emergency special_funds fund_misuse  # 安全费用提取不足、挪作他用
        5: energy_supply soe_investment          # 煤炭销售经中间贸易商、低价让利
        6: procurement bidding                   # 大宗物资规避招标、单一来源比例高
        7: engineering_projects project_settlement   # 未批先建、违法分包、结算审核不严
        8: asset_disposal                        # 闲置报废资产未进场交易、评估偏低
        9: eight_rules banquets official_cars    # 工作餐名义公款吃喝、生产用车办私事
        10: cadre_selection outsourcing          # 提拔程序倒置、劳务派遣占管理岗
    """,
    "vd07_urban_investment": """
        1: theory_study first_topic              # 第一议题学习后研究部署少
        2: government_debt                       # 融资未统一审批、新增隐性债务风险
        3: engineering_projects project_settlement   # 代建管理费计取不规范、超概算未报批
        4: engineering_projects project_settlement   # 设计变更签证随意、多计工程款
        5: bidding                               # 投标文件雷同、围标串标未发现
        6: land_compensation                     # 收储拆迁补偿款台账不清、长期未兑付
        7: assets_property asset_disposal        # 门面房低价出租、闲置、租金欠缴
        8: loans_receivables collective_decision # 对外担保借款未集体决策、子公司三重一大
        9: eight_rules allowances official_cars  # 项目奖名义发津补贴、公车管理不严
        10: previous_rectification rectification_lookback org_life party_business_integration
                                                 # 上轮指出三会一课、两张皮，反弹
    """,
    "vd08_ethnic_religious": """
        1: theory_study                          # 中心组学习民族工作重要思想不系统
        2: religious_affairs ideology            # 宗教场所公众号转载境外宗教内容
        3: religious_affairs administrative_approval # 宗教场所扩建审批未勘验、先建后批
        4: religious_affairs                     # 私设聚会点关停后回潮
        5: religious_affairs                     # 宗教教职人员备案不规范
        6: religious_affairs finance             # 宗教团体财务监管缺位、功德箱收入
        7: ethnic_affairs special_funds          # 少数民族发展资金滞留、绩效验收走过场
        8: ethnic_affairs formalism_bureaucratism    # 民族团结创建重命名轻管理、突击补材料
        9: eight_rules official_reception gifts_gratuities
                                                 # 联谊活动名义列支餐费、赠送慰问品
        10: previous_rectification rectification_lookback org_life party_member_development
                                                 # 上轮指出三会一课流于形式，反弹
    """,
    "vd09_government_offices": """
        1: theory_study                          # 过紧日子论述学习不深入
        2: office_space                          # 办公用房超标、腾退不及时、闲置出租不清
        3: official_cars                         # 公车游离平台外、定点维修加油、超编车辆
        4: energy_conservation                   # 公共机构节能考核流于形式、能耗平台闲置
        5: fixed_assets asset_disposal           # 资产账实不符、报废资产自行处置
        6: procurement bidding outsourcing       # 物业合同续签未采购、拆分发包、安保外包
        7: food_safety official_reception        # 食堂账目混用、食堂列支接待费
        8: revenue_management eight_rules banquets   # 会议中心收入未上缴、优惠价宴请
        9: cadre_selection recruitment           # 中层任职未考察公示、编外招聘不公开
        10: previous_rectification rectification_lookback allowances
                                                 # 上轮指出值班补助超标准，整改不彻底
    """,
    "vd10_prison": """
        1: theory_study                          # 中心组以读文件代替研讨
        2: prison_management                     # 减假暂把关不严、计分考核依据不足
        3: prison_management food_safety medical_services
                                                 # 罪犯伙食费未足额使用、药品出入库混乱
        4: prison_management                     # 安检流于形式、手机流入监区
        5: prison_management attendance_discipline   # 夜间脱岗睡岗、警戒设施维护不到位
        6: prison_management                     # 亲情电话审批监听不全、特许会见
        7: prison_management collective_decision loans_receivables
                                                 # 外协项目未集体研究、加工费长期挂账
        8: eight_rules official_reception official_cars  # 业务费名义列支接待、警车私用
        9: party_building org_life cadre_management  # 监区支部弱化、民警管理宽松软
        10: previous_rectification rectification_lookback prison_management
                                                 # 上轮指出罪犯劳动报酬发放不及时，未改彻底
    """,
}

# query -> the problems ("stem:n") it must find among the first 20 hits, whatever words they
# use (a type's name, a colloquial word, a broader or an official term).
QUERIES: dict[str, list[str]] = {
    # vd01 customs
    "走私": ["vd01_customs:6"],
    "查验放行": ["vd01_customs:2"],
    "保税监管": ["vd01_customs:3"],
    "减免税": ["vd01_customs:4"],
    "检疫": ["vd01_customs:5"],
    "罚没物品": ["vd01_customs:7"],
    # vd02 public security
    "接处警": ["vd02_public_security:1"],
    "有案不立": ["vd02_public_security:2"],
    "涉案财物": ["vd02_public_security:3"],
    "户口迁入": ["vd02_public_security:4"],
    "消分": ["vd02_public_security:5"],
    "辅警": ["vd02_public_security:6"],
    "看守所": ["vd02_public_security:7"],
    # vd03 civil affairs
    "低保": ["vd03_civil_affairs:1"],
    "人情保": ["vd03_civil_affairs:1"],
    "临时救助": ["vd03_civil_affairs:2"],
    "养老补贴": ["vd03_civil_affairs:3"],
    "残疾人补贴": ["vd03_civil_affairs:4"],
    "殡葬": ["vd03_civil_affairs:5"],
    "公墓": ["vd03_civil_affairs:5"],
    "社会组织年检": ["vd03_civil_affairs:6"],
    "福彩公益金": ["vd03_civil_affairs:8"],
    # vd04 transport bureau
    "道路运输许可": ["vd04_transport_bureau:1"],
    "治超": ["vd04_transport_bureau:2"],
    "超限超载": ["vd04_transport_bureau:2"],
    "公路养护资金": ["vd04_transport_bureau:3"],
    "网约车": ["vd04_transport_bureau:4"],
    "驾校": ["vd04_transport_bureau:5"],
    "燃油补贴": ["vd04_transport_bureau:7"],
    # vd05 disease control centre
    "传染病报告": ["vd05_cdc:3"],
    "疫苗管理": ["vd05_cdc:4"],
    "冷链": ["vd05_cdc:4"],
    "生物安全": ["vd05_cdc:5"],
    "职业病": ["vd05_cdc:6"],
    "公共卫生资金": ["vd05_cdc:7"],
    "检测收费": ["vd05_cdc:8"],
    "科研经费": ["vd05_cdc:10"],
    # vd06 coal and energy group
    "电煤保供": ["vd06_coal_group:2"],
    "瓦斯": ["vd06_coal_group:3"],
    "安全费用": ["vd06_coal_group:4"],
    "煤炭销售": ["vd06_coal_group:5"],
    "中间商": ["vd06_coal_group:5"],
    "单一来源采购": ["vd06_coal_group:6"],
    "违法分包": ["vd06_coal_group:7"],
    # vd07 urban construction and investment group
    "隐性债务": ["vd07_urban_investment:2"],
    "融资": ["vd07_urban_investment:2"],
    "代建": ["vd07_urban_investment:3"],
    "变更签证": ["vd07_urban_investment:4"],
    "拆迁补偿款": ["vd07_urban_investment:6"],
    "门面房出租": ["vd07_urban_investment:7"],
    "对外担保": ["vd07_urban_investment:8"],
    # vd08 ethnic and religious affairs bureau
    "宗教活动场所": ["vd08_ethnic_religious:2", "vd08_ethnic_religious:3"],
    "私设聚会点": ["vd08_ethnic_religious:4"],
    "非法宗教活动": ["vd08_ethnic_religious:4"],
    "教职人员": ["vd08_ethnic_religious:5"],
    "功德箱": ["vd08_ethnic_religious:6"],
    "少数民族发展资金": ["vd08_ethnic_religious:7"],
    "民族团结": ["vd08_ethnic_religious:8"],
    # vd09 government offices administration
    "办公用房": ["vd09_government_offices:2"],
    "公车平台": ["vd09_government_offices:3"],
    "节能": ["vd09_government_offices:4"],
    "能耗": ["vd09_government_offices:4"],
    "物业服务": ["vd09_government_offices:6"],
    "机关食堂": ["vd09_government_offices:7"],
    "会议中心": ["vd09_government_offices:8"],
    # vd10 prison
    "减刑假释": ["vd10_prison:2"],
    "计分考核": ["vd10_prison:2"],
    "罪犯伙食": ["vd10_prison:3"],
    "违禁品": ["vd10_prison:4"],
    "手机流入": ["vd10_prison:4"],
    "脱岗睡岗": ["vd10_prison:5"],
    "亲情电话": ["vd10_prison:6"],
    "监狱企业": ["vd10_prison:7", "vd10_prison:8"],
    "劳动报酬": ["vd10_prison:10"],
    # across the round: the genre's general terms, said in other words
    "公务用车": [
        "vd01_customs:8",
        "vd02_public_security:8",
        "vd04_transport_bureau:8",
        "vd06_coal_group:9",
        "vd07_urban_investment:9",
        "vd09_government_offices:3",
        "vd10_prison:8",
    ],
    "公务接待": [
        "vd01_customs:8",
        "vd04_transport_bureau:8",
        "vd05_cdc:9",
        "vd08_ethnic_religious:9",
        "vd09_government_offices:7",
        "vd10_prison:8",
    ],
    "违规发放津补贴": [
        "vd02_public_security:8",
        "vd05_cdc:9",
        "vd07_urban_investment:9",
        "vd09_government_offices:10",
    ],
    "虚报冒领": ["vd03_civil_affairs:3", "vd04_transport_bureau:7"],
    "围标串标": ["vd04_transport_bureau:6", "vd07_urban_investment:5"],
    "未批先建": ["vd06_coal_group:7", "vd08_ethnic_religious:3"],
    "化整为零": ["vd03_civil_affairs:8", "vd09_government_offices:6"],
    "资产处置": ["vd06_coal_group:8", "vd09_government_offices:5"],
    "账实不符": ["vd01_customs:7", "vd05_cdc:4", "vd09_government_offices:5"],
    "外包人员": ["vd01_customs:10", "vd09_government_offices:6"],
    "非税收入": ["vd05_cdc:8", "vd09_government_offices:8"],
    "上轮巡察整改不彻底": [
        "vd01_customs:10",
        "vd02_public_security:10",
        "vd03_civil_affairs:9",
        "vd04_transport_bureau:10",
        "vd05_cdc:10",
        "vd07_urban_investment:10",
        "vd08_ethnic_religious:10",
        "vd09_government_offices:10",
        "vd10_prison:10",
    ],
}
