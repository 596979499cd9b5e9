"""Article text and disclosure metadata from a Chinese government web page.

A saved page wraps the notice in navigation, breadcrumbs, tool bars, related
links and a footer; the disclosure block (索引号/发布机构/成文日期 …) sits above
it. We read that block into metadata, delete it and the wrappers, find the
article container (known ids/classes first, else the element that holds the
most Chinese prose), and render it one paragraph per line.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

# --------------------------------------------------------------------------- charset


_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.I)
_XML_DECL = re.compile(rb"<\?xml[^>]{0,100}?encoding\s*=\s*[\"']([A-Za-z0-9_\-.]+)", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 8 KiB (meta tag or XML declaration)."""
    head = data[:8192]
    m = _META_CHARSET.search(head) or _XML_DECL.search(head)
    return m.group(1).decode("ascii").lower() if m else None


# --------------------------------------------------------------------------- helpers

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WIDE = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2018-\u201d\u2014\u2026]"
)

_DROP_TAGS = (
    "script style noscript template iframe frame frameset object embed svg canvas map "
    "input select textarea button option audio video source head link meta title"
).split()
_NOISE_TAGS = ("nav", "header", "footer", "aside", "form")
_BLOCK = set(
    "p div br li ul ol dl dt dd h1 h2 h3 h4 h5 h6 table thead tbody tfoot tr td th caption "
    "section article blockquote pre center hr address figure figcaption main body html "
    "fieldset legend details summary".split()
)
_NOISE_NAME = re.compile(
    r"(?:^|[-_])(?:nav|navs|navbar|menu|menus|breadcrumbs?|crumbs?|bread|position|location|"
    r"curpos|dqwz|footer|foot|copyright|banner|share|bdshare|sharebox|toolbar|tools?|print|"
    r"fontsize|related|xglj|xgwz|xgwj|relevant|sidebar|search|login|qrcode|ewm|gotop|"
    r"pager|pagination|comment|comments)(?:$|[-_\d])",
    re.I,
)
_HINT_NAMES = {
    n.lower()
    for n in (
        "content contents article article-content article_content articlecontent art_con "
        "trs_editor trs_ueditor zoom fontzoom custom_unionstyle view detail details "
        "detail-content detail_content news_content newscontent news-content pages_content "
        "main-text maintext main_text zw zhengwen zwnr wznr wzcon con_txt contxt con-txt "
        "ucapcontent xl_content xl-content info_content infocontent content_text "
        "content-text bt_content article-body article_body"
    ).split()
}

_RELATED_HEAD = re.compile(
    r"^\s*[【\[]?\s*(相关链接|相关文章|相关阅读|相关文档|相关文件|相关新闻|相关稿件|相关信息|"
    r"延伸阅读|相关解读|相关政策)\s*[】\]]?\s*[:：]?\s*$"
)


def _cjk(text: str) -> int:
    return len(_CJK.findall(text))


def _names(tag: Tag) -> list[str]:
    names = []
    ident = tag.get("id")
    if isinstance(ident, str):
        names.append(ident)
    cls = tag.get("class")
    if isinstance(cls, str):
        names.extend(cls.split())
    elif isinstance(cls, list):
        names.extend(str(c) for c in cls)
    return names


def _text_nodes(root: Tag) -> Iterable[NavigableString]:
    for node in root.descendants:
        if isinstance(node, NavigableString) and type(node) is NavigableString:
            yield node


def _in_link(node: NavigableString, stop: Tag) -> bool:
    for parent in node.parents:
        if parent is stop:
            return False
        if parent.name == "a":
            return True
    return False


def _prose_counts(root: Tag) -> dict[int, int]:
    """CJK characters under each element, not counting link text (menus, lists)."""
    counts: dict[int, int] = {}
    for node in _text_nodes(root):
        n = _cjk(node)
        if not n:
            continue
        chain = []
        linked = False
        for parent in node.parents:
            if parent.name == "a":
                linked = True
                break
            chain.append(id(parent))
        if linked:
            continue
        for key in chain:
            counts[key] = counts.get(key, 0) + n
    return counts


# --------------------------------------------------------------------------- metadata block

