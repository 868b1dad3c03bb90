"""Accessible SVG charts drawn on the server, so they work without JavaScript.

Flask-free on purpose: every function returns a plain ``str`` that the caller wraps
in ``markupsafe.Markup``. All text that reaches the SVG goes through ``html.escape``
(kommune names and titles come from content files, not from us).

Accessibility choices, and why:

* ``<svg role="img" aria-labelledby="<id>-title <id>-desc">`` with a ``<title>`` and a
  ``<desc>`` that states the key numbers in plain Danish, so a screen reader gets the
  point of the chart in one go (the page also shows the data table).
* Meaning never rests on colour alone: significance is solid fill vs. light fill with
  an outline; direction is spelled out with arrows and words; line series have
  different marker shapes, bar series different hatch patterns.
* Colours have at least 4.5:1 contrast against white (text and graphics alike);
  light fills only appear together with a dark outline.
* Sizes are in viewBox units with ``width="100%"`` and no fixed height, so the chart
  scales down to a 375 px phone instead of scrolling sideways.
* No presentation ``style`` attributes (a strict CSP would block them), no fonts:
  text inherits the page font.

Empty input (no rows, no series, or nothing but ``None`` values) returns a small SVG
saying "Ingen data at vise." rather than raising, so a page with a half-filled
indicator still renders. Malformed input (bad ``chart_id``, unknown chart type,
``values`` not matching ``categories``) raises ``ValueError``.
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


# --------------------------------------------------------------------------- helpers


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
    if not isinstance(chart_id, str) or not _ID.match(chart_id):
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


# --------------------------------------------------------------------------- ranking


def ranking_chart(
    rows,
    *,
    chart_id: str,
    lower_is_better: bool = True,
    unit: str = "mdr.",
    national: float | None = None,
    highlight=(),
    title: str | None = None,
    axis_label: str | None = None,
    sides: tuple[str, str] = ("Hurtigere end forventet", "Langsommere end forventet"),
    extremes: tuple[str, str] = ("Hurtigst", "Langsomst"),
    tick_step: float = 2,
) -> str:
    """Horizontal bars from the national reference line, one row per kommune, in rank order.

    ``rows``: dicts with ``rank``, ``kommune_as_published``, ``effect`` and
    ``significance`` ("", "*", "**", "***"). ``national`` is the value of the reference
    line the bars grow from (None = 0, as in AKF's effect measure where 0 is the
    national average). ``highlight``: ranks whose labels are bold (top/bottom five).
    ``sides`` names the negative and positive direction; ``extremes`` the words for the
    lowest and highest value in ``<desc>``. "(bedre)" goes on the negative side when
    ``lower_is_better``, else on the positive side.
    """
    _check_id(chart_id)
    rows = list(rows)
    title = title or "Kommunernes placering"
    if not rows:
        return _empty_svg(chart_id, "ranking", title)
    ref = 0.0 if national is None else float(national)
    effects = [float(r["effect"]) for r in rows]
    dec = decimals_for(effects)
    highlight = set(highlight)

    labels = [f'{r["rank"]}. {r["kommune_as_published"]}' for r in rows]
    values = [f'{number_da(e, dec)} {r.get("significance") or ""}'.strip() for r, e in zip(rows, effects)]
    label_x = min(220, max(_text_width(t, FONT, bold=True) for t in labels)) + 8
    value_room = max(_text_width(t) for t in values) + 10
    plot_left, plot_right = label_x + 8 + value_room, WIDTH - value_room - 4
    lo = math.floor(min(min(effects), ref) / tick_step) * tick_step
    hi = math.ceil(max(max(effects), ref) / tick_step) * tick_step
    hi = hi if hi > lo else lo + tick_step

    def sx(v: float) -> float:
        return plot_left + (v - lo) / (hi - lo) * (plot_right - plot_left)

    neg_colour, pos_colour = (GOOD, BAD) if lower_is_better else (BAD, GOOD)
    light = {GOOD: GOOD_LIGHT, BAD: BAD_LIGHT}
    body = []

    # Legend first: with 72 rows the reader must meet it before the bars.
    legend = [
        ("sig", "Udfyldt søjle: signifikant forskellig fra landsgennemsnittet (*, **, ***)"),
        ("ns", "Lys søjle: ikke signifikant"),
    ]
    for i, (kind, text) in enumerate(legend):
        y = 18 + i * 22
        for j, colour in enumerate((neg_colour, pos_colour)):
            fill = colour if kind == "sig" else light[colour]
            body.append(_el("rect", x=8 + j * 16, y=y - 11, width=14, height=14, fill=fill, stroke=colour,
                            stroke_width=1.5, class_=f"legend-swatch legend-swatch--{kind}"))
        body.append(_text(48, y, text, class_="legend"))

    # Direction captions, each on its own side of the reference line.
    zero = sx(ref)
    neg_text = f"← {sides[0]}" + (" (bedre)" if lower_is_better else "")
    pos_text = f"{sides[1]}" + ("" if lower_is_better else " (bedre)") + " →"
    # Captions sit next to the reference line, pushed in from the edges; if they would then
    # overlap (reference line near an edge) the positive one drops to a second line.
    neg_w, pos_w = _text_width(neg_text, FONT, bold=True), _text_width(pos_text, FONT, bold=True)
    neg_end = max(4 + neg_w, zero - 6)
    pos_start = min(zero + 6, WIDTH - 4 - pos_w)
    pos_y = 72 if pos_start >= neg_end + 8 else 92
    body.append(_text(neg_end, 72, neg_text, text_anchor="end", font_weight="bold", fill=neg_colour,
                      class_="direction direction--negative"))
    body.append(_text(pos_start, pos_y, pos_text, font_weight="bold", fill=pos_colour,
                      class_="direction direction--positive"))

    plot_top = pos_y + 30
    plot_bottom = plot_top + len(rows) * ROW
    n_ticks = round((hi - lo) / tick_step)
    tick_dec = decimals_for([tick_step, lo])
    for k in range(n_ticks + 1):
        v = lo + k * tick_step
        x = sx(v)
        body.append(_el("line", x1=x, y1=plot_top, x2=x, y2=plot_bottom, stroke=GRID, class_="grid"))
        for y in (plot_top - 6, plot_bottom + 18):  # ticks on top and bottom: the chart is tall
            body.append(_text(x, y, number_da(v, tick_dec), text_anchor="middle", font_size=12, class_="tick"))

    bar_h = ROW - 8
    for i, (row, effect, label, value) in enumerate(zip(rows, effects, labels, values)):
        y = plot_top + i * ROW
        significant = bool(row.get("significance"))
        colour = neg_colour if effect < ref else pos_colour
        x1 = sx(effect)
        body.append(_text(label_x, y + ROW / 2 + 5, label, text_anchor="end",
                          font_weight="bold" if row["rank"] in highlight else None,
                          class_="label label--highlight" if row["rank"] in highlight else "label"))
        body.append(_el("rect", x=min(zero, x1), y=y + 4, width=abs(x1 - zero), height=bar_h,
                        fill=colour if significant else light[colour], stroke=colour, stroke_width=1.5,
                        class_="bar bar--sig" if significant else "bar bar--ns",
                        data_rank=row["rank"], data_effect=effect))
        end = {"x": x1 - 4, "text_anchor": "end"} if effect < ref else {"x": x1 + 4, "text_anchor": "start"}
        body.append(_text(y=y + ROW / 2 + 5, content=value, font_size=13, class_="value", **end))

    body.append(_el("line", x1=zero, y1=plot_top - 2, x2=zero, y2=plot_bottom + 4, stroke=TEXT, stroke_width=2,
                    class_="reference"))
    ref_label = "Landsgennemsnit"
    ref_x = min(max(zero, _text_width(ref_label, 12) / 2 + 4), WIDTH - _text_width(ref_label, 12) / 2 - 4)
    body.append(_text(ref_x, plot_bottom + 36, ref_label, text_anchor="middle", font_size=12, class_="reference-label"))
    axis_label = axis_label or f"Forskel fra landsgennemsnittet ({unit})"
    body.append(_text((plot_left + plot_right) / 2, plot_bottom + 58, axis_label, text_anchor="middle",
                      class_="axis-label"))

    low, high = min(zip(effects, rows), key=lambda p: p[0]), max(zip(effects, rows), key=lambda p: p[0])
    n_sig = sum(1 for r in rows if r.get("significance"))
    desc = (
        f"{len(rows)} {'kommune' if len(rows) == 1 else 'kommuner'}. "
        f"{extremes[0]}: {low[1]['kommune_as_published']} ({_with_unit(low[0], dec, unit)}). "
        f"{extremes[1]}: {high[1]['kommune_as_published']} ({_with_unit(high[0], dec, unit)}). "
        f"{n_sig} er signifikant {'forskellig' if n_sig == 1 else 'forskellige'} fra landsgennemsnittet. "
        f"Negative tal betyder {sides[0].lower()}{' (bedre)' if lower_is_better else ''}."
    )
    return _svg(chart_id, "ranking", plot_bottom + 70, title, desc, body)


# --------------------------------------------------------------------------- indicators


def _marker(shape: str, x: float, y: float, colour: str, series: int, r: float = 5) -> str:
    """A marker whose shape, not only its colour, tells the series apart."""
    common = {"fill": colour, "stroke": "#fff", "stroke_width": 1, "class_": f"marker marker--{shape}",
              "data_series": series}
    if shape == "circle":
        return _el("circle", cx=x, cy=y, r=r, **common)
    points = {
        "square": [(-r, -r), (r, -r), (r, r), (-r, r)],
        "triangle": [(0, -r * 1.2), (r * 1.1, r * 0.8), (-r * 1.1, r * 0.8)],
        "diamond": [(0, -r * 1.3), (r * 1.3, 0), (0, r * 1.3), (-r * 1.3, 0)],
        "triangle-down": [(0, r * 1.2), (r * 1.1, -r * 0.8), (-r * 1.1, -r * 0.8)],
        "cross": [(-r, -r / 3), (-r / 3, -r / 3), (-r / 3, -r), (r / 3, -r), (r / 3, -r / 3), (r, -r / 3),
                  (r, r / 3), (r / 3, r / 3), (r / 3, r), (-r / 3, r), (-r / 3, r / 3), (-r, r / 3)],
    }[shape]
    d = "M" + " L".join(f"{x + px:.1f} {y + py:.1f}" for px, py in points) + " Z"
    return _el("path", d=d, **common)


def _hatch(chart_id: str, j: int) -> tuple[str, str]:
    """(fill value, <pattern> definition or "") for bar series ``j``: solid, then white stripes."""
    colour, angle = PALETTE[j % len(PALETTE)], HATCH_ANGLES[j % len(HATCH_ANGLES)]
    if angle is None:
        return colour, ""
    pid = f"{chart_id}-hatch{j}"
    pattern = (f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="6" height="6" '
               f'patternTransform="rotate({angle})">{_el("rect", width=6, height=6, fill=colour)}'
               f'{_el("line", x1=0, y1=0, x2=0, y2=6, stroke="#fff", stroke_width=2)}</pattern>')
    return f"url(#{pid})", pattern


def indicator_chart(indicator: dict, *, chart_id: str, width: int = WIDTH) -> str:
    """Grouped vertical bars or lines with markers for one indicator, y axis from 0.

    ``indicator``: ``title``, ``unit`` ("%", "antal" or any text), ``chart`` ("bar" or
    "line"), ``x_label`` (or None), ``categories``, ``series`` (``name`` + ``values``
    aligned with ``categories``; None = no data, drawn as nothing: no bar, no point,
    a gap in the line) and ``target`` (None or ``{"value", "label"}``, drawn as a
    dashed line). ``width``: the viewBox width; a narrower one (a small chart of two
    categories) keeps its text legible when a phone scales it to the column.
    """
    _check_id(chart_id)
    title = indicator.get("title") or "Indikator"
    unit = indicator.get("unit") or ""
    kind = indicator.get("chart") or "bar"
    if kind not in ("bar", "line"):
        raise ValueError(f"chart must be 'bar' or 'line', not {kind!r}")
    categories = [str(c) for c in indicator.get("categories") or []]
    series = list(indicator.get("series") or [])
    for s in series:
        if len(s.get("values") or []) != len(categories):
            raise ValueError(f"series {s.get('name')!r} has {len(s.get('values') or [])} values "
                             f"for {len(categories)} categories")
    target = indicator.get("target")
    data = [v for s in series for v in s["values"] if v is not None]
    if not categories or not data:
        return _empty_svg(chart_id, kind, title)

    dec = decimals_for(data + ([target["value"]] if target else []))
    top_value = max(data + ([target["value"]] if target else []))
    bottom_value = min(min(data), 0)
    step = _nice_step((top_value - bottom_value) * 1.08)
    ymax = max(math.ceil(top_value * 1.08 / step) * step, step)
    ymin = math.floor(bottom_value / step) * step
    tick_dec = decimals_for([step])

    body, defs, fills = [], [], []
    for j in range(len(series)):
        fill, pattern = _hatch(chart_id, j) if kind == "bar" else (PALETTE[j % len(PALETTE)], "")
        fills.append(fill)
        if pattern:
            defs.append(pattern)
    if defs:
        body.append("<defs>" + "".join(defs) + "</defs>")

    # Legend as a flowing row of swatch/marker + name, wrapped to the width.
    x, y = 8.0, 18.0
    for j, s in enumerate(series):
        name = str(s.get("name", ""))
        item_w = 30 + _text_width(name) + 18
        if x > 8 and x + item_w > width - 8:
            x, y = 8.0, y + 22
        colour = PALETTE[j % len(PALETTE)]
        if kind == "bar":
            body.append(_el("rect", x=x, y=y - 11, width=18, height=14, fill=fills[j], stroke=colour, stroke_width=1.5,
                            class_="legend-swatch"))
        else:
            body.append(_el("line", x1=x, y1=y - 4, x2=x + 22, y2=y - 4, stroke=colour, stroke_width=2.5))
            body.append(_marker(MARKERS[j % len(MARKERS)], x + 11, y - 4, colour, j))
        body.append(_text(x + 28, y, name, class_="legend"))
        x += item_w

    tick_labels = [_with_unit(ymin + k * step, tick_dec, "%" if unit == "%" else "")
                   for k in range(round((ymax - ymin) / step) + 1)]
    plot_left = 12 + max(_text_width(t, 12) for t in tick_labels) + 8
    plot_right = width - 12
    plot_top = y + 44
    plot_h = 260
    plot_bottom = plot_top + plot_h
    slot = (plot_right - plot_left) / len(categories)

    def sy(v: float) -> float:
        return plot_bottom - (v - ymin) / (ymax - ymin) * plot_h

    def cx(i: int) -> float:
        return plot_left + (i + 0.5) * slot

    body.append(_text(8, plot_top - 16, "Procent" if unit == "%" else unit, font_weight="bold", class_="axis-label"))
    for k, label in enumerate(tick_labels):
        ty = sy(ymin + k * step)
        body.append(_el("line", x1=plot_left, y1=ty, x2=plot_right, y2=ty, stroke=GRID, class_="grid"))
        body.append(_text(plot_left - 6, ty + 4, label, text_anchor="end", font_size=12, class_="tick"))
    body.append(_el("line", x1=plot_left, y1=sy(0), x2=plot_right, y2=sy(0), stroke=TEXT, stroke_width=1.5,
                    class_="baseline"))

    max_lines = 1
    for i, category in enumerate(categories):
        lines = _wrap(category, slot - 6, 13)
        max_lines = max(max_lines, len(lines))
        tspans = "".join(f'<tspan x="{cx(i):.1f}" dy="{0 if n == 0 else 16}">{_esc(t)}</tspan>'
                         for n, t in enumerate(lines))
        body.append(f'<text {_attrs({"x": cx(i), "y": plot_bottom + 20, "font_size": 13, "fill": TEXT})} '
                    f'text-anchor="middle" class="category">{tspans}</text>')
    height = plot_bottom + 20 + (max_lines - 1) * 16 + 12
    if indicator.get("x_label"):
        height += 18
        body.append(_text((plot_left + plot_right) / 2, height, indicator["x_label"], text_anchor="middle",
                          font_weight="bold", class_="axis-label"))

    if kind == "bar":
        bar_w = min(slot * 0.8 / len(series), 60)
        for j, s in enumerate(series):
            colour = PALETTE[j % len(PALETTE)]
            for i, v in enumerate(s["values"]):
                if v is None:
                    continue
                bx = cx(i) - bar_w * len(series) / 2 + j * bar_w
                body.append(_el("rect", x=bx + 1, y=min(sy(v), sy(0)), width=bar_w - 2, height=abs(sy(v) - sy(0)),
                                fill=fills[j], stroke=colour, stroke_width=1.5, class_="bar", data_series=j))
                label = _with_unit(v, dec, unit)
                lx, ly = bx + bar_w / 2, sy(v) - 6 if v >= 0 else sy(v) + 16
                if _text_width(label, 13) <= bar_w + 4:
                    body.append(_text(lx, ly, label, text_anchor="middle", font_size=13, class_="value", **HALO))
                else:  # too narrow: read it sideways rather than let labels overlap
                    body.append(_text(lx + 4, ly, label, font_size=13, transform=f"rotate(-90 {lx + 4:.1f} {ly:.1f})",
                                      class_="value", **HALO))
    else:
        for j, s in enumerate(series):
            colour, shape = PALETTE[j % len(PALETTE)], MARKERS[j % len(MARKERS)]
            d, pen_down = [], False
            for i, v in enumerate(s["values"]):
                if v is None:
                    pen_down = False  # the next value starts a new segment: a visible gap
                    continue
                d.append(f"{'L' if pen_down else 'M'}{cx(i):.1f} {sy(v):.1f}")
                pen_down = True
            body.append(_el("path", d=" ".join(d), fill="none", stroke=colour, stroke_width=2.5,
                            stroke_linejoin="round", class_="series", data_series=j))
            body.extend(_marker(shape, cx(i), sy(v), colour, j) for i, v in enumerate(s["values"]) if v is not None)

    if target:
        ty = sy(target["value"])
        target_text = f'{target.get("label") or "Mål"}: {_with_unit(target["value"], dec, unit)}'
        body.append(_el("line", x1=plot_left, y1=ty, x2=plot_right, y2=ty, stroke=TARGET, stroke_width=2,
                        stroke_dasharray="8 5", class_="target"))
        body.append(_text(plot_right - 4, ty - 6, target_text, text_anchor="end", fill=TARGET, font_weight="bold",
                          class_="target-label", **HALO))

    return _svg(chart_id, kind, height + 10, title, _indicator_desc(title, kind, categories, series, target,
                                                                     dec, unit), body, width)


def _indicator_desc(title, kind, categories, series, target, dec, unit) -> str:
    """Bar: every value per series (bar charts have few categories). Line: first and last value."""
    parts = [f"{title}. {'Søjlediagram' if kind == 'bar' else 'Kurvediagram'}."]
    for s in series:
        points = [(c, v) for c, v in zip(categories, s["values"]) if v is not None]
        name = s.get("name", "")
        if not points:
            parts.append(f"{name}: ingen data.")
        elif kind == "bar":
            parts.append(f"{name}: " + "; ".join(f"{c} {_with_unit(v, dec, unit)}" for c, v in points) + ".")
        elif len(points) == 1:
            parts.append(f"{name}: {_with_unit(points[0][1], dec, unit)} ({points[0][0]}).")
        else:
            (c0, v0), (c1, v1) = points[0], points[-1]
            parts.append(f"{name}: fra {_with_unit(v0, dec, unit)} ({c0}) til {_with_unit(v1, dec, unit)} ({c1}).")
    if target:
        parts.append(f'{target.get("label") or "Mål"}: {_with_unit(target["value"], dec, unit)}.')
    return " ".join(parts)
