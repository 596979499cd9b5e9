"""Real page copies: furniture and metadata, unit names, traditional copies, tables, pages.

Every text here was written for these tests in the shape of pages copied from government
sites; names of places are real, units and numbers are invented.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from archive import parse_file
from archive.loaders import load_path
from archive.multipage import continuation_of, load_article
from archive.parser import clean_organisation, parse_text
from archive.store import Archive

OPENING = (
    "根据县委统一部署，2024年3月4日至4月26日，县委第一巡察组对县自然资源局党组开展了常规巡察。"
    "2024年5月20日，县委第一巡察组向县自然资源局党组反馈了巡察意见。"
    "按照巡察工作有关要求，现将巡察整改情况予以公布。"
)
TITLE = "中共某某县自然资源局党组关于县委巡察整改情况的通报"
BODY = """一、整改工作开展情况
局党组召开专题会议研究部署整改工作，制定整改方案。
二、反馈问题整改情况
1.针对耕地保护监管不到位问题。一是开展耕地“非农化”专项排查；二是建立耕地保护网格化巡查制度。
2.针对矿产资源出让程序不规范问题。一是修订矿业权出让工作规程；二是对近三年出让项目逐一复核。
三、下一步工作打算
持续巩固整改成果。"""


def page(*head: str, body: str = BODY, tail: tuple[str, ...] = ()) -> str:
    return "\n".join([*head, OPENING, body, *tail])


# --- pattern 3 and 4: page furniture, metadata rows, breadcrumbs --------------------------


@pytest.mark.parametrize(
    ("line", "published"),
    [
        ("发布时间：2025-08-18 17:39", "2025-08-18"),
        ("发布日期：2024-06-05", "2024-06-05"),
        ("日期：2023-05-04 08:46:31  阅读次数：86", "2023-05-04"),
        ("成文日期：2023-10-30", "2023-10-30"),
        ("来源：某某县自然资源局 时间：2024-09-12 10:20", "2024-09-12"),
        ("【发布时间：2024年7月1日】【字体：大 中 小】", "2024-07-01"),
    ],
)
def test_published_date_from_page_metadata(line: str, published: str) -> None:
    n = parse_text(page("首页 | 政务公开 | 互动交流", TITLE, line), source="p.txt")
    assert n.published_date == published
    assert n.title == TITLE
    assert len(n.problems) == 2
    assert all(line.split("：")[0] not in p.text for p in n.problems)


def test_dated_signature_wins_over_page_date_and_says_so() -> None:
    text = page(
        TITLE, "发布时间：2024-09-12 10:20", tail=("中共某某县自然资源局党组", "2024年9月10日")
    )
    n = parse_text(text, source="p.txt")
    assert n.published_date == "2024-09-10"
    assert any("2024-09-10" in w and "2024-09-12" in w for w in n.warnings)


def test_breadcrumb_is_never_the_title() -> None:
    crumb = "当前位置：首页 >> 政务公开 >> 关于县委巡察整改情况的通报"
    n = parse_text(page(crumb, "发布日期：2024-06-05"), source="p.txt")
    assert n.title is None or "当前位置" not in n.title
    crumb2 = "首页 > 信息公开 > 巡察整改情况通报"
    n2 = parse_text(page(crumb2, TITLE), source="p.txt")
    assert n2.title == TITLE


def test_furniture_and_footer_are_not_content() -> None:
    text = page(
        "网站首页",
        "机构概况",
        "当前位置：首页 >> 通知公告",
        TITLE,
        "来源：本站 时间：2024-09-12",
        "字号：大 中 小",
        tail=("打印本页 关闭窗口", "版权所有：某某县人民政府 某ICP备00000000号"),
    )
    n = parse_text(text, source="p.txt")
    assert n.title == TITLE
    assert n.published_date == "2024-09-12"
    assert [p.title for p in n.problems] == ["耕地保护监管不到位", "矿产资源出让程序不规范"]
    for p in n.problems:
        assert "版权所有" not in p.text and "打印" not in p.text


def test_organisation_from_file_name_row_when_no_title_in_text() -> None:
    rows = ("索引号：000000000/2024-00001", "发布机构：某某县人民政府办公室", f"文件名称：{TITLE}")
    n = parse_text(page(*rows), source="p.txt")
    assert n.organisation == "某某县自然资源局"
    assert n.publisher == "中共某某县自然资源局党组"


def test_organisation_from_feedback_sentence() -> None:
    text = (
        "根据区委统一部署，区委第四巡察组于2023年10月16日至12月15日开展巡察，"
        "并于2024年1月26日向区数据资源管理局党组反馈了巡察意见。按照有关要求，现将巡察整改情况公布如下：\n"
        + BODY
    )
    n = parse_text(text, source="p.txt")
    assert n.organisation == "区数据资源管理局"
    assert n.feedback_date == "2024-01-26"


def test_abbreviation_expanded_from_the_page() -> None:
    opening = (
        "根据区委统一部署，2024年2月26日至4月19日，区委第一巡察组对区文广旅体局党组开展了常规巡察。"
        "5月17日，区委第一巡察组向区文广旅体局党组反馈了巡察意见。现将巡察整改情况予以公布。"
    )
    meta_row = "发布机构：泸州市龙马潭区文化广播电视和旅游体育局"
    n = parse_text("\n".join([meta_row, opening, BODY]), source="p.txt")
    assert n.organisation == "泸州市龙马潭区文化广播电视和旅游体育局"
    # An office that publishes on the unit's behalf is not the unit.
    office = "发布机构：泸州市龙马潭区人民政府办公室"
    n2 = parse_text("\n".join([office, opening, BODY]), source="p.txt")
    assert n2.organisation is not None and "办公室" not in n2.organisation


# --- pattern 1: cut-off notices -------------------------------------------------------------


def test_cut_off_real_style_opening_keeps_its_header() -> None:
    text = "\n".join(
        [
            "当前位置：首页 >> 信息公开 >> 工作动态",
            "中共东营市委东营港经济开发区工作委员会",
            "关于市委巡察整改进展情况的通报",
            "发布时间：2025-08-18 17:39",
            "根据市委统一部署，2024年11月4日至2025年1月10日，市委第二巡察组对东营港经济开发区党工委"
            "开展了常规巡察。2025年3月6日，市委第二巡察组向东营港经济开发区党工委反馈了巡察意见。"
            "现将巡察整改进展情况予以公布。",
            "一、提高政治站位，扛牢整改责任",
        ]
    )
    d = parse_text(text, source="cut.txt").to_dict()
    assert d["organisation"] == "东营港经济开发区"
    assert d["inspector"] == "市委第二巡察组"
    assert (d["inspection_start"], d["inspection_end"]) == ("2024-11-04", "2025-01-10")
    assert d["feedback_date"] == "2025-03-06"
    assert d["published_date"] == "2025-08-18"
    assert d["problems"] == [] and d["incomplete"] is True
    assert "未识别出问题条目：文本可能不完整" in d["warnings"][-1] or any(
        w.startswith("未识别出问题条目：文本可能不完整") for w in d["warnings"]
    )


def test_cut_off_notice_is_marked_in_list_show_and_page(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from archive.cli import cli

    src = tmp_path / "cut.txt"
    src.write_text(
        page(TITLE, "发布日期：2024-06-05", body="一、整改工作开展情况"), encoding="utf-8"
    )
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(src), "--data", str(data)]).exit_code == 0
    listed = runner.invoke(cli, ["list", "--data", str(data)]).output
    assert "0 个问题（文本可能不完整）" in listed
    nid = listed.split()[0]
    shown = runner.invoke(cli, ["show", nid, "--data", str(data)]).output
    assert "文本可能不完整" in shown
    parsed = runner.invoke(cli, ["parse", str(src)])
    assert parsed.exit_code == 0 and '"incomplete": true' in parsed.output


def test_list_marks_notices_cut_off_mid_list_and_not_complete_ones(tmp_path: Path) -> None:
    """A notice cut off after some problems keeps them and is still marked; seeds are not."""
    import json

    from click.testing import CliRunner

    from archive.cli import cli

    data = tmp_path / "data"
    repo = Path(__file__).resolve().parents[1]
    cut = repo / "tests" / "data" / "notices" / "e_truncated_mid_problems.txt"
    runner = CliRunner()
    for path in (cut, repo / "seeds"):
        assert runner.invoke(cli, ["ingest", str(path), "--data", str(data)]).exit_code == 0
    rows = json.loads(runner.invoke(cli, ["list", "--json", "--data", str(data)]).output)
    marks = {r["source"]: (r["problem_count"] > 0, r["incomplete"]) for r in rows}
    assert marks == {
        "e_truncated_mid_problems.txt": (True, True),
        "000_15f829d25a69815d.txt": (True, False),
        "004_b1ce438446146357.txt": (True, False),
    }
    listed = runner.invoke(cli, ["list", "--data", str(data)]).output.splitlines()
    assert [("文本可能不完整" in line) for line in listed].count(True) == 1
    assert [line for line in listed if "文本可能不完整" in line][0].count(
        "3 个问题（文本可能不完整）"
    )


# --- pattern 2: units under a party working committee ---------------------------------------


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("中共东营市委东营港经济开发区工作委员会", "东营港经济开发区"),
        ("中共潍坊市委潍坊滨海经济技术开发区工作委员会", "潍坊滨海经济技术开发区"),
        ("中共德州市直机关工作委员会", "德州市直机关"),
        ("中共金华市婺城区城北街道工作委员会", "金华市婺城区城北街道"),
        ("中共某某区某某街道党工委", "某某区某某街道"),
        ("中共某某市委教育工作委员会", "某某市委教育工委"),
        ("中共某某经济开发区管委会党组", "某某经济开发区管委会"),
        ("中共某某县委城南新区工作委员会", "城南新区"),
        # Unchanged: units that are not under a parent committee.
        ("中共深圳市罗湖区残疾人联合会党组", "深圳市罗湖区残疾人联合会"),
        ("中共某某市委办公室党组", "某某市委办公室"),
    ],
)
def test_working_committee_names(name: str, clean: str) -> None:
    assert clean_organisation(name) == clean


# --- pattern 5: traditional copies ------------------------------------------------------------


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def test_traditional_copy_parses_like_the_simplified_one(tmp_path: Path) -> None:
    simplified = page(TITLE, tail=("中共某某县自然资源局党组", "2024年6月28日"))
    traditional = _traditional(simplified)
    assert "黨組" in traditional and "反饋" in traditional
    a = parse_text(simplified, source="s.txt").to_dict()
    b = parse_text(traditional, source="s.txt").to_dict()
    note = [w for w in b["warnings"] if "繁体" in w]
    assert len(note) == 1
    b["warnings"] = [w for w in b["warnings"] if w not in note]
    assert a == b
    # The archive shows the original characters.
    src = tmp_path / "t.txt"
    src.write_text(traditional, encoding="utf-8")
    with Archive(tmp_path / "data") as archive:
        result = archive.ingest_path(src)
        stored = archive.notice(result.notice_id)
    assert "黨組" in stored.text
    assert stored.notice.organisation == "某某县自然资源局"


def test_simplified_text_is_not_converted() -> None:
    n = parse_text(page(TITLE), source="s.txt")
    assert not any("繁体" in w for w in n.warnings)


# --- pattern 6: tables, inline sub-problems, restarting lists, several pages -----------------

ROWS = [
    ("1", "林业执法检查不经常", "一是制定年度执法检查计划；二是运用遥感监测开展核查。", "已完成"),
    ("2", "生态公益林补偿资金发放审核不严", "建立乡镇初审、林业局复审制度。", "持续整改"),
    ("3", "党支部“三会一课”制度落实不到位", "1.制定年度组织生活计划。2.每季度检查一次。", "已完成"),
]
TABLE_TEXT_BEFORE = [
    TITLE,
    OPENING,
    "一、整改工作开展情况",
    "局党组制定整改方案。",
    "二、反馈问题整改情况",
]
TABLE_TEXT_AFTER = ["中共某某县自然资源局党组", "2024年6月28日"]


def _check_table_notice(d: dict) -> None:
    assert [p["number"] for p in d["problems"]] == ["1", "2", "3"]
    assert [p["title"] for p in d["problems"]] == [r[1] for r in ROWS]
    assert [len(p["measures"]) for p in d["problems"]] == [2, 1, 2]
    assert [p["status"] for p in d["problems"]] == ["已完成", "持续整改", "已完成"]
    assert d["published_date"] == "2024-06-28"


def test_docx_table_one_problem_per_row(tmp_path: Path) -> None:
    document = docx.Document()
    for line in TABLE_TEXT_BEFORE:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=4)
    for cell, head in zip(
        table.rows[0].cells, ("序号", "反馈问题", "整改措施", "完成情况"), strict=True
    ):
        cell.text = head
    for row in ROWS:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    for line in TABLE_TEXT_AFTER:
        document.add_paragraph(line)
    path = tmp_path / "table.docx"
    document.save(str(path))
    _check_table_notice(parse_file(path).to_dict())


def test_html_table_one_problem_per_row(tmp_path: Path) -> None:
    cells = "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
        for row in [("序号", "问题", "整改措施", "整改状态"), *ROWS]
    )
    paras = "".join(f"<p>{x}</p>" for x in TABLE_TEXT_BEFORE)
    after = "".join(f"<p>{x}</p>" for x in TABLE_TEXT_AFTER)
    html = (
        '<html><head><meta charset="utf-8"></head><body><div class="article_content">'
        f"{paras}<table>{cells}</table>{after}</div></body></html>"
    )
    path = tmp_path / "table.html"
    path.write_text(html, encoding="utf-8")
    _check_table_notice(parse_file(path).to_dict())


def test_layout_table_is_not_a_problem_table(tmp_path: Path) -> None:
    """A page laid out with a table keeps its paragraphs: only 问题/措施 tables are rows."""
    body = "".join(f"<p>{x}</p>" for x in [TITLE, OPENING, *BODY.split("\n")])
    html = (
        '<html><head><meta charset="utf-8"></head><body><table><tr><td>导航</td>'
        f"<td>{body}</td></tr></table></body></html>"
    )
    path = tmp_path / "layout.html"
    path.write_text(html, encoding="utf-8")
    assert "\t" not in load_path(path).text
    assert len(parse_file(path).problems) == 2


def test_inline_second_problem_with_its_own_measures_is_a_subproblem() -> None:
    body = BODY.replace(
        "二是建立耕地保护网格化巡查制度。",
        "二是建立耕地保护网格化巡查制度。针对违法占地查处不及时问题，一是建立违法占地快速处置机制；"
        "二是每月通报查处进展。",
    )
    n = parse_text(page(TITLE, body=body), source="p.txt")
    first = n.problems[0]
    assert len(first.measures) == 2
    assert [(s.title, len(s.measures)) for s in first.subproblems] == [("违法占地查处不及时", 2)]
    assert "违法占地" not in first.measures[1]


def test_measure_lists_restarting_under_items() -> None:
    body = """一、整改工作开展情况
