"""Write one notice text in every format the archive accepts, the way real copies look.

``write_variant(kind, paragraphs, path, **meta)`` writes one copy and returns
its path; ``write_all_variants`` writes every kind into a folder. The display
text of each copy is exactly the given paragraphs: page wrappers, metadata
blocks, headers, footers and page numbers are all outside the body.

Kinds (``VARIANT_KINDS``):
- ``txt-utf8``, ``txt-gb18030``, ``txt-utf8-bom-crlf``, ``txt-utf16``
- ``html-utf8``: government page, disclosure table above the article, <p> paragraphs
- ``html-gbk``: GBK-declared page, disclosure list inside the article wrapper,
  <div>/<br> paragraphs and hard line breaks inside the page source
- ``docx``: paragraphs plus a page header and footer that must be ignored
- ``pdf``: STSong-Light, paragraphs wrapped at a fixed width with a two-character
  first-line indent, several pages, ``— N —`` page footers

Metadata keywords (all optional): ``title``, ``publisher``, ``date`` (as printed,
e.g. ``2022年5月20日``), ``index_no``, ``site``.
"""

from __future__ import annotations

import html
from pathlib import Path

VARIANT_KINDS = (
    "txt-utf8",
    "txt-gb18030",
    "txt-utf8-bom-crlf",
    "txt-utf16",
    "html-utf8",
    "html-gbk",
    "docx",
    "pdf",
)
SUFFIX = {
    "txt-utf8": ".txt",
    "txt-gb18030": ".txt",
    "txt-utf8-bom-crlf": ".txt",
    "txt-utf16": ".txt",
    "html-utf8": ".html",
    "html-gbk": ".htm",
    "docx": ".docx",
    "pdf": ".pdf",
}
# What the loader should report for each kind.
FORMAT = {k: k.split("-")[0] for k in VARIANT_KINDS}
ENCODING = {
    "txt-utf8": "utf-8",
    "txt-gb18030": "gb18030",
    "txt-utf8-bom-crlf": "utf-8-sig",
    "txt-utf16": "utf-16-le",
    "html-utf8": "utf-8",
    "html-gbk": "gbk",
    "docx": None,
    "pdf": None,
}

DEFAULT_META = {
    "title": "中共某某市某某局党组关于巡察整改情况的通报",
    "publisher": "中共某某市某某局党组",
    "date": "2023年6月8日",
    "index_no": "11000000MB0000000X/2023-00042",
    "site": "某某市人民政府门户网站",
}


def as_paragraphs(text: str | list[str]) -> list[str]:
    """Paragraphs of a notice given as a list or as one string with one paragraph a line."""
    lines = text.splitlines() if isinstance(text, str) else list(text)
    return [line.strip() for line in lines if line.strip()]


def write_variant(kind: str, paragraphs: str | list[str], path: Path, **meta: str) -> Path:
    """Write ``paragraphs`` as variant ``kind``; return the file written.

    ``path`` is a folder (the file is named ``notice-<kind><suffix>`` inside it)
    or a file path whose suffix is replaced by the right one.
    """
    if kind not in VARIANT_KINDS:
        raise ValueError(f"unknown variant kind {kind!r}; expected one of {VARIANT_KINDS}")
    paras = as_paragraphs(paragraphs)
    info = {**DEFAULT_META, **meta}
    path = Path(path)
    target = path / f"notice-{kind}{SUFFIX[kind]}" if path.is_dir() else path
    target = target.with_suffix(SUFFIX[kind])
    target.parent.mkdir(parents=True, exist_ok=True)
    if kind == "txt-utf8":
        target.write_bytes("\n".join(paras).encode("utf-8") + b"\n")
    elif kind == "txt-gb18030":
        target.write_bytes("\n".join(paras).encode("gb18030") + b"\n")
    elif kind == "txt-utf8-bom-crlf":
        body = "\r\n".join(paras) + "\r\n"
        target.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    elif kind == "txt-utf16":
        target.write_bytes(b"\xff\xfe" + "\r\n".join(paras).encode("utf-16-le"))
    elif kind == "html-utf8":
        target.write_bytes(html_page(paras, charset="utf-8", **info).encode("utf-8"))
    elif kind == "html-gbk":
        page = html_page(paras, charset="gbk", **info)
        target.write_bytes(page.encode("gbk", errors="xmlcharrefreplace"))
    elif kind == "docx":
        write_docx(paras, target, **info)
    else:
        write_pdf(paras, target)
    return target


