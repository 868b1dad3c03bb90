"""What users do, in Chromium against the production server, asserting what they see."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TITLE = "Jobmentorer for nyankomne kvinder i Albertslund"
BODY = "## Sådan gør vi\n\nJobmentorer følger nyankomne kvinder i praktik og job. (Testindhold fra browsertesten.)"


def active(page) -> dict:
    return page.evaluate("""() => { const el = document.activeElement;
      return {tag: el.tagName.toLowerCase(), id: el.id, href: el.getAttribute('href'), type: el.getAttribute('type'),
              inResults: !!el.closest('ol.results'), text: el.textContent.trim()}; }""")


def test_search_by_keyboard_only(pages):
    page = pages()
    page.goto("/")
    page.keyboard.press("Tab")
    assert active(page)["href"] == "#main-content", "the skip link is the first Tab stop"
    page.keyboard.press("Enter")
    assert active(page)["id"] == "main-content"
    page.keyboard.press("Tab")
    box = active(page)
    assert box["tag"] == "input" and box["type"] == "search", f"the first Tab stop in main is {box}, not the search box"
    page.keyboard.type("flygtningene")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/soeg?q=flygtningene" in page.url
    expect(page.locator("h1")).to_contain_text("flygtningene")
    for _ in range(200):  # a keyboard user tabs past the filters to the results
        page.keyboard.press("Tab")
        if active(page)["inResults"]:
            break
    link = active(page)
    assert link["inResults"] and link["tag"] == "a", "no result link could be reached with Tab"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/erfaringer/" in page.url or link["href"] in page.url
    expect(page.locator("h1")).to_have_text(link["text"])


def test_search_with_a_facet_and_pagination(pages):
    page = pages()
    page.goto("/soeg?q=flygtningene")
    total = page.locator(".result-count").inner_text()
    facet = page.locator("input[name=type]").first
    label = page.locator(f"label[for='{facet.get_attribute('id')}']").inner_text()
    expected = int(re.search(r"\((\d+)\)", label).group(1))
    facet.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Anvend filtre").click()
    assert f"type={facet.get_attribute('value')}" in page.url
    expect(page.locator(f"input[name=type][value='{facet.get_attribute('value')}']")).to_be_checked()
    counted = page.locator(".result-count").inner_text()
    assert counted.startswith(f"{expected} resultat"), (
        f"{label!r} promised {expected}; the page says {counted!r} (was {total!r})"
    )
    expect(page.locator("ol.results > li")).to_have_count(expected)

    page.goto("/soeg?type=kommune")
    expect(page.locator(".result-count")).to_contain_text("side 1 af")
    first_on_page_1 = page.locator("ol.results a").first.inner_text()
    with page.expect_navigation():
        page.get_by_role("navigation", name="Sider").get_by_role("link", name="Næste side").click()
    expect(page.locator(".result-count")).to_contain_text("side 2 af")
    assert page.locator("ol.results").get_attribute("start") == "11"
    assert page.locator("ol.results a").first.inner_text() != first_on_page_1
    expect(page.get_by_role("navigation", name="Sider").locator("[aria-current=page]")).to_have_text("2")


def test_open_a_practice_from_the_results(pages):
    page = pages()
    page.goto("/soeg?q=bydelsmødre")
    first = page.locator("ol.results a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/erfaringer/"))
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("main")).to_contain_text("Evidens")


def test_ranking_top_kommune_and_bottom_kommune_suggestion(pages):
    page = pages()
    page.goto("/rangeringer")
    page.locator("main .item-list a").first.click()
    page.wait_for_url(re.compile(r"/rangeringer/"))
    ranking_url = page.url
    top = page.locator("section[aria-labelledby=h-top] ol > li").first
    expect(top.locator("h3")).to_contain_text("Nr. 1: Grindsted")
    top.get_by_role("link", name="Billund").click()
    page.wait_for_url(re.compile(r"/kommuner/billund$"))
    expect(page.locator("h1")).to_have_text("Billund Kommune")
    expect(page.get_by_role("complementary")).to_contain_text("som Grindsted nr. 1")

    page.goto(ranking_url)
    bottom = page.locator("section[aria-labelledby=h-bottom] ol > li")
    suggestion = bottom.locator("ul.item-list a").first
    title = suggestion.inner_text()
    suggestion.click()
    page.wait_for_url(re.compile(r"/erfaringer/"))
    expect(page.locator("h1")).to_have_text(title)


def test_a_kommune_page(pages):
    page = pages()
    page.goto("/kommuner")
    page.locator("main").get_by_role("link", name="Brøndby", exact=True).click()
    page.wait_for_url(re.compile(r"/kommuner/broendby$"))
    expect(page.locator("h1")).to_have_text("Brøndby Kommune")
    expect(page.locator("main")).to_contain_text("Region Hovedstaden")
    benchmarking = "Vestegnskommunernes benchmarking af integrationsindsatsen"
    practice = page.locator("main").get_by_role("link", name=benchmarking)
    expect(practice.first).to_be_visible()
    expect(page.get_by_role("complementary")).to_contain_text("nr. 72 af 72")


def test_submit_with_an_error_fix_it_moderate_and_find_it(pages):
    page = pages("contributor")
    page.goto("/")
    page.get_by_role("link", name="Indsend erfaring").click()
    page.wait_for_url(re.compile(r"/indsend$"))
    page.locator("#title").fill(TITLE)
    page.locator("summary", has_text="Region Hovedstaden").click()
    page.get_by_label("Albertslund", exact=True).check()
    page.locator("#topics").fill("mentor, beskæftigelse")
    page.locator("#target_groups").fill("kvinder")
    page.locator("#body").fill(BODY)
    page.locator("#source").fill("Testmateriale, ingen rigtig kilde")
    # no evidence chosen: a deliberate error
    with page.expect_navigation():
        page.get_by_role("button", name="Send til redaktionen").click()
    assert page.title().startswith("Fejl:"), page.title()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Evidens")
    expect(page.locator("#title")).to_have_value(TITLE)
    expect(page.locator("#body")).to_have_value(BODY)
    expect(page.get_by_label("Albertslund", exact=True)).to_be_checked()

    summary.get_by_role("link").first.click()  # the summary leads to the field
    page.locator("#evidence input[type=radio]").first.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send til redaktionen").click()
    assert not page.title().startswith("Fejl:"), page.locator("#error-summary").all_inner_texts()
    expect(page.locator("main")).to_contain_text("Afventer redaktionen")
    expect(page.locator("main")).to_contain_text(TITLE)

    editor = pages("editor")
    editor.goto("/")
    editor.get_by_role("link", name="Redaktion").click()
    editor.get_by_role("link", name=TITLE).click()
    expect(editor.locator("main")).to_contain_text("Sådan gør vi")
    with editor.expect_navigation():
        editor.get_by_role("button", name="Godkend og offentliggør").click()
    expect(editor.locator("main [role=status]")).to_contain_text("godkendt og offentliggjort")

    reader = pages()
    reader.goto("/")
    reader.get_by_role("searchbox").first.fill("jobmentorer")
    with reader.expect_navigation():
        reader.get_by_role("searchbox").first.press("Enter")
    hit = reader.locator("ol.results a").first
    expect(hit).to_have_text(TITLE)
    hit.click()
    reader.wait_for_url(re.compile(r"/erfaringer/"))
    expect(reader.locator("h1")).to_have_text(TITLE)
    expect(reader.locator("main")).to_contain_text("Videnscenter Test")


def test_network_member_posts_a_public_note_an_editor_approves_it_then_it_is_edited_and_withdrawn(pages):
    page = pages("member")
    page.goto("/netvaerk/vestegnen")
    page.get_by_role("link", name="Skriv et notat til netværket").click()
    page.wait_for_url(re.compile(r"/nyt-notat$"))
    expect(page.get_by_label("Kun netværkets medlemmer (deles med det samme)")).to_be_checked()  # the default
    title = "Erfaringer med sprogpraktik i Brøndby"
    page.locator("#title").fill(title)
    page.locator("#date").fill(dt.date.today().isoformat())
    page.get_by_label("Alle (offentligt, når redaktionen har godkendt det)").check()
    page.locator("#kommuner").select_option(label="Brøndby")
    page.locator("#topics").fill("sprogpraktik")
    page.locator("#body").fill("Vi deler vores erfaringer med sprogpraktik. (Testindhold fra browsertesten.)")
    with page.expect_navigation():
        page.get_by_role("button", name="Del notatet").click()
    assert not page.title().startswith("Fejl:"), page.locator("#error-summary").all_inner_texts()
    expect(page.locator("main")).to_contain_text("Afventer redaktionen")

    editor = pages("editor")
    editor.goto("/redaktion/")
    editor.get_by_role("link", name=title).click()
    expect(editor.locator("main")).to_contain_text("Offentligt notat fra netværket vestegnen")
    with editor.expect_navigation():
        editor.get_by_role("button", name="Godkend og offentliggør").click()

    reader = pages()
    reader.goto("/netvaerk/vestegnen")
    reader.locator("main").get_by_role("link", name=title).click()
    reader.wait_for_url(re.compile(r"/notater/"))
    note_url = reader.url
    expect(reader.locator("h1")).to_have_text(title)
    expect(reader.locator("#note-audience")).to_contain_text("Offentlig")

    # The author corrects it: a public note's change waits for the editors, so it is shown once approved.
    page.goto(note_url)
    page.get_by_role("link", name="Ret notatet").click()
    page.locator("#body").fill("Rettet: vi deler vores erfaringer med sprogpraktik. (Testindhold.)")
    page.get_by_label("Kun netværkets medlemmer (deles med det samme)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Gem ændringerne").click()
    expect(page.locator("main")).to_contain_text("Rettet: vi deler")
    expect(page.locator("#note-audience")).to_contain_text("Kun for medlemmer af")
    reader.goto(note_url)
    expect(reader.locator("h1")).not_to_have_text(title)  # network-only now: not for the public

    page.get_by_role("link", name="Træk notatet tilbage").click()
    expect(page.locator("h1")).to_have_text("Træk notatet tilbage")
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, træk notatet tilbage").click()
    expect(page.locator("main [role=status]")).to_contain_text("trukket tilbage")
    expect(page.locator("main")).not_to_contain_text(title)
    page.goto(note_url)
    expect(page.locator("h1")).to_have_text("Notatet er fjernet")


def test_network_member_follows_and_unfollows_the_network(pages):
    page = pages("member")
    page.goto("/netvaerk/vestegnen")
    with page.expect_navigation():
        page.get_by_role("button", name="Følg netværket").click()
    expect(page.locator("main")).to_contain_text("Du følger nu netværket")
    with page.expect_navigation():
        page.get_by_role("button", name="Stop med at følge netværket").click()
    expect(page.locator("main")).to_contain_text("Du følger ikke længere netværket.")
    expect(page.get_by_role("button", name="Følg netværket")).to_be_visible()
