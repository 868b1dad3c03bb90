"""The ranking chart: one bar per kommune."""

from __future__ import annotations

import math

from .svg import (
    BAD,
    BAD_LIGHT,
    GOOD,
    GOOD_LIGHT,
    FONT,
    GRID,
    ROW,
    TEXT,
    WIDTH,
    _check_id,
    _el,
    _empty_svg,
    _svg,
    _text,
    _text_width,
    _with_unit,
    decimals_for,
    number_da,
)


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

    labels = [f"{r['rank']}. {r['kommune_as_published']}" for r in rows]
    values = [f"{number_da(e, dec)} {r.get('significance') or ''}".strip() for r, e in zip(rows, effects)]
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
            body.append(
                _el(
                    "rect",
                    x=8 + j * 16,
                    y=y - 11,
                    width=14,
                    height=14,
                    fill=fill,
                    stroke=colour,
                    stroke_width=1.5,
                    class_=f"legend-swatch legend-swatch--{kind}",
                )
            )
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
    body.append(
        _text(
            neg_end,
            72,
            neg_text,
            text_anchor="end",
            font_weight="bold",
            fill=neg_colour,
            class_="direction direction--negative",
        )
    )
    body.append(
        _text(pos_start, pos_y, pos_text, font_weight="bold", fill=pos_colour, class_="direction direction--positive")
    )

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
        body.append(
            _text(
                label_x,
                y + ROW / 2 + 5,
                label,
                text_anchor="end",
                font_weight="bold" if row["rank"] in highlight else None,
                class_="label label--highlight" if row["rank"] in highlight else "label",
            )
        )
        body.append(
            _el(
                "rect",
                x=min(zero, x1),
                y=y + 4,
                width=abs(x1 - zero),
                height=bar_h,
                fill=colour if significant else light[colour],
                stroke=colour,
                stroke_width=1.5,
                class_="bar bar--sig" if significant else "bar bar--ns",
                data_rank=row["rank"],
                data_effect=effect,
            )
        )
        end = {"x": x1 - 4, "text_anchor": "end"} if effect < ref else {"x": x1 + 4, "text_anchor": "start"}
        body.append(_text(y=y + ROW / 2 + 5, content=value, font_size=13, class_="value", **end))

    body.append(
        _el(
            "line",
            x1=zero,
            y1=plot_top - 2,
            x2=zero,
            y2=plot_bottom + 4,
            stroke=TEXT,
            stroke_width=2,
            class_="reference",
        )
    )
    ref_label = "Landsgennemsnit"
    ref_x = min(max(zero, _text_width(ref_label, 12) / 2 + 4), WIDTH - _text_width(ref_label, 12) / 2 - 4)
    body.append(_text(ref_x, plot_bottom + 36, ref_label, text_anchor="middle", font_size=12, class_="reference-label"))
    axis_label = axis_label or f"Forskel fra landsgennemsnittet ({unit})"
    body.append(
        _text((plot_left + plot_right) / 2, plot_bottom + 58, axis_label, text_anchor="middle", class_="axis-label")
    )

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
