"""Server-side SVG charts for the statistics page.

Pure functions that return inline ``<svg>`` markup with no scripts and no external resources,
so the page needs no JavaScript and the charts travel with the HTML. Colours and fonts are
presentation attributes, which any rule in the app's CSS overrides via the classes ``chart``,
``bar``, ``label``, ``value``, ``grid``, ``tick`` and ``axis``. Each chart carries a
``<title>``/``<desc>`` summary for screen readers; the full numbers live in the page's table.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Callable, Sequence

FONT_STACK = '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif'
WIDTH = 640
BAR_COLOR = "#2563a6"  # about 6:1 against white
TEXT_COLOR = "#1f2328"
MUTED_COLOR = "#57606a"
GRID_COLOR = "#d0d7de"
EMPTY_TEXT = "暂无数据"

# Top of the first row of a bar list (viewBox units), under the title.
_TOP = 36

# Column chart geometry.
_COL_HEIGHT = 280
_PLOT_TOP = 56
_PLOT_BOTTOM = _COL_HEIGHT - 32
_PLOT_LEFT = 60
_PLOT_RIGHT = WIDTH - 12

_LABEL_SIZE = 13
_VALUE_SIZE = 12
_TICK_SIZE = 11

_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")

Href = Callable[[str], str]


def _esc(text: object) -> str:
    """Escape for XML text and attributes; drop characters XML 1.0 forbids outright."""
    return html.escape(_XML_INVALID.sub("", str(text)), quote=True)


def _num(value: float) -> str:
    """Coordinates with at most two decimals and no trailing zeros, to keep markup small."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _fmt(value: int) -> str:
    return f"{value:,}"


def text_width(text: str, size: float) -> float:
    """Rough rendered width: CJK (and ambiguous, e.g. …) full-width, everything else 0.6 em."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WFA")
    return (wide + 0.6 * (len(text) - wide)) * size


def truncate(label: str, max_width: float, size: float = _LABEL_SIZE) -> str:
    """Shorten ``label`` to fit ``max_width``, ending in an ellipsis when anything was cut."""
    if text_width(label, size) <= max_width:
        return label
    budget = max_width - text_width("…", size)
    kept = ""
    for ch in label:
        if text_width(kept + ch, size) > budget:
            break
        kept += ch
    return kept + "…"


def nice_ticks(maximum: int, intervals: int = 4) -> list[int]:
    """Gridline values 0, s, 2s, … covering ``maximum`` with s in {1, 2, 5} × 10^k."""
    if maximum <= 0:
        return [0, 1]
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if step * intervals >= maximum:
                count = -(-maximum // step)
                return [i * step for i in range(count + 1)]
        magnitude *= 10


def summary(items: Sequence[tuple[str, int]]) -> str:
    """One Chinese sentence describing the data, used as the chart's ``<desc>``."""
    if not items:
        return EMPTY_TEXT
    top_label, top_value = max(items, key=lambda item: item[1])
    total = sum(value for _, value in items)
    return f"共 {len(items)} 项，合计 {_fmt(total)}，最多：{top_label} {_fmt(top_value)}"


def _open(
    testid: str, height: float, title: str, desc: str, width: int = WIDTH, cls: str = ""
) -> list[str]:
    ident = _ID_UNSAFE.sub("_", testid) or "chart"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart{cls}" role="img"'
        f' data-testid="{_esc(testid)}" viewBox="0 0 {width} {_num(height)}" width="100%"'
        f' aria-labelledby="{ident}-title {ident}-desc" font-family="{_esc(FONT_STACK)}"'
        f' fill="{TEXT_COLOR}">',
        f'<title id="{ident}-title">{_esc(title)}</title>',
        f'<desc id="{ident}-desc">{_esc(desc)}</desc>',
        f'<text class="chart-title" x="0" y="22" font-size="15" font-weight="bold">'
        f"{_esc(title)}</text>",
    ]


def _empty(title: str, testid: str) -> str:
    parts = _open(testid, 64, title, EMPTY_TEXT)
    parts.append(
        f'<text class="empty" x="{WIDTH // 2}" y="50" text-anchor="middle"'
        f' font-size="{_LABEL_SIZE}" fill="{MUTED_COLOR}">{EMPTY_TEXT}</text>'
    )
    return "".join(parts) + "</svg>"


def _wrap(inner: str, label: str, href: Href | None) -> str:
    return f'<a href="{_esc(href(label))}">{inner}</a>' if href else inner