def write_all_variants(paragraphs: str | list[str], folder: Path, **meta: str) -> dict[str, Path]:
    """Every variant of one notice in ``folder``; kind → path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return {kind: write_variant(kind, paragraphs, folder, **meta) for kind in VARIANT_KINDS}


# --------------------------------------------------------------------------- HTML


def _split_source_line(text: str) -> str:
    """Break a long paragraph in the page source between two CJK characters."""
    mid = len(text) // 2
    for i in range(mid, min(len(text) - 1, mid + 40)):
        if "\u4e00" <= text[i - 1] <= "\u9fff" and "\u4e00" <= text[i] <= "\u9fff":
            return html.escape(text[:i]) + "\n            " + html.escape(text[i:])
    return html.escape(text)


def html_page(
    paragraphs: list[str],
    *,
    charset: str = "utf-8",
    title: str = DEFAULT_META["title"],
    publisher: str = DEFAULT_META["publisher"],
    date: str = DEFAULT_META["date"],
    index_no: str = DEFAULT_META["index_no"],
    site: str = DEFAULT_META["site"],
    **_: str,
) -> str:
    """A government article page around the notice, noise and all."""
    e = html.escape
    legacy = charset.lower() != "utf-8"
    if legacy:
        head_charset = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    else:
        head_charset = f'<meta charset="{charset}">'
    if not legacy:
        body = "\n".join(
            f'          <p style="text-indent:2em;">{e(p)}</p>'
            if i % 3
            else f'          <p>　　<span class="fs">{_split_source_line(p)}</span></p>'
            for i, p in enumerate(paragraphs)
        )
        body_html = f"""
      <div id="zoom" class="zoom">
        <div class="TRS_Editor">
{body}
        </div>
      </div>"""
        disclosure = f"""
    <div class="xxgk-table">
      <table border="1" cellspacing="0">
        <tr><td class="t">索引号：</td><td>{e(index_no)}</td>
            <td class="t">主题分类：</td><td>巡视巡察</td></tr>
        <tr><td class="t">发布机构：</td><td>{e(publisher)}</td>
            <td class="t">成文日期：</td><td>{e(date)}</td></tr>
        <tr><td class="t">名　　称：</td><td colspan="3">{e(title)}</td></tr>
        <tr><td class="t">文　　号：</td><td></td>
            <td class="t">发布日期：</td><td>2023-06-09</td></tr>
      </table>
    </div>"""
        inner_disclosure = ""
    else:
        rows = []
        for i, p in enumerate(paragraphs):
            if i % 4 == 1:
                rows.append(f"          &nbsp;&nbsp;&nbsp;&nbsp;{_split_source_line(p)}<br>")
            elif i % 4 == 2:
                rows.append(f"          <br/>{e(p)}<br />")
            else:
                rows.append(f'          <div class="p"><font size="3">{e(p)}</font></div>')
        body = "\n".join(rows)
        body_html = f"""
      <div class="article-content">
        <div class="Custom_UnionStyle">
{body}
        </div>
      </div>"""
        disclosure = ""
        inner_disclosure = f"""
      <ul class="xxgk">
        <li><span>索 引 号：</span>{e(index_no)}</li>
        <li><span>发文机关：</span>{e(publisher)}</li>
        <li><span>标　　题：</span>{e(title)}</li>
        <li><span>成文日期：</span>{e(date)}</li>
        <li><span>公开方式：</span>主动公开</li>
      </ul>"""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
  {head_charset}
  <title>{e(title)}_{e(site)}</title>
  <meta name="SiteName" content="{e(site)}">
  <meta name="ArticleTitle" content="{e(title)}">
  <meta name="PubDate" content="2023-06-09 10:30">
  <link rel="stylesheet" href="/css/style.css">
  <style>.xxgk td.t {{ width: 90px; }} /* 字号 大 中 小 */</style>
  <script>var crumbs = "当前位置：首页 > 政务公开"; function doZoom(n) {{ return n; }}</script>
</head>
<body>
  <!-- 头部 开始 -->
  <div class="header">
    <div class="logo">{e(site)}</div>
    <div class="search"><input type="text" value="请输入关键字"><button>搜索</button></div>
  </div>
  <div class="nav">
    <ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
    <li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul>
  </div>
  <div class="main">
    <div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>
      &gt; <a href="/zwgk/tzgg/">通知公告</a></div>
    {disclosure}
    <div class="article">
      {inner_disclosure}
      <h1 class="article-title">{e(title)}</h1>
      <div class="info">发布时间：2023-06-09 10:30　　来源：{e(publisher)}　　浏览量：1286
        【字号：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a>
        <a href="javascript:doZoom(12)">小</a>】　<a href="#">分享</a>　<a href="#">朗读</a></div>
      {body_html}
      <div class="article-tools"><a href="javascript:window.print()">【打印本页】</a>
        <a href="javascript:window.close()">【关闭窗口】</a></div>
      <div class="related">
        <h3>相关链接</h3>
        <ul><li><a href="/a/1.html">市委巡察组进驻市某某局开展巡察工作</a></li>
        <li><a href="/a/2.html">市委第一轮巡察反馈情况综述</a></li></ul>
      </div>
    </div>
    <div class="sidebar">
      <h3>热点信息</h3>
      <ul><li><a href="/b/1.html">关于做好年度绩效考核工作的通知</a></li>
      <li><a href="/b/2.html">全市安全生产工作会议召开</a></li></ul>
    </div>
  </div>
  <div class="footer">
    <p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a></p>
    <p>主办单位：某某市人民政府办公室　　版权所有：某某市人民政府</p>
    <p>京ICP备12345678号　京公网安备11000002000001号　网站标识码：1100000001</p>
  </div>
</body>
</html>
"""


