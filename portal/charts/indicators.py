"""The indicator charts: bars or lines over categories."""

from __future__ import annotations

import math

from .svg import (
    GRID,
    HALO,
    HATCH_ANGLES,
    MARKERS,
    PALETTE,
    TARGET,
    TEXT,
    WIDTH,
    _attrs,
    _check_id,
    _el,
    _empty_svg,
    _esc,
    _nice_step,
    _svg,
    _text,
    _text_width,
    _with_unit,
    _wrap,
    decimals_for,
)


def _marker(shape: str, x: float, y: float, colour: str, series: int, r: float = 5) -> str:
    """A marker whose shape, not only its colour, tells the series apart."""
    common = {
        "fill": colour,
        "stroke": "#fff",
        "stroke_width": 1,
        "class_": f"marker marker--{shape}",
        "data_series": series,
    }
    if shape == "circle":
        return _el("circle", cx=x, cy=y, r=r, **common)
    points = {
        "square": [(-r, -r), (r, -r), (r, r), (-r, r)],
        "triangle": [(0, -r * 1.2), (r * 1.1, r * 0.8), (-r * 1.1, r * 0.8)],
        "diamond": [(0, -r * 1.3), (r * 1.3, 0), (0, r * 1.3), (-r * 1.3, 0)],
        "triangle-down": [(0, r * 1.2), (r * 1.1, -r * 0.8), (-r * 1.1, -r * 0.8)],
        "cross": [
            (-r, -r / 3),
            (-r / 3, -r / 3),
            (-r / 3, -r),
            (r / 3, -r),
            (r / 3, -r / 3),
            (r, -r / 3),
            (r, r / 3),
            (r / 3, r / 3),
            (r / 3, r),
            (-r / 3, r),
            (-r / 3, r / 3),
            (-r, r / 3),
        ],
    }[shape]
    d = "M" + " L".join(f"{x + px:.1f} {y + py:.1f}" for px, py in points) + " Z"
    return _el("path", d=d, **common)


def _hatch(chart_id: str, j: int) -> tuple[str, str]:
    """(fill value, <pattern> definition or "") for bar series ``j``: solid, then white stripes."""
    colour, angle = PALETTE[j % len(PALETTE)], HATCH_ANGLES[j % len(HATCH_ANGLES)]
    if angle is None:
        return colour, ""
    pid = f"{chart_id}-hatch{j}"
    pattern = (
        f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate({angle})">{_el("rect", width=6, height=6, fill=colour)}'
        f"{_el('line', x1=0, y1=0, x2=0, y2=6, stroke='#fff', stroke_width=2)}</pattern>"
    )
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
            raise ValueError(
                f"series {s.get('name')!r} has {len(s.get('values') or [])} values for {len(categories)} categories"
            )
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
            body.append(
                _el(
                    "rect",
                    x=x,
                    y=y - 11,
                    width=18,
                    height=14,
                    fill=fills[j],
                    stroke=colour,
                    stroke_width=1.5,
                    class_="legend-swatch",
                )
            )
        else:
            body.append(_el("line", x1=x, y1=y - 4, x2=x + 22, y2=y - 4, stroke=colour, stroke_width=2.5))
            body.append(_marker(MARKERS[j % len(MARKERS)], x + 11, y - 4, colour, j))
        body.append(_text(x + 28, y, name, class_="legend"))
        x += item_w

    tick_labels = [
        _with_unit(ymin + k * step, tick_dec, "%" if unit == "%" else "")
        for k in range(round((ymax - ymin) / step) + 1)
    ]
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
    body.append(
        _el("line", x1=plot_left, y1=sy(0), x2=plot_right, y2=sy(0), stroke=TEXT, stroke_width=1.5, class_="baseline")
    )

    max_lines = 1
    for i, category in enumerate(categories):
        lines = _wrap(category, slot - 6, 13)
        max_lines = max(max_lines, len(lines))
        tspans = "".join(
            f'<tspan x="{cx(i):.1f}" dy="{0 if n == 0 else 16}">{_esc(t)}</tspan>' for n, t in enumerate(lines)
        )
        body.append(
            f"<text {_attrs({'x': cx(i), 'y': plot_bottom + 20, 'font_size': 13, 'fill': TEXT})} "
            f'text-anchor="middle" class="category">{tspans}</text>'
        )
    height = plot_bottom + 20 + (max_lines - 1) * 16 + 12
    if indicator.get("x_label"):
        height += 18
        body.append(
            _text(
                (plot_left + plot_right) / 2,
                height,
                indicator["x_label"],
                text_anchor="middle",
                font_weight="bold",
                class_="axis-label",
            )
        )

    if kind == "bar":
        bar_w = min(slot * 0.8 / len(series), 60)
        for j, s in enumerate(series):
            colour = PALETTE[j % len(PALETTE)]
            for i, v in enumerate(s["values"]):
                if v is None:
                    continue
                bx = cx(i) - bar_w * len(series) / 2 + j * bar_w
                body.append(
                    _el(
                        "rect",
                        x=bx + 1,
                        y=min(sy(v), sy(0)),
                        width=bar_w - 2,
                        height=abs(sy(v) - sy(0)),
                        fill=fills[j],
                        stroke=colour,
                        stroke_width=1.5,
                        class_="bar",
                        data_series=j,
                    )
                )
                label = _with_unit(v, dec, unit)
                lx, ly = bx + bar_w / 2, sy(v) - 6 if v >= 0 else sy(v) + 16
                if _text_width(label, 13) <= bar_w + 4:
                    body.append(_text(lx, ly, label, text_anchor="middle", font_size=13, class_="value", **HALO))
                else:  # too narrow: read it sideways rather than let labels overlap
                    body.append(
                        _text(
                            lx + 4,
                            ly,
                            label,
                            font_size=13,
                            transform=f"rotate(-90 {lx + 4:.1f} {ly:.1f})",
                            class_="value",
                            **HALO,
                        )
                    )
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
            body.append(
                _el(
                    "path",
                    d=" ".join(d),
                    fill="none",
                    stroke=colour,
                    stroke_width=2.5,
                    stroke_linejoin="round",
                    class_="series",
                    data_series=j,
                )
            )
            body.extend(_marker(shape, cx(i), sy(v), colour, j) for i, v in enumerate(s["values"]) if v is not None)

    if target:
        ty = sy(target["value"])
        target_text = f"{target.get('label') or 'Mål'}: {_with_unit(target['value'], dec, unit)}"
        body.append(
            _el(
                "line",
                x1=plot_left,
                y1=ty,
                x2=plot_right,
                y2=ty,
                stroke=TARGET,
                stroke_width=2,
                stroke_dasharray="8 5",
                class_="target",
            )
        )
        body.append(
            _text(
                plot_right - 4,
                ty - 6,
                target_text,
                text_anchor="end",
                fill=TARGET,
                font_weight="bold",
                class_="target-label",
                **HALO,
            )
        )

    return _svg(
        chart_id,
        kind,
        height + 10,
        title,
        _indicator_desc(title, kind, categories, series, target, dec, unit),
        body,
        width,
    )


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
        parts.append(f"{target.get('label') or 'Mål'}: {_with_unit(target['value'], dec, unit)}.")
    return " ".join(parts)