_STRONG = (
    "信息索引号 索引号 发布机构 发文机关 发文单位 成文日期 文件名称 发文字号 文号 "
    "主题分类 公开方式 公开范围 公开时限 体裁分类 组配分类 信息分类 有效性 效力状态 "
    "主题词 服务对象"
).split()
_WEAK = (
    "信息名称 标题 名称 发布日期 发布时间 生成日期 关键词 内容概述 信息来源 所属机构 废止日期"
).split()
_LABELS = sorted(set(_STRONG + _WEAK), key=len, reverse=True)
_TITLE_LABELS = ("文件名称", "信息名称", "标题", "名称")
_PUBLISHER_LABELS = ("发布机构", "发文机关", "发文单位", "所属机构")
_DATE_LABELS = ("成文日期", "发布日期", "发布时间", "生成日期")


def _spaced(word: str) -> str:
    return r"[\s\u3000]*".join(map(re.escape, word))


_LABEL_COLON = re.compile(
    r"(?<![^\s\u3000|｜;；】\]])(" + "|".join(_spaced(w) for w in _LABELS) + r")[\s\u3000]*[:：]"
)
# A strong label used as a label: at the start of a text piece or after a space,
# and followed by a colon, a space or the end (table cells often have no colon).
_STRONG_IN = re.compile(
    r"(?<![^\s\u3000|｜;；】\]])("
    + "|".join(_spaced(w) for w in _STRONG)
    + r")(?=[\s\u3000]*[:：]|[\s\u3000]|$)"
)


def _label_count(el: Tag) -> int:
    return len(_STRONG_IN.findall(el.get_text(" ")))


_WS = re.compile(r"[\s\u3000\xa0]+")


def _compact(text: str) -> str:
    return _WS.sub("", text)


def _meta_rows(root: Tag) -> list[Tag]:
    """The elements that make up the disclosure block (outermost, small, prose-free)."""
    rows: list[Tag] = []
    seen: set[int] = set()
    for node in list(_text_nodes(root)):
        if not _STRONG_IN.search(node):
            continue
        el = node.parent
        if el is None or id(el) in seen or _has_prose(el):
            continue
        while el.parent is not None and el.parent.name not in ("body", "html", "[document]"):
            mine, theirs = _compact(el.get_text()), _compact(el.parent.get_text())
            more_labels = _label_count(el.parent) > _label_count(el)
            # Climb to gather the value beside a label, or further rows of the block.
            if len(theirs) > 600 or _has_prose(el.parent):
                break
            if not more_labels and len(theirs) - len(mine) > 120:
                break
            el = el.parent
        if any(el is r or r in el.parents for r in rows):
            continue
        rows = [r for r in rows if el not in r.parents]
        rows.append(el)
        seen.add(id(el))
    # A lone label somewhere in running text is not a disclosure block.
    labels = set()
    for r in rows:
        labels.update(_compact(m.group(1)) for m in _STRONG_IN.finditer(r.get_text(" ")))
    return rows if len(labels) >= 2 else []


def _has_prose(el: Tag) -> bool:
    for node in _text_nodes(el):
        if _cjk(node) >= 80 and not _LABEL_COLON.search(node):
            return True
    return False


def _parse_fields(tokens: list[str]) -> list[tuple[str, str]]:
    fields: list[list[str]] = []
    label_set = set(_LABELS)
    for tok in tokens:
        compact = _compact(tok).rstrip(":：")
        if compact in label_set:
            fields.append([compact, ""])
            continue
        matches = list(_LABEL_COLON.finditer(tok))
        if not matches:
            if fields:
                fields[-1][1] += tok
            continue
        if fields and matches[0].start() > 0:
            fields[-1][1] += tok[: matches[0].start()]
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(tok)
            fields.append([_compact(m.group(1)), tok[m.end() : end]])
    return [(k, v.strip(" \t\r\n\u3000\xa0")) for k, v in fields]


