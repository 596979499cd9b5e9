"""Organisations, inspectors, dates and the fixed parts of a generated notice.

Units are unit types × real places from the gazetteer; the inspecting body matches the
unit's level (省委…巡视组 for provincial units, 市委/区委/县委…巡察组 below).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import date, timedelta

from bench.pool import Place, Pool

PROVINCE_UNITS = (
    ("农业农村厅", "党组"),
    ("财政厅", "党组"),
    ("民政厅", "党组"),
    ("交通运输厅", "党组"),
    ("水利厅", "党组"),
    ("审计厅", "党组"),
    ("林业局", "党组"),
    ("体育局", "党组"),
    ("地质矿产勘查局", "党委"),
    ("红十字会", "党组"),
    ("残疾人联合会", "党组"),
    ("社会科学院", "党组"),
    ("农业科学院", "党委"),
    ("机关事务管理局", "党组"),
)
CITY_UNITS = (
    ("民政局", "党组"),
    ("财政局", "党组"),
    ("市场监督管理局", "党组"),
    ("交通运输局", "党组"),
    ("水务局", "党组"),
    ("审计局", "党组"),
    ("统计局", "党组"),
    ("医疗保障局", "党组"),
    ("农业农村局", "党组"),
    ("住房和城乡建设局", "党组"),
    ("文化和旅游局", "党组"),
    ("教育局", "党组"),
    ("应急管理局", "党组"),
    ("人力资源和社会保障局", "党组"),
    ("自然资源和规划局", "党组"),
    ("退役军人事务局", "党组"),
    ("卫生健康委员会", "党组"),
    ("发展和改革委员会", "党组"),
    ("红十字会", "党组"),
    ("残疾人联合会", "党组"),
    ("总工会", "党组"),
    ("妇女联合会", "党组"),
    ("科学技术协会", "党组"),
    ("机关事务管理局", "党组"),
    ("供销合作社", "党组"),
    ("人民医院", "党委"),
    ("中医院", "党委"),
    ("妇幼保健院", "党委"),
    ("第一中学", "党委"),
    ("图书馆", "党支部"),
    ("城市建设投资集团有限公司", "党委"),
    ("公共交通集团有限公司", "党委"),
)
COUNTY_UNITS = CITY_UNITS[:25] + (
    ("人民医院", "党委"),
    ("第一中学", "党总支"),
    ("实验小学", "党支部"),
    ("城市建设投资有限公司", "党支部"),
)
TOWNS = (
    "城关 新华 东风 青山 柳溪 石桥 白沙 黄田 龙泉 桃源 平安 长安 兴隆 永丰 新民 红星 金山"
    " 大河 双河 马坪 古城 安乐 太平 高桥 罗田 花园 清水 松林 杨柳 三岔"
).split()
VILLAGES = (
    "青杠岭 李家 王庄 张湾 刘坪 陈庄 杨树 石门 桥头 何家湾 新庄 东岳 西沟 南塘 北坡 马家"
    " 黄泥 白果 竹林 杏花"
).split()
ROADS = "人民路 解放路 建设路 中山路 文化路 新华路 胜利路 长江路 黄河路 和平路 府前街".split()
SESSIONS = ("七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五")
DISCLOSURES = (
    "按照党务公开原则和{w}工作有关要求，现将{w}整改情况予以公布。",
    "按照{w}工作有关要求，现将{w}整改进展情况予以公开。",
    "{a}对反馈意见照单全收、逐条整改，现将整改情况通报如下。",
    "按照党务公开和{w}工作有关要求，现将{w}整改进展情况予以公布。",
)
NEXT_PARAGRAPHS = (
    "{a}将坚持目标不变、标准不降、力度不减，持续巩固{w}整改成果。一是对已完成整改的问题定期开展"
    "复查，防止反弹回潮；二是对需要长期坚持的整改事项，建立长效机制，持续推进；三是把{w}整改与"
    "推进中心工作结合起来，以整改实效推动各项工作落实。",
    "{a}将在巩固{w}整改阶段性成果的基础上，坚持抓常抓长、举一反三、标本兼治，持续抓好后续整改，"
    "对已完成整改的事项，着力建立健全长效机制，坚决防止问题反弹、回潮；对持续整改的事项，紧盯"
    "不放、务求实效。",
)


CN_ORD = "一二三四五六七八九十"


def cn(n: int) -> str:
    """1–99 in Chinese numerals (十五, 二十三)."""
    if n <= 10:
        return CN_ORD[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_ORD[tens - 1]) + "十" + (CN_ORD[ones - 1] if ones else "")


@dataclass(frozen=True)
class Org:
    full: str  # 宜宾市叙州区农业农村局
    abbr: str  # 区农业农村局
    party: str  # 党组 / 党委 / 党总支 / 党支部 / 党工委
    level: str  # province / city / county / town / village
    place: Place
    scope: str  # 省委 / 市委 / 区委 / 县委
    word: str  # 巡视 / 巡察


@dataclass
class Texts:
    title_lines: list[str]
    header: str
    org_heading: str
    org_paragraphs: list[str]
    problem_heading: str
    next_heading: str
    next_paragraph: str
    closing: list[str]
    signature: str
    published: tuple[int, int, int]


def make_org(pool: Pool, rng: random.Random) -> Org:
    level = rng.choices(
        ("province", "city", "county", "town", "village"), weights=(8, 35, 40, 10, 7)
    )[0]
    place = rng.choice(pool.places)
    if level == "province":
        province = rng.choice(pool.provinces)
        unit, party = rng.choice(PROVINCE_UNITS)
        p = Place(province, "", "", place.area_code)
        return Org(province + unit, "省" + unit, party, level, p, "省委", "巡视")
    if level == "city" or not place.county:
        unit, party = rng.choice(CITY_UNITS)
        p = Place(place.province, place.city, "", place.area_code)
        return Org(place.city + unit, "市" + unit, party, "city", p, "市委", "巡察")
    county = place.county
    scope = "区委" if county.endswith("区") else "县委"
    if level == "county":
        unit, party = rng.choice(COUNTY_UNITS)
        return Org(
            place.city + county + unit, county[-1] + unit, party, level, place, scope, "巡察"
        )
    town = rng.choice(TOWNS)
    if level == "town":
        kind, party = ("街道", "党工委") if county.endswith("区") else ("镇", "党委")
        return Org(county + town + kind, town + kind, party, level, place, scope, "巡察")
    village = rng.choice(VILLAGES) + "村"
    return Org(county + town + "镇" + village, village, "党支部", level, place, scope, "巡察")


def _inspector(org: Org, rng: random.Random) -> tuple[str, str, str]:
    """(inspecting body, how the header names the inspection, the round phrase)."""
    n = rng.randint(1, 12)
    r = rng.randint(1, 12)
    session = rng.choice(SESSIONS)
    w, s = org.word, org.scope
    round_phrase = f"{session}届{s}第{cn(r)}轮{w}"
    if org.level == "province":
        return f"{s}第{cn(n)}{w}组", rng.choice(("常规巡视", "专项巡视", "巡视")), round_phrase
    roll = rng.random()
    if roll < 0.45:
        return f"{s}第{cn(n)}巡察组", rng.choice(("常规巡察", "巡察", "专项巡察")), round_phrase
    if roll < 0.65:
        return f"{round_phrase}第{cn(n)}巡察组", "常规巡察", round_phrase
    if roll < 0.75:
        return f"{s}第{cn(n)}联动巡察组", "村级巡察" if org.level == "village" else "巡察", ""
    if roll < 0.85:
        return f"{s}机动巡察组", "机动巡察", ""
    if roll < 0.92:
        return f"{s}第{cn(n)}巡察组", "巡察“回头看”", round_phrase
    return f"{s}第{cn(n)}巡察组", "交叉巡察", round_phrase


def _dates(rng: random.Random) -> tuple[date, date, date, date]:
    start = date(2019, 1, 7) + timedelta(days=rng.randint(0, 2350))
    end = start + timedelta(days=rng.randint(20, 60))
    feedback = end + timedelta(days=rng.randint(15, 60))
    published = feedback + timedelta(days=rng.randint(30, 180))
    return start, end, feedback, published


def _period(start: date, end: date, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.1 and start.year == end.year:

        def part(d: date) -> str:
            return "上旬" if d.day <= 10 else "中旬" if d.day <= 20 else "下旬"

        return f"{start.year}年{start.month}月{part(start)}至{end.month}月{part(end)}"
    head = f"{start.year}年{start.month}月{start.day}日"
    sep = "—" if roll < 0.2 else "至"
    if start.year != end.year or rng.random() < 0.2:
        return f"{head}{sep}{end.year}年{end.month}月{end.day}日"
    return f"{head}{sep}{end.month}月{end.day}日"


def _phone(org: Org, rng: random.Random) -> str:
    code = org.place.area_code
    digits = 8 if len(code) == 3 else 7
    number = str(rng.randint(2, 8)) + "".join(rng.choice(string.digits) for _ in range(digits - 1))
    return code + rng.choice(("-", "-", "—", "－")) + number


def _email(rng: random.Random) -> str:
    user = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 10)))
    if rng.random() < 0.4:
        user += "_xc"
    return user + "@" + rng.choice(("example.gov.cn", "163.com", "126.com", "example.cn"))


def _address(org: Org, rng: random.Random) -> str:
    p = org.place
    where = p.province + (p.city if p.city != p.province else "") + p.county
    return f"{where}{rng.choice(ROADS)}{rng.randint(1, 300)}号"


def org_texts(org: Org, rng: random.Random, n_problems: int, n_cats: int) -> Texts:
    w = org.word
    a = org.abbr + org.party
    inspector, kind, round_phrase = _inspector(org, rng)
    start, end, feedback, published = _dates(rng)
    # Title
    party_full = "中共" + org.full + ("支部委员会" if org.party == "党支部" else org.party)
    core = rng.choice(
        (
            f"{org.scope}{w}整改情况",
            f"{round_phrase or org.scope + w}整改进展情况",
            f"{org.scope}{w}反馈意见整改情况",
            f"{w}整改情况",
        )
    )
    title = f"{party_full}关于{core}的通报"
    roll = rng.random()
    if roll < 0.75:
        title_lines = [title]
    elif roll < 0.85:
        cut = title.index("关于") + 2 + max(2, (len(title) - title.index("关于")) // 3)
        title_lines = [title[:cut], title[cut:]]
    else:
        title_lines = []
    # Header
    basis = rng.choice(
        (
            f"根据{org.scope}统一部署",
            f"根据{org.scope}{w}工作统一部署",
            f"根据{round_phrase}工作统一部署" if round_phrase else f"根据{org.scope}统一部署",
        )
    )
    fb = f"{feedback.month}月{feedback.day}日"
    if rng.random() < 0.7 or feedback.year != end.year:
        fb = f"{feedback.year}年{fb}"
    short = rng.choice((inspector, f"{org.scope}{w}组", f"{w}组"))
    header = (
        f"{basis}，{_period(start, end, rng)}，{inspector}对{a}开展了{kind}。"
        f"{fb}，{short}向{a}反馈了{w}意见。" + rng.choice(DISCLOSURES).format(w=w, a=a)
    )
    # Organisation section
    measures = n_problems * rng.randint(3, 5)
    rules = rng.randint(3, 25)
    done = rng.randint(max(0, n_problems - 4), n_problems)
    org_heading = rng.choice(
        (
            f"一、{w}整改工作开展情况",
            "一、整改工作组织情况",
            "一、整改工作总体情况",
            f"一、提高政治站位，扎实推进{w}整改",
        )
    )
    cutoff = feedback + timedelta(days=rng.randint(20, 25))
    aspects = "两" if n_cats == 2 else cn(n_cats)
    paragraphs = [
        f"{a}把{w}整改作为重大政治任务，成立由{org.party}书记任组长的整改工作领导小组，逐条研究"
        f"反馈意见，对照反馈的{aspects}个方面{n_problems}个问题，制定整改措施{measures}条，"
        "明确责任领导、责任科室和完成时限，实行清单管理、销号落实。",
    ]
    if rng.random() < 0.6:
        paragraphs.append(
            f"截至{cutoff.year}年{cutoff.month}月{cutoff.day}日，{n_problems}个问题已完成整改"
            f"{done}个，正在推进{n_problems - done}个；建立完善制度{rules}项。"
        )
    problem_heading = rng.choice(
        (f"二、{w}反馈问题整改情况", f"二、{w}反馈问题整改落实情况", "二、反馈问题整改情况")
    )
    next_heading = rng.choice(("下一步工作打算", "下一步工作措施", "下一步工作计划"))
    # Closing
    phone = _phone(org, rng)
    email = _email(rng)
    address = _address(org, rng)
    invite = f"欢迎广大干部群众对{w}整改落实情况进行监督。"
    if rng.random() < 0.6:
        closing = [
            f"{invite}如有意见建议，请及时向我们反映。联系电话：{phone}；电子邮箱：{email}；"
            f"邮政地址：{address}。"
        ]
    else:
        closing = [invite, f"联系电话：{phone}", f"电子邮箱：{email}", f"通讯地址：{address}"]
    signature = party_full if rng.random() < 0.6 else org.full
    return Texts(
        title_lines=title_lines,
        header=header,
        org_heading=org_heading,
        org_paragraphs=paragraphs,
        problem_heading=problem_heading,
        next_heading=next_heading,
        next_paragraph=rng.choice(NEXT_PARAGRAPHS).format(w=w, a=a),
        closing=closing,
        signature=signature,
        published=(published.year, published.month, published.day),
    )
