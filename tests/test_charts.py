"""The server-drawn SVG charts: well-formed, labelled for screen readers, and readable by eye.

Assertions are about what a reader gets: the accessible name/description, where bars
lie relative to the zero line, that significance shows as fill vs. outline, etc.
"""

import xml.etree.ElementTree as ET

import pytest

from portal.charts import decimals_for, indicator_chart, number_da, ranking_chart

NS = {"svg": "http://www.w3.org/2000/svg"}

ROWS = [
    {"rank": 1, "kommune_as_published": "Grindsted", "effect": -7.206, "significance": "***"},
    {"rank": 2, "kommune_as_published": "Høje Taastrup", "effect": -7.090, "significance": "***"},
    {"rank": 10, "kommune_as_published": "Ishøj", "effect": -2.789, "significance": ""},
    {"rank": 36, "kommune_as_published": "Ålborg", "effect": 0.193, "significance": ""},
    {"rank": 71, "kommune_as_published": "Skive", "effect": 4.906, "significance": "***"},
    {"rank": 72, "kommune_as_published": "Brøndby", "effect": 6.556, "significance": "***"},
]

TABLE3 = {
    "title": "Sandsynlighed for selvforsørgelse eller uddannelse",
    "unit": "%",
    "chart": "line",
    "x_label": "År efter opholdstilladelse",
    "categories": ["1 år", "2 år", "3 år", "4 år", "5 år", "6 år"],
    "series": [
        {"name": "1999", "values": [11, 20, 29, 38, 44, 50]},
        {"name": "2000", "values": [11, 21, 31, 39, 45, None]},
        {"name": "2001", "values": [10, 20, 29, 38, None, None]},
        {"name": "2002", "values": [14, 25, 37, None, None, None]},
        {"name": "2003", "values": [12, 29, None, None, None, None]},
        {"name": "2004", "values": [14, None, None, None, None, None]},
    ],
    "target": None,
}