def _fields_to_meta(fields: list[tuple[str, str]]) -> dict[str, str]:
    meta: dict[str, str] = {}
    values: dict[str, str] = {}
    for k, v in fields:
        if v and k not in values:
            values[k] = v
    for key, labels in (
        ("title", _TITLE_LABELS),
        ("publisher", _PUBLISHER_LABELS),
        ("date", _DATE_LABELS),
    ):
        for label in labels:
            if label in values:
                meta[key] = values[label]
                break
    return meta


# --------------------------------------------------------------------------- noise removal


def _remove_related_boxes(root: Tag) -> None:
    for node in list(_text_nodes(root)):
        el = getattr(node, "parent", None)
        if el is None or not _RELATED_HEAD.match(node):
            continue
        # Climb to the box that also holds the links.
        while el.parent is not None and el.find("a") is None and el.name not in ("body", "html"):
            el = el.parent
        if el.name in ("body", "html") or el.parent is None:
            node.extract()
            continue
        plain = sum(_cjk(n) for n in _text_nodes(el) if not _in_link(n, el))
        if plain - _cjk(node) <= 40:
            el.decompose()
        else:
            node.extract()


def _remove_noise(root: Tag, total: int) -> None:
    counts = _prose_counts(root)
    for tag in list(root.find_all(True)):
        # A decomposed tag has an empty name. (``tag.decomposed`` looks up ``_decomposed``
        # through Tag.__getattr__, a search of the whole subtree: quadratic when nested.)
        if not tag.name:
            continue
        noisy = tag.name in _NOISE_TAGS or any(_NOISE_NAME.search(n) for n in _names(tag))
        if not noisy:
            continue
        # Never drop the element that holds the article itself.
        if total and counts.get(id(tag), 0) > 0.3 * total:
            continue
        tag.decompose()


# --------------------------------------------------------------------------- container


def _block_parent(node: NavigableString) -> Tag | None:
    for parent in node.parents:
        if parent.name in _BLOCK:
            return parent
    return None


def _density_best(root: Tag) -> Tag | None:
    credit: dict[int, int] = {}
    tags: dict[int, Tag] = {}
    for node in _text_nodes(root):
        n = _cjk(node)
        if not n or _in_link(node, root):
            continue
        block = _block_parent(node)
        if block is None:
            continue
        for el in (block, block.parent):
            if isinstance(el, Tag):
                credit[id(el)] = credit.get(id(el), 0) + n
                tags[id(el)] = el
    if not credit:
        return None
    best = max(credit.values())
    winners = [tags[k] for k, v in credit.items() if v == best]
    # On a tie the deeper element is the tighter container.
    return max(winners, key=lambda t: sum(1 for _ in t.parents))


def _hint_best(root: Tag, counts: dict[int, int], total: int) -> Tag | None:
    cands = [
        t
        for t in root.find_all(True)
        if any(n.lower() in _HINT_NAMES for n in _names(t))
        and counts.get(id(t), 0) >= max(30, 0.3 * total)
    ]
    if not cands:
        return None
    best = max(cands, key=lambda t: counts[id(t)])
    # The innermost container inside it still holding most of the prose: outer
    # wrappers also hold the page title and tool lines; trailing parts (the
    # signature) are absorbed again afterwards.
    good = [
        t
        for t in cands
        if (t is best or best in t.parents) and counts[id(t)] >= 0.5 * counts[id(best)]
    ]
    return max(good, key=lambda t: sum(1 for _ in t.parents))


def _absorb_trailing(el: Tag, counts: dict[int, int]) -> Tag:
    """Climb to parents whose extra prose only follows the article (signature, date)."""
    while el.parent is not None and el.parent.name not in ("body", "html", "[document]"):
        parent = el.parent
        mine = counts.get(id(el), 0)
        before = after = 0
        seen_self = False
        for child in parent.children:
            if child is el:
                seen_self = True
                continue
            if isinstance(child, Tag):
                n = counts.get(id(child), 0)
            elif type(child) is NavigableString:
                n = _cjk(child)
            else:
                n = 0
            if seen_self:
                after += n
            else:
                before += n
        if before > 0 or after > 0.3 * mine + 10:
            break
        el = parent
    return el


# --------------------------------------------------------------------------- problem tables

_CELL_SEP = "\x02"  # becomes a tab once whitespace is folded


