"""Cited documents (archive/citations.py): titles, verbs, kinds, spans and normalised titles,
written out by hand for invented texts; the data files' lines change the results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archive.citations import (
    Citation,
    cited_documents,
    cited_in,
    load_title_words,
    load_verbs,
    normalise,
    title_spans,
)
from archive.model import Notice, Problem

ROOT = Path(__file__).resolve().parents[1]

# (text, [(title, verb, kind)]) — invented measures.
EXTRACTIONS = [
    (
        "一是修订《某县财政局公务接待管理办法》，严格审批。",
        [("某县财政局公务接待管理办法", "修订", "issued")],
    ),
    ("修订完善《局机关差旅费管理办法》。", [("局机关差旅费管理办法", "修订完善", "issued")]),
    ("制定了《党组理论学习计划》，按月学习。", [("党组理论学习计划", "制定", "issued")]),
    (
        "组织党员学习《中国共产党章程》和《中国共产党纪律处分条例》。",
        [
            ("中国共产党章程", "学习", "studied"),
            ("中国共产党纪律处分条例", "学习", "studied"),
        ],
    ),
    (
        "分别出台《甲镇公务用车管理办法》、《乙镇公务用车管理办法》，统一标准。",
        [
            ("甲镇公务用车管理办法", "出台", "issued"),
            ("乙镇公务用车管理办法", "出台", "issued"),
        ],
    ),
    (
        "再次传达《关于某局党组巡察情况的反馈意见》。",
        [("关于某局党组巡察情况的反馈意见", "传达", "studied")],
    ),
    (
        "严格落实《党政机关厉行节约反对浪费条例》。",
        [("党政机关厉行节约反对浪费条例", "落实", "cited")],
    ),
    ("根据《某省会计基础工作规范》的要求，建立台账。", [("某省会计基础工作规范", "根据", "cited")]),
    (
        "整改情况：《某区文旅融合发展规划（2024—2026年）》已于2024年3月印发实施。",
        [("某区文旅融合发展规划（2024—2026年）", "印发", "issued")],
    ),
    (
        "关于未对《某条例》《某办法》等文件进行专题学习的问题，已整改。",
        [("某条例", "专题学习", "studied"), ("某办法", "专题学习", "studied")],
    ),
    (
        "关于印发《某市卫生健康委员会内部审计办法（试行）》的通知已下发。",
        [("某市卫生健康委员会内部审计办法（试行）", "印发", "issued")],
    ),
    ("全体干部签订《廉洁从业承诺书》。", [("廉洁从业承诺书", "签订", "cited")]),
    ("未制定《资产管理办法》，资产底数不清。", [("资产管理办法", "制定", "cited")]),
    ("《某某读本》摆放在阅览室。", [("某某读本", "", "cited")]),
    (
        "学习《关于印发〈某规定〉的通知》精神。",
        [("关于印发〈某规定〉的通知", "学习", "studied")],
    ),
    (
        "印发《关于印发《某某实施细则》的通知》，明确责任。",
        [("关于印发《某某实施细则》的通知", "印发", "issued")],
    ),
    (
        "修订《哲学社会科学讲座、论坛管理办法》。",
        [("哲学社会科学讲座、论坛管理办法", "修订", "issued")],
    ),
    ("一是严格执行规定；二是《未闭合的标题，三是制定制度。", []),
    ("没有书名号的措施：建立台账，修订制度。", []),
]


@pytest.mark.parametrize(("text", "expected"), EXTRACTIONS, ids=[e[0][:14] for e in EXTRACTIONS])
def test_titles_verbs_and_kinds(text: str, expected: list[tuple[str, str, str]]) -> None:
    got = cited_in(text, 3)
    assert [(c.title, c.verb, c.kind) for c in got] == expected
    for c in got:
        assert text[c.start : c.end] == f"《{c.title}》" and c.where == 3


# (title as written, normalised) — the issuer in front, brackets, years, 试行, quotes go.
NORMALISED = [
    ("某县财政局公务接待管理办法", "公务接待管理办法"),
    ("淮北市财政局公务接待管理办法", "公务接待管理办法"),
    ("淮北市党政机关公务接待管理规定", "党政机关公务接待管理规定"),
    ("市红十字会党支部2022年理论学习计划", "党支部理论学习计划"),
    ("区残联谈话提醒工作实施方案", "谈话提醒工作实施方案"),
    ("局机关内部采购管理规定", "内部采购管理规定"),
    ("局党组会议“第一议题”学习制度", "党组会议第一议题学习制度"),
    ("集团招标采购管理办法", "招标采购管理办法"),
    ("漳州市卫生健康委员会内部控制管理办法（试行）", "内部控制管理办法"),
    ("漳州市深化公立医院综合改革实施方案（2023—2025年）", "深化公立医院综合改革实施方案"),
    ("深圳市罗湖区政府合同履约监管改革制度汇编", "合同履约监管改革制度汇编"),
    ("关于印发安徽省红十字会捐赠工作管理办法的通知", "捐赠工作管理办法"),
    ("关于印发〈公务接待管理办法〉的通知", "公务接待管理办法"),
    ("全省生态旅游发展专项规划（2023—2027年）", "生态旅游发展专项规划"),
    ("公务接待管理暂行办法", "公务接待管理办法"),
    ("公务接待管理办法（修订版）", "公务接待管理办法"),
    ("公务接待管理办法修订稿", "公务接待管理办法"),
    ("公 务 接 待 管 理 办 法", "公务接待管理办法"),
    ("中国共产党章程", "中国共产党章程"),
    ("政府采购法", "政府采购法"),
    ("党委(党组)落实全面从严治党主体责任规定", "党委落实全面从严治党主体责任规定"),
    ("关于对区残联党组巡察情况的反馈意见", "关于对区残联党组巡察情况的反馈意见"),
    ("院长办公会议议事规则", "院长办公会议议事规则"),
    ("局规定", "局规定"),  # nothing left but a word: kept as written
]


@pytest.mark.parametrize(("title", "expected"), NORMALISED, ids=[n[0] for n in NORMALISED])
def test_normalised_titles(title: str, expected: str) -> None:
    assert normalise(title) == expected


def test_nested_marks_stay_inside_one_title() -> None:
    text = "《甲《乙》丙》与《丁〈戊〉》"
    assert [text[s:e] for s, e in title_spans(text)] == ["《甲《乙》丙》", "《丁〈戊〉》"]


# -- the data files' lines change the results --------------------------------------------


def _copy_without(tmp_path: Path, name: str, line: str) -> Path:
    src = ROOT / "archive" / "data" / name
    lines = src.read_text(encoding="utf-8").splitlines()
    assert line in lines, line
    out = tmp_path / name
    out.write_text("\n".join(x for x in lines if x != line) + "\n", encoding="utf-8")
    return out


def test_a_verb_line_decides_the_kind(tmp_path: Path) -> None:
    text = "研读《某某讲话选编》。"
    assert [(c.verb, c.kind) for c in cited_in(text, 1)] == [("研读", "studied")]
    fewer = load_verbs(_copy_without(tmp_path, "citation_verbs.tsv", "研读\tstudied"))
    assert [(c.verb, c.kind) for c in cited_in(text, 1, v=fewer)] == [("", "cited")]


def test_a_negator_line_keeps_an_unmade_rule_from_counting_as_issued(tmp_path: Path) -> None:
    text = "长期没有制定《档案管理办法》。"
    assert cited_in(text, 1)[0].kind == "cited"
    fewer = load_verbs(_copy_without(tmp_path, "citation_verbs.tsv", "没有\tnot"))
    assert cited_in(text, 1, v=fewer)[0].kind == "issued"


def test_an_unknown_verb_kind_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "v.tsv"
    bad.write_text("制定\tmade\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown kind"):
        load_verbs(bad)


@pytest.mark.parametrize(
    ("name", "line", "title", "with_line", "without_line"),
    [
        (
            "citation_titles.tsv",
            "drop\t试行 暂行",
            "资产管理暂行办法",
            "资产管理办法",
            "资产管理暂行办法",
        ),
        (
            "citation_titles.tsv",
            "alone\t局机关 委机关 局 厅 集团 公司 医院 学校 街道 残联",
            "集团对外捐赠管理办法",
            "对外捐赠管理办法",
            "集团对外捐赠管理办法",
        ),
        (
            "citation_titles.tsv",
            "scope\t全省 全市 全区 全县 全州 全镇 全乡 本单位 本局 我局 我院 我校",
            "全市公务用车改革方案",
            "公务用车改革方案",
            "全市公务用车改革方案",
        ),
    ],
)
def test_a_title_line_changes_the_normalised_title(
    tmp_path: Path, name: str, line: str, title: str, with_line: str, without_line: str
) -> None:
    assert normalise(title) == with_line
    words = load_title_words(_copy_without(tmp_path, name, line))
    assert normalise(title, words) == without_line


# -- a notice: problems and the organising sections --------------------------------------


def test_a_notice_gives_its_sections_and_each_problem_their_own_citations() -> None:
    p1 = Problem(
        1,
        "1.",
        None,
        None,
        "公务接待不规范",
        "1.针对公务接待不规范问题。修订《某局公务接待管理办法》。",
    )
    p2 = Problem(2, "2.", None, None, "学习不深入", "2.针对学习不深入问题。组织学习《某某讲话》。")
    opening = "一、整改工作开展情况\n党组传达《关于巡察某局党组的反馈意见》，制定《整改方案》。\n"
    text = opening + "二、问题整改情况\n" + p1.text + "\n" + p2.text + "\n"
    notice = Notice(source="x.txt", problems=[p1, p2])
    got = cited_documents(notice, text)
    assert [(c.where, c.title, c.kind) for c in got] == [
        ("notice", "关于巡察某局党组的反馈意见", "studied"),
        ("notice", "整改方案", "issued"),
        (1, "某局公务接待管理办法", "issued"),
        (2, "某某讲话", "studied"),
    ]
    for c in got:
        source = text if c.where == "notice" else notice.problems[int(c.where) - 1].text
        assert source[c.start : c.end] == f"《{c.title}》"
    assert [c.where for c in cited_documents(notice)] == [1, 2]  # without the text: problems
    assert Citation.from_dict(got[0].to_dict()) == got[0]


def test_a_problem_not_found_in_the_text_does_not_count_its_titles_twice() -> None:
    # The stored text differs from the parsed problem (a traditional-character copy).
    p1 = Problem(1, "1.", None, None, "公务接待", "1.针对公务接待问题。修订《公务接待管理办法》。")
    text = "一、整改情况\n党组制定《整改方案》。\n1.針對公務接待問題。修訂《公务接待管理办法》。\n"
    got = cited_documents(Notice(source="t.txt", problems=[p1]), text)
    assert [(c.where, c.title) for c in got] == [("notice", "整改方案"), (1, "公务接待管理办法")]


# -- the measured figures ----------------------------------------------------------------


def test_evaluate_citations_reports_both_splits_against_the_labels() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "archive", "evaluate-citations", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    body = json.loads(out.stdout)
    labels = json.loads((ROOT / "tests/data/facts/citations_labels.json").read_text("utf-8"))
    for split in ("dev", "heldout"):
        want = [e for e in labels["notices"].values() if e["split"] == split]
        assert body[split]["notices"] == len(want)
        assert body[split]["labelled"] == sum(len(e["citations"]) for e in want)
    assert body["all"]["precision"] >= 0.95 and body["all"]["recall"] >= 0.95, body["all"]
    human = subprocess.run(
        [sys.executable, "-m", "archive", "evaluate-citations"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "留出通报" in human and "准确率" in human and "召回率" in human
