"""Parse the text of a rectification notice into a ``Notice``.

The pipeline: find the title and the closing (signature, date, contacts), build the heading
tree of what lies between, classify the top-level sections, and read every problem item
of the problem sections. What cannot be read becomes a warning; text that is not a
rectification notice is rejected with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from archive import items as it
from archive.closing import ADDRESS_RE, CONTACT_LABEL_RE, EMAIL_RE, SIGNATURE_BAD_RE, read_closing
from archive.dates import parse_date
from archive.errors import RejectedFile
from archive.header import find_title, read_header
from archive.model import Notice, Problem, Section, SubProblem
from archive.normalize import normalize
from archive.orgs import clean_organisation, is_short_form, is_slogan
from archive.outline import Document, Node, build_tree
from archive.page_meta import strip_page
from archive.region import expand_abbreviation, infer_region
from archive.stats import read_stats
from archive.tables import find_tables
from archive.traditional import simplify_if_traditional, to_simplified

__all__ = ["clean_organisation", "parse_text"]
INCOMPLETE_WARNING = "未识别出问题条目：文本可能不完整（只有开头部分或问题清单缺失）"

NEXT_RE = re.compile(
    r"(下一步|下步|今后|工作打算|努力方向|持续深化|巩固.{0,8}(成果|成效)|长效机制|后续.{0,4}(工作|打算))"
)
PROBLEM_SECTION_RE = re.compile(
    r"(反馈问题|问题整改|问题的整改|问题整改落实|整改落实情况|问题导向|存在的问题|方面问题|问题及整改|具体问题)"
)
ORG_RE = re.compile(
    r"(整改工作开展情况|整改工作情况|整改工作.{0,4}情况|总体情况|组织情况|组织领导|加强领导|强化领导|高度重视|周密部署|部署|提高政治站位|"
    r"政治站位|压实.{0,4}责任|组织实施|工作开展)"
)
CLOSING_LINE_RE = re.compile(
    r"(欢迎.{0,20}监督|意见建议|意见和建议|及时向我们反映|联系方式|联系电话|电子邮箱|邮政信箱|通信地址|来信地址)"
)


@dataclass
class _Source:
    """Where one problem comes from: a numbered node or unnumbered paragraphs."""

    number: str
    style: str
    value: int
    spans: list[tuple[int, int]]
    chain: list[Node]
    node: Node | None = None


def _heading_text(doc: Document, node: Node) -> str:
    """A heading's own words: its line after the marker, up to the first full stop."""
    assert node.line is not None
    text = doc.orig[node.text_start : node.line.end]
    norm = doc.norm[node.text_start : node.line.end]
    cut = norm.find("。")
    if 0 <= cut < len(norm) - 1:
        text = text[:cut]
    return text.strip()


def _section_kind(doc: Document, node: Node) -> str:
    head = doc.norm[node.text_start : node.line.end] if node.line else ""
    head = head.split("。")[0]
    if PROBLEM_SECTION_RE.search(head) and not NEXT_RE.search(head):
        return "problems"
    if NEXT_RE.search(head):
        return "next_steps"
    if ORG_RE.search(head):
        return "organisation"
    if any(_problem_like(doc, n) for n in node.walk()):
        return "problems"
    return "other"


def _own_norm(doc: Document, node: Node) -> str:
    return doc.norm_of(node.own_lines())


def _problem_like(doc: Document, node: Node) -> bool:
    own = _own_norm(doc, node)
    if it.is_problem_like(own):
        return True
    labels = it.find_labels(own)
    return "problem" in labels or "measures" in labels


def _substantial_own_body(doc: Document, node: Node) -> bool:
    own = _own_norm(doc, node)
    item = it.split_statement(own)
    a, b = it.strip_span(own, *item.rest)
    return b - a >= 10


def _paragraph_problems(doc: Document, node: Node, chain: list[Node]) -> list[_Source]:
    """Unnumbered 针对/关于……问题 paragraphs directly under a leaf heading."""
    out: list[_Source] = []
    for line in node.body:
        text = doc.norm[line.start : line.end]
        if re.match(r"^(针对|关于|对于)", text) and it.STATEMENT_END_RE.search(text.split("。")[0]):
            out.append(_Source("", "para", 0, [(line.start, line.end)], chain))
        elif out:
            out[-1].spans.append((line.start, line.end))
    return out


