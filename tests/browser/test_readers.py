"""Readers on every screen (issue 15), in Chromium against the production server: the menu
at phone and tablet widths (with and without JavaScript), Brøndby's page, the ranking page
that leads with results, chart labels at body-text size, the exports behind the links,
and axe at 375 px on every page type (the desktop run is in test_accessibility.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP
from .pagetypes import IDS, PAGE_TYPES
from .test_accessibility import AXE_TAGS, axe, readable, visit

pytestmark = pytest.mark.browser

RANKING = "/rangeringer/akf-selvforsoergelse-1999-2005"
DESTINATIONS = [
    ("Søg", "/soeg"),
    ("Kommuner", "/kommuner"),
    ("Effektmålinger", "/rangeringer"),
    ("Nøgletal", "/indikatorer"),
    ("Evidenskort", "/evidenskort"),
    ("Netværk", "/netvaerk"),
]
NARROW = [320, 375, 768]
BODY_TEXT_PX = 16  # dkfds: body 1.6rem on a 62.5 % root


def _menu(page):
    return page.locator("header nav[aria-label=Hovedmenu]")


@pytest.mark.parametrize("width", NARROW)
def test_menu_opens_by_keyboard_and_every_destination_is_one_tap_away(pages, width):
    page = pages()
    page.set_viewport_size({"width": width, "height": 800})
    for i, (label, path) in enumerate(DESTINATIONS):
        page.goto("/" if i == 0 else DESTINATIONS[i - 1][1])
        button = _menu(page).locator("summary")
        expect(button).to_be_visible()
        expect(button).to_have_text("Menu")
        links = _menu(page).get_by_role("link", name=label, exact=True)
        expect(links).to_have_count(0)  # closed: neither copy is shown
        button.focus()
        page.keyboard.press("Enter")  # a <details> opens from the keyboard, no script needed
        assert page.locator("details.portal-menu").evaluate("d => d.open")
        expect(links).to_have_count(1)  # the menu bar's copy is display:none, not a second link
        expect(links).to_be_visible()
        box = links.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{label} is off screen at {width} px"
        assert box["height"] >= 24, f"{label}: a tap target of {box['height']} px at {width} px"
        links.click()
        page.wait_for_load_state()
        assert page.url.endswith(path), f"{label} at {width} px went to {page.url}"
        expect(page.locator("details.portal-menu a[aria-current=page]")).to_have_attribute("href", path)
    page.set_viewport_size(DESKTOP)


def test_menu_works_without_javascript_and_the_bar_is_back_on_desktop(browser, live_server):
    context = browser.new_context(
        base_url=live_server, viewport={"width": 375, "height": 800}, java_script_enabled=False, reduced_motion="reduce"
    )
    try:
        page = context.new_page()
        page.goto("/")
        _menu(page).locator("summary").click()
        _menu(page).get_by_role("link", name="Nøgletal", exact=True).click()
        page.wait_for_load_state()
        assert page.url.endswith("/indikatorer")
        page.set_viewport_size(DESKTOP)
        expect(_menu(page).locator("summary")).to_be_hidden()
        for label, _path in DESTINATIONS:
            expect(_menu(page).get_by_role("link", name=label, exact=True)).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [{"width": 375, "height": 800}, DESKTOP], ids=["375", "1280"])
def test_brondby_shows_its_rank_its_figures_beside_the_country_and_what_the_fastest_do(pages, viewport):
    page = pages()
    page.set_viewport_size(viewport)
    page.goto("/kommuner/broendby")
    expect(page.locator("h1")).to_have_text("Brøndby Kommune")
    section = page.locator("section.against").first
    expect(section.get_by_role("heading", name="Brøndby mod hele landet")).to_be_visible()
    expect(section.get_by_text("nr. 72 af 72", exact=True)).to_be_visible()
    table = section.locator("table")
    expect(table.locator("tr", has_text="Hele landet")).to_contain_text("37,891")
    expect(table.locator("tr", has_text="Brøndby")).to_contain_text("6,556 ***")
    expect(section.locator("svg[role=img]")).to_be_visible()
    scale = section.locator("svg[role=img]").evaluate("s => s.getBoundingClientRect().width / s.viewBox.baseVal.width")
    assert 14 * scale >= 13, f"the chart's labels are {14 * scale:.1f} px at {viewport['width']} px"
    expect(section.get_by_role("heading", name="Lær af de hurtigste")).to_be_visible()
    expect(section.get_by_text("Nr. 1: Grindsted")).to_be_visible()
    expect(section.get_by_role("link", name="del det, din kommune ved")).to_be_visible()
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("viewport", [{"width": 375, "height": 800}, DESKTOP], ids=["375", "1280"])
def test_ranking_page_leads_with_results_and_honest_movement(pages, viewport):
    page = pages()
    page.set_viewport_size(viewport)
    page.goto(RANKING)
    first_h2 = page.locator("main h2").first
    expect(first_h2).to_have_text("Resultatet")
    assert first_h2.bounding_box()["y"] < viewport["height"], "the results start on the first screen"
    expect(page.locator("#h-results").locator("xpath=..").get_by_role("link", name="Grindsted")).to_be_visible()
    hedensted = page.locator("#tabel tbody tr", has_text="Hedensted")
    expect(hedensted).to_contain_text("nr. 50 af 53 → nr. 70 af 72")
    expect(hedensted).to_contain_text("i den tidligere analyse i bunden af rangordningen")
    expect(hedensted).not_to_contain_text("ned 20")
    method = page.locator("details.method")
    expect(method.get_by_text("***, ** og * betyder", exact=False)).to_be_hidden()
    method.locator("summary").click()
    expect(method.get_by_text("***, ** og * betyder", exact=False)).to_be_visible()
    page.set_viewport_size(DESKTOP)


LAST_CHARS_JS = """() => { const h = document.querySelector('main h1'); const text = h.firstChild;
  const n = text.length; const r = document.createRange();
  const top = i => { r.setStart(text, i); r.setEnd(text, i + 1); return Math.round(r.getBoundingClientRect().top); };
  return [top(n - 2), top(n - 1)]; }"""


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_front_heading_keeps_its_question_mark_with_the_word_and_crumbs_never_start_with_a_slash(pages, width):
    page = pages()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/")
    before, last = page.evaluate(LAST_CHARS_JS)
    assert before == last, f"the h1's '?' is alone on a line at {width} px"
    page.goto(RANKING)
    seps = page.locator(".breadcrumbs__list-item").evaluate_all(
        "els => els.map(li => [getComputedStyle(li, '::before').content, getComputedStyle(li, '::after').content])"
    )
    assert all(before == "none" for before, _after in seps)  # a separator never opens an item (or a line)
    assert [after for _before, after in seps] == ['"/"'] * (len(seps) - 1) + ["none"]
    page.set_viewport_size(DESKTOP)


LABEL_PX_JS = """() => [...document.querySelectorAll('main svg.chart--ranking text.label')].slice(0, 5)
  .map(t => t.getBoundingClientRect().height)"""
SCALE_JS = """() => { const svg = document.querySelector('main svg.chart--ranking');
  return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; }"""


@pytest.mark.parametrize("viewport", [{"width": 375, "height": 800}, DESKTOP], ids=["375", "1280"])
def test_ranking_chart_labels_are_body_text_size_and_the_chart_scrolls_by_keyboard(pages, viewport):
    page = pages()
    page.set_viewport_size(viewport)
    page.goto(RANKING)
    font_px = 14 * page.evaluate(SCALE_JS)  # labels are 14 viewBox units
    assert font_px >= BODY_TEXT_PX - 0.5, f"labels are {font_px:.1f} px at {viewport['width']} px"
    region = page.locator(".chart-scroll")
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
    if viewport["width"] < 700:
        region.focus()
        before = region.evaluate("el => el.scrollLeft")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        # keyboard scrolling may be animated: wait (up to 2 s) for it to move
        page.wait_for_function(f"() => document.querySelector('.chart-scroll').scrollLeft > {before}", timeout=2000)
    page.set_viewport_size(DESKTOP)


def test_the_exports_behind_the_links_open_as_danish_excel_would(pages):
    from openpyxl import load_workbook

    page = pages()
    page.goto(RANKING)
    with page.expect_download() as dl:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    assert dl.value.suggested_filename == "akf-selvforsoergelse-1999-2005.xlsx"
    wb = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][0] == "Nr." and rows[-1][1] == "Hele landet" and isinstance(rows[1][7], float)
    with page.expect_download() as dl:
        page.get_by_role("link", name="CSV til dansk Excel (semikolon)").click()
    text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0][1] == "Kommune (som offentliggjort)" and table[72][:2] == ["72", "Brøndby"]
    assert table[72][7] == "6,556"


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_axe_finds_no_wcag_violations_at_375px(pages, site, page_type):
    page = visit(pages, site, page_type)
    page.set_viewport_size({"width": 375, "height": 800})
    try:
        results = axe().run(
            page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        )
    finally:
        page.set_viewport_size(DESKTOP)
    violations = results.response["violations"]
    assert not violations, f"{page_type.name} at 375 px: {len(violations)} axe violation(s):{readable(violations)}"