def column_chart(
    items: Sequence[tuple[str, int]],
    *,
    title: str,
    testid: str,
    href: Href | None = None,
    width: int = WIDTH,
) -> str:
    """Vertical columns on a gridded axis, for short ordered labels such as years.

    ``width`` (viewBox units) sets how much the text is scaled: a narrow chart drawn at a
    phone's width keeps its text readable."""
    if not items:
        return _empty(title, testid)
    ticks = nice_ticks(max(value for _, value in items))
    top_tick = ticks[-1]
    plot_h = _PLOT_BOTTOM - _PLOT_TOP
    plot_left = _PLOT_LEFT if width >= WIDTH else 44
    plot_right = width - 12
    slot = (plot_right - plot_left) / len(items)
    col_w = min(48.0, slot * 0.7)
    widest = max(text_width(label, _VALUE_SIZE) for label, _ in items)
    every = max(1, math.ceil((widest + 4) / slot))  # thin out labels that would collide
    # All values or none: a lone "0" above a row of unlabelled columns reads as an error.
    show_values = all(text_width(_fmt(value), _VALUE_SIZE) <= slot - 2 for _, value in items)
    parts = _open(testid, _COL_HEIGHT, title, summary(items), width)
    for tick in ticks:
        y = _PLOT_BOTTOM - tick / top_tick * plot_h
        parts.append(
            f'<line class="grid" x1="{plot_left}" x2="{plot_right}" y1="{_num(y)}"'
            f' y2="{_num(y)}" stroke="{GRID_COLOR}" stroke-width="1"/>'
            f'<text class="tick" x="{plot_left - 6}" y="{_num(y + 4)}" text-anchor="end"'
            f' font-size="{_TICK_SIZE}" fill="{MUTED_COLOR}">{_fmt(tick)}</text>'
        )
    for i, (label, value) in enumerate(items):
        centre = plot_left + (i + 0.5) * slot
        col_h = max(value, 0) / top_tick * plot_h
        col = (
            f"<title>{_esc(label)}：{_fmt(value)}</title>"
            f'<rect class="bar" x="{_num(centre - col_w / 2)}" y="{_num(_PLOT_BOTTOM - col_h)}"'
            f' width="{_num(col_w)}" height="{_num(col_h)}" fill="{BAR_COLOR}"/>'
        )
        if show_values:
            col += (
                f'<text class="value" x="{_num(centre)}" y="{_num(_PLOT_BOTTOM - col_h - 5)}"'
                f' text-anchor="middle" font-size="{_VALUE_SIZE}">{_fmt(value)}</text>'
            )
        if i % every == 0:
            short = truncate(label, slot * every - 4, _VALUE_SIZE)
            col += (
                f'<text class="label" x="{_num(centre)}" y="{_PLOT_BOTTOM + 18}"'
                f' text-anchor="middle" font-size="{_VALUE_SIZE}">{_esc(short)}</text>'
            )
        parts.append(_wrap(f'<g class="column">{col}</g>', label, href))
    parts.append(
        f'<line class="axis" x1="{plot_left}" x2="{plot_right}" y1="{_PLOT_BOTTOM}"'
        f' y2="{_PLOT_BOTTOM}" stroke="{MUTED_COLOR}" stroke-width="1"/>'
    )
    return "".join(parts) + "</svg>"


# Stacked bar list geometry: the label on its own line above its bar, so that a chart drawn
# at a phone's width keeps long labels, proportional bars and every count readable.
NARROW = 360
_LIST_ROW = 40
_LIST_BAR_H = 14
_LIST_VALUE_W = 58  # room after the longest bar for a count such as "150,000"