局党组制定整改方案。
二、反馈问题整改情况
1.关于社区集体资产管理不规范问题
整改措施：
1.对集体资产开展全面清查，建立资产台账。
2.修订集体资产出租管理办法。
2.关于网格员队伍管理松散问题
整改措施：
1.制定网格员考核办法，实行月度考核。
2.开展网格员业务培训两期。
3.建立网格员退出机制。
3.关于安全隐患排查不彻底问题
整改措施：
1.开展沿街店铺消防安全检查。
2.建立隐患整改销号制度。"""
    n = parse_text(page(TITLE, body=body), source="p.txt")
    assert [p.title for p in n.problems] == [
        "社区集体资产管理不规范",
        "网格员队伍管理松散",
        "安全隐患排查不彻底",
    ]
    assert [len(p.measures) for p in n.problems] == [2, 3, 2]


def _html_page(paragraphs: list[str], next_page: str | None = None) -> str:
    link = f'<div class="pages"><a href="{next_page}">下一页</a></div>' if next_page else ""
    body = "".join(f"<p>{x}</p>" for x in paragraphs)
    return (
        '<html><head><meta charset="utf-8"><title>通报</title></head><body>'
        f'<div class="article_content">{body}</div>{link}'
        '<div class="footer">版权所有 某某县人民政府</div></body></html>'
    )


@pytest.mark.parametrize("scheme", ["next-link", "numbered"])
def test_multi_page_article_is_joined(tmp_path: Path, scheme: str) -> None:
    lines = [TITLE, OPENING, *BODY.split("\n"), "中共某某县自然资源局党组", "2024年6月28日"]
    cut = 6  # page 1 ends after the first problem
    second = "t20240628_1234_2.html" if scheme == "next-link" else "t20240628_1234_1.html"
    nxt = second if scheme == "next-link" else None
    (tmp_path / "t20240628_1234.html").write_text(_html_page(lines[:cut], nxt), encoding="utf-8")
    # The second page repeats the title, as sites do.
    (tmp_path / second).write_text(_html_page([TITLE, *lines[cut:]]), encoding="utf-8")
    first = tmp_path / "t20240628_1234.html"
    assert continuation_of(tmp_path / second) == first
    loaded = load_article(tmp_path / second)
    assert loaded.text.count(TITLE) == 1
    alone = load_path(first)
    one = parse_text(alone.text, source=alone.name, meta=alone.meta)
    assert len(one.problems) == 1
    joined = parse_text(loaded.text, source=loaded.name, meta=loaded.meta)
    assert [p.title for p in joined.problems] == ["耕地保护监管不到位", "矿产资源出让程序不规范"]
    assert joined.published_date == "2024-06-28"
    assert any("2个分页" in w for w in joined.warnings)


def test_ingest_of_every_page_stores_one_notice(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from archive.cli import cli

    lines = [TITLE, OPENING, *BODY.split("\n"), "中共某某县自然资源局党组", "2024年6月28日"]
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text(_html_page(lines[:5], "a_2.html"), encoding="utf-8")
    (folder / "a_2.html").write_text(_html_page(lines[5:]), encoding="utf-8")
    data = tmp_path / "data"
    out = CliRunner().invoke(
        cli, ["ingest", str(folder / "a_2.html"), str(folder), "--data", str(data)]
    )
    assert out.exit_code == 0, out.output
    assert "新增 1" in out.output
    listed = CliRunner().invoke(cli, ["list", "--data", str(data)]).output
    assert "2 个问题" in listed


@pytest.mark.parametrize(
    ("sentence", "organisation"),
    [
        ("对县卫生健康局党组（党委）开展了常规巡察", "县卫生健康局"),
        ("对县卫生健康局领导班子及其成员进行了巡察", "县卫生健康局"),
        ("对某某街道党工委开展了为期两个月的常规巡察", "某某街道"),
    ],
)
def test_organisation_from_the_inspection_sentence(sentence: str, organisation: str) -> None:
    text = (
        f"根据县委统一部署，2023年3月1日至4月28日，县委第三巡察组{sentence}。"
        "2023年5月26日，县委第三巡察组反馈了巡察意见。现将巡察整改情况予以公布。\n"
        "一、整改工作开展情况\n党组高度重视，成立整改工作领导小组。"
    )
    n = parse_text(text, source="o.txt")
    assert n.organisation == organisation
    assert n.incomplete and n.problems == []


def test_notice_page_marks_an_incomplete_notice(tmp_path: Path) -> None:
    """The web page of a cut-off notice says 文本可能不完整; a complete one does not."""
    from web import create_app

    cut = tmp_path / "cut.txt"
    cut.write_text(
        page(TITLE, "发布日期：2024-06-05", body="一、整改工作开展情况"), encoding="utf-8"
    )
    full = tmp_path / "full.txt"
    full.write_text(
        page(TITLE, tail=("中共某某县自然资源局党组", "2024年6月28日")), encoding="utf-8"
    )
    data = tmp_path / "data"
    with Archive(data) as archive:
        cut_id = archive.ingest_path(cut).notice_id
        full_id = archive.ingest_path(full).notice_id
    client = create_app({"TESTING": True, "DATA_DIR": data}).test_client()
    marked = client.get(f"/notices/{cut_id}").get_data(as_text=True)
    assert 'data-testid="incomplete"' in marked and "文本可能不完整" in marked
    plain = client.get(f"/notices/{full_id}").get_data(as_text=True)
    assert 'data-testid="incomplete"' not in plain
    api = client.get(f"/api/notices/{cut_id}").get_json()
    assert api["notice"]["incomplete"] is True


def test_metadata_table_copied_with_tabs() -> None:
    rows = (
        "索引号\t000000000/2023-00321\t发布机构\t某某县自然资源局",
        f"文件名称\t{TITLE}",
        "成文日期\t2023-06-30\t发布日期\t2023-07-03",
    )
    n = parse_text(page(*rows), source="p.txt")
    assert n.title == TITLE
    assert n.published_date == "2023-06-30"
    assert n.organisation == "某某县自然资源局"
    assert len(n.problems) == 2


# --- the data files' effect -----------------------------------------------------------------


def test_every_unit_ending_in_the_data_file_drops_the_parent_committee() -> None:
    from archive.orgs import words

    units = words("unit")
    assert "开发区" in units and "街道" in units and "机关" in units
    for unit in units:
        for parent in words("parent"):
            name = f"中共某某市{parent}某某{unit}工作委员会"
            assert clean_organisation(name) == f"某某{unit}", name


def test_every_slogan_verb_in_the_data_file_marks_an_organising_heading() -> None:
    from archive.orgs import is_slogan, words

    for verb in words("slogan"):
        assert is_slogan(f"{verb}思想认识，{verb}整改要求"), verb
    assert not is_slogan("理论学习不深入，学用结合不够")


def test_every_menu_word_in_the_data_file_is_page_furniture() -> None:
    from archive.page_meta import _nav_words, furniture

    words = sorted(_nav_words())
    assert "网站导航" in words
    for word in words:
        assert furniture(word)[0], word
    assert furniture(" ".join(words[:6]))[0]
    assert not furniture("局党组召开专题会议研究部署整改工作")[0]


def test_abbreviation_expanded_from_a_full_name_in_the_text() -> None:
    opening = (
        "根据区委统一部署，2024年2月26日至4月19日，区委第一巡察组对区文广旅体局党组开展了常规巡察。"
        "5月17日，区委第一巡察组向区文广旅体局党组反馈了巡察意见。现将巡察整改情况予以公布。"
    )
    body = BODY.replace(
        "局党组召开专题会议研究部署整改工作",
        "中共泸州市龙马潭区文化广播电视和旅游体育局党组召开专题会议研究部署整改工作",
    )
    n = parse_text("\n".join([opening, body]), source="p.txt")
    assert n.organisation == "泸州市龙马潭区文化广播电视和旅游体育局"
