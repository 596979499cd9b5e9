"""The fourth vocabulary round (tests/data/corpus_d/vd*.txt): ten invented notices in sectors
no other test notice covers. The reading (``tests/corpus_d_tables.py``) was written before
any tagger or search ran on them; this module checks the knowledge grown from them against
it, and says where the tagger is known to differ, and why.

Before the knowledge was grown, the tagger agreed with the reading at precision 0.575 and
recall 0.711 (138 right, 102 extra, 56 missed): what a sector nobody has read looks like.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

import archive
from archive.model import Notice
from indexer import taxonomy
from indexer.searching import NoticeIndex
from tests.corpus_d_tables import EXPECTED_TEXT, QUERIES
from tests.corpustables import agreement, unknown_codes, wanted_types
from tests.test_taxonomy import _parse_expected

REPO = Path(__file__).resolve().parents[1]
CORPUS_FILES = sorted((REPO / "tests" / "data" / "corpus_d").glob("vd*.txt"))
EXPECTED = {stem: _parse_expected(text) for stem, text in EXPECTED_TEXT.items()}

# (notice, n) -> (types the tagger adds, types it misses), each with the reason.
KNOWN_DEVIATIONS: dict[tuple[str, int], tuple[set[str], set[str]]] = {
    # -- the statement literally names another type's trigger; the reading did not count it
    # X流于形式 / 走过场 are formalism triggers (tests/test_corpus_a.py pins study for show).
    ("vd01_customs", 5): ({"formalism_bureaucratism"}, set()),
    ("vd06_coal_group", 3): ({"formalism_bureaucratism", "work_safety_regulation"}, set()),
    ("vd08_ethnic_religious", 7): ({"formalism_bureaucratism"}, set()),
    ("vd08_ethnic_religious", 10): ({"formalism_bureaucratism", "party_building"}, set()),
    ("vd09_government_offices", 4): ({"formalism_bureaucratism"}, set()),
    ("vd10_prison", 4): ({"formalism_bureaucratism"}, set()),
    ("vd10_prison", 5): ({"formalism_bureaucratism", "work_style"}, set()),  # 脱岗
    # 指示批示 of a study item: carrying out instructions.
    ("vd01_customs", 1): ({"customs_control", "decision_implementation"}, set()),
    ("vd10_prison", 1): ({"decision_implementation", "prison_management"}, set()),
    # 涉案财物 is a custodial-funds trigger by design (courts' and police's seized property).
    ("vd02_public_security", 3): ({"custodial_funds"}, set()),
    # 人情保/关系保 are the genre's 群众身边不正之风; 残疾人两项补贴 is also assistance.
    ("vd03_civil_affairs", 1): ({"sector_conduct"}, set()),
    ("vd03_civil_affairs", 4): ({"social_assistance"}, set()),
    # 拨付 (of the subsidy, of the compensation money) is a special-funds trigger.
    ("vd03_civil_affairs", 3): ({"special_funds"}, set()),
    ("vd07_urban_investment", 6): ({"land_resources", "special_funds"}, set()),  # 土地收储
    # 规避公开招标 is bidding; the projects bought are elderly-care services.
    ("vd03_civil_affairs", 8): ({"bidding", "elderly_care"}, set()),
    # 行业监管 / 机构监管 are enforcement triggers: fair.
    ("vd04_transport_bureau", 4): ({"regulation_enforcement"}, set()),
    ("vd04_transport_bureau", 5): ({"regulation_enforcement", "sector_conduct"}, set()),
    ("vd04_transport_bureau", 6): ({"engineering_projects"}, set()),  # 建设项目
    ("vd04_transport_bureau", 8): ({"banquets"}, set()),  # 工作餐
    ("vd04_transport_bureau", 10): ({"construction_regulation"}, {"rectification_lookback"}),
    ("vd05_cdc", 4): ({"assets_property", "fixed_assets"}, set()),  # 账实不符 (of vaccines)
    ("vd05_cdc", 8): ({"market_supervision", "sector_conduct"}, set()),  # 检验检测, 收费
    ("vd06_coal_group", 2): ({"contracts"}, set()),  # 合同履约
    ("vd06_coal_group", 5): ({"asset_disposal"}, set()),  # 低价 (of coal sold)
    ("vd06_coal_group", 7): ({"construction_regulation"}, set()),  # 违法分包
    ("vd06_coal_group", 8): ({"assets_property"}, set()),
    ("vd08_ethnic_religious", 2): ({"publicity"}, set()),  # 公众号
    ("vd08_ethnic_religious", 4): ({"public_security"}, set()),  # 与公安联动
    ("vd08_ethnic_religious", 6): ({"collective_decision"}, set()),  # 未经集体研究
    ("vd09_government_offices", 2): (
        {"asset_disposal", "assets_property", "staffing_institutions"},
        set(),
    ),
    ("vd09_government_offices", 5): ({"assets_property"}, set()),
    ("vd09_government_offices", 6): (
        {"assets_property", "contracts", "engineering_projects"},
        set(),
    ),
    ("vd09_government_offices", 9): ({"staffing_institutions"}, set()),  # 编外聘用
    ("vd10_prison", 3): ({"accounting_basics", "procurement"}, set()),
    # -- the broad finance type's convention (入账/上缴/报销/列支/担保)
    ("vd05_cdc", 10): ({"finance", "reimbursement"}, {"rectification_lookback"}),
    ("vd07_urban_investment", 8): ({"finance"}, set()),
    ("vd09_government_offices", 8): ({"finance"}, set()),
    ("vd10_prison", 8): ({"finance", "prison_management"}, set()),  # 监狱企业 (the payer)
    # -- a sector's own word in a problem about something else (the sector is context)
    ("vd02_public_security", 9): ({"grassroots_burden", "public_security"}, set()),
    ("vd03_civil_affairs", 7): ({"social_assistance"}, set()),  # 困难群众
    ("vd04_transport_bureau", 9): ({"transport_infrastructure"}, set()),
    ("vd05_cdc", 1): ({"duty_performance", "formalism_bureaucratism", "health_services"}, set()),
    ("vd06_coal_group", 1): ({"safety_emergency"}, set()),
    ("vd07_urban_investment", 1): ({"government_debt"}, set()),
    ("vd08_ethnic_religious", 1): ({"ethnic_affairs"}, set()),
    ("vd08_ethnic_religious", 9): (
        {"allowances", "ethnic_affairs", "finance", "religious_affairs"},
        {"eight_rules"},  # names no eight-rules word
    ),
    ("vd10_prison", 9): ({"prison_management"}, set()),  # 监区党支部
    # 两张皮 is a party-building and an integration trigger.
    ("vd02_public_security", 10): (
        {"party_building", "public_security"},
        {"rectification_lookback"},
    ),
    ("vd07_urban_investment", 10): ({"party_building"}, set()),
    ("vd09_government_offices", 1): ({"party_building", "party_business_integration"}, set()),
    # -- what the knowledge format cannot say without harming other notices
    # 罚没物品 are also courts' and regulators' (a customs word would be needed); 罚没 is a
    # revenue trigger.
    ("vd01_customs", 7): ({"revenue_management"}, {"customs_control"}),
    # 治超 is read as enforcement here but not 驾培 (vd04:5): the reading is not consistent.
    ("vd04_transport_bureau", 2): (set(), {"regulation_enforcement"}),
    # A canteen charged with reception costs is vetoed as food safety (接待费 excludes it).
    ("vd09_government_offices", 7): ({"banquets", "finance", "procurement"}, {"food_safety"}),
    # 整改不彻底 without a rebound word is not the look-back type (other corpora agree).
    ("vd09_government_offices", 10): (set(), {"rectification_lookback"}),
    ("vd10_prison", 10): (set(), {"rectification_lookback"}),
}

# Queries whose relevant problems are found only below the first 20 (the reading stands):
# more than 20 problems of the whole vocabulary index hold the words, and these say it
# otherwise. Each is still found in the first 60.
QUERY_GAPS: dict[str, list[str]] = {
    # 20 problems hold 公车/公务用车; 生产用车办理私事 is found by its type just below them.
    "公务用车": ["vd06_coal_group:9"],
    # 26 problems hold 违规发放…津补贴 (or 加班费, 值班补贴…); these two say 发放加班补贴.
    "违规发放津补贴": ["vd02_public_security:8", "vd09_government_offices:10"],
    # Typed as one word it is a literal phrase (3 problems hold it); the previous-round type
    # finds 37 more, those of the other corpora first: all nine are below the first page.
    "上轮巡察整改不彻底": QUERIES["上轮巡察整改不彻底"],
}


@cache
def _notice(path: Path) -> Notice:
    return archive.parse_file(path)


def _problem(stem: str, n: int):
    path = next(p for p in CORPUS_FILES if p.stem == stem)
    return next(p for p in _notice(path).problems if p.n == n)


def test_table_covers_every_problem_of_every_notice() -> None:
    assert {p.stem for p in CORPUS_FILES} == set(EXPECTED)
    for path in CORPUS_FILES:
        notice = _notice(path)
        assert {p.n for p in notice.problems} == set(EXPECTED[path.stem]), path.name
        assert not [w for w in notice.warnings if "通报称反馈问题" in w], path.name
        assert 2500 <= len(path.read_text(encoding="utf-8")) <= 6000, path.name
    wanted = {ref for refs in QUERIES.values() for ref in refs}
    assert all(int(r.split(":")[1]) in EXPECTED[r.split(":")[0]] for r in wanted)


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
    """Most extras are types the statement names literally; misses stay rare."""
    tp, fp, fn = agreement(EXPECTED, _problem)
    assert tp / (tp + fp) >= 0.68
    assert tp / (tp + fn) >= 0.92


def test_every_problem_is_searched(round_d_ids: dict[str, str]) -> None:
    wanted = {f"{stem}:{n}" for stem, items in EXPECTED.items() for n in items}
    assert wanted <= set(round_d_ids)


@pytest.mark.parametrize(("query", "wanted"), list(QUERIES.items()), ids=list(QUERIES))
def test_query_finds_its_problems_in_the_top_20(
    round_d_index: NoticeIndex, round_d_ids: dict[str, str], query: str, wanted: list[str]
) -> None:
    r = round_d_index.search(query, per_page=20)
    top = [h.id for h in [*r.hits, *r.similar][:20]]
    missed = [w for w in wanted if round_d_ids[w] not in top]
    assert missed == QUERY_GAPS.get(query, []), query


@pytest.mark.parametrize(("query", "gaps"), list(QUERY_GAPS.items()), ids=list(QUERY_GAPS))
def test_query_gaps_are_found_below_the_first_page(
    round_d_index: NoticeIndex, round_d_ids: dict[str, str], query: str, gaps: list[str]
) -> None:
    r = round_d_index.search(query, per_page=60)
    ids = [h.id for h in [*r.hits, *r.similar]]
    assert all(round_d_ids[ref] in ids for ref in gaps), query