def _problems_in(doc: Document, node: Node, chain: list[Node]) -> list[_Source]:
    out: list[_Source] = []
    for c in node.children:
        plike = _problem_like(doc, c)
        deeper = any(_problem_like(doc, d) for d in c.walk() if d is not c)
        if plike and (not deeper or _substantial_own_body(doc, c)):
            out.append(_Source(c.number, c.style, c.value, c.all_lines(), chain, c))
            continue
        sub = _problems_in(doc, c, chain + [c])
        if sub:
            out.extend(sub)
            continue
        paras = _paragraph_problems(doc, c, chain + [c])
        if paras:
            out.extend(paras)
        elif plike or (not c.children and _substantial_own_body(doc, c)):
            out.append(_Source(c.number, c.style, c.value, c.all_lines(), chain, c))
    return out


def _read_problem(doc: Document, n: int, src: _Source) -> Problem:
    norm = doc.norm_of(src.spans)
    orig = doc.orig_of(src.spans)
    item = it.split_statement(norm)
    title = ""
    if item.statement:
        title = it.clean_title(orig[item.statement[0] : item.statement[1]])
    if not title:
        title = orig.split("\n")[0][:60]
    labels = item.labels
    rest_a, rest_b = item.rest
    measures: list[str] = []
    subproblems: list[SubProblem] = []
    if labels:
        if "measures" in labels:
            spans = it.split_measures(norm, *labels["measures"])
        elif "result" in labels:
            spans = it.split_measures(norm, *labels["result"])
        else:
            later = [s for k, (s, _) in labels.items() if s > rest_a and k != "problem"]
            spans = it.split_measures(norm, rest_a, min(later, default=rest_b))
        measures = [orig[a:b] for a, b in spans]
    else:
        subs = it.find_subproblems(norm, rest_a, rest_b)
        end = subs[0][0] if subs else rest_b
        measures = [orig[a:b] for a, b in it.split_measures(norm, rest_a, end)]
        for sa, sb in subs:
            sub = it.split_statement(norm[sa:sb])
            st = sub.statement or (0, 0)
            s_title = it.clean_title(orig[sa + st[0] : sa + st[1]])
            s_measures = [
                orig[sa + a : sa + b]
                for a, b in it.split_measures(norm[sa:sb], sub.rest[0], sub.rest[1])
            ]
            subproblems.append(SubProblem(s_title, orig[sa:sb], s_measures))
    measures = [_strip_status(m) for m in measures]
    st_span = it.find_status(norm, labels)
    status = orig[st_span[0] : st_span[1]] if st_span else None
    chain = src.chain
    return Problem(
        n=n,
        number=src.number,
        category=_heading_text(doc, chain[0]) if chain else None,
        subcategory=_heading_text(doc, chain[1]) if len(chain) > 1 else None,
        title=title,
        text=orig.strip(),
        measures=measures,
        status=status,
        subproblems=subproblems,
    )


NEXT_PARA_RE = re.compile(r"^(下一步|下步|今后|接下来)[,:，：]?")


def _split_trailing_next_steps(doc: Document, root: Node) -> None:
    """A 下一步… paragraph after the last item starts an unnumbered next-steps part."""
    if not root.children:
        return
    last = root
    while last.children:
        last = last.children[-1]
    if last is root:
        return
    for i, line in enumerate(last.body):
        if NEXT_PARA_RE.match(doc.norm[line.start : line.end]):
            node = Node("para", 0, "", line, line.start, body=last.body[i + 1 :], parent=root)
            del last.body[i:]
            root.children.append(node)
            return


def _strip_status(measure: str) -> str:
    """A trailing (已完成)-style marker is the status, not part of the measure."""
    m = it.STATUS_BRACKET_RE.search(normalize(measure))
    if m and not normalize(measure)[m.end() :].strip(" 。;,"):
        return measure[: m.start()].rstrip(" 。;,，；")
    return measure


def _closing_start(doc: Document, first: int) -> int:
    """Index of the first line of the closing block at the end of the document."""
    i = len(doc.lines)
    while i > first and len(doc.lines) - i < 12:
        line = doc.norm[doc.lines[i - 1].start : doc.lines[i - 1].end].strip()
        is_date = parse_date(line) is not None and len(line) <= 24
        is_sig = (
            2 <= len(line) <= 40
            and not SIGNATURE_BAD_RE.search(line)
            and not re.match(r"^([一二三四五六七八九十]+、|\(|\d)", line)
        )
        is_contact = bool(
            CLOSING_LINE_RE.search(line) or ADDRESS_RE.search(line) or EMAIL_RE.search(line)
        )
        if not (is_date or is_sig or is_contact or CONTACT_LABEL_RE.match(line)):
            break
        i -= 1
    return i


