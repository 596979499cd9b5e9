"""Traditional-character copies: convert to simplified before parsing.

Some reposting sites publish notices in traditional characters (黨組, 巡視, 反饋). The
parser's words are simplified, so such a copy is converted with OpenCC (``t2s``; its
dictionaries ship inside the wheel, nothing is downloaded). The display text keeps the
original characters; only the parsed fields are simplified, so searches find them.
"""

from __future__ import annotations

import re
from functools import cache

_CJK_RE = re.compile(r"[\u3400-\u9fff]")
# A copy counts as traditional when at least this many characters, and this share of its
# CJK characters, change under conversion: a simplified text with a stray 乾 or 於 in a
# name is left alone.
MIN_CHANGED = 5
MIN_SHARE = 0.02
# Frequent traditional-only characters: a text with none of them is not converted at all.
HINTS = frozenset("黨組關於對視進況報會議問題針這個們為時來發開與從過還國機區縣導務規權責員幹饋據")


@cache
def _converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` in simplified characters (OpenCC t2s)."""
    return _converter().convert(text) if text else text


def simplify_if_traditional(text: str) -> tuple[str, bool]:
    """(text to parse, whether it was converted from traditional characters)."""
    if HINTS.isdisjoint(text):
        return text, False
    cjk = len(_CJK_RE.findall(text))
    if not cjk:
        return text, False
    out = to_simplified(text)
    if len(out) != len(text):
        changed = sum(1 for a, b in zip(text, out, strict=False) if a != b) or abs(
            len(out) - len(text)
        )
    else:
        changed = sum(1 for a, b in zip(text, out, strict=True) if a != b)
    if changed >= MIN_CHANGED and changed / cjk >= MIN_SHARE:
        return out, True
    return text, False