def _flatten_problem_tables(root: Tag) -> None:
    """A 问题 | 整改措施 | 完成情况 table becomes one paragraph per row, cells tab-separated."""
    from archive.tables import is_header

    for table in list(root.find_all("table")):
        if not table.name:
            continue
        rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
        cells = [
            [
                " ".join(td.get_text(" ").split())
                for td in tr.find_all(["td", "th"], recursive=False)
            ]
            for tr in rows
        ]
        cells = [row for row in cells if any(row)]
        if not cells or not is_header(cells[0]):
            continue
        soup = next(p for p in table.parents if p.parent is None)
        box = soup.new_tag("div")
        for row in cells:
            para = soup.new_tag("p")
            para.string = _CELL_SEP.join(row)
            box.append(para)
        table.replace_with(box)


# --------------------------------------------------------------------------- rendering

_SOFT = "\x01"
_RUN = re.compile(r"[ \t\r\n\f]+")


def _render(el: Tag, out: list[str]) -> None:
    for child in el.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:
                out.append(
                    _RUN.sub(
                        lambda m: _SOFT if ("\n" in m.group() or "\r" in m.group()) else " ",
                        str(child),
                    )
                )
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "br":
            out.append("\n")
        elif name == "pre":
            out.append("\n" + child.get_text() + "\n")
        elif name in _BLOCK:
            out.append("\n")
            _render(child, out)
            out.append("\n")
        else:
            _render(child, out)


def _resolve_soft(line: str) -> str:
    if _SOFT not in line:
        return line
    parts = line.split(_SOFT)
    buf = parts[0]
    for part in parts[1:]:
        left = buf.rstrip(" ")[-1:] if buf.strip(" ") else ""
        right = part.lstrip(" ")[:1]
        if left and right and (_WIDE.match(left) or _WIDE.match(right)):
            buf = buf.rstrip(" ") + part.lstrip(" ")
        else:
            buf = buf + " " + part
    return buf


_MULTISPACE = re.compile(r" {2,}")


def _lines(el: Tag) -> list[str]:
    out: list[str] = []
    _render(el, out)
    lines = []
    for raw in "".join(out).split("\n"):
        line = _MULTISPACE.sub(" ", _resolve_soft(raw)).strip().replace(_CELL_SEP, "\t")
        if line:
            lines.append(line)
    return lines


# --------------------------------------------------------------------------- noise lines

_BREADCRUMB = re.compile(
    r"^(当前位置|您现在的位置|您当前的位置|您的位置|当前页面|所在位置|位置)[是]?\s*[:：]"
)
_TOOL_WORDS = (
    "发布时间 发布日期 来源 浏览量 浏览次数 阅读量 阅读次数 访问量 点击数 点击量 作者 "
    "分享 朗读 字号 字体 打印 关闭 收藏 纠错 责任编辑 扫一扫 【大】 【中】 【小】 大 中 小"
).split()
_TOOL_START = re.compile(
    r"^[【\[]?(发布时间|发布日期|信息来源|来源|浏览量|浏览次数|阅读量|访问量|点击数|分享到|分享|朗读|"
    r"字号|字体|打印本页|打印|关闭窗口|关闭|责任编辑|编辑|扫一扫)"
)
_TOOL_ONLY = re.compile(
    r"^[【\[]?(分享|分享到|打印|打印本页|关闭|关闭窗口|关闭本页|朗读|收藏|纠错|返回顶部|顶部|"
    r"上一篇|下一篇|字号|大|中|小|默认|繁体|简体|繁體|无障碍|导读|播放|暂停|停止|继续)"
    r"[】\]]?[:：]?$"
)
_FOOTER = re.compile(r"版权所有|Copyright|©|ICP\s*备|ICP\s*证|公网安备|网站标识码|网站识别码", re.I)
_FOOTER_WEAK = re.compile(
    r"主办单位[:：]|承办单位[:：]|技术支持[:：]|网站地图|联系我们|建议使用.*浏览器|分辨率"
)
_META_LINE = re.compile(
    r"^("
    + "|".join(
        _spaced(w)
        for w in (
            "信息索引号",
            "索引号",
            "发布机构",
            "成文日期",
            "主题分类",
            "公开方式",
            "公开范围",
            "体裁分类",
            "组配分类",
            "发文字号",
        )
    )
    + r")[\s\u3000]*[:：]?"
)