NOTICE_TITLE_RE = re.compile(r"(巡[察视]|整改).{0,30}(通报|公告|公示|报告|公开|公布)$")
DISCLOSURE_RE = re.compile(
    r"(现将|予以|特此|现就|现把).{0,24}(整改|公布|公开|通报|如下|报告)|整改.{0,10}(予以|公布如下|报告如下)"
)
ROUND_SUMMARY_RE = re.compile(
    r"综述|等\s*\d+\s*个.{0,12}(党组织|单位|部门)|分别向.{0,8}被巡察(党组织|单位)|本轮巡察共"
)
SPOT_CHECK_RE = re.compile(r"抽查组|专项抽查|随机抽查|抽查.{0,6}整改情况")


def _look_alike(head: str, title: str | None, disclosure: bool) -> str | None:
    """Pages about inspections that are not one unit's rectification notice."""
    first = (title or "") + "\n" + head
    if ROUND_SUMMARY_RE.search(first):
        return "疑似巡察工作综述：涉及多个被巡察单位，不是单个单位的整改情况通报"
    if SPOT_CHECK_RE.search(first) and not disclosure:
        return "疑似巡察整改抽查新闻：报道抽查情况，不是被巡察单位的整改情况通报"
    return None


INSPECTED_HEAD_RE = re.compile(r"巡[察视](?:组|反馈|整改|意见)")


def _reject_reason(norm: str, problems: list[Problem], title: str | None = None) -> str | None:
    if not re.search(r"巡[察视]", norm):
        return "未提及巡察或巡视，不是巡察整改通报"
    audit = norm.count("审计")
    if (
        audit > len(re.findall(r"巡[察视]", norm))
        and "审计整改" in norm
        # An audit bureau's own inspection notice speaks of audits throughout, but its
        # header names the inspection group or its feedback.
        and not INSPECTED_HEAD_RE.search(norm[:400])
    ):
        return "疑似审计整改报告，不是巡察整改通报"
    head = norm[:600]
    disclosure = bool(DISCLOSURE_RE.search(norm))
    look_alike = _look_alike(head, title, disclosure)
    if look_alike:
        return look_alike
    if problems:
        return None
    if "整改" not in norm:
        if re.search(r"进驻|受理.{0,10}(信访|来信|来电)|巡察期间", head):
            return "疑似巡察进驻公告：通告巡察组进驻及信访受理安排，不含整改情况"
        if "反馈会" in norm or "反馈意见" in norm:
            return "疑似巡察反馈会新闻：报道反馈会召开情况，不含逐项整改情况"
        return "未提及整改，不是巡察整改通报"
    if re.search(r"进驻", head) and not disclosure:
        return "疑似巡察进驻公告：通告巡察组进驻及信访受理安排，不含整改情况"
    if re.search(r"反馈会(?:议)?(?:上|召开)|召开.{0,20}反馈会", head) and not disclosure:
        return "疑似巡察反馈会新闻：报道反馈会召开情况，不含逐项整改情况"
    return "未识别出任何反馈问题及整改措施（文本可能不完整，或不是整改通报）"


def _cut_off_notice(norm: str, title: str | None, header_norm: str) -> bool:
    """A rectification notice whose problem list is missing: its title or opening says
    巡察/巡视 … 反馈 … 整改 and it discloses the rectification (or is titled as such)."""
    opening = header_norm or norm[:800]
    if not (re.search(r"巡[察视]", opening) and "反馈" in opening):
        return False
    titled = bool(title and NOTICE_TITLE_RE.search(normalize(title).strip()))
    return titled or bool(DISCLOSURE_RE.search(opening) and "整改" in opening)


def _prepare(text: str, meta: Mapping[str, str]) -> tuple[str, dict[str, str], list[str]]:
    """Simplified text of the notice itself, page metadata, and warnings about both."""
    warnings: list[str] = []
    merged = dict(meta)
    text, converted = simplify_if_traditional(text)
    if converted:
        warnings.append("原文为繁体字：已转换为简体字后解析（原文照常显示）")
        merged = {k: to_simplified(v) for k, v in merged.items()}
    if meta.get("pages"):
        warnings.append(f"由{meta['pages']}个分页网页合并为一篇通报")
    page = strip_page(text)
    for k, v in page.meta.items():
        merged.setdefault(k, v)
    return "\n".join(page.lines), merged, warnings


def _meta_date(meta: Mapping[str, str]):  # type: ignore[no-untyped-def]
    return parse_date(normalize(meta["date"])) if meta.get("date") else None


