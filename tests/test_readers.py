"""Readers on every screen (issue 15): official names, the kommune page against the
country, rank movement, recommendations, exports and the smaller fixes."""

import html as htmllib
import re

import pytest

from portal.content import kommuner as kommune_registry

OFFICIAL = {
    "koebenhavn": "Københavns Kommune",
    "bornholm": "Bornholms Regionskommune",
    "vesthimmerland": "Vesthimmerlands Kommune",
    "broendby": "Brøndby Kommune",
}


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return htmllib.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("slug,official", OFFICIAL.items())
def test_official_names_in_title_heading_api_and_search(client, slug, official):
    html = page(client, f"/kommuner/{slug}")
    assert f"<title>{official} – Hvad virker</title>" in html
    assert re.search(rf"<h1[^>]*>{official}</h1>", html)
    short = kommune_registry.resolve(slug).kommune.name
    assert f"{short} Kommune" not in html or official == f"{short} Kommune"
    body = client.get(f"/api/kommuner/{slug}").get_json()
    assert body["official_name"] == official and body["name"] == short
    hits = client.get("/api/search", query_string={"q": short, "type": "kommune"}).get_json()["results"]
    assert official in [h["title"] for h in hits]


def test_every_kommune_has_an_official_name_and_only_three_differ_from_the_pattern():
    odd = {k.name: k.official_name for k in kommune_registry.all_kommuner() if k.official_name != f"{k.name} Kommune"}
    assert len(kommune_registry.all_kommuner()) == 98
    assert odd == {
        "København": "Københavns Kommune",
        "Bornholm": "Bornholms Regionskommune",
        "Vesthimmerland": "Vesthimmerlands Kommune",
    }
    assert kommune_registry.official_name("0400") == "Bornholms Regionskommune"


# -- a kommune against the country, and what the fastest do ---------------------------------

SLUG = "akf-selvforsoergelse-1999-2005"


def _section(html: str, start: str, end: str = "</section>") -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def test_brondby_page_shows_its_rank_its_figures_beside_the_country_and_the_fastest(client):
    html = page(client, "/kommuner/broendby")
    against = _section(html, 'id="h-mod-landet-0"')
    assert "nr. 72 af 72" in against and "6,556 ***" in against
    table = against.split("<table", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><th scope=\"row\"[^>]*>([^<]+)</th>(.*?)</tr>", table)
    cells = {name: re.findall(r'<td class="num">([^<]*)</td>', rest) for name, rest in rows}
    # Tabel 4: Brøndby 37,592 observed, 31,036 expected, 6,556 ***, 38 %; the country 37,891, 37,891, 0,000, 35 %
    assert cells == {
        "Brøndby": ["37,592", "31,036", "6,556 ***", "38"],
        "Hele landet": ["37,891", "37,891", "0,000", "35"],
    }
    svg = against.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and "Hele landet" in svg and "Brøndby (nr. 72 af 72)" in svg
    assert "Lær af de hurtigste" in against
    for name in ("Grindsted", "Høje Taastrup", "Kjellerup", "Helsingør", "Horsens"):
        assert f": {name}</strong>" in against
    # Its own joint project is never offered as what the fastest do; the page says so and points on.
    lessons = _section(against, "Erfaringer, Brøndby kan lære af", "De hurtigste kommuner</h4>")
    assert "har ikke dokumenteret en erfaring med påvist effekt" in lessons
    assert "vestegnskommunernes-benchmarking" not in lessons
    assert "/soeg?type=practice&evidence=effekt" in lessons and 'href="/indsend"' in lessons


def test_a_top_kommune_gets_its_figures_but_no_lessons(client):
    html = page(client, "/kommuner/billund")
    against = _section(html, 'id="h-mod-landet-0"')
    assert "(som Grindsted)" in html and "nr. 1 af 72" in against and "Lær af de hurtigste" not in against


