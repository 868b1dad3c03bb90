"""Danish first, English too: the UI in both languages, the language switch, the
formats of each language, Danish alphabetical order and a catalogue kept complete.

Content stays Danish on English pages (and is marked ``lang="da"``); see
docs/architecture.md, "Languages".
"""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from portal.content.kommuner import danish_sort_key
from portal.content.schema import EVIDENCE, EVIDENCE_EXPLAINED

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "portal" / "web" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
TEMPLATES = ROOT / "portal" / "web" / "templates"

RANKING = "/rangeringer/akf-selvforsoergelse-1999-2005"
NOTE = "/notater/2006-09-08-benchmarking-af-integrationsindsatsen"
PAGES = [  # one of each public page type, and what its English version must say
    ("/", "What works in integration?"),
    ("/soeg?q=mentor", "Search results for"),
    ("/soeg", "Search the portal"),
    ("/erfaringer/bydelsmoedrene", "Related practices"),
    (NOTE, "Network note from"),
    ("/netvaerk", "Regional leader networks"),
    ("/netvaerk/vestegnen", "Notes from the network"),
    ("/kommuner", "All 98 municipalities since the 2007"),
    ("/kommuner/broendby", "Learn from the fastest"),  # the name is the official Danish one: Brøndby Kommune
    ("/rangeringer", "Rankings of the municipalities"),
    (RANKING, "How to read the measurement"),
    ("/indikatorer", "The figures behind the chart"),
    ("/evidenskort", "Practices by topic and evidence"),
    ("/evalueringsgaeld", "Evaluation debt"),
    ("/log-ind", "Accounts are created by the portal"),
    ("/findes-ikke", "The page or topic does not exist."),
]


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue():
    """`make install` compiles the catalogue; a bare `pytest` on a fresh clone does it here."""
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        with PO.open("rb") as src:
            catalog = read_po(src)
        with MO.open("wb") as out:
            write_mo(out, catalog)


def html_lang(html: str) -> str:
    return re.search(r"<html lang=\"([a-z]+)\"", html).group(1)


def without_charts(html: str) -> str:
    """The SVG charts stay Danish by design (portal/charts/); the tables follow the language."""
    return re.sub(r"<svg.*?</svg>", "", html, flags=re.S)


# -- every page type, both languages ------------------------------------------------


@pytest.mark.parametrize("url, english", PAGES)
def test_every_page_type_renders_in_english_with_lang_parameter(client, url, english):
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 404)
    assert html_lang(html) == "en"
    assert english in html
    assert "Gå til sidens indhold" not in html and "Skip to main content" in html
    # the switch offers Danish, in Danish
    assert re.search(r'<a href="/sprog/da\?next=[^"]*" lang="da" hreflang="da">Dansk</a>', html)


@pytest.mark.parametrize("url, _english", PAGES)
def test_danish_is_the_default(client, url, _english):
    html = client.get(url).get_data(as_text=True)
    assert html_lang(html) == "da"
    assert "Gå til sidens indhold" in html
    assert re.search(r'<a href="/sprog/en\?next=[^"]*" lang="en" hreflang="en">English</a>', html)


def test_lang_parameter_is_remembered_in_a_cookie(client):
    first = client.get("/kommuner?lang=en")
    assert "lang=en" in first.headers["Set-Cookie"] and "HttpOnly" in first.headers["Set-Cookie"]
    assert html_lang(client.get("/rangeringer").get_data(as_text=True)) == "en"
    assert html_lang(client.get("/rangeringer?lang=da").get_data(as_text=True)) == "da"
    assert html_lang(client.get("/rangeringer").get_data(as_text=True)) == "da"


