"""Texts that look like notices but are not, and notices cut short.

Ingest must refuse the look-alikes with a reason a user can read, and must
keep what it can of a truncated notice while saying that something is wrong.
A notice cut off before its problem list is kept (issue: real page copies), marked
incomplete: it used to be rejected as if it were no notice at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive import parse_file
from archive.errors import RejectedFile
from archive.parser import parse_text

DATA = Path(__file__).resolve().parent / "data"
REJECTS = DATA / "rejects"

# file -> a word the reason must contain ("" when any clear reason will do)
REJECT_FILES = {
    "arrival_announcement.txt": "进驻",
    "feedback_meeting_news.txt": "反馈会",
    "audit_rectification_report.txt": "",
    "unrelated_news.txt": "",
    "round_summary.txt": "综述",
    "spot_check_news.txt": "抽查",
}


def assert_readable(reason: str) -> None:
    """A reason is shown to users as is: one non-empty line, in Chinese."""
    assert reason.strip()
    assert "\n" not in reason and "\r" not in reason
    assert any("\u4e00" <= ch <= "\u9fff" for ch in reason)


def test_every_reject_file_is_listed() -> None:
    assert sorted(p.name for p in REJECTS.glob("*.txt")) == sorted(REJECT_FILES)


@pytest.mark.parametrize("name", sorted(REJECT_FILES))
def test_reject_file(name: str) -> None:
    with pytest.raises(RejectedFile) as info:
        parse_file(REJECTS / name)
    reason = info.value.reason
    assert_readable(reason)
    assert str(info.value) == reason
    assert REJECT_FILES[name] in reason


@pytest.mark.parametrize("name", sorted(REJECT_FILES))
def test_reject_text(name: str) -> None:
    """The same verdict when the text comes in directly, not through a file."""
    text = (REJECTS / name).read_text(encoding="utf-8")
    with pytest.raises(RejectedFile) as info:
        parse_text(text, source=name)
    assert_readable(info.value.reason)
    assert REJECT_FILES[name] in info.value.reason


@pytest.mark.parametrize("content", [b"", b"   \n\r\n\t\n", "\u3000\n".encode()])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(RejectedFile) as info:
        parse_file(path)
    assert_readable(info.value.reason)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(bytes(range(256)) * 16)
    with pytest.raises(RejectedFile) as info:
        parse_file(path)
    assert_readable(info.value.reason)


def test_empty_text() -> None:
    with pytest.raises(RejectedFile) as info:
        parse_text("")
    assert_readable(info.value.reason)


def test_truncated_mid_problems() -> None:
    """Cut inside item 3: items 1 and 2 are complete and must survive, with a warning."""
    d = parse_file(DATA / "notices" / "e_truncated_mid_problems.txt").to_dict()
    assert d["organisation"] == "淄博市张店区市场监督管理局"
    assert d["inspector"] == "区委第四巡察组"
    assert d["inspection_start"] == "2023-09-04"
    assert d["inspection_end"] == "2023-10-27"
    assert d["feedback_date"] == "2023-12-08"
    assert d["published_date"] is None
    problems = d["problems"]
    assert 2 <= len(problems) <= 3
    assert [p["number"] for p in problems[:2]] == ["1.", "2."]
    assert [p["title"] for p in problems[:2]] == [
        "食品安全抽检覆盖面不足",
        "特种设备安全检查不深入",
    ]
    assert [len(p["measures"]) for p in problems[:2]] == [2, 2]
    if len(problems) == 3:
        assert problems[2]["title"] == "消费投诉处理超时"
    assert all(p["category"] == "关于履行市场监管职责不到位方面" for p in problems)
    assert d["warnings"]
    for w in d["warnings"]:
        assert_readable(w)


def test_cut_off_before_problems_is_kept_as_incomplete() -> None:
    """Only the opening and the organising section: kept, with its header and a warning."""
    d = parse_file(DATA / "cut_off" / "after_section_one.txt").to_dict()
    assert d["incomplete"] is True
    assert d["problems"] == []
    assert d["organisation"] == "淄博市张店区市场监督管理局"
    assert d["inspector"] == "区委第四巡察组"
    assert (d["inspection_start"], d["inspection_end"]) == ("2023-09-04", "2023-10-27")
    assert d["feedback_date"] == "2023-12-08"
    assert any(w.startswith("未识别出问题条目：文本可能不完整") for w in d["warnings"])
    # The organising sub-headings (（一）提高政治站位，加强组织领导) are not problems,
    # and section 一 is still listed as how the work was organised.
    assert [s["kind"] for s in d["sections"]] == ["organisation"]


def test_complete_notice_is_not_incomplete() -> None:
    d = parse_file(DATA / "notices" / "a_fullwidth_categories.txt").to_dict()
    assert d["incomplete"] is False and d["problems"]


@pytest.mark.parametrize(
    "opening",
    [
        # Organising sub-headings with no 一、 section above them.
        "（一）提高思想认识，把握整改要求\n局党组召开专题会议研究部署。\n"
        "（二）坚持问题导向，狠抓整改落实\n对照问题逐条制定措施。",
        # Only the opening sentence survived.
        "",
    ],
)
def test_organising_subheadings_never_become_problems(opening: str) -> None:
    text = (
        "中共某某县自然资源局党组关于县委巡察整改情况的通报\n"
        "根据县委统一部署，2024年3月4日至4月26日，县委第一巡察组对县自然资源局党组开展了常规巡察。"
        "2024年5月20日，县委第一巡察组向县自然资源局党组反馈了巡察意见。"
        "按照巡察工作有关要求，现将巡察整改情况予以公布。\n" + opening
    )
    n = parse_text(text, source="cut.txt")
    assert n.problems == [] and n.incomplete
    assert n.organisation == "某某县自然资源局"
    assert n.feedback_date == "2024-05-20"


def test_news_about_an_inspection_without_a_disclosure_is_still_rejected() -> None:
    text = (
        "县委第一巡察组向县自然资源局党组反馈巡察情况\n"
        "5月20日，县委第一巡察组向县自然资源局党组反馈巡察情况。反馈会上，巡察组指出了存在的问题，"
        "并就做好巡察整改工作提出意见建议。县自然资源局党组书记表示将认真抓好整改。"
    )
    with pytest.raises(RejectedFile) as info:
        parse_text(text, source="news.txt")
    assert "反馈会" in info.value.reason


def test_action_titled_items_in_the_problem_section_stay_problems() -> None:
    text = (
        "中共某某县自然资源局党组关于县委巡察整改情况的通报\n"
        "根据县委统一部署，2024年3月4日至4月26日，县委第一巡察组对县自然资源局党组开展了常规巡察。"
        "2024年5月20日，县委第一巡察组向县自然资源局党组反馈了巡察意见。现将巡察整改情况予以公布。\n"
        "一、整改工作开展情况\n局党组制定整改方案。\n"
        "二、反馈问题整改落实情况\n"
        "（一）压实主体责任，健全责任体系。针对落实主体责任不到位问题，一是制定责任清单；二是开展约谈。\n"
        "（二）加强资金监管，严肃财经纪律。针对专项资金使用不规范问题，一是全面清查；二是完善制度。\n"
        "中共某某县自然资源局党组\n2024年6月28日"
    )
    n = parse_text(text, source="a.txt")
    assert len(n.problems) == 2 and not n.incomplete


def test_an_audit_bureaus_own_inspection_notice_is_not_taken_for_an_audit_report() -> None:
    """An audit bureau's rectification notice speaks of audits more than of the inspection
    and says 审计整改, but its header names the inspection group: it is a notice. The text
    is a held-out notice with its wording turned back to 审计整改 (as real ones write)."""
    path = DATA / "heldout2" / "notices" / "ha02_county_audit.txt"
    text = path.read_text(encoding="utf-8").replace("审计查出问题整改", "审计整改")
    assert text.count("审计整改") >= 4 and text.count("审计") > text.count("巡察")
    notice = parse_text(text, source=path.name)
    assert len(notice.problems) == 9
    assert "审计局" in (notice.organisation or "")