def test_lessons_on_the_kommune_page_are_those_of_the_ranking_page(tmp_path):
    """Chosen the same way in both places: shown effect first, never the kommune's own practice."""
    from portal.ingest import ingest
    from portal.web import create_app
    from conftest import CONTENT
    import shutil

    content = tmp_path / "content"
    (content / "practices").mkdir(parents=True)
    shutil.copytree(CONTENT / "rankings", content / "rankings")

    def practice(slug, title, kommuner, evidence, topics):
        (content / "practices" / f"{slug}.md").write_text(
            f"---\ntitle: {title} (testdata)\nkommuner: [{', '.join(kommuner)}]\nevidence: {evidence}\nsource: Testmateriale\n"
            f"topics: [{', '.join(topics)}]\n---\nTestindhold.\n",
            encoding="utf-8",
        )

    practice("faelles", "Fælles projekt", ["Horsens", "Brøndby"], "effekt", ["mentor"])
    practice("praktik", "Praktik i Helsingør", ["Helsingør"], "delvis-effekt", ["praktik"])
    practice("kursus", "Kursus i Billund", ["Billund"], "ingen-effekt", ["sprog"])
    ingest(content, tmp_path / "data")
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data")})
    try:
        client = app.test_client()
        ranking = client.get(f"/api/rankings/{SLUG}").get_json()
        brondby = ranking["bottom"][-1]
        skive = ranking["bottom"][-2]
        html = page(client, "/kommuner/broendby")
        skive_html = page(client, "/kommuner/skive")
    finally:
        app.extensions["portal_index"].close()
    assert [p["id"] for p in brondby["suggested_practices"]] == ["praktik"]  # not its own joint project
    assert [p["id"] for p in brondby["other_practices"]] == ["kursus"]
    assert [p["id"] for p in skive["suggested_practices"]] == ["faelles", "praktik"]
    lessons = _section(html, "Erfaringer, Brøndby kan lære af", "De hurtigste kommuner</h4>")
    assert "Praktik i Helsingør" in lessons and "Fælles projekt" not in lessons and "Kursus i Billund" in lessons
    assert "har ikke dokumenteret en erfaring med påvist effekt" not in lessons
    skive_lessons = _section(skive_html, "Erfaringer, Skive kan lære af", "De hurtigste kommuner</h4>")
    assert skive_lessons.index("Fælles projekt") < skive_lessons.index("Praktik i Helsingør")


# -- the ranking page leads with results ---------------------------------------------------


def test_ranking_page_leads_with_results_and_keeps_the_method_in_a_disclosure(client):
    html = page(client, f"/rangeringer/{SLUG}")
    order = [
        html.index(marker)
        for marker in ('id="h-results"', 'id="tabel"', 'id="h-chart"', 'id="h-top"', 'id="h-bottom"', 'id="h-read"')
    ]
    assert order == sorted(order)
    results = _section(html, 'id="h-results"')
    assert results.index("Grindsted") < results.index("Brøndby")
    method = html.split('id="h-read"', 1)[1]
    assert "<details" in method and "***, ** og * betyder" in method.split("</details>")[0]
    assert "***, ** og * betyder" not in html.split('id="h-read"', 1)[0]


# -- exports that open in Danish Excel -----------------------------------------------------


