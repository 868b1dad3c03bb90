"""The SVG toolkit the charts share: sizes, colours, escaping, text, the frame.

See :mod:`portal.charts` for the accessibility choices these serve.
"""

from __future__ import annotations

import html
import math
import re

WIDTH = 640  # viewBox width of every chart; the browser scales it to the column
FONT = 14  # text size in viewBox units (about 8 px on a 375 px phone, 14 px on desktop)
ROW = 22  # ranking chart: viewBox units per kommune row
TEXT = "#1a1a1a"  # 17:1 on white
GRID = "#d9d9d9"  # decorative gridlines only; never carries meaning
GOOD, BAD = "#0059b3", "#b34700"  # 6.8:1 and 5.5:1 on white
GOOD_LIGHT, BAD_LIGHT = "#dbe8f6", "#f8e3d5"  # only ever used with a GOOD/BAD outline
TARGET = "#a6192e"  # 7.5:1
# Colour-blind-safe order with >= 5:1 contrast on white; shapes and hatches repeat the distinction.
PALETTE = ["#0059b3", "#b34700", "#2e7d32", "#6a1b9a", "#00695c", "#5d4037"]
MARKERS = ["circle", "square", "triangle", "diamond", "triangle-down", "cross"]
HATCH_ANGLES = [None, 45, 90, -45, 0, 135]  # None = solid fill
HALO = {"stroke": "#fff", "stroke_width": 3, "stroke_linejoin": "round", "paint_order": "stroke"}
EMPTY_TEXT = "Ingen data at vise."

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def number_da(value: float, decimals: int = 0) -> str:
    """``-7.206`` → ``-7,206``; ``23563`` → ``23.563``. Never prints ``-0``."""
    if round(value, decimals) == 0:
        value = 0.0
    return f"{value:,.{decimals}f}".translate(str.maketrans(",.", ".,"))


def decimals_for(values) -> int:
    """Decimals needed to show every value as published (``36.8`` → 1, ``-7.206`` → 3), max 3.

    One count per chart keeps a column consistent ("3,0 %" next to "36,8 %").
    """
    best = 0
    for v in values:
        if v is not None:
            frac = f"{abs(v):.3f}".split(".")[1].rstrip("0")
            best = max(best, len(frac))
    return best


def _with_unit(value: float, decimals: int, unit: str) -> str:
    """Number plus unit as read aloud: ``36,8 %``, ``4,9 mdr.``; "antal" adds nothing."""
    text = number_da(value, decimals)
    if unit and unit != "antal":
        text += f" {unit}"
    return text


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def _attrs(attrs: dict) -> str:
    """Keyword names become SVG attributes: ``stroke_width`` → ``stroke-width``; None is dropped."""
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.2f}".rstrip("0").rstrip(".")
        parts.append(f'{key.rstrip("_").replace("_", "-")}="{_esc(value)}"')
    return " ".join(parts)


def _el(tag: str, **attrs) -> str:
    return f"<{tag} {_attrs(attrs)}/>"


def _text(x: float, y: float, content: str, **attrs) -> str:
    attrs.setdefault("font_size", FONT)
    attrs.setdefault("fill", TEXT)
    return f"<text {_attrs({'x': x, 'y': y, **attrs})}>{_esc(content)}</text>"


def _text_width(text: str, size: float = FONT, bold: bool = False) -> float:
    """Rough width of ``text`` in a sans-serif page font; good enough to leave room for labels."""
    return len(text) * size * (0.6 if bold else 0.55)


def _wrap(text: str, max_width: float, size: float = FONT) -> list[str]:
    """Greedy word wrap by estimated width (SVG 1.1 text does not wrap by itself)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}", size) <= max_width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def _nice_step(span: float, ticks: int = 5) -> float:
    """1, 2, 2,5 or 5 × 10ⁿ so that ``span`` gets about ``ticks`` gridlines."""
    raw = span / ticks if span > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _check_id(chart_id: str) -> None:
    # aria-labelledby is a space-separated id list, so a space in the id would break it.
    if not isinstance(chart_id, str) or not _ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must be a letter followed by letters, digits, - or _: {chart_id!r}")


def _svg(chart_id: str, kind: str, height: float, title: str, desc: str, body: list[str], width: int = WIDTH) -> str:
    """The accessible wrapper every chart shares."""
    head = _attrs(
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width} {math.ceil(height)}",
            "width": "100%",
            "preserveAspectRatio": "xMidYMin meet",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": f"chart chart--{kind}",
            "id": chart_id,
            "font-family": "inherit",
        }
    )
    return "\n".join(
        [
            f"<svg {head}>",
            f'<title id="{_esc(chart_id)}-title">{_esc(title)}</title>',
            f'<desc id="{_esc(chart_id)}-desc">{_esc(desc)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _empty_svg(chart_id: str, kind: str, title: str) -> str:
    return _svg(chart_id, kind, 40, title, EMPTY_TEXT, [_text(8, 26, EMPTY_TEXT)])
