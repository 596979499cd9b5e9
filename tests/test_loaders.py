"""Loaders: every format and encoding to display text, and every bad input refused."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.errors import RejectedFile
from archive.loaders import SUFFIXES, Loaded, load_bytes, load_path
from archive.pdf_text import is_page_number, join_lines
from tests.variants import ENCODING, VARIANT_KINDS, html_page, write_pdf, write_variant

PARAS = [
    "根据县委统一部署，县委第三巡察组对县档案馆党支部开展了常规巡察。",
    "一、整改工作总体情况",
    "濉溪、䶮、〇、①、“引号”和（全角括号）都要原样保留。",
    "联系电话：0561—1234567；电子邮箱：dag@example.cn",
]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("kind", ["txt-utf8", "txt-gb18030", "txt-utf8-bom-crlf", "txt-utf16"])
def test_txt_encodings_detected(tmp_path: Path, kind: str) -> None:
    loaded = load_path(write_variant(kind, PARAS, tmp_path))
    assert loaded.format == "txt"
    assert loaded.encoding == ENCODING[kind]
    assert loaded.text == "\n".join(PARAS)
    assert loaded.meta == {}


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("巡察整改".encode("gbk"), "gb18030"),
        (b"\xfe\xff" + "巡察整改".encode("utf-16-be"), "utf-16-be"),
        (b"plain ascii notice", "utf-8"),
        ("䶮".encode("gb18030") + "巡察".encode("gb18030"), "gb18030"),
    ],
)
def test_txt_encoding_table(tmp_path: Path, data: bytes, encoding: str) -> None:
    loaded = load_path(write(tmp_path / "a.txt", data))
    assert loaded.encoding == encoding
    assert loaded.raw == data


def test_gb18030_four_byte_character_survives(tmp_path: Path) -> None:
    text = "第一行䶮字\n第二行"
    loaded = load_path(write(tmp_path / "a.txt", text.encode("gb18030")))
    assert loaded.text == text


def test_line_endings_and_blank_lines(tmp_path: Path) -> None:
    data = "  第一段  \r\n\r\n\r\n第二段\r第三段\n\u3000\u3000第四段\t\n   \n".encode()
    loaded = load_path(write(tmp_path / "crlf.txt", data))
    assert loaded.text == "第一段\n第二段\n第三段\n第四段"
    assert loaded.name == "crlf.txt"


def test_full_width_characters_are_not_folded(tmp_path: Path) -> None:
    text = "（一）关于“三重一大”问题：ＡＢＣ１２３，已整改。"
    loaded = load_path(write(tmp_path / "w.txt", text.encode("utf-8")))
    assert loaded.text == text


def test_load_bytes_matches_load_path(tmp_path: Path) -> None:
    path = write_variant("txt-gb18030", PARAS, tmp_path)
    a = load_path(path)
    b = load_bytes(path.read_bytes(), str(path))
    assert a == b
    assert isinstance(a, Loaded)


# --------------------------------------------------------------------------- HTML

META = {
    "title": "中共某县档案馆党支部关于巡察整改情况的通报",
    "publisher": "中共某县档案馆党支部",
    "date": "2023年9月12日",
}
NOISE = [
    "当前位置",
    "首页",
    "政务公开",
    "索引号",
    "主题分类",
    "巡视巡察",
    "发布机构",
    "成文日期",
    "发布时间",
    "浏览量",
    "字号",
    "分享",
    "朗读",
    "打印",
    "关闭窗口",
    "相关链接",
    "市委巡察组进驻",
    "热点信息",
    "安全生产",
    "网站地图",
    "版权所有",
    "ICP",
    "公网安备",
    "网站标识码",
    "请输入关键字",
    "doZoom",
    "11000000MB",
    META["title"],
]


@pytest.mark.parametrize(("kind", "encoding"), [("html-utf8", "utf-8"), ("html-gbk", "gbk")])
def test_html_body_and_metadata(tmp_path: Path, kind: str, encoding: str) -> None:
    loaded = load_path(write_variant(kind, PARAS, tmp_path, **META))
    assert loaded.format == "html"
    assert loaded.encoding == encoding
    assert loaded.text.split("\n") == PARAS
    assert loaded.meta == META
    for word in NOISE:
        assert word not in loaded.text, word


def test_html_title_falls_back_to_title_tag(tmp_path: Path) -> None:
    page = """<html><head><meta charset="utf-8">
    <title>关于县档案馆巡察整改情况的通报_某县人民政府门户网站</title></head>
    <body><div class="nav"><a href="/">首页</a></div>
    <div class="info">发布时间：2023-09-12 09:00　来源：县档案馆</div>
    <div class="content"><p>根据县委统一部署，县委巡察组对县档案馆开展了巡察。</p>
    <p>现将巡察整改情况予以公布。</p></div>
    <div class="footer">版权所有 某县人民政府 皖ICP备00000001号</div></body></html>"""
    loaded = load_bytes(page.encode("utf-8"), "p.html")
    assert loaded.meta == {"title": "关于县档案馆巡察整改情况的通报", "date": "2023-09-12 09:00"}
    assert loaded.text == (
        "根据县委统一部署，县委巡察组对县档案馆开展了巡察。\n现将巡察整改情况予以公布。"
    )


def test_html_without_known_container_uses_densest_prose() -> None:
    prose = [
        "根据县委统一部署，县委第一巡察组对县文化馆党支部开展了巡察，并反馈了巡察意见。",
        "（一）针对理论学习不深入问题。一是制定学习计划，二是每月开展集中学习。",
        "（二）针对固定资产管理不规范问题。对全部资产重新登记造册，做到账实相符。",
    ]
    body = "".join(f"<p>{p}</p>" for p in prose)
    page = f"""<html><head><meta charset="utf-8"><title>x</title></head><body>
    <div class="k1"><div class="k2"><span>您现在的位置：</span><a href="/">首页</a></div>
    <div class="k3">{body}<p>某县文化馆党支部</p><p>2023年3月1日</p></div>
    <div class="k4"><h4>图片新闻</h4><p>县里举行春季运动会</p></div></div></body></html>"""
    loaded = load_bytes(page.encode("utf-8"), "p.htm")
    assert loaded.text.split("\n") == [*prose, "某县文化馆党支部", "2023年3月1日"]


def test_html_br_paragraphs_and_table_cells() -> None:
    page = """<html><head><meta charset="utf-8"></head><body><div id="zoom">
    第一段文字，<b>加粗部分</b>继续。<br>第二段
    文字在源码里换了行。<br><br>
    <table><tr><td>问题</td><td>整改情况</td></tr><tr><td>会议记录不全</td><td>已完成</td></tr></table>
    <ul><li>列表一</li><li>列表二</li></ul><h2>小标题</h2>
    </div></body></html>"""
    loaded = load_bytes(page.encode("utf-8"), "p.html")
    assert loaded.text.split("\n") == [
        "第一段文字，加粗部分继续。",
        "第二段文字在源码里换了行。",
        "问题",
        "整改情况",
        "会议记录不全",
        "已完成",
        "列表一",
        "列表二",
        "小标题",
    ]


@pytest.mark.parametrize(
    ("declared", "payload", "encoding"),
    [
        ("utf-8", "巡察整改情况的通报".encode("gbk"), "gb18030"),  # wrong declaration
        ("gb2312", "巡察整改情况的通报".encode(), "utf-8"),  # stale template
        ("gb2312", "巡察整改情况的通报".encode("gb2312"), "gb2312"),
        ("iso-8859-1", "巡察整改情况的通报".encode("gbk"), "gb18030"),  # never trusted
    ],
)
def test_html_declared_charset(declared: str, payload: bytes, encoding: str) -> None:
    head = f'<html><head><meta charset="{declared}"></head><body><div class="content"><p>'
    data = head.encode("ascii") + payload + b"</p></div></body></html>"
    loaded = load_bytes(data, "p.html")
    assert loaded.encoding == encoding
    assert loaded.text == "巡察整改情况的通报"


def test_html_label_words_inside_prose_are_kept() -> None:
    prose = [
        "针对服务对象满意度不高问题，逐项核对发文字号和文件有效性，主题词规范使用。",
        "如有意见建议，请联系我们。资金来源：财政拨款。",
    ]
    page = f"""<html><head><meta charset="utf-8"></head><body>
    <table class="xxgk"><tr><td>索引号：</td><td>A-1</td></tr>
    <tr><td>发布机构：</td><td>某县卫健委</td></tr></table>
    <div class="content">{"".join(f"<p>{p}</p>" for p in prose)}</div></body></html>"""
    loaded = load_bytes(page.encode("utf-8"), "p.html")
    assert loaded.text.split("\n") == prose
    assert loaded.meta == {"publisher": "某县卫健委"}


def test_html_page_metadata_block_inside_article(tmp_path: Path) -> None:
    page = html_page(PARAS, charset="gbk", **META)
    loaded = load_bytes(page.encode("gbk", errors="xmlcharrefreplace"), "x.htm")
    assert loaded.meta == META
    assert "公开方式" not in loaded.text and "主动公开" not in loaded.text


# --------------------------------------------------------------------------- DOCX


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "页眉文字不应出现"
    document.sections[0].footer.paragraphs[0].text = "页脚文字不应出现"
    document.add_paragraph("一、表格前的段落")
    document.add_paragraph("")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "序号"
    table.cell(0, 1).text = "问题"
    table.cell(0, 2).text = "整改状态"
    table.cell(1, 0).text = "1"
    merged = table.cell(1, 1).merge(table.cell(1, 2))
    merged.text = "账户管理混乱（已完成）"
    document.add_paragraph("  二、表格后的段落  ")
    path = tmp_path / "t.docx"
    document.save(str(path))

    loaded = load_path(path)
    assert loaded.format == "docx"
    assert loaded.encoding is None
    assert loaded.text.split("\n") == [
        "一、表格前的段落",
        "序号",
        "问题",
        "整改状态",
        "1",
        "账户管理混乱（已完成）",
        "二、表格后的段落",
    ]


def test_docx_variant_ignores_header_and_footer(tmp_path: Path) -> None:
    loaded = load_path(write_variant("docx", PARAS, tmp_path))
    assert loaded.text.split("\n") == PARAS


# --------------------------------------------------------------------------- PDF

LONG = (
    "根据县委统一部署，县委第三巡察组于2022年3月1日至4月15日对县档案馆党支部开展了常规巡察，"
    "并于5月10日反馈了巡察意见。档案馆党支部高度重视，逐条研究整改措施，明确责任人和完成时限，"
    "按照党务公开原则和巡察工作有关要求，现将巡察整改情况予以公布。"
)
PDF_PARAS = [
    LONG,
    "一、整改工作开展情况",
    "（一）加强组织领导。成立整改工作领导小组，由党支部书记任组长，班子成员分工负责，"
    "每月召开一次整改推进会，逐项对账销号，确保各项整改任务按期完成。",
    "（二）完善制度机制。修订完善财务管理、档案借阅、公务接待等制度12项。",
    "二、反馈问题整改情况",
    "1.针对学习制度落实不到位问题。一是制定年度学习计划；二是建立学习台账，"
    "每季度通报学习情况，对缺学人员进行提醒。",
    "三、下一步工作打算",
    "党支部将坚持问题导向，对已完成的整改事项适时开展回头看，防止问题反弹；对需要长期坚持的事项，"
    "建立长效机制，持续跟踪问效，推动整改成果转化为档案工作高质量发展的实际成效。",
    "欢迎广大干部群众对巡察整改落实情况进行监督。如有意见建议，请通过以下方式及时向我们反映。",
    "同时，档案馆将在官方网站开设巡察整改专栏，集中公开整改进展，定期更新整改台账，"
    "主动接受社会各界监督，确保每一项整改都经得起检验。",
    "联系电话：0561-3021234；电子邮箱：dangan_xuncha@example.gov.cn",
    "中共某县档案馆党支部",
    "2022年8月20日",
]


@pytest.mark.parametrize("indent", [True, False])
def test_pdf_joins_wrapped_lines(tmp_path: Path, indent: bool) -> None:
    path = write_pdf(PDF_PARAS, tmp_path / "n.pdf", indent=indent, lines_per_page=9)
    loaded = load_path(path)
    assert loaded.format == "pdf"
    assert loaded.encoding is None
    assert loaded.text.split("\n") == PDF_PARAS


@pytest.mark.parametrize(
    "footer",
    ["— {page} —", "- {page} -", "第{page}页", "{page}/{pages}", "第 {page} 页 共 {pages} 页"],
)
def test_pdf_page_footers_removed(tmp_path: Path, footer: str) -> None:
    path = write_pdf(PDF_PARAS, tmp_path / "f.pdf", lines_per_page=8, footer=footer)
    assert load_path(path).text.split("\n") == PDF_PARAS


def test_pdf_running_header_removed(tmp_path: Path) -> None:
    path = write_pdf(
        PDF_PARAS, tmp_path / "h.pdf", lines_per_page=6, header="某县档案馆党支部文件（第{page}页）"
    )
    assert load_path(path).text.split("\n") == PDF_PARAS


def test_pdf_narrow_column(tmp_path: Path) -> None:
    path = write_pdf(PDF_PARAS, tmp_path / "c.pdf", text_width=200, lines_per_page=40)
    assert load_path(path).text.split("\n") == PDF_PARAS


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("— 3 —", True),
        ("-3-", True),
        ("－ 12 －", True),
        ("第3页", True),
        ("第 3 页 共 12 页", True),
        ("共12页 第3页", True),
        ("3/12", True),
        ("12", True),
        ("3.针对问题", False),
        ("2022年", False),
        ("第三章", False),
    ],
)
def test_page_number_patterns(line: str, expected: bool) -> None:
    assert is_page_number(line) is expected


def test_join_lines_rules() -> None:
    full = "一二三四五六七八九十" * 2
    lines = [
        full,  # wraps
        "五六七。",  # short: paragraph ends
        "（一）" + full[3:],  # heading marker opens a paragraph
        full,
        "收尾。",
        full[:-1] + "。",  # full line ending a paragraph, next opens with 1.
        "1.下一项" + full[5:],
        "结束",
        "某某单位",  # signature before a date
        "2022年8月20日",
    ]
    assert join_lines(lines, full=20.0) == [
        full + "五六七。",
        "（一）" + full[3:] + full + "收尾。",
        full[:-1] + "。",
        "1.下一项" + full[5:] + "结束",
        "某某单位",
        "2022年8月20日",
    ]


def test_join_lines_latin_words_get_a_space() -> None:
    lines = ["巡察整改" * 4 + "mail", "box@example.cn已公开。"]
    assert join_lines(lines, full=18.0) == ["巡察整改" * 4 + "mail box@example.cn已公开。"]


# --------------------------------------------------------------------------- bad input


def _png(_: Path) -> bytes:
    rng = random.Random(7)
    return b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(4000))


def _random(_: Path) -> bytes:
    rng = random.Random(11)
    return bytes(rng.randrange(128, 256) for _ in range(4000))


def _controls(_: Path) -> bytes:
    return bytes(range(1, 32)) * 50


def _zip_not_docx(_: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "不是 Word 文档")
    return buf.getvalue()


def _scan_pdf(tmp: Path) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp / "scan-src.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(72, 72, 300, 500, fill=1)
    c.showPage()
    c.rect(100, 100, 200, 200)
    c.showPage()
    c.save()
    return path.read_bytes()


def _many_pages_pdf(tmp: Path) -> bytes:
    from reportlab.pdfgen import canvas

    path = tmp / "pages-src.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(301):
        c.showPage()
    c.save()
    return path.read_bytes()


def _truncated_pdf(tmp: Path) -> bytes:
    data = write_pdf(PDF_PARAS, tmp / "full-src.pdf").read_bytes()
    return data[: len(data) // 2]


def _corrupt_pdf(_: Path) -> bytes:
    rng = random.Random(5)
    return b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(3000)) + b"\n%%EOF\n"


def _long_text(_: Path) -> bytes:
    return ("巡察整改" * 25 + "\n").encode("utf-8") * 3_000  # 303,000 characters


BAD = [
    ("empty.txt", lambda _: b"", "为空"),
    ("empty.pdf", lambda _: b"", "为空"),
    ("blank.txt", lambda _: " \r\n\t\n\u3000\r\n".encode(), "为空"),
    ("image.txt", _png, "二进制"),
    ("image.html", _png, "二进制"),
    ("random.txt", _random, "编码"),
    ("controls.txt", _controls, "二进制"),
    ("nul.txt", lambda _: "巡察".encode() + b"\x00\x00\x01" * 20, "二进制"),
    ("big.txt", lambda _: b"a" * (10 * 1024 * 1024), "8 MiB"),
    ("long.txt", _long_text, "过长"),
    ("lines.txt", lambda _: "巡察整改\n".encode() * 20_001, "行数过多"),
    ("table.xls", lambda _: b"x", "不支持的文件类型"),
    ("setup.exe", lambda _: b"MZ\x00\x00", "不支持的文件类型"),
    ("README", lambda _: "巡察".encode(), "不支持的文件类型"),
    ("broken.docx", _random, "DOCX"),
    ("archive.docx", _zip_not_docx, "DOCX"),
    ("old.docx", lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".doc"),
    ("broken.pdf", _random, "PDF"),
    ("corrupt.pdf", _corrupt_pdf, "PDF"),
    ("scan.pdf", _scan_pdf, "没有文字层"),
    ("pages.pdf", _many_pages_pdf, "页数过多"),
    ("truncated.pdf", _truncated_pdf, "截断"),
]


@pytest.mark.parametrize(("name", "make", "cause"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_rejected(
    tmp_path: Path, name: str, make: Callable[[Path], bytes], cause: str
) -> None:
    path = write(tmp_path / name, make(tmp_path))
    with pytest.raises(RejectedFile) as info:
        load_path(path)
    assert cause in info.value.reason
    assert "\n" not in info.value.reason
    with pytest.raises(RejectedFile) as again:
        load_bytes(path.read_bytes(), name)
    assert again.value.reason == info.value.reason


def test_size_limit_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as f:
        f.truncate(33 * 1024 * 1024)  # sparse: nothing is written or read
    with pytest.raises(RejectedFile) as info:
        load_path(path)
    assert "过大" in info.value.reason and "32 MiB" in info.value.reason


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(RejectedFile) as info:
        load_path(tmp_path / "nope.txt")
    assert "文件不存在" in info.value.reason
    folder = tmp_path / "dir.txt"
    folder.mkdir()
    with pytest.raises(RejectedFile):
        load_path(folder)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes_never_escape(data: bytes, suffix: str) -> None:
    try:
        loaded = load_bytes(data, "x" + suffix)
    except RejectedFile as exc:
        assert exc.reason and "\n" not in exc.reason
    else:
        assert loaded.text and "\n\n" not in loaded.text


@pytest.mark.parametrize("prefix", [b"%PDF-1.7\n", b"PK\x03\x04", b"<html><body>"])
@settings(max_examples=30, deadline=None)
@given(tail=st.binary(max_size=2000))
def test_plausible_headers_never_escape(prefix: bytes, tail: bytes) -> None:
    for suffix in SUFFIXES:
        try:
            loaded = load_bytes(prefix + tail, "y" + suffix)
        except RejectedFile as exc:
            assert exc.reason and "\n" not in exc.reason
            assert exc.source == "y" + suffix
        else:
            assert loaded.text and "\n\n" not in loaded.text
            assert loaded.format == {".htm": "html"}.get(suffix, suffix.lstrip("."))


# ------------------------------------------------------------- long and nested input


def test_ten_thousand_characters_load_whole(tmp_path: Path) -> None:
    """A long notice (280 paragraphs, 13 000 characters) loads paragraph for paragraph in
    every format, PDF line joining included. How fast is the bench's business
    (``bench/``), not a unit test's: a wall-clock bound here only measured the machine."""
    paras = [p for _ in range(40) for p in PDF_PARAS[:7]]
    assert sum(map(len, paras)) >= 10_000

    for kind in VARIANT_KINDS:
        path = write_variant(kind, paras, tmp_path / kind)
        loaded = load_path(path)
        assert loaded.text.split("\n") == paras, kind


def test_a_tag_stuffed_page_is_refused_before_parsing() -> None:
    page = "<html><body>" + "<p><span>整改</span></p>" * 40_000 + "</body></html>"
    with pytest.raises(RejectedFile, match="网页标签过多"):
        load_bytes(page.encode("utf-8"), "stuffed.html")


def test_deeply_nested_noise_is_refused_or_read(tmp_path: Path) -> None:
    """Thousands of nested navigation boxes: the noise filter must not revisit each
    subtree (it once took 10 s for 5,000 levels)."""
    seed = (Path(__file__).resolve().parents[1] / "seeds").glob("*.txt")
    text = next(iter(sorted(seed))).read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    depth = 3_000
    page = (
        "<html><body>"
        + '<div class="nav">' * depth
        + "<a>首页</a>"
        + "</div>" * depth
        + f'<div class="article">{paragraphs}</div></body></html>'
    )
    try:
        loaded = load_bytes(page.encode("utf-8"), "nested.html")
    except RejectedFile as exc:
        assert "嵌套" in exc.reason
    else:
        assert "首页" not in loaded.text
        assert text.splitlines()[0].strip() in loaded.text