def _publisher(closing_publisher, title, meta, target):  # type: ignore[no-untyped-def]
    """Who signs: the signature, else the unit in the title, else the page's 发布机构 when
    it names the inspected unit (a page is often published by an office on its behalf)."""
    if closing_publisher:
        return closing_publisher
    if title:
        m = re.match(r"^(.{2,40}?)(?:关于|对)", re.sub(r"\s+", "", title))
        if m and re.search(r"(党组|党委|局|委|会|院|校|厅|办|中心|公司|政府)$", m.group(1)):
            return m.group(1)
    for key in ("publisher", "source"):
        value = (meta.get(key) or "").strip()
        if value and (
            target is None and key == "publisher" or target and is_short_form(target, value)
        ):
            return value
    return None


def parse_text(text: str, *, source: str = "", meta: Mapping[str, str] | None = None) -> Notice:
    """Parse a notice; raise ``RejectedFile`` when the text is not one.

    A page copy's furniture is set aside first (its metadata kept), a traditional copy is
    read in simplified characters, and a notice whose problem list is missing is kept
    with ``incomplete`` set rather than rejected.
    """
    if not text or not text.strip():
        raise RejectedFile("文件没有文字内容", source=source)
    text, meta, warnings = _prepare(text, meta or {})
    doc = Document(text)
    norm_lines = [doc.norm[ln.start : ln.end] for ln in doc.lines]
    orig_lines = [doc.orig[ln.start : ln.end] for ln in doc.lines]
    if sum(len(s) for s in norm_lines) < 80:
        raise RejectedFile(
            f"内容过短（{sum(len(s) for s in norm_lines)}字），不是整改通报", source=source
        )

    title, n_title = find_title(norm_lines[:3], orig_lines[:3])
    if title is None and meta.get("title") and re.search(r"巡[察视]|整改", meta["title"]):
        title = meta["title"].strip()
    end = _closing_start(doc, n_title)
    closing = read_closing(norm_lines[end:], orig_lines[end:])
    tables = find_tables(norm_lines[:end], orig_lines[:end])
    in_table = {i for t in tables for i in t.lines}
    doc_body = Document.__new__(Document)
    doc_body.orig, doc_body.norm = doc.orig, doc.norm
    doc_body.lines = [ln for i, ln in enumerate(doc.lines[:end]) if i not in in_table]
    root = build_tree(doc_body, first=n_title)

    published = _published(closing.published, _meta_date(meta), warnings)
    header_spans = [(ln.start, ln.end) for ln in root.body]
    header_norm = doc.norm_of(header_spans)
    year = published.year if published else None
    head = read_header(header_norm, doc.orig_of(header_spans), title, year, published)
    warnings.extend(head.warnings)

    sections, sources, stats_spans = _outline(doc, root, header_spans)
    problems = [_read_problem(doc, i + 1, src) for i, src in enumerate(sources)]
    for table in tables:
        for p in table.problems:
            p.n = len(problems) + 1
            problems.append(p)

    reason = _reject_reason(doc.norm, problems, title)
    incomplete = False
    if reason and not problems and _cut_off_notice(doc.norm, title, header_norm):
        reason, incomplete = None, True
        warnings.append(INCOMPLETE_WARNING)
    if reason:
        raise RejectedFile(reason, source=source)

    contacts = closing.contacts
    publisher, organisation, region = _identity(
        closing, title, meta, head.target, header_norm, warnings, doc.norm
    )
    if published is None:
        warnings.append("未找到发布日期")

    stats = read_stats(doc.norm_of(stats_spans), doc.orig_of(stats_spans))
    warnings.extend(_problem_warnings(problems, sources, stats))
    if end == len(doc.lines) and not re.search(r"[。!?”\")]$", norm_lines[-1]):
        warnings.append("文本可能不完整：结尾不是完整的句子，也没有落款")
        incomplete = incomplete or bool(problems)

    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return Notice(
        source=source,
        title=title,
        organisation=organisation,
        publisher=publisher,
        region=region,
        inspector=head.inspector,
        inspection_kind=head.inspection_kind,
        round=head.round,
        inspection_start=iso(head.inspection_start),
        inspection_end=iso(head.inspection_end),
        feedback_date=iso(head.feedback_date),
        published_date=iso(published),
        contacts=contacts,
        stats=stats,
        sections=sections,
        problems=problems,
        warnings=warnings,
        incomplete=incomplete,
        date_precision=head.date_precision,
    )


def _published(signed, page_date, warnings):  # type: ignore[no-untyped-def]
    """The dated signature wins over the page's date; say so when they differ."""
    if signed is None:
        return page_date
    if page_date and page_date != signed:
        warnings.append(
            f"落款日期{signed.isoformat()}与网页发布日期{page_date.isoformat()}不同，采用落款日期"
        )
    return signed