# --------------------------------------------------------------------------- DOCX


def write_docx(paragraphs: list[str], path: Path, *, title: str = "", **_: str) -> Path:
    """A Word document with the paragraphs, plus a page header and footer."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "某某市某某局党组文件"
    section.footer.paragraphs[0].text = "— 1 —"
    for p in paragraphs:
        document.add_paragraph(p)
    if title:
        document.core_properties.title = title
    document.save(str(path))
    return path


# --------------------------------------------------------------------------- PDF

PDF_FONT = "STSong-Light"
PDF_SIZE = 12.0
PDF_MARGIN = 72.0
PDF_LEADING = 20.0
_NO_LINE_START = "，。、；：？！,.;:?!）)》」』”’%"


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))


def _units(text: str) -> list[str]:
    """Pieces a line may not be broken inside: an ASCII word, or one character."""
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j].isascii() and not text[j].isspace():
            j += 1
        if j > i:
            out.append(text[i:j])
            i = j
        else:
            out.append(text[i])
            i += 1
    return out


def wrap_paragraph(text: str, width: float, first_indent: float = 0.0) -> list[str]:
    """Break a paragraph into lines at the right margin, as a word processor does.

    ASCII words stay whole, closing punctuation hangs at the end of a line
    rather than opening the next one.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    avail = width - first_indent
    for unit in _units(text):
        trial = current + unit
        fits = stringWidth(trial, PDF_FONT, PDF_SIZE) <= avail + 0.01
        if fits or not current or unit in _NO_LINE_START:
            current = trial
        else:
            lines.append(current.rstrip())
            current = unit.lstrip()
            avail = width
    if current.strip():
        lines.append(current.rstrip())
    return lines


def write_pdf(
    paragraphs: list[str],
    path: Path,
    *,
    indent: bool = True,
    lines_per_page: int = 34,
    text_width: float | None = None,
    footer: str = "— {page} —",
    header: str = "",
) -> Path:
    """A multi-page PDF: wrapped paragraphs, first-line indent, page footers.

    ``footer`` and ``header`` are formats with ``{page}`` and ``{pages}``; an
    empty string draws none.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _register_font()
    page_w, page_h = A4
    width = text_width or (page_w - 2 * PDF_MARGIN)
    first = 2 * PDF_SIZE if indent else 0.0
    placed: list[tuple[float, str]] = []
    for p in paragraphs:
        for k, line in enumerate(wrap_paragraph(p, width, first)):
            placed.append((first if k == 0 else 0.0, line))
    pages = [placed[i : i + lines_per_page] for i in range(0, len(placed), lines_per_page)]
    pages = pages or [[]]
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for number, lines in enumerate(pages, start=1):
        marks = {"page": number, "pages": len(pages)}
        if header:
            c.setFont(PDF_FONT, 10.5)
            c.drawCentredString(page_w / 2, page_h - PDF_MARGIN / 2, header.format(**marks))
        y = page_h - PDF_MARGIN
        c.setFont(PDF_FONT, PDF_SIZE)
        for x_offset, line in lines:
            c.drawString(PDF_MARGIN + x_offset, y, line)
            y -= PDF_LEADING
        if footer:
            c.setFont(PDF_FONT, 10.5)
            c.drawCentredString(page_w / 2, PDF_MARGIN / 2, footer.format(**marks))
        c.showPage()
    c.save()
    return path
