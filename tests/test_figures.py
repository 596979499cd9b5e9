"""The figures extractor (archive/figures.py): exact figures of invented sentences, the traps
around numbers, the counting rule, and the effect of the editable data files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive import figures as fg
from archive.model import Notice, Problem

ROOT = Path(__file__).resolve().parent.parent


def _read(text: str) -> list[tuple[str, float | int, str, str]]:
    return [(f.kind, f.value, f.unit, f.text) for f in fg.figures(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("共问责3人。", [("问责", 3, "人", "问责3人")]),
        (
            "给予党纪处分2人，政务处分1人。",
            [("党纪处分", 2, "人", "党纪处分2人"), ("政务处分", 1, "人", "政务处分1人")],
        ),
        ("给予党纪政务处分4人。", [("处分", 4, "人", "党纪政务处分4人")]),
        (
            "诫勉谈话5人，组织处理2人。",
            [("诫勉谈话", 5, "人", "诫勉谈话5人"), ("组织处理", 2, "人", "组织处理2人")],
        ),
        ("对两名干部进行了批评教育。", [("批评教育", 2, "名", "两名干部进行了批评教育")]),
        ("共开展提醒谈话十二人次。", [("批评教育", 12, "人次", "提醒谈话十二人次")]),
        (
            "对违规审批的3名工作人员给予政务处分。",
            [("政务处分", 3, "名", "3名工作人员给予政务处分")],
        ),
        ("追回违规使用资金12.6万元。", [("追回退还", 126000, "万元", "追回违规使用资金12.6万元")]),
        ("违规发放的4800元已全部清退。", [("追回退还", 4800, "元", "4800元已全部清退")]),
        ("重复发放0.86万元，已全部追回。", [("追回退还", 8600, "万元", "0.86万元，已全部追回")]),
        ("收回资金1.5亿元。", [("追回退还", 150000000, "亿元", "收回资金1.5亿元")]),
        ("追缴资金三十万元。", [("追回退还", 300000, "万元", "追缴资金三十万元")]),
        ("建立完善制度21项，", [("制度", 21, "项", "制度21项")]),
        ("修订完善3项管理制度。", [("制度", 3, "项", "3项管理制度")]),
        (
            "已完成25个，正在推进3个，整改完成率89%。",
            [
                ("已完成", 25, "个", "已完成25个"),
                ("正在推进", 3, "个", "正在推进3个"),
                ("完成率", 89, "%", "完成率89%"),
            ],
        ),
        (
            "反馈的9个问题已完成7个，其余2个正在持续推进。",
            [("已完成", 7, "个", "已完成7个"), ("正在推进", 2, "个", "2个正在持续推进")],
        ),
        ("8个问题已全部整改到位。", [("已完成", 8, "个", "8个问题已全部整改到位")]),
        ("整改完成率达90.3％。", [("完成率", 90.3, "％", "完成率达90.3％")]),
        ("已完成整改任务５７项。", [("已完成", 57, "项", "已完成整改任务５７项")]),
        (
            "政务处分0人，教育提醒5人。",
            [("政务处分", 0, "人", "政务处分0人"), ("批评教育", 5, "人", "教育提醒5人")],
        ),
        ("收缴违纪款3万元。", [("追回退还", 30000, "万元", "收缴违纪款3万元")]),
        ("坚持建章立制12项。", [("制度", 12, "项", "建章立制12项")]),
        ("共完成整改3个。", [("已完成", 3, "个", "完成整改3个")]),
    ],
)
def test_figures_read(text: str, expected: list[tuple[str, float, str, str]]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "依据《条例》第3条问责。",  # an article number, not a count
        "2023年问责工作全面启动。",  # a year
        "举报电话：0551-12345678，问责。",  # a phone number
        "反馈整改问题12个，已全部整改。",  # 整改问题N个 is no completion count
        "已完成42个项目的绩效再评价。",  # a count followed by its own noun
        "2个党支部已完成换届。",
        "已完成专项审计4项。",
        "对5万元以上的采购项目一律追回审查。",  # a threshold
        "每人问责2至3人。",  # a range
        "对正在整改的2个问题紧盯时限。",
        "追缴相关费用。",  # no number at all
        "清退不符合条件的对象167户。",  # a count of households, not money
        "排查安全隐患130项，已整改121项。",  # hazards fixed, not inspection problems
        "完成整改任务的时限为2个月。",
    ],
)
def test_traps_give_no_figure(text: str) -> None:
    assert fg.figures(text) == []


def test_parts_inside_a_total_are_not_read_twice() -> None:
    got = _read("共追回资金12万元，其中追回违规发放津贴8万元、收回结余资金4万元。")
    assert got == [("追回退还", 120000, "万元", "追回资金12万元")]
    # Parts of another kind stay: 党纪处分 is a kind of its own.
    got = _read("共问责12人，其中党纪处分5人。")
    assert got == [("问责", 12, "人", "问责12人"), ("党纪处分", 5, "人", "党纪处分5人")]


def test_span_and_context_point_at_the_text() -> None:
    text = "一是全面清查。二是追回违规使用资金126.4万元，并修订办法。"
    (f,) = fg.figures(text, 3)
    assert text[f.start : f.end] == f.text == "追回违规使用资金126.4万元"
    assert f.number == "126.4" and f.source == 3
    assert f.context == "二是追回违规使用资金126.4万元，并修订办法。"
    assert f.context[f.context_start :].startswith(f.text)


def _notice() -> tuple[str, Notice]:
    p1 = Problem(1, "1.", None, None, "公务用车", "对2名干部进行问责，追回油费1.2万元。")
    p2 = Problem(2, "2.", None, None, "津贴补贴", "对1名干部进行问责，已清退3万元。")
    head = "一、整改工作总体情况\n共问责5人，建立完善制度6项。\n二、问题整改情况\n"
    text = head + p1.text + "\n" + p2.text + "\n"
    return text, Notice(source="x.txt", problems=[p1, p2])


def test_counting_rule_prefers_the_notice_total_and_else_sums_problems() -> None:
    text, notice = _notice()
    found = fg.notice_figures(text, notice)
    assert [(f.kind, f.value, f.counted) for f in found.notice] == [
        ("问责", 5, True),
        ("制度", 6, True),
    ]
    assert [(f.kind, f.value, f.counted) for f in found.problems[1]] == [
        ("问责", 2, False),
        ("追回退还", 12000, True),
    ]
    assert [(f.kind, f.value, f.counted) for f in found.problems[2]] == [
        ("问责", 1, False),
        ("追回退还", 30000, True),
    ]
    # The notice's total: its own 问责 figure, the problems' money (no summary of money).
    assert fg.totals(found.all()) == {"问责": 5, "制度": 6, "追回退还": 42000}
    # Notice-level spans are spans of the full text.
    assert all(text[f.start : f.end] == f.text for f in found.notice)


def test_a_problem_not_found_in_the_text_gives_no_notice_figure() -> None:
    # A problem read from a table row: its text is not one piece of the notice text.
    p = Problem(1, "1", None, None, "公车私用", "问题：公车私用 措施：对2名干部进行问责")
    text = "一、总体情况\n共问责5人。\n二、问题\n公车私用 | 对2名干部进行问责 | 已完成\n"
    found = fg.notice_figures(text, Notice(source="t.txt", problems=[p]))
    assert [(f.kind, f.value) for f in found.notice] == [("问责", 5)]
    assert [(f.kind, f.value, f.counted) for f in found.problems[1]] == [("问责", 2, False)]


def test_rates_are_not_summed() -> None:
    figs = fg.figures("已完成7个，整改完成率88%。")
    assert fg.totals(figs) == {"已完成": 7}


def _copy_data(folder: Path, edits: dict[str, tuple[str, str]] | None = None) -> dict[str, Path]:
    """The data files copied into ``folder`` with (old, new) replacements per file name
    (a new folder per variant: the files are read once per path)."""
    folder.mkdir()
    out = {}
    for key, p in (
        ("kinds_path", fg.KINDS_PATH),
        ("units_path", fg.UNITS_PATH),
        ("words_path", fg.WORDS_PATH),
    ):
        text = p.read_text(encoding="utf-8")
        old, new = (edits or {}).get(p.name, ("", ""))
        if old:
            assert old in text
            text = text.replace(old, new)
        (folder / p.name).write_text(text, encoding="utf-8")
        out[key] = folder / p.name
    return out


def test_kind_file_pins_its_effect(tmp_path: Path) -> None:
    text = "挽回经济损失3万元。"
    assert fg.figures(text, **_copy_data(tmp_path / "a")) == []
    edited = _copy_data(tmp_path / "b", {"figure_kinds.tsv": ("|收缴\t", "|收缴|挽回\t")})
    (f,) = fg.figures(text, **edited)
    assert (f.kind, f.value) == ("追回退还", 30000)


def test_unit_file_pins_its_effect(tmp_path: Path) -> None:
    text = "对3位干部进行问责。"
    assert fg.figures(text, **_copy_data(tmp_path / "a")) == []
    edited = _copy_data(
        tmp_path / "b", {"figure_units.tsv": ("people\t名\t1\n", "people\t名\t1\npeople\t位\t1\n")}
    )
    assert [f.value for f in fg.figures(text, **edited)] == [3]


def test_word_file_pins_its_effect(tmp_path: Path) -> None:
    text = "追回资金5万元以上的项目逐一审查。"
    assert fg.figures(text, **_copy_data(tmp_path / "a")) == []
    edited = _copy_data(tmp_path / "b", {"figure_words.tsv": ("^(?:以上|以下", "^(?:以下")})
    assert [f.value for f in fg.figures(text, **edited)] == [50000]


def test_labels_are_well_formed() -> None:
    labels = json.loads((ROOT / "tests/data/facts/figures_labels.json").read_text(encoding="utf-8"))
    kinds = {k.kind for k in fg.load_kinds()}
    held = labels["split"]["heldout"]
    assert len(held) >= 10 and len(labels["split"]["seeds+tests"]) >= 12
    for name, items in labels["notices"].items():
        assert (ROOT / name).exists(), name
        for x in items:
            assert x["kind"] in kinds and x["value"] > 0 and x["text"]
