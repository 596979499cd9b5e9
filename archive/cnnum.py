"""Chinese numerals as they appear in notices: 十九, 二〇二三, 一百二十三, 7.132万."""

from __future__ import annotations

import re

DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

CN_NUMBER = "〇零一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万亿"
CN_NUMBER_RE = re.compile(f"[{CN_NUMBER}]+")


def cn_to_int(s: str) -> int | None:
    """Value of a Chinese numeral (positional 二〇二三 or spoken 一百二十三); None if not one."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if any(c not in DIGITS and c not in UNITS and c not in BIG_UNITS for c in s):
        return None
    if all(c in DIGITS for c in s):
        # Positional form, as in years: 二〇二三.
        if len(s) == 1:
            return DIGITS[s]
        return int("".join(str(DIGITS[c]) for c in s))
    total = 0
    section = 0
    digit: int | None = None
    for c in s:
        if c in DIGITS:
            digit = DIGITS[c]
        elif c in UNITS:
            section += (1 if digit is None else digit) * UNITS[c]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * BIG_UNITS[c]
            section = 0
            digit = None
    return total + section + (digit or 0)


def parse_number(s: str) -> float | int | None:
    """Arabic or Chinese number, with an optional 万/亿 multiplier: '7.132万' → 71320."""
    s = s.strip().replace(",", "")
    mult = 1
    if s and s[-1] in BIG_UNITS and not CN_NUMBER_RE.fullmatch(s):
        mult = BIG_UNITS[s[-1]]
        s = s[:-1]
    try:
        value: float | int = float(s) if "." in s else int(s)
    except ValueError:
        v = cn_to_int(s)
        if v is None:
            return None
        value = v
    value = value * mult
    if isinstance(value, float) and value.is_integer() and mult != 1:
        value = int(value)
    return value