def test_language_switch_sets_cookie_and_goes_back(client):
    response = client.get("/sprog/en?next=/soeg%3Fq%3Dmentor%26lang%3Dda%26page%3D1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/soeg?q=mentor&page=1"  # a stale ?lang= would undo the choice
    assert "lang=en" in response.headers["Set-Cookie"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert html_lang(page) == "en" and "Search results for" in page
    # the switch on the page leads back to this page without its ?lang
    switch = re.search(r'<a href="(/sprog/da\?next=[^"]+)" lang="da" hreflang="da">Dansk</a>', page).group(1)
    assert "lang%3D" not in switch
    back = client.get(switch.replace("&amp;", "&"))
    assert back.headers["Location"] == "/soeg?q=mentor&page=1"
    assert html_lang(client.get("/soeg?q=mentor").get_data(as_text=True)) == "da"


@pytest.mark.parametrize(
    "evil",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "//evil.example/%2e%2e",
        "\\\\evil.example",
    ],
)
def test_language_switch_never_redirects_off_site(client, evil):
    response = client.get("/sprog/en", query_string={"next": evil})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "evil" not in location


def test_unknown_language_is_refused(client):
    assert client.get("/sprog/de?next=/").status_code == 404
    assert html_lang(client.get("/?lang=de").get_data(as_text=True)) == "da"


def test_api_and_feeds_stay_danish(client):
    client.set_cookie("lang", "en")
    error = client.get("/api/search?page=x").get_json()["error"]
    assert error == "'page' skal være et helt tal, ikke 'x'"
    assert "Set-Cookie" not in client.get("/api/search?q=mentor&lang=en").headers
    assert 'xml:lang="da"' in client.get("/feed.atom?lang=en").get_data(as_text=True)
    # the same message on a page follows the page's language
    page = client.get("/soeg?page=x").get_data(as_text=True)
    assert "&#39;page&#39; must be a whole number, not &#39;x&#39;" in page


# -- content stays Danish and says so -------------------------------------------------


def test_danish_content_on_an_english_page_is_marked_lang_da(client):
    html = client.get("/erfaringer/bydelsmoedrene?lang=en").get_data(as_text=True)
    assert re.search(r'<h1 lang="da">Bydelsmødrene</h1>', html)
    assert re.search(r'<div lang="da">\s*<p>Svaret redegør', html)  # the body
    assert re.search(r'<a class="tag" href="[^"]+" lang="da">isolerede kvinder</a>', html)
    assert ">Not yet evaluated<" in html and ">Ongoing<" in html  # labels of the contract's values translate
    search = client.get("/soeg?q=mentor&lang=en").get_data(as_text=True)
    assert re.search(r'<p class="snippet" lang="da">', search)
    danish = client.get("/erfaringer/bydelsmoedrene?lang=da").get_data(as_text=True)
    assert 'lang="da"' not in danish.split("<body>", 1)[1].replace('hreflang="', "")  # redundant on Danish pages


# -- numbers and dates -------------------------------------------------------------------


def test_ranking_numbers_follow_the_language(client):
    danish = without_charts(client.get(RANKING).get_data(as_text=True))
    assert "-7,206" in danish and "23.563" in danish and "-7.206" not in danish and "23,563" not in danish
    english = without_charts(client.get(RANKING + "?lang=en").get_data(as_text=True))
    assert "-7.206" in english and "23,563" in english and "-7,206" not in english and "23.563" not in english
    assert "Effect measure -7.206 ***" in english
    assert "(June 2006)" in english and "(juni 2006)" in danish


def test_note_date_follows_the_language(client):
    assert "8. september 2006" in client.get(NOTE).get_data(as_text=True)
    english = client.get(NOTE + "?lang=en").get_data(as_text=True)
    assert "8 September 2006" in english


def test_format_filters(app):
    from flask_babel import refresh

    from portal.web.templating import format_date_text, format_number

    with app.test_request_context("/"):
        refresh()
        assert (format_number(-7.206), format_number(23563), format_number(36.8, 1)) == ("-7,206", "23.563", "36,8")
        assert (format_date_text("2006-06-01"), format_date_text("2006-06"), format_date_text("2006")) == (
            "1. juni 2006",
            "juni 2006",
            "2006",
        )
    with app.test_request_context("/?lang=en"):
        refresh()
        assert (format_number(-7.206), format_number(23563), format_number(36.8, 1)) == ("-7.206", "23,563", "36.8")
        assert (format_date_text("2006-06-01"), format_date_text("2006-06")) == ("1 June 2006", "June 2006")
        assert format_number(None) == "" and format_date_text("") == ""


def test_numbers_read_exactly_as_babel_formats_them(app):
    """format_number is our fast path; Babel's format_decimal is the reference
    (half-even rounding of the decimal value, "-0,000" for a tiny negative)."""
    import random

    from babel.numbers import format_decimal
    from flask_babel import refresh

    from portal.web.templating import format_number

    rnd = random.Random(7)
    values = [0, -0.0, 1, -1, 0.0805, 2.5, -2.5, 0.125, -0.0004, -0.0005, -4898, 35640, 123456789.5]
    values += [rnd.uniform(-1e6, 1e6) for _ in range(300)] + [round(rnd.uniform(-100, 100), 4) for _ in range(300)]
    values += [rnd.randint(-(10**7), 10**7) for _ in range(200)]
    for language in ("da", "en"):
        with app.test_request_context(f"/?lang={language}"):
            refresh()
            for value in values:
                for decimals in (0, 1, 3):
                    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
                    assert format_number(value, decimals) == format_decimal(value, format=pattern, locale=language), (
                        language,
                        value,
                        decimals,
                    )


# -- Danish alphabetical order ---------------------------------------------------------


def test_danish_sort_filter():
    from portal.web.templating import danish_sorted

    names = ["Aabenraa", "Ærø", "Odense", "Århus", "Albertslund", "Ølstykke", "Zealand"]
    assert danish_sorted(names) == ["Albertslund", "Odense", "Zealand", "Ærø", "Ølstykke", "Aabenraa", "Århus"]
    assert danish_sorted([{"title": "Åben"}, {"title": "Bø"}], "title") == [{"title": "Bø"}, {"title": "Åben"}]


def test_kommune_lists_are_in_danish_order(client):
    for url in ("/kommuner", "/kommuner?lang=en"):
        html = client.get(url).get_data(as_text=True)
        south = html.split("Region Syddanmark", 1)[1].split("</ul>", 1)[0]
        names = re.findall(r'<a href="/kommuner/[^"]+">([^<]+)</a>', south)
        assert names == sorted(names, key=danish_sort_key)
        assert names[-2:] == ["Ærø", "Aabenraa"]


def test_facet_values_tie_in_danish_order(client):
    html = client.get("/soeg?q=mentor").get_data(as_text=True)
    topics = html.split('name="topic"', 1)[0]  # nothing before the first topic
    values = re.findall(r'name="topic" value="([^"]+)"', html)
    counts = [
        int(n)
        for n in re.findall(
            r'name="topic" value="[^"]+">\s*<label[^>]*>(?:<span>)?[^<]*(?:</span>)? '
            r'<span class="count">\((\d+)\)',
            html,
        )
    ]
    assert topics and len(values) == len(counts) > 2
    ranked = sorted(zip(values, counts), key=lambda vc: (-vc[1], danish_sort_key(vc[0])))
    assert list(zip(values, counts)) == ranked


# -- the catalogue -----------------------------------------------------------------------


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f)