TABLE2 = {
    "title": "Status efter køn",
    "unit": "%",
    "chart": "bar",
    "x_label": None,
    "categories": ["Selvforsørgelse", "Uddannelse", "Hverken selvforsørgelse eller uddannelse"],
    "series": [
        {"name": "Mænd", "values": [36.8, 3.0, 60.2]},
        {"name": "Kvinder", "values": [26.7, 2.6, 70.6]},
    ],
    "target": None,
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises if not well-formed


def by_class(root, tag, cls):
    return [e for e in root.iter(f"{{{NS['svg']}}}{tag}") if cls in (e.get("class") or "").split()]


def texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{{{NS['svg']}}}text")]


def assert_accessible(root, chart_id):
    assert root.get("role") == "img"
    assert root.get("width") == "100%" and root.get("viewBox")
    assert root.get("height") is None  # the aspect ratio of the viewBox decides, so it scales down
    ids = root.get("aria-labelledby").split()
    assert ids == [f"{chart_id}-title", f"{chart_id}-desc"]
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title.get("id") == ids[0] and title.text
    assert desc.get("id") == ids[1] and desc.text
    return desc.text


def luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(hex_colour):
    return 1.05 / (luminance(hex_colour) + 0.05)


# --------------------------------------------------------------------------- formats


def test_danish_numbers():
    assert number_da(-7.206, 3) == "-7,206"
    assert number_da(23563) == "23.563"
    assert number_da(31.8, 1) == "31,8"
    assert number_da(-0.0001, 2) == "0,00"
    assert decimals_for([36.8, 3.0, None]) == 1
    assert decimals_for([-7.206, 0.193]) == 3


# --------------------------------------------------------------------------- ranking


@pytest.fixture
def ranking():
    return parse(ranking_chart(ROWS, chart_id="rang", highlight=(1, 2, 71, 72)))


def test_ranking_is_accessible_and_summarised(ranking):
    desc = assert_accessible(ranking, "rang")
    assert "6 kommuner" in desc
    assert "Hurtigst: Grindsted (-7,206 mdr.)" in desc
    assert "Langsomst: Brøndby (6,556 mdr.)" in desc
    assert "4 er signifikant forskellige fra landsgennemsnittet" in desc


def test_ranking_bars_lie_on_the_right_side_of_zero(ranking):
    bars = by_class(ranking, "rect", "bar")
    assert len(bars) == len(ROWS)
    (zero,) = by_class(ranking, "line", "reference")
    zx = float(zero.get("x1"))
    widths = {}
    for bar, row in zip(bars, ROWS):
        x, w = float(bar.get("x")), float(bar.get("width"))
        if row["effect"] < 0:
            assert x + w == pytest.approx(zx, abs=0.01) and x < zx
        else:
            assert x == pytest.approx(zx, abs=0.01)
        widths[row["rank"]] = w
    assert widths[1] > widths[2] > widths[10] > 0  # longer for a larger magnitude
    assert widths[72] > widths[71] > widths[36] > 0
    # rows go down the page in rank order
    ys = [float(b.get("y")) for b in bars]
    assert ys == sorted(ys)


def test_ranking_value_labels_and_stars(ranking):
    values = ["".join(t.itertext()) for t in by_class(ranking, "text", "value")]
    assert values == ["-7,206 ***", "-7,090 ***", "-2,789", "0,193", "4,906 ***", "6,556 ***"]
    labels = ["".join(t.itertext()) for t in by_class(ranking, "text", "label")]
    assert labels[0] == "1. Grindsted" and labels[-1] == "72. Brøndby"


def test_significance_is_fill_versus_outline_not_just_hue(ranking):
    sig = by_class(ranking, "rect", "bar--sig")
    ns = by_class(ranking, "rect", "bar--ns")
    assert len(sig) == 4 and len(ns) == 2
    for bar in sig:
        assert bar.get("fill") == bar.get("stroke")  # solid
    for bar in ns:
        assert bar.get("fill") != bar.get("stroke")  # light inside, dark outline
        assert contrast(bar.get("stroke")) >= 3
        assert contrast(bar.get("fill")) < 1.5  # visibly "empty"
    legend = " ".join(texts(ranking))
    assert "Udfyldt søjle: signifikant forskellig fra landsgennemsnittet (*, **, ***)" in legend
    assert "Lys søjle: ikke signifikant" in legend


def test_direction_is_spelled_out_on_the_correct_side(ranking):
    (zero,) = by_class(ranking, "line", "reference")
    zx = float(zero.get("x1"))
    (neg,) = by_class(ranking, "text", "direction--negative")
    (pos,) = by_class(ranking, "text", "direction--positive")
    assert neg.text == "← Hurtigere end forventet (bedre)"
    assert pos.text == "Langsommere end forventet →"
    assert neg.get("text-anchor") == "end" and float(neg.get("x")) < zx
    assert float(pos.get("x")) > zx

    mirrored = parse(ranking_chart(ROWS, chart_id="m", lower_is_better=False))
    assert by_class(mirrored, "text", "direction--negative")[0].text == "← Hurtigere end forventet"
    assert by_class(mirrored, "text", "direction--positive")[0].text == "Langsommere end forventet (bedre) →"


def test_axis_has_ticks_every_two_months_and_a_unit(ranking):
    ticks = [t.text for t in by_class(ranking, "text", "tick")]
    assert ticks[::2] == ["-8", "-6", "-4", "-2", "0", "2", "4", "6", "8"]
    assert "Forskel fra landsgennemsnittet (mdr.)" in texts(ranking)


def test_highlight_makes_labels_bold(ranking):
    bold = {t.text for t in by_class(ranking, "text", "label") if t.get("font-weight") == "bold"}
    assert bold == {"1. Grindsted", "2. Høje Taastrup", "71. Skive", "72. Brøndby"}


def test_names_are_escaped():
    rows = [dict(ROWS[0], kommune_as_published="A<b>&C")]
    svg = ranking_chart(rows, chart_id="esc", title="<script>")
    assert "<b>" not in svg and "<script>" not in svg
    root = parse(svg)
    assert "1. A<b>&C" in texts(root)
    assert root.find("svg:title", NS).text == "<script>"


def test_text_and_graphics_have_enough_contrast(ranking):
    line = parse(indicator_chart(dict(TABLE3, target={"value": 40, "label": "Mål"}), chart_id="c"))
    for root in (ranking, line, parse(indicator_chart(TABLE2, chart_id="d"))):
        for t in root.iter(f"{{{NS['svg']}}}text"):
            assert contrast(t.get("fill")) >= 4.5
        for e in root.iter():
            stroke = e.get("stroke")
            if stroke and stroke.startswith("#") and "grid" not in (e.get("class") or "") and stroke != "#fff":
                assert contrast(stroke) >= 3, e.attrib


def test_many_rows_grow_the_chart_not_the_text():
    rows = [
        {"rank": i + 1, "kommune_as_published": f"Kommune {i + 1}", "effect": -7 + i * 0.19, "significance": ""}
        for i in range(72)
    ]
    root = parse(ranking_chart(rows, chart_id="alle"))
    assert len(by_class(root, "rect", "bar")) == 72
    width, height = map(float, root.get("viewBox").split()[2:])
    assert width == 640 and height > 72 * 22


def test_bad_chart_id_is_refused():
    with pytest.raises(ValueError):
        ranking_chart(ROWS, chart_id="two words")


def test_empty_ranking_is_a_short_accessible_svg():
    root = parse(ranking_chart([], chart_id="tom"))
    assert assert_accessible(root, "tom") == "Ingen data at vise."
    assert not by_class(root, "rect", "bar")


# --------------------------------------------------------------------------- indicators


def test_line_chart_one_path_per_series_with_gaps():
    root = parse(indicator_chart(TABLE3, chart_id="t3"))
    desc = assert_accessible(root, "t3")
    assert "1999: fra 11 % (1 år) til 50 % (6 år)." in desc
    assert "2004: 14 % (1 år)." in desc
    paths = by_class(root, "path", "series")
    assert len(paths) == 6
    for path, series in zip(paths, TABLE3["series"]):
        points = path.get("d").split()
        present = sum(v is not None for v in series["values"])
        assert len(points) == 2 * present  # no point for None
        j = path.get("data-series")
        markers = [m for m in root.iter() if "marker" in (m.get("class") or "").split() and m.get("data-series") == j]
        assert len(markers) == present + 1  # + the one in the legend


def test_line_chart_gap_in_the_middle_starts_a_new_segment():
    ind = dict(TABLE3, series=[{"name": "Hul", "values": [10, None, 30, 40, None, 60]}])
    (path,) = by_class(parse(indicator_chart(ind, chart_id="gap")), "path", "series")
    commands = [p[0] for p in path.get("d").split() if p[0].isalpha()]
    assert commands == ["M", "M", "L", "M"]


def test_line_markers_differ_by_shape_per_series():
    root = parse(indicator_chart(TABLE3, chart_id="shapes"))
    shapes = {}
    for m in root.iter():
        classes = (m.get("class") or "").split()
        if "marker" in classes:
            shapes.setdefault(m.get("data-series"), set()).update(c for c in classes if c.startswith("marker--"))
    assert all(len(s) == 1 for s in shapes.values())
    assert len({s.pop() for s in shapes.values()}) == 6


def test_bar_chart_values_labelled_in_danish():
    root = parse(indicator_chart(TABLE2, chart_id="t2"))
    desc = assert_accessible(root, "t2")
    assert "Mænd: Selvforsørgelse 36,8 %; Uddannelse 3,0 %" in desc
    assert len(by_class(root, "rect", "bar")) == 6
    values = [t.text for t in by_class(root, "text", "value")]
    assert values == ["36,8 %", "3,0 %", "60,2 %", "26,7 %", "2,6 %", "70,6 %"]
    legend = [t.text for t in by_class(root, "text", "legend")]
    assert legend == ["Mænd", "Kvinder"]
    # the long category is wrapped instead of running into its neighbours
    long_label = [t for t in by_class(root, "text", "category") if "Hverken" in "".join(t.itertext())][0]
    assert len(list(long_label)) >= 2
    # series differ by pattern, not only by hue
    fills = {b.get("data-series"): b.get("fill") for b in by_class(root, "rect", "bar")}
    assert fills["0"].startswith("#") and fills["1"] == "url(#t2-hatch1)"


def test_bar_chart_draws_nothing_for_none():
    ind = dict(TABLE2, series=[{"name": "Mænd", "values": [36.8, None, 60.2]}])
    root = parse(indicator_chart(ind, chart_id="none"))
    assert len(by_class(root, "rect", "bar")) == 2
    assert [t.text for t in by_class(root, "text", "value")] == ["36,8 %", "60,2 %"]


def test_y_axis_starts_at_zero_and_covers_the_data():
    root = parse(indicator_chart(TABLE2, chart_id="y"))
    ticks = [t.text for t in by_class(root, "text", "tick")]
    assert ticks[0] == "0 %"
    assert float(ticks[-1].split()[0].replace(",", ".")) >= 70.6
    assert "Procent" in texts(root)


def test_target_line_is_drawn_and_labelled():
    root = parse(indicator_chart(dict(TABLE3, target={"value": 40, "label": "Mål"}), chart_id="mal"))
    (line,) = by_class(root, "line", "target")
    assert line.get("stroke-dasharray")
    (label,) = by_class(root, "text", "target-label")
    assert label.text == "Mål: 40 %"
    assert float(label.get("y")) < float(line.get("y1"))
    assert "Mål: 40 %." in root.find("svg:desc", NS).text


def test_counts_use_thousands_dots():
    ind = {
        "title": "Antal",
        "unit": "antal",
        "chart": "bar",
        "x_label": "År",
        "categories": ["2005", "2006"],
        "series": [{"name": "Flygtninge", "values": [23563, 19000]}],
        "target": None,
    }
    root = parse(indicator_chart(ind, chart_id="antal"))
    assert [t.text for t in by_class(root, "text", "value")] == ["23.563", "19.000"]
    assert "År" in texts(root)


@pytest.mark.parametrize(
    "indicator",
    [
        dict(TABLE2, series=[]),
        dict(TABLE2, categories=[], series=[{"name": "x", "values": []}]),
        dict(TABLE2, series=[{"name": "x", "values": [None, None, None]}]),
    ],
)
def test_empty_indicator_is_a_short_accessible_svg(indicator):
    root = parse(indicator_chart(indicator, chart_id="tom"))
    assert assert_accessible(root, "tom") == "Ingen data at vise."


def test_malformed_indicator_is_refused():
    with pytest.raises(ValueError):
        indicator_chart(dict(TABLE2, chart="pie"), chart_id="x")
    with pytest.raises(ValueError):
        indicator_chart(dict(TABLE2, series=[{"name": "x", "values": [1]}]), chart_id="x")


def test_direction_captions_never_overlap_when_zero_is_at_an_edge():
    rows = [dict(r, effect=abs(r["effect"])) for r in ROWS]  # all slower: zero at the left edge
    root = parse(ranking_chart(rows, chart_id="edge"))
    (neg,) = by_class(root, "text", "direction--negative")
    (pos,) = by_class(root, "text", "direction--positive")
    assert neg.get("y") != pos.get("y") or float(pos.get("x")) > float(neg.get("x"))
    assert float(by_class(root, "rect", "bar")[0].get("y")) > float(pos.get("y"))  # plot moved down


def test_a_narrow_indicator_chart_keeps_everything_inside_its_width():
    """A two-category chart drawn 360 units wide (the kommune page's chart against the country)."""
    data = {
        "title": "Varighed (testdata)",
        "unit": "måneder",
        "chart": "bar",
        "categories": ["Observeret varighed", "Forventet varighed"],
        "series": [
            {"name": "Brøndby (nr. 72 af 72)", "values": [37.592, 31.036]},
            {"name": "Hele landet", "values": [37.891, 37.891]},
        ],
    }
    root = parse(indicator_chart(data, chart_id="smal", width=360))
    assert root.get("viewBox").split()[2] == "360"
    for el in root.iter():
        for attr in ("x", "x1", "x2"):
            if el.get(attr) is not None and not el.get("transform"):
                assert float(el.get(attr)) <= 360, (el.tag, el.get("class"), el.get(attr))
    assert parse(indicator_chart(data, chart_id="bred")).get("viewBox").split()[2] == "640"
