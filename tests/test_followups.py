"""Follow-up notices: stages from titles and openings (the data file pins them) and chains of
one unit's notices about one inspection, on invented headers and on a real archive of
invented notices (invented units, dates and figures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive import followups
from archive.followups import chain_of, chains, load_stages, stage_of
from archive.store import Archive


def notice_text(
    title: str,
    *,
    inspector: str = "县委第二巡察组",
    period: str = "2023年3月6日至4月28日",
    feedback: str = "2023年5月19日",
    kind: str = "常规巡察",
    announce: str = "巡察整改进展情况",
    problems: tuple[str, ...] = (),
    signature: str = "中共青松县林业局党组",
    signed: str = "2023年8月1日",
    unit: str = "县林业局党组",
    phone: str = "0556-8720001",
) -> str:
    """An invented notice in the common layout."""
    items = "\n".join(f"{i}.{p}" for i, p in enumerate(problems, start=1))
    return f"""{title}
根据县委统一部署,{period},{inspector}对{unit}开展了{kind}。{feedback},{inspector}向{unit}\
反馈了巡察意见。按照巡察工作有关要求,现将{announce}予以公布。
一、整改工作开展情况
局党组成立巡察整改工作领导小组,制定整改方案,定期听取整改进展汇报。
二、巡察反馈问题整改情况
(一)落实全面从严治党方面
{items}
三、下一步工作打算
局党组将持续巩固整改成果。
联系电话:{phone}。
{signature}
{signed}
"""


P_RECEPTION = (
    "针对公务接待审批不严、无公函接待问题。一是严格执行公务接待审批单和公函制度;"
    "二是每季度公示公务接待费用。"
)
P_SUBSIDY = (
    "针对林场护林员补贴发放不规范问题。一是对护林员补贴发放情况开展专项清理;"
    "二是制定护林员补贴发放办法。"
)
P_STUDY = "针对理论学习中心组学习不深入问题。一是制定年度学习计划;二是开展专题研讨。"
P_CARS = "针对公务用车使用登记不全问题。一是建立公务用车使用登记制度;二是每月核查用车记录。"
P_REVIEW_RECEPTION = (
    "针对公务接待仍存在无公函接待、审批不严问题。一是重新修订公务接待审批单制度;"
    "二是对无公函接待逐笔核查。"
)
P_SEEDLINGS = "针对苗圃苗木台账管理混乱问题。一是全面盘点苗木;二是建立苗木出入库台账。"

TITLE = "中共青松县林业局党组关于县委第三轮巡察{}的通报"


def forestry_notices() -> dict[str, str]:
    """One unit's notices: progress and completion of the 2023 inspection, a 回头看 of it in
    2025, an earlier 2020 inspection; and another unit of the same inspection."""
    return {
        "progress": notice_text(
            TITLE.format("整改进展情况"), problems=(P_RECEPTION, P_SUBSIDY, P_STUDY)
        ),
        "completion": notice_text(
            TITLE.format("集中整改情况"),
            announce="巡察集中整改情况",
            signed="2023年12月20日",
            problems=(P_SUBSIDY, P_RECEPTION, P_STUDY),
        ),
        "review": notice_text(
            "中共青松县林业局党组关于县委巡察“回头看”整改情况的通报",
            inspector="县委第一巡察组",
            period="2025年3月3日至4月11日",
            feedback="2025年5月6日",
            kind="巡察“回头看”",
            announce="巡察“回头看”整改情况",
            signed="2025年9月1日",
            problems=(P_REVIEW_RECEPTION, P_SEEDLINGS),
        ),
        "earlier": notice_text(
            "中共青松县林业局党组关于县委巡察反馈意见整改情况的通报",
            inspector="县委第四巡察组",
            period="2020年4月7日至5月29日",
            feedback="2020年6月30日",
            announce="巡察整改情况",
            signed="2020年10月9日",
            problems=(P_CARS,),
        ),
        "other_unit": notice_text(
            "中共青松县水利局党组关于县委第三轮巡察整改进展情况的通报",
            unit="县水利局党组",
            signature="中共青松县水利局党组",
            problems=(P_RECEPTION, P_CARS),
        ),
    }


def build(root: Path, texts: dict[str, str]) -> tuple[Path, dict[str, str]]:
    """Archive the texts; returns the data folder and name → notice id."""
    src = root / "src"
    src.mkdir()
    data = root / "data"
    ids = {}
    with Archive(data) as a:
        for name, text in texts.items():
            path = src / f"{name}.txt"
            path.write_text(text, encoding="utf-8")
            ids[name] = a.ingest_path(path).notice_id
    return data, ids


# -- stages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "opening", "kind", "code"),
    [
        ("中共某某局党组关于县委巡察整改进展情况的通报", "", None, "progress"),
        ("中共某某局党组关于巡察整改阶段性进展情况的通报", "", None, "progress"),
        ("中共某某局党组关于巡察集中整改情况的通报", "", None, "completion"),
        ("中共某某局党组关于县委巡察反馈意见整改情况的通报", "", None, "completion"),
        ("中共某某局党组关于巡察“回头看”整改情况的通报", "", None, "review"),
        ("中共某某局党组关于巡察整改情况的通报", "", "回头看", "review"),
        ("中共某某局党组关于巡察整改情况的通报", "", "常规、回头看", "review"),
        ("中共某某局党组关于巡察整改情况的通报", "", "专项", "completion"),
        # The title says nothing; the announcing sentence of the opening does.
        (
            "中共某某局党组关于巡察反馈意见的通报",
            "根据县委统一部署……反馈了巡察意见。现将巡察整改进展情况予以公布。",
            None,
            "progress",
        ),
        # Words of the body after the announcement are not read (听取整改进展汇报).
        (
            "中共某某局党组关于巡察反馈意见的通报",
            "现将有关情况予以公布。局党组定期听取整改进展汇报。",
            None,
            "other",
        ),
        (None, "", None, "other"),
    ],
)
def test_stage_of_title_and_opening(title, opening, kind, code) -> None:
    assert stage_of(title, opening, kind).code == code


def test_stage_words_come_from_the_data_file(tmp_path: Path) -> None:
    stages = load_stages()
    assert [s.code for s in stages] == ["review", "progress", "completion"]
    title = "中共某某局党组关于巡察整改推进情况的通报"
    assert stage_of(title, stages=stages).code == "progress"
    edited = tmp_path / "stages.tsv"
    lines = followups.STAGES_PATH.read_text(encoding="utf-8").splitlines()
    edited.write_text(
        "\n".join(line.replace(" 整改推进情况", "") for line in lines) + "\n", encoding="utf-8"
    )
    load_stages.cache_clear()
    try:
        without = load_stages(edited)
    finally:
        load_stages.cache_clear()
    assert stage_of(title, stages=without).code == "other"
    assert stage_of(title, stages=without).label == "其他"


# -- chains on invented headers ---------------------------------------------------------------


def header(nid: str, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": nid,
        "title": "中共某某县财政局党组关于巡察整改情况的通报",
        "organisation": "某某县财政局",
        "province": "甲省",
        "city": "乙市",
        "district": None,
        "inspector": "县委第一巡察组",
        "inspection_kind": "常规",
        "round": None,
        "inspection_start": None,
        "inspection_end": None,
        "feedback_date": None,
        "published_date": None,
        "opening": "",
    }
    base.update(fields)
    return base


def ids_of(found: dict, nid: str) -> list[str]:
    return [c.id for c in found.get(nid, ())]


def test_same_unit_and_inspection_chain_in_date_order() -> None:
    found = chains(
        [
            header("c", feedback_date="2022-05-01", published_date="2022-12-01"),
            header(
                "p",
                title="中共某某县财政局党组关于巡察整改进展情况的通报",
                feedback_date="2022-05-01",
                published_date="2022-08-01",
            ),
            # Same group, same round, no feedback date read: still the same inspection.
            header("x", round=3, inspection_end="2022-04-01", published_date="2023-01-05"),
            header("y", round=3, inspection_end="2022-04-01", feedback_date="2022-05-01"),
        ]
    )
    # By date: published, else feedback date (y has only that).
    assert ids_of(found, "c") == ["y", "p", "c", "x"]
    assert ids_of(found, "x") == ids_of(found, "c")
    stages = {c.id: c.stage for c in found["c"]}
    assert stages["p"] == "progress" and stages["c"] == "completion"


def test_other_units_regions_and_inspections_stay_apart() -> None:
    found = chains(
        [
            header("a", feedback_date="2022-05-01"),
            # Another unit of the same inspection.
            header("b", organisation="某某县水利局", feedback_date="2022-05-01"),
            # The same name in another city.
            header("c", city="丙市", feedback_date="2022-05-01"),
            # Another inspection of the same unit (other group, other year).
            header("d", inspector="县委第三巡察组", feedback_date="2019-07-01"),
            # Same group, other round.
            header("e", round=1, feedback_date="2024-03-01", inspection_end="2024-01-31"),
            header("f", round=2, feedback_date="2024-09-01", inspection_end="2024-07-31"),
        ]
    )
    assert found == {}


def test_a_party_prefix_and_suffix_do_not_split_a_unit() -> None:
    found = chains(
        [
            header("a", organisation="中共某某县财政局党组", feedback_date="2022-05-01"),
            header("b", organisation="某某县 财政局", feedback_date="2022-05-01"),
        ]
    )
    assert ids_of(found, "a") == ["a", "b"]


def test_a_review_joins_the_latest_earlier_inspection() -> None:
    found = chains(
        [
            header("old", inspector="县委第三巡察组", feedback_date="2018-06-01"),
            header("p", feedback_date="2021-05-01", published_date="2021-09-01"),
            header("c", feedback_date="2021-05-01", published_date="2021-12-01"),
            header(
                "r",
                title="中共某某县财政局党组关于巡察“回头看”整改情况的通报",
                inspector="县委第二巡察组",
                inspection_kind="回头看",
                feedback_date="2024-06-01",
                published_date="2024-10-01",
            ),
        ]
    )
    assert ids_of(found, "r") == ["p", "c", "r"]
    assert found["r"][-1].stage_label == "回头看"
    assert "old" not in found


def test_a_review_before_any_inspection_stays_alone() -> None:
    found = chains(
        [
            header("r", inspection_kind="回头看", feedback_date="2019-06-01"),
            header("p", inspector="县委第五巡察组", feedback_date="2021-05-01"),
        ]
    )
    assert found == {}


# -- chains of a real archive -----------------------------------------------------------------


@pytest.fixture(scope="module")
def forestry(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    return build(tmp_path_factory.mktemp("forestry"), forestry_notices())


def test_chain_of_archived_notices(forestry: tuple[Path, dict[str, str]]) -> None:
    data, ids = forestry
    with Archive(data, readonly=True) as a:
        chain = chain_of(a, ids["completion"])
        assert [c.id for c in chain] == [ids["progress"], ids["completion"], ids["review"]]
        assert [c.stage_label for c in chain] == ["整改进展", "集中整改", "回头看"]
        assert [c.date for c in chain] == ["2023-08-01", "2023-12-20", "2025-09-01"]
        assert [c.current for c in chain] == [False, True, False]
        assert chain_of(a, ids["earlier"]) == []
        assert chain_of(a, ids["other_unit"]) == []
        assert chain_of(a, "0" * 16) == []


def test_chains_follow_the_archive(tmp_path: Path) -> None:
    texts = forestry_notices()
    data, ids = build(tmp_path, {k: texts[k] for k in ("progress", "earlier")})
    with Archive(data) as a:
        assert chain_of(a, ids["progress"]) == []
        src = tmp_path / "completion.txt"
        src.write_text(texts["completion"], encoding="utf-8")
        added = a.ingest_path(src).notice_id
        assert [c.id for c in chain_of(a, ids["progress"])] == [ids["progress"], added]
        a.remove(added)
        assert chain_of(a, ids["progress"]) == []


def test_chains_kept_up_to_date_equal_chains_built_afresh(tmp_path: Path) -> None:
    texts = forestry_notices()
    first = ("progress", "earlier", "other_unit")
    data, ids = build(tmp_path, {k: texts[k] for k in first})
    with Archive(data) as a:
        assert followups.archive_chains(a) == {}
        for k in [k for k in texts if k not in first]:
            src = tmp_path / f"{k}.txt"
            src.write_text(texts[k], encoding="utf-8")
            a.ingest_path(src)
            kept = followups.archive_chains(a)  # from the change log since the last call
            assert kept == chains(a.headers())
        assert len({c for chain in kept.values() for c in chain}) >= 3
        a.remove(ids["progress"])
        assert followups.archive_chains(a) == chains(a.headers())
