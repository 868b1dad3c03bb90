"""Every page type in Chromium: axe-core (WCAG 2.1 A and AA) and the checks axe cannot
make: one h1, landmarks, the skip link, visible focus, charts with a text alternative
and a table, reflow at 375 px and at 200 % zoom. Screenshots of each page type at
desktop and phone widths go to ``screenshots/``."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import DESKTOP, server_log_tail
from .pagetypes import IDS, PAGE_TYPES, PageType

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 375, "height": 800}
ZOOM_200 = {"width": 640, "height": 450}  # a 1280×900 screen at 200 % zoom
FOCUS_STOPS = 12  # how many Tab stops from the top of each page are checked for a visible focus

_axe = None


def axe():
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    return _axe


def visit(pages, site, page_type: PageType):
    """Open a page type as its user sees it; for a form page, fill it in and send it."""
    page = pages(page_type.role)
    response = page.goto(page_type.url(site.pending_sid, site.extra.get("rev", "")))
    if page_type.form:
        for name, value in page_type.form.items():
            page.locator(f"main form [name={name}]").first.fill(value)
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name=page_type.submit).click()
        response = navigation.value
    assert response.status == page_type.status, (
        f"{page_type.path}: {response.status}, not {page_type.status}; gunicorn's log ends:\n{server_log_tail(site)}"
    )
    page.wait_for_load_state("load")
    return page


def readable(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"\n[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            messages = [c["message"] for kind in ("any", "all", "none") for c in node.get(kind, [])]
            if messages:
                lines.append(f"       → {messages[0]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_axe_finds_no_wcag_violations(pages, site, page_type):
    page = visit(pages, site, page_type)
    results = axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    violations = results.response["violations"]
    assert not violations, f"{page_type.name} ({page.url}): {len(violations)} axe violation(s):{readable(violations)}"


STRUCTURE_JS = """() => {
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  return {
    h1: [...document.querySelectorAll('h1')].filter(visible).map(h => h.textContent.trim()),
    lang: document.documentElement.lang,
    title: document.title,
  };
}"""


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_one_h1_landmarks_and_a_title(pages, site, page_type):
    page = visit(pages, site, page_type)
    facts = page.evaluate(STRUCTURE_JS)
    problems = []
    if len(facts["h1"]) != 1:
        problems.append(f"expected exactly one h1, found {facts['h1']}")
    if facts["lang"] != "da":
        problems.append(f"<html lang> is {facts['lang']!r}, not 'da'")
    if not facts["title"].endswith("Hvad virker") or facts["title"].startswith(("–", " ")):
        problems.append(f"title {facts['title']!r} is not '<page> – Hvad virker'")
    for role, low, high in (("main", 1, 1), ("banner", 1, 1), ("navigation", 1, 99), ("contentinfo", 1, 1)):
        n = page.get_by_role(role).count()
        if not low <= n <= high:
            problems.append(f"landmark {role}: {n} (expected {low}..{high})")
    if page.locator("main#main-content").count() != 1:
        problems.append("no <main id='main-content'> (the skip link's target)")
    assert not problems, f"{page_type.name} ({page.url}):\n  " + "\n  ".join(problems)


def focused(page) -> dict:
    return page.evaluate("""() => {
      const el = document.activeElement;
      return {tag: el.tagName.toLowerCase(), id: el.id, href: el.getAttribute('href'),
              text: (el.textContent || el.value || '').trim().slice(0, 60)};
    }""")


GET_PAGES = [p for p in PAGE_TYPES if not p.form]  # a form's answer starts with focus on its error summary
CHART_PAGES = [p for p in PAGE_TYPES if p.name in ("ranking", "indicators", "evidence-map", "kommune")]


@pytest.mark.parametrize("page_type", GET_PAGES, ids=[p.name for p in GET_PAGES])
def test_skip_link_first_and_focus_visible(pages, site, page_type):
    page = visit(pages, site, page_type)
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["href"] == "#main-content", f"{page_type.name}: the first Tab stop is {first}, not the skip link"
    try:  # it slides into view (a CSS transition)
        page.wait_for_function(
            "() => { const r = document.activeElement.getBoundingClientRect();"
            " return r.width > 1 && r.height > 1 && r.top >= 0; }",
            timeout=2_000,
        )
    except PlaywrightTimeout:
        pytest.fail(f"{page_type.name}: the skip link is not visible when focused")
    page.keyboard.press("Enter")
    target = focused(page)
    assert target["tag"] == "main" and target["id"] == "main-content", (
        f"{page_type.name}: the skip link moved focus to {target}, not to <main>"
    )

    # Every one of the first Tab stops from the top must look different when focused:
    # from the top again, without any pointer interaction, noting how each looks unfocused.
    page.goto(page.url)
    page.evaluate("""() => {
      const props = ['outlineStyle', 'outlineWidth', 'outlineColor', 'boxShadow'];
      window.__unfocused = new Map();
      for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')) {
        const cs = getComputedStyle(el);
        window.__unfocused.set(el, props.map(p => cs[p]).join('|'));
      }
    }""")
    invisible = []
    for _ in range(FOCUS_STOPS):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const cs = getComputedStyle(el);
          const now = ['outlineStyle', 'outlineWidth', 'outlineColor', 'boxShadow'].map(p => cs[p]).join('|');
          const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
          const shadow = cs.boxShadow && cs.boxShadow !== 'none';
          const before = window.__unfocused.get(el);
          const visible = before !== undefined && (outline || shadow) && now !== before;
          return {what: el.outerHTML.slice(0, 120), visible, now, before};
        }""")
        if info is None:
            break
        if not info["visible"]:
            invisible.append(info)
    assert not invisible, f"{page_type.name}: no visible focus indicator on:\n  " + "\n  ".join(
        f"{i['what']}  (focused {i['now']} vs unfocused {i['before']})" for i in invisible
    )