def test_ranking_xlsx_has_danish_headers_numbers_the_national_row_and_the_source(client):
    import io

    from openpyxl import load_workbook

    response = client.get(f"/rangeringer/{SLUG}.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(response.data))
    ws = wb["Rangering"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Nr.", "Kommune (som offentliggjort)", "Kommunekode i dag")
    assert "Effektmål (mdr.)" in rows[0] and "Andel afsluttede forløb (%)" in rows[0]
    assert len(rows) == 1 + 72 + 1
    assert rows[1][:2] == (1, "Grindsted") and rows[1][7] == -7.206 and isinstance(rows[1][9], int)
    assert rows[72][:2] == (72, "Brøndby") and rows[72][7] == 6.556
    assert rows[-1][1] == "Hele landet" and rows[-1][5] == 37.891 and rows[-1][9] == 23563
    source = [r[0] for r in wb["Kilde"].iter_rows(values_only=True)]
    assert any(line.startswith("Kilde: AKF") for line in source)
    assert "AKF" in ws["A1"].comment.text


def test_ranking_danish_csv_splits_on_semicolons_with_decimal_commas(client):
    import csv
    import io

    response = client.get(f"/rangeringer/{SLUG}-excel.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8 (æ, ø, å)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Nr." and rows[0][1] == "Kommune (som offentliggjort)" and len(rows[0]) == 12
    assert rows[1][:2] == ["1", "Grindsted"] and rows[1][7] == "-7,206"
    national = next(r for r in rows if r and r[1] == "Hele landet")
    assert national[5] == "37,891" and national[9] == "23563"  # no thousands separator: Excel reads a number
    assert any(r and r[0].startswith("Kilde: AKF") for r in rows)
    # the machine form is unchanged: comma and decimal point
    machine = client.get(f"/rangeringer/{SLUG}.csv").get_data(as_text=True)
    assert "1,Grindsted,530,Billund" in machine and "-7.206" in machine


def test_ranking_page_links_all_three_forms(client):
    html = page(client, f"/rangeringer/{SLUG}")
    for href in (f"/rangeringer/{SLUG}.xlsx", f"/rangeringer/{SLUG}-excel.csv", f"/rangeringer/{SLUG}.csv"):
        assert f'href="{href}"' in html and client.get(href).status_code == 200


def test_search_results_export_in_three_forms_with_the_same_results(client):
    import csv
    import io

    from openpyxl import load_workbook

    html = page(client, "/soeg?q=flygtninge&type=practice")
    assert 'href="/soeg.xlsx?q=flygtninge&type=practice"' in html
    api = client.get("/api/search", query_string={"q": "flygtninge", "type": "practice", "per_page": 100}).get_json()
    titles = [r["title"] for r in api["results"]]
    wb = load_workbook(io.BytesIO(client.get("/soeg.xlsx?q=flygtninge&type=practice").data))
    rows = list(wb["Søgeresultater"].iter_rows(values_only=True))
    assert rows[0] == ("Titel", "Type", "Kommuner", "Evidens", "Adresse")
    assert [r[0] for r in rows[1:]] == titles and all(r[1] == "Erfaring" for r in rows[1:])
    danish = client.get("/soeg-excel.csv?q=flygtninge&type=practice").get_data(as_text=True)
    drows = list(csv.reader(io.StringIO(danish.lstrip("\ufeff")), delimiter=";"))
    assert [r[0] for r in drows[1 : 1 + len(titles)]] == titles
    assert "København" in {r[2] for r in drows[1 : 1 + len(titles)]}
    machine = list(
        csv.DictReader(
            io.StringIO(client.get("/soeg.csv?q=flygtninge&type=practice").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    assert [r["title"] for r in machine] == titles
    assert client.get("/soeg.xlsx?page=x").status_code == 400


# -- the smaller items ---------------------------------------------------------------------


def test_every_indicator_url_the_api_gives_answers(client):
    indicators = client.get("/api/indicators").get_json()
    assert indicators
    for ind in indicators:
        response = client.get(ind["url"], follow_redirects=True)
        assert response.status_code == 200, ind["url"]
        assert f'id="{ind["id"]}"' in response.get_data(as_text=True)
    assert client.get("/indikatorer/findes-ikke").status_code == 404


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert 'rel="icon"' in page(client, "/")


def test_an_unknown_kommune_page_suggests_the_nearest_names(client):
    response = client.get("/kommuner/Brøndbyy")
    html = htmllib.unescape(response.get_data(as_text=True))
    assert response.status_code == 404
    assert '<a href="/kommuner/broendby">Brøndby</a>' in html and "Brøndbyy" in html
    assert client.get("/api/kommuner/Brøndbyy").get_json()["suggestions"][0] == "Brøndby"


def test_the_accessibility_statement_is_complete(app):
    app.config["CONTACT_EMAIL"] = "tilgaengelighed@example.dk"  # test material, not a real address
    html = page(app.test_client(), "/was")
    for heading in (
        "Overholdelsesstatus",
        "Udarbejdelse af erklæringen",
        "Feedback og kontaktoplysninger",
        "Håndhævelsesprocedure",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert "delvist i overensstemmelse" in html and "1. december 2026" in html
    assert 'href="mailto:tilgaengelighed@example.dk"' in html
