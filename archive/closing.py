"""The closing of a notice: contacts, the signature (publisher) and the published date."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from archive.dates import ISO_RE, POINT_RE, parse_date
from archive.model import Contacts

PHONE_RE = re.compile(
    r"(?<![\d])(?:\(0\d{2,3}\)\s*\d{7,8}|0\d{2,3}\s*[-—–]{0,2}\s*\d{7,8}|1[3-9]\d{9}|12388|\d{8}(?!\d))"
    r"(?:\s*(?:转|-)\s*\d{1,5})?"
)
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
CONTACT_LABEL_RE = re.compile(
    r"(联系电话|联系方式|举报电话|监督电话|电话|热线|传真|电子邮箱|邮箱|E-?mail)", re.I
)
_AFTER_ADDRESS = re.compile(
    r"\s*[(（]?\s*(?:(?:联系电话|电话|电子邮箱|邮箱)\s*[:：]|(?:邮编|邮政编码)\s*[:：]?)"
)
ADDRESS_RE = re.compile(
    r"(?:邮政信箱|通信地址|通讯地址|来信地址|邮寄地址|联系地址|办公地址|地址|信箱)\s*[:]\s*([^;\n]+)"
)
# 监督 is not here: 市场监督管理局 signs notices; 欢迎…监督 lines are caught by 欢迎.
SIGNATURE_BAD_RE = re.compile(r"[,。:;!?]|电话|邮箱|信箱|地址|欢迎|联系")


@dataclass
class Closing:
    contacts: Contacts = field(default_factory=Contacts)
    publisher: str | None = None
    published: date | None = None
    used_lines: int = 0  # signature and date lines at the very end


def _date_only(norm_line: str) -> date | None:
    """The date when a line is nothing but a date."""
    s = norm_line.strip().strip("()")
    for pat in (POINT_RE, ISO_RE):
        m = pat.fullmatch(s)
        if m:
            return parse_date(s)
    return None


def read_closing(norm_lines: list[str], orig_lines: list[str]) -> Closing:
    """Read the last lines of a notice (those after its last problem)."""
    c = Closing()
    text_n = "\n".join(norm_lines)
    text_o = "\n".join(orig_lines)
    for line_n, line_o in zip(norm_lines, orig_lines, strict=True):
        if CONTACT_LABEL_RE.search(line_n):
            for m in PHONE_RE.finditer(line_n):
                # Skip numbers that are part of an e-mail address or a street number.
                if "@" in line_n[max(0, m.start() - 1) : m.end() + 1]:
                    continue
                phone = line_o[m.start() : m.end()].strip()
                if phone not in c.contacts.phones:
                    c.contacts.phones.append(phone)
    for m in EMAIL_RE.finditer(text_n):
        e = text_o[m.start() : m.end()].rstrip(".")
        if e not in c.contacts.emails:
            c.contacts.emails.append(e)
    for m in ADDRESS_RE.finditer(text_n):
        a = text_o[m.start(1) : m.end(1)].strip().rstrip("。;,")
        # An address field may run on into the next label on the same line, or close with
        # its postcode in brackets (…党办（邮编：422100）).
        a = re.split(_AFTER_ADDRESS, a)[0].strip().rstrip("。;,，；")
        if a and a not in c.contacts.addresses and "@" not in a:
            c.contacts.addresses.append(a)

    # Signature and date, from the end.
    i = len(norm_lines) - 1
    while i >= 0 and i >= len(norm_lines) - 3:
        line = norm_lines[i].strip()
        d = _date_only(line)
        if d is not None and c.published is None:
            c.published = d
            c.used_lines += 1
            i -= 1
            continue
        # "单位名称 2022年5月20日" on one line.
        m = re.search(r"\s+(\S+)$", line)
        if c.published is None and m and _date_only(m.group(1)):
            c.published = _date_only(m.group(1))
            name = orig_lines[i].strip()[: m.start()].strip()
            if name and not SIGNATURE_BAD_RE.search(name):
                c.publisher = name
            c.used_lines += 1
            break
        if c.publisher is None and 2 <= len(line) <= 40 and not SIGNATURE_BAD_RE.search(line):
            if not re.match(r"^([一二三四五六七八九十]+、|\(|\d)", line):
                c.publisher = orig_lines[i].strip()
                c.used_lines += 1
                i -= 1
                continue
        break
    return c