def test_every_msgid_has_an_english_translation():
    catalog = _catalogue()
    messages = [m for m in catalog if m.id]
    assert len(messages) > 250
    for m in messages:
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(s.strip() for s in strings), f"no English for {m.id!r}"
        assert not m.fuzzy, f"fuzzy translation for {m.id!r}"
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        for msgid, msgstr in zip(ids * 2, strings):  # same placeholders in both languages
            assert sorted(re.findall(r"%\(\w+\)[sd]", msgid)) == sorted(re.findall(r"%\(\w+\)[sd]", msgstr)), m.id


def test_catalogue_holds_every_string_in_the_code():
    """A string wrapped for translation but missing from the .po would show Danish on English pages.
    Update with the commands in docs/architecture.md, "Languages"."""
    method_map = [("portal/web/templates/**.html", "jinja2"), ("portal/**.py", "python")]
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "pgettext": ((1, "c"), 2),
        "_l": None,
        "_lp": ((1, "c"), 2),
        "N_": None,
        "NP_": ((1, "c"), 2),
    }
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(str(ROOT), method_map, keywords=keywords):
        found.add((context, message if isinstance(message, str) else message[0]))
    translated = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in _catalogue() if m.id}
    assert found - translated == set()


def test_evidence_labels_match_the_content_contract():
    from portal.web.templating import EVIDENCE_EXPLAINED_LABELS, EVIDENCE_LABELS

    assert {k: v._args[0] for k, v in EVIDENCE_LABELS.items()} == EVIDENCE
    assert {k: v._args[0] for k, v in EVIDENCE_EXPLAINED_LABELS.items()} == EVIDENCE_EXPLAINED


# -- no UI text outside translation calls ----------------------------------------------

# Text that is the same in both languages: the portal's name.
ALLOWED_TEXT = {"Hvad virker"}
DANISH = re.compile(
    r"[æøåÆØÅ]|\b(og|eller|ikke|af|til|med|fra|på|som|der|den|det|er|Søg|Kommuner?|Erfaringer?|"
    r"Netværk|Ingen|Alle|Side|Forside|Fejl|valgfri|nr|Kilde|Emner?)\b"
)
STRING = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""
TRANSLATED_LITERAL = re.compile(rf"\b(?:_|gettext|ngettext|pgettext)\(\s*(?:{STRING})(?:\s*,\s*(?:{STRING}))?")