def _is_noise(line: str) -> bool:
    compact = _compact(line)
    if _BREADCRUMB.match(compact):
        return True
    if _TOOL_ONLY.match(compact) or _RELATED_HEAD.match(line):
        return True
    if len(compact) <= 150 and _FOOTER.search(line):
        return True
    if len(compact) <= 60 and not compact.endswith("。") and _FOOTER_WEAK.search(line):
        return True
    if len(compact) <= 120 and _META_LINE.match(line):
        return True
    if len(compact) <= 150:
        hits = sum(1 for w in _TOOL_WORDS if len(w) > 1 and w in compact)
        if hits >= 2 and _TOOL_START.match(compact):
            return True
        if hits >= 3:
            return True
        if len(compact) <= 40 and _TOOL_START.match(compact) and re.search(r"[:：]", line):
            return True
    return False


# --------------------------------------------------------------------------- title

_SITE_WORDS = re.compile(r"网|门户|政府|官方|在线|平台|首页|频道|信息公开|专栏")
_TITLE_SEP = re.compile(r"\s*(?:_|\||｜| - | — |--)\s*")


def _page_title(text: str) -> str:
    text = text.strip()
    parts = [p for p in _TITLE_SEP.split(text) if p.strip()]
    while len(parts) > 1 and len(parts[-1]) <= 30 and _SITE_WORDS.search(parts[-1]):
        parts.pop()
    if len(parts) == 1:
        return parts[0].strip()
    return text


# --------------------------------------------------------------------------- entry point


def extract(html: str) -> tuple[list[str], dict[str, str]]:
    """Return (body lines, metadata) of a page; lines are not yet length-checked."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(html, "lxml")

    head_meta: dict[str, str] = {}
    title_tag = soup.find("title")
    if isinstance(title_tag, Tag):
        title = _page_title(title_tag.get_text())
        if title:
            head_meta["title"] = title
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or "").lower()
        content = str(tag.get("content") or "").strip()
        if not content:
            continue
        if name == "articletitle":
            head_meta["article_title"] = content
        elif name == "pubdate":
            head_meta["pubdate"] = content

    for a in soup.find_all("a"):
        href = str(a.get("href") or "").split("#")[0].split("?")[0]
        if href and a.get_text().strip().strip("[]【】<>《》") == "下一页":
            head_meta["next_page"] = href.rsplit("/", 1)[-1]
            break
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()

    root: Tag = soup.body if isinstance(soup.body, Tag) else soup

    rows = _meta_rows(root)
    tokens: list[str] = []
    for row in rows:
        tokens.extend(s for s in row.stripped_strings)
    meta = _fields_to_meta(_parse_fields(tokens))
    for row in rows:
        row.decompose()

    # A 发布时间 in the tool line is still a date published outside the body.
    if "date" not in meta:
        for node in _text_nodes(root):
            m = re.search(
                r"(?:发布时间|发布日期)[\s\u3000]*[:：][\s\u3000]*([0-9０-９][^\s\u3000]*"
                r"(?:[ \u3000]\d{1,2}:\d{2}(?::\d{2})?)?)",
                node,
            )
            if m:
                meta["date"] = m.group(1).strip()
                break
    if "title" not in meta:
        title = head_meta.get("article_title") or head_meta.get("title")
        if title:
            meta["title"] = title
    if "date" not in meta and head_meta.get("pubdate"):
        meta["date"] = head_meta["pubdate"]
    if head_meta.get("next_page"):
        meta["next_page"] = head_meta["next_page"]

    _flatten_problem_tables(root)
    total = _prose_counts(root).get(id(root), 0)
    _remove_related_boxes(root)
    _remove_noise(root, total)

    counts = _prose_counts(root)
    total = counts.get(id(root), 0)
    container = _hint_best(root, counts, total) or _density_best(root) or root
    if container is not root:
        container = _absorb_trailing(container, counts)

    lines = [line for line in _lines(container) if not _is_noise(line)]
    return lines, meta
