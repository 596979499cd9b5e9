"""Length-preserving normalisation for parsing.

Real copies mix full-width and half-width punctuation and digits. The parser
works on a normalised copy whose characters map one to one onto the original,
so any span it finds can be cut from the original text for display.
"""

from __future__ import annotations

import hashlib
import re

_PAIRS = {
    "\u3000": " ",
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "\u200b": " ",
    "\ufeff": " ",
    "（": "(",
    "）": ")",
    "，": ",",
    "：": ":",
    "；": ";",
    "！": "!",
    "？": "?",
    "．": ".",
    "／": "/",
    "－": "-",
    "～": "~",
    "＃": "#",
    "％": "%",
    "＋": "+",
    "＝": "=",
    "＠": "@",
    "［": "[",
    "］": "]",
    "〔": "[",
    "〕": "]",
    "【": "[",
    "】": "]",
    "｛": "{",
    "｝": "}",
    "＜": "<",
    "＞": ">",
    "＂": '"',
    "＇": "'",
    "＿": "_",
    "＊": "*",
    "＆": "&",
    "｜": "|",
    "﹒": ".",
    "﹐": ",",
    "﹔": ";",
    "﹕": ":",
    "‧": ".",
    "–": "-",
    "─": "—",
    "―": "—",
    "﹣": "-",
    "‘": "'",
    "’": "'",
    "「": "“",
    "」": "”",
    "『": "“",
    "』": "”",
    "〝": "“",
    "〞": "”",
    "″": "”",
    "〇": "〇",
    "○": "〇",
    "Ｏ": "〇",
}
# Full-width ASCII letters and digits.
for _c in range(0xFF10, 0xFF1A):
    _PAIRS[chr(_c)] = chr(_c - 0xFEE0)
for _c in range(0xFF21, 0xFF3B):
    _PAIRS[chr(_c)] = chr(_c - 0xFEE0)
for _c in range(0xFF41, 0xFF5B):
    _PAIRS[chr(_c)] = chr(_c - 0xFEE0)

# A few traditional forms of the words the parser keys on; full conversion of
# traditional-character copies is out of scope.
_TRADITIONAL = dict(
    zip(
        "關於對針題實況組織會員黨區縣級屬監察視專項機動聯動輪屆屆書記計劃報體陽門開據時間據內",
        "关于对针题实况组织会员党区县级属监察视专项机动联动轮届届书记计划报体阳门开据时间据内",
        strict=True,
    )
)
_PAIRS.update({k: v for k, v in _TRADITIONAL.items() if k != v})

_TABLE = str.maketrans(_PAIRS)


def normalize(text: str) -> str:
    """Return ``text`` with width variants folded; same length as the input."""
    out = text.translate(_TABLE)
    assert len(out) == len(text)
    return out


_WS = re.compile(r"\s+")


def canonical(text: str) -> str:
    """The form two copies of one notice share whatever format they came in."""
    return _WS.sub("", normalize(text)).replace("“", '"').replace("”", '"')


def content_hash(text: str) -> str:
    """SHA-256 of the canonical form: the notice's identity in the archive."""
    return hashlib.sha256(canonical(text).encode("utf-8")).hexdigest()