def untranslated(source: str) -> list[str]:
    """Visible text outside ``_()``/``ngettext()``/``{% trans %}``, and Danish-looking
    string literals in Jinja code that are not the text of a translation call."""
    found = []
    source = re.sub(r"{#.*?#}", "", source, flags=re.S)
    source = re.sub(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", "", source, flags=re.S)
    for code in re.findall(r"{{.*?}}|{%.*?%}", source, flags=re.S):
        for literal in re.findall(STRING, TRANSLATED_LITERAL.sub("", code)):
            if DANISH.search(literal[1:-1]) and not re.fullmatch(r"[a-z0-9_-]+", literal[1:-1]):  # not a key
                found.append(literal)
    markup = re.sub(r"{{.*?}}|{%.*?%}", " ", source, flags=re.S)
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    for attr in re.findall(r'\b(?:title|aria-label|alt|placeholder)="([^"]*)"', markup):
        if re.search(r"[A-Za-zÆØÅæøå]{2}", attr):
            found.append(attr)
    for text in re.split(r"<[^>]*>", markup):
        text = re.sub(r"&\w+;|&#\d+;", " ", text).strip(" \n–·:,.()")
        if re.fullmatch(r'([\w-]+="[^"]*"\s*)+', text) or text.startswith("/"):
            continue  # attributes of a tag a macro writes in parts; a URL path
        if re.search(r"[A-Za-zÆØÅæøå]{2}", text) and text not in ALLOWED_TEXT:
            found.append(text)
    return found


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_have_no_text_outside_translation_calls(template):
    assert untranslated((TEMPLATES / template).read_text(encoding="utf-8")) == []


def test_the_template_scan_finds_untranslated_text():
    assert untranslated("<p>Søg her</p>") == ["Søg her"]
    assert untranslated("<a title=\"Forside\">{{ _('Forside') }}</a>") == ["Forside"]
    assert untranslated("{{ breadcrumbs([(None, 'Kommuner')]) }}") == ["'Kommuner'"]
    assert untranslated("{{ item_list(x, _('Ingen endnu.')) }}{% trans %}Se <b>alle</b>{% endtrans %}") == []
    assert untranslated("<h1>{{ item.title }}</h1> · – <span>Hvad virker</span>") == []


# -- forms and messages for signed-in users ----------------------------------------------


@pytest.fixture
def signed_in(tmp_path):
    """A site of its own with a contributor and an editor, each with a client in English."""
    import shutil

    from portal.web import create_app
    from portal.ingest import ingest

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    ingest(content, tmp_path / "data")
    site = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "data"),
            "CONTENT_DIR": str(content),
            "SESSION_COOKIE_SECURE": False,
        }
    )
    runner = site.test_cli_runner()
    clients = {}
    for email, role in (("bidrager@example.dk", "contributor"), ("redaktoer@example.dk", "editor")):
        assert runner.invoke(args=["users", "add", email, "--role", role]).exit_code == 0
        assert runner.invoke(args=["users", "password", email, "--password", "en-lang-adgangskode"]).exit_code == 0
        client = site.test_client()
        page = client.get("/log-ind?lang=en").get_data(as_text=True)
        assert "Accounts are created by the portal" in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post(
            "/log-ind", data={"email": email, "password": "en-lang-adgangskode", "csrf_token": token}
        )
        assert response.status_code == 302
        clients[role] = client
    yield clients
    site.extensions["portal_index"].close()


def test_forms_errors_and_flash_messages_in_english(signed_in):
    client = signed_in["contributor"]
    page = client.get("/indsend").get_data(as_text=True)  # English remembered from the login page
    assert html_lang(page) == "en" and "<h1>Submit a practice</h1>" in page and "(optional)" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {
        "csrf_token": token,
        "title": "Sprogcafé i Ishøj",
        "kommuner": ["183"],
        "evidence": "",
        "topics": "sprog",
        "source": "Testmateriale, ingen rigtig kilde",
        "body": "Frivillige taler dansk med nyankomne.",
        "action": "submit",
    }
    response = client.post("/indsend", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: Submit a practice – Hvad virker</title>" in html
    assert "There is 1 error in the form" in html
    assert '<span class="sr-only">Error: </span>»Evidens« skal udfyldes' in html  # the content contract speaks Danish
    response = client.post("/indsend", data=form | {"evidence": "ikke-evalueret"}, follow_redirects=True)
    assert "Thank you! Your practice has been sent to the editors" in response.get_data(as_text=True)
    assert ">Awaiting the editors<" in response.get_data(as_text=True)

    editor = signed_in["editor"]
    queue = editor.get("/redaktion/").get_data(as_text=True)
    assert "Awaiting approval" in queue and "Sprogcafé i Ishøj" in queue and ": submitted" in queue
    sid = re.search(r'href="/redaktion/([^"]+)"', queue).group(1)
    review = editor.get(f"/redaktion/{sid}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', review).group(1)
    done = editor.post(f"/redaktion/{sid}/godkend", data={"csrf_token": token}, follow_redirects=True)
    assert "“Sprogcafé i Ishøj” has been approved and published." in done.get_data(as_text=True)