def bar_list(
    items: Sequence[tuple[str, int]],
    *,
    title: str,
    testid: str,
    href: Href | None = None,
    max_items: int = 40,
) -> str:
    """Horizontal bars under their labels in a narrow viewBox (types, regions, levels)."""
    if not items:
        return _empty(title, testid)
    shown = list(items[: max(max_items, 1)])
    hidden = len(items) - len(shown)
    scale = max(max(value for _, value in shown), 1)
    bar_max = NARROW - _LIST_VALUE_W
    height = _TOP + len(shown) * _LIST_ROW + (24 if hidden else 0) + 4
    parts = _open(testid, height, title, summary(items), NARROW, " bar-list")
    for i, (label, value) in enumerate(shown):
        top = _TOP + i * _LIST_ROW
        width = max(value, 0) / scale * bar_max
        row = (
            f"<title>{_esc(label)}：{_fmt(value)}</title>"
            f'<text class="label" x="0" y="{top + 13}" font-size="{_LABEL_SIZE}">'
            f"{_esc(truncate(label, NARROW))}</text>"
            f'<rect class="bar" x="0" y="{top + 18}" width="{_num(width)}"'
            f' height="{_LIST_BAR_H}" rx="2" fill="{BAR_COLOR}"/>'
            f'<text class="value" x="{_num(width + 5)}" y="{top + 30}"'
            f' font-size="{_VALUE_SIZE}">{_fmt(value)}</text>'
        )
        parts.append(_wrap(f'<g class="row">{row}</g>', label, href))
    if hidden:
        parts.append(
            f'<text class="more" x="0" y="{_TOP + len(shown) * _LIST_ROW + 16}"'
            f' font-size="{_VALUE_SIZE}" fill="{MUTED_COLOR}">另有 {hidden} 项未在图中显示</text>'
        )
    return "".join(parts) + "</svg>"


# Tile map: one square per province; light to dark blue by count, grey when none.
TILE = 40
_TILE_GAP = 2
HEAT_COLORS = ["#eef1f4", "#dbe7f5", "#a9c6e8", "#6f9fd4", "#3a75b8", "#1d4f8c"]
HEAT_INK = [MUTED_COLOR, TEXT_COLOR, TEXT_COLOR, TEXT_COLOR, "#ffffff", "#ffffff"]


def heat_level(value: int, maximum: int, levels: int = 5) -> int:
    """0 for nothing, else 1..levels in proportion to ``maximum`` (any count shows)."""
    if value <= 0 or maximum <= 0:
        return 0
    return max(1, min(levels, math.ceil(value / maximum * levels)))


def tile_map(
    tiles: Sequence[tuple[str, int, int, int, str | None]],
    *,
    title: str,
    testid: str,
) -> str:
    """Squares (name, column, row, count, link or None) on a grid, shaded by count."""
    if not tiles:
        return _empty(title, testid)
    cols = max(c for _, c, _, _, _ in tiles) + 1
    rows = max(r for _, _, r, _, _ in tiles) + 1
    width = cols * TILE
    maximum = max(n for *_, n, _ in tiles)
    legend_y = _TOP + rows * TILE + 10
    height = legend_y + 28
    desc = summary([(name, n) for name, _, _, n, _ in tiles if n])
    parts = _open(testid, height, title, desc, width, " tile-map")
    for name, col, row, count, link in tiles:
        level = heat_level(count, maximum)
        x, y = col * TILE + _TILE_GAP / 2, _TOP + row * TILE + _TILE_GAP / 2
        size = TILE - _TILE_GAP
        ink = HEAT_INK[level]
        tile = (
            f"<title>{_esc(name)}：{_fmt(count)}</title>"
            f'<rect class="tile heat-{level}" x="{_num(x)}" y="{_num(y)}" width="{size}"'
            f' height="{size}" rx="3" fill="{HEAT_COLORS[level]}"/>'
            f'<text class="label" x="{_num(x + size / 2)}" y="{_num(y + 16)}"'
            f' text-anchor="middle" font-size="12" fill="{ink}">{_esc(name)}</text>'
        )
        if count:
            tile += (
                f'<text class="value" x="{_num(x + size / 2)}" y="{_num(y + 32)}"'
                f' text-anchor="middle" font-size="12" fill="{ink}">{_fmt(count)}</text>'
            )
        parts.append(f'<a href="{_esc(link)}">{tile}</a>' if link and count else tile)
    parts.append(
        f'<text class="legend" x="0" y="{legend_y + 14}" font-size="12"'
        f' fill="{MUTED_COLOR}">少</text>'
    )
    for i, colour in enumerate(HEAT_COLORS[1:]):
        parts.append(
            f'<rect class="legend-step" x="{18 + i * 22}" y="{legend_y + 2}" width="20"'
            f' height="16" fill="{colour}"/>'
        )
    parts.append(
        f'<text class="legend" x="{18 + 5 * 22 + 4}" y="{legend_y + 14}" font-size="12"'
        f' fill="{MUTED_COLOR}">多（最多 {_fmt(maximum)}）；灰色为无问题</text>'
    )
    return "".join(parts) + "</svg>"