PARTY_NAME_RE = re.compile(r"中共[\u4e00-\u9fa5]{2,40}?(?:党组|党委|党工委|工作委员会|委员会)")


def _full_name(target: str | None, text: str) -> str | None:
    """The full name a short form (区文广旅体局) stands for, when the text writes it out
    (中共某某区文化广播电视和旅游体育局党组书记…)."""
    if not target:
        return None
    for m in PARTY_NAME_RE.finditer(text):
        if is_short_form(target, m.group(0)):
            return m.group(0)
    return None


def _identity(closing, title, meta, target, header_norm, warnings, full_text=""):  # type: ignore[no-untyped-def]
    """Publisher as written, the inspected unit's clean name, and its region."""
    contacts = closing.contacts
    publisher = _publisher(closing.publisher, title, meta, target)
    if publisher is None:
        warnings.append("未找到落款单位")
    organisation = clean_organisation(publisher) or clean_organisation(
        _full_name(target, full_text) or target
    )
    region = infer_region(
        names=[s for s in (publisher, title, organisation, meta.get("publisher"), target) if s],
        addresses=contacts.addresses,
        phones=contacts.phones,
        text=header_norm,
    )
    if organisation:
        organisation = expand_abbreviation(organisation, region)
    else:
        warnings.append("未找到被巡察单位名称")
    if not (region.province or region.city):
        warnings.append("未能推断所属地区")
    return publisher, organisation, region


def _organising(doc: Document, src: _Source) -> bool:
    """An organising sub-heading (提高思想认识，把握整改要求) outside any section named as the
    problems part: how the work was organised, never a problem. Inside 二、反馈问题整改情况 an
    item titled with an action (压实主体责任，健全责任体系) stays a problem."""
    if src.node is None or not is_slogan(_heading_text(doc, src.node)):
        return False
    top = src.chain[0] if src.chain else src.node
    while top.parent is not None and top.parent.style != "root":
        top = top.parent
    return top is src.node or not PROBLEM_SECTION_RE.search(_heading_text(doc, top))


def _outline(doc: Document, root: Node, header_spans: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    """Sections, problem sources and the spans holding summary statistics."""
    _split_trailing_next_steps(doc, root)
    kinds = [_section_kind(doc, node) for node in root.children]
    # An unclassified part before the first problems is how the work was organised.
    if "problems" in kinds:
        first = kinds.index("problems")
        kinds = ["organisation" if k == "other" and i < first else k for i, k in enumerate(kinds)]
    problem_sections = [n for n, k in zip(root.children, kinds, strict=True) if k == "problems"]
    stats_spans = list(header_spans)
    for node, kind in zip(root.children, kinds, strict=True):
        if kind == "organisation":
            stats_spans.extend(node.all_lines())
    if len(problem_sections) == 1 and problem_sections[0].style == "cn":
        sources = _problems_in(doc, problem_sections[0], [])
    else:
        sources = []
        for s in problem_sections:
            sub = _problems_in(doc, s, [s])
            if sub:
                sources.extend(sub)
            else:
                sources.append(_Source(s.number, s.style, s.value, s.all_lines(), [], s))
    sources = [src for src in sources if not _organising(doc, src)]
    item_nodes = {id(src.node) for src in sources if src.node is not None}
    sections = [
        Section(node.number, _heading_text(doc, node), kind)
        for node, kind in zip(root.children, kinds, strict=True)
        if node.style != "para" and id(node) not in item_nodes
    ]
    return sections, sources, stats_spans


def _problem_warnings(problems: list[Problem], sources: list[_Source], stats) -> list[str]:
    out = []
    for p, q in zip(sources, sources[1:], strict=False):
        if p.style == q.style and p.style != "para" and q.value not in (p.value + 1, 1):
            out.append(f"问题编号不连续：{p.number}之后是{q.number}")
    for p in problems:
        if not p.measures and not p.subproblems:
            out.append(f"第{p.n}项问题未找到整改措施")
    for s in stats:
        # 查摆问题31条 (what the leaders found in themselves) is not what was fed back.
        own = r"线索|建议|整改中|未完成|查摆|检视|自查|排查|查找"
        counted = s.label.endswith("问题") and not re.search(own, s.label)
        if counted and s.unit in ("个", "项", "条"):
            if s.value != len(problems):
                out.append(f"通报称反馈问题{s.value}个，解析出{len(problems)}个")
            break
    return out