def test_form_errors_are_announced(pages, site):
    submit_errors = next(p for p in PAGE_TYPES if p.name == "submit-errors")
    page = visit(pages, site, submit_errors)
    assert page.title().startswith("Fejl:"), page.title()
    assert focused(page)["id"] == "error-summary", f"focus is on {focused(page)}, not on the error summary"
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "Evidens" in summary.inner_text()
    # each error in the summary links to its field, and the field says what is wrong
    for link in summary.locator("a[href^='#']").all():
        target = link.get_attribute("href")[1:]
        assert page.locator(f"[id='{target}']").count() == 1, f"the summary links to #{target}, which is missing"
    for invalid in page.locator("main [aria-invalid=true]").all():
        described = invalid.get_attribute("aria-describedby") or ""
        assert any(i.endswith("-error") for i in described.split()), (
            f"{invalid.evaluate('e => e.outerHTML.slice(0, 120)')} is invalid without a described error"
        )


CHART_JS = """() => [...document.querySelectorAll('main svg')].map(svg => {
  const ids = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
  const text = i => (document.getElementById(i) || {}).textContent || '';
  const name = svg.getAttribute('aria-label') || ids.map(text).join(' ');
  return {role: svg.getAttribute('role'), name: name.trim(), id: svg.id || ids.join(' '),
          hidden: svg.getAttribute('aria-hidden') === 'true' || !!svg.closest('[aria-hidden=true]')};
})"""


@pytest.mark.parametrize("page_type", CHART_PAGES, ids=[p.name for p in CHART_PAGES])
def test_charts_have_a_text_alternative_and_a_table(pages, site, page_type):
    page = visit(pages, site, page_type)
    charts = [c for c in page.evaluate(CHART_JS) if not c["hidden"]]
    for chart in charts:
        assert chart["role"] == "img", f"{page_type.name}: chart {chart['id']} has role {chart['role']!r}, not img"
        assert len(chart["name"]) > 10, f"{page_type.name}: chart {chart['id']} has no accessible name"
    if charts:
        tables = page.locator("main table").count()
        assert tables >= 1, f"{page_type.name}: {len(charts)} chart(s) without a data table on the page"
        labelled = page.locator("main table:has(caption), main table[aria-labelledby], main table[aria-label]").count()
        assert labelled == tables, f"{page_type.name}: {tables - labelled} data table(s) without a caption or label"


def test_every_chart_page_has_a_chart(pages, site):
    """Guard the chart test above against passing on pages that silently lost their charts."""
    for path in ("/rangeringer/akf-selvforsoergelse-1999-2005", "/indikatorer"):
        page = pages()
        page.goto(path)
        assert page.locator("main svg[role=img]").count() >= 1, f"{path} shows no chart"


OVERFLOW_JS = """() => {
  const doc = document.documentElement;
  const wide = [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
    .filter(el => !el.closest('.table--responsive-scroll, pre'))
    .slice(0, 5).map(el => el.outerHTML.slice(0, 100));
  return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, wide};
}"""


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_reflow_at_375px_and_200_percent_zoom_and_screenshots(pages, site, screenshots, page_type):
    page = visit(pages, site, page_type)
    page.screenshot(path=screenshots / f"{page_type.name}-desktop-1280.png", full_page=True)
    problems = []
    for label, viewport in (("375 px", PHONE), ("200 % zoom (640 px)", ZOOM_200)):
        page.set_viewport_size(viewport)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        if viewport is PHONE:
            page.screenshot(path=screenshots / f"{page_type.name}-phone-375.png", full_page=True)
        m = page.evaluate(OVERFLOW_JS)
        if m["scrollWidth"] > m["innerWidth"]:
            problems.append(
                f"{label}: scrolls sideways (scrollWidth {m['scrollWidth']} > {m['innerWidth']}); too wide: {m['wide']}"
            )
    page.set_viewport_size(DESKTOP)
    assert not problems, f"{page_type.name}:\n  " + "\n  ".join(problems)


def test_error_summary_links_move_focus_to_the_field(pages, site):
    """Following an error in the summary must put the keyboard in the field to fix
    (a link to a <fieldset> scrolls, but leaves focus on <body>)."""
    submit_errors = next(p for p in PAGE_TYPES if p.name == "submit-errors")
    page = visit(pages, site, submit_errors)
    hrefs = page.locator("#error-summary a[href^='#']").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs, "the error summary links to no field"
    stranded = []
    for href in hrefs:
        page.locator(f"#error-summary a[href='{href}']").click()
        now = focused(page)
        if now["tag"] not in ("input", "select", "textarea"):
            stranded.append(f"{href} → focus on <{now['tag']}{' id=' + now['id'] if now['id'] else ''}>")
    assert not stranded, "error summary links that do not move focus to a form control:\n  " + "\n  ".join(stranded)
