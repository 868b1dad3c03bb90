"""Rankings, kommune pages and the link from 'who does best' to 'what they do'."""

import csv
import html as htmllib
import io
import re
import shutil

import pytest

from portal.web import create_app
from portal.ingest import ingest

from conftest import CONTENT

SLUG = "akf-selvforsoergelse-1999-2005"
SEED_TABLE4 = [  # (rank, name as published, effect) for a sample across the table, from seed 004
    (1, "Grindsted", "-7,206"),
    (2, "Høje Taastrup", "-7,090"),
    (3, "Kjellerup", "-4,898"),
    (29, "Søllerød", "-0,081"),
    (37, "Fredensborg- Humblebæk", "0,202"),
    (42, "Århus", "0,375"),
    (62, "Lyngby-Tårnbæk", "1,479"),
    (72, "Brøndby", "6,556"),
]


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return htmllib.unescape(response.get_data(as_text=True))


def test_ranking_page_shows_the_whole_table_as_published(client):
    html = page(client, f"/rangeringer/{SLUG}")
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 72
    for rank, name, effect in SEED_TABLE4:
        row = re.search(
            rf"<td class=\"num\">{rank}</td>\s*<th scope=\"row\">{re.escape(name)}</th>(.*?)</tr>", body, re.S
        )
        assert row, name
        assert f">{effect}<" in row.group(1)
    national = html.split("<tfoot>")[1]
    assert "Hele landet" in national and "37,891" in national and "23.563" in national and "0,000" in national


def test_ranking_page_explains_how_to_read_it(client):
    html = page(client, f"/rangeringer/{SLUG}")
    assert "***, ** og * betyder" in html
    assert "ikke skal overfortolkes" in html
    assert "Pas på med midterfeltet" in html


def test_ranking_chart_is_accessible_svg_beside_the_table(client):
    html = page(client, f"/rangeringer/{SLUG}")
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "aria-labelledby" in svg
    assert "Grindsted" in svg and "Brøndby" in svg
    assert html.index('id="tabel"') < html.index("<svg")  # results first: the table, then the chart


def test_rank_movement_only_where_the_source_gives_it(client):
    """The editions ranked 53 and 72 kommuner: positions with their edition's size, the
    source's words, and no raw difference ("ned 20") that would mislead."""
    body = client.get(f"/api/rankings/{SLUG}").get_json()
    assert body["previous_of"] == 53
    before = {
        r["kommune_as_published"]: (r["previous_rank"], r["previous_of"], r["rank"], r["of"])
        for r in body["rows"]
        if r["previous_rank"]
    }
    assert before == {
        "Helsingør": (16, 53, 4, 72),
        "Horsens": (1, 53, 5, 72),
        "Hedensted": (50, 53, 70, 72),
        "Skive": (51, 53, 71, 72),
    }
    assert all(r["movement"] is None for r in body["rows"])
    html = page(client, f"/rangeringer/{SLUG}")
    assert "nr. 50 af 53 → nr. 70 af 72" in html and "nr. 16 af 53 → nr. 4 af 72" in html
    assert "i den tidligere analyse i bunden af rangordningen" in html and "rykket meget op" in html
    assert "ned 20" not in html and "op 12" not in html


def test_table_sorts_without_javascript(client):
    html = page(client, f"/rangeringer/{SLUG}?sort=effekt&retning=faldende")
    body = html.split("<tbody>")[1]
    assert body.index("Brøndby") < body.index("Grindsted")
    assert 'aria-sort="descending"' in html
    assert client.get(f"/rangeringer/{SLUG}?sort=x").status_code == 400


def test_csv_download(client):
    response = client.get(f"/api/rankings/{SLUG}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 73
    assert rows[0] == {
        "rank": "1",
        "kommune_as_published": "Grindsted",
        "kommune_code": "530",
        "kommune_name": "Billund",
        "region": "Syddanmark",
        "observed": "31.052",
        "expected": "38.258",
        "effect": "-7.206",
        "significance": "***",
        "cases": "89",
        "share_completed": "58",
        "previous_rank": "",
    }
    assert rows[-1]["kommune_as_published"] == "Hele landet" and rows[-1]["cases"] == "23563"
    assert client.get(f"/rangeringer/{SLUG}.csv").get_data() == response.get_data()


def test_grindsted_row_leads_to_billund_and_its_page_says_so(client):
    html = page(client, f"/rangeringer/{SLUG}")
    row = re.search(r"<th scope=\"row\">Grindsted</th>\s*<td><a href=\"(/kommuner/[a-z-]+)\">Billund</a>", html)
    assert row and row.group(1) == "/kommuner/billund"
    billund = page(client, "/kommuner/billund")
    assert "som Grindsted nr. 1 af 72" in billund


def test_top_kommune_without_practice_invites_a_submission(client):
    html = page(client, f"/rangeringer/{SLUG}")
    top = html.split('id="h-top"')[1].split('id="h-bottom"')[0]
    assert "Nr. 1: Grindsted – i dag" in top
    assert "Der er ikke dokumenteret erfaringer fra Billund i portalen endnu" in top


def test_brondby_row_lists_practices_from_the_top_five(client):
    body = client.get(f"/api/rankings/{SLUG}").get_json()
    assert [r["rank"] for r in body["top"]] == [1, 2, 3, 4, 5]
    assert [r["rank"] for r in body["bottom"]] == [68, 69, 70, 71, 72]
    brondby = body["bottom"][-1]
    assert brondby["kommune"]["name"] == "Brøndby"
    # The only practice of the top five is Høje Taastrup's joint project with Brøndby itself,
    # rated "Kan ikke vise effekt": never offered to Brøndby as what the fastest do.
    assert brondby["suggested_practices"] == [] and brondby["other_practices"] == []
    skive = body["bottom"][-2]
    assert [p["id"] for p in skive["other_practices"]] == ["vestegnskommunernes-benchmarking-af-integrationsindsatsen"]
    assert skive["other_practices"][0]["from_kommuner"] == ["Høje Taastrup"] and skive["suggested_practices"] == []
    html = page(client, f"/rangeringer/{SLUG}")
    bottom = html.split('id="h-bottom"')[1].split('id="h-read"')[0]
    brondby_html = bottom.split("Nr. 72: Brøndby")[1]
    assert "har ikke dokumenteret en erfaring med påvist effekt" in brondby_html
    assert "/soeg?type=practice&evidence=effekt" in brondby_html and 'href="/indsend"' in brondby_html
    assert "Vestegnskommunernes benchmarking" not in brondby_html.split("Fra de hurtigste kommuner")[1]


def test_kommune_with_several_former_kommuner_keeps_each_row(client):
    body = client.get("/api/kommuner/silkeborg").get_json()
    rows = sorted((r["as"], r["rank"]) for r in body["rankings"])
    assert rows == [("Kjellerup", 3), ("Silkeborg", 26)]
    html = page(client, "/kommuner/silkeborg")
    assert "som Kjellerup nr. 3 af 72" in html and "nr. 26 af 72" in html and "ikke lagt sammen" in html


@pytest.mark.parametrize("ref", ["grindsted", "530"])
def test_api_kommune_answers_with_billund_and_its_ranking(client, ref):
    body = client.get(f"/api/kommuner/{ref}").get_json()
    assert body["name"] == "Billund"
    assert body["rankings"] == [
        {
            "ranking": SLUG,
            "title": body["rankings"][0]["title"],
            "rank": 1,
            "of": 72,
            "as": "Grindsted",
            "effect": -7.206,
            "significance": "***",
            "previous_rank": None,
        }
    ]
    assert body["indicators"] == []


def test_api_ranking_contract(client):
    body = client.get(f"/api/rankings/{SLUG}").get_json()
    for key in ("slug", "title", "source", "period", "measure", "lower_is_better", "rows", "national", "top", "bottom"):
        assert key in body
    row = body["rows"][0]
    assert row["kommune"] == {
        "code": "530",
        "name": "Billund",
        "official_name": "Billund Kommune",
        "region": "Syddanmark",
        "slug": "billund",
    }
    assert row["kommune_as_published"] == "Grindsted"
    assert body["lower_is_better"] is True
    assert "practices" in body["top"][0] and "suggested_practices" in body["bottom"][0]
    assert client.get("/api/rankings/findes-ikke").status_code == 404


def test_practice_page_shows_the_rankings_of_its_kommuner(client):
    html = page(client, "/erfaringer/vestegnskommunernes-benchmarking-af-integrationsindsatsen")
    assert "Høje-Taastrup – som Høje Taastrup: nr. 2 af 72" in html
    assert "Brøndby: nr. 72 af 72" in html


def test_evidence_map_counts_link_to_filtered_search(client):
    html = page(client, "/evidenskort")
    assert "/soeg?topic=besk%C3%A6ftigelse&type=practice" in html
    cell = re.search(r'href="(/soeg\?topic=besk%C3%A6ftigelse&evidence=effekt&type=practice)"[^>]*>(\d+)<', html)
    assert cell, "a count for beskæftigelse × effekt"
    n = int(cell.group(2))
    hits = client.get("/api/search?topic=beskæftigelse&evidence=effekt&type=practice").get_json()["total"]
    assert n == hits


def test_evaluation_debt_lists_ended_unevaluated_practices(client):
    html = page(client, "/evalueringsgaeld")
    assert "Minoritetsfamilier på kontanthjælp" in html  # ended 2019, not yet evaluated
    assert "Tidlig, virksomhedsrettet indsats for flygtninge" not in html  # shows effect


def test_indicators_page_draws_the_national_tables(client):
    html = page(client, "/indikatorer")
    assert html.count("<svg") == 3
    assert "Opholdstilladelse 1999" in html and "36,8" in html and "23.563" in html


# -- the linking logic on a tree where the top kommuner have documented practice --


def _practice(path, title, kommune, evidence, topics):
    path.write_text(
        f"---\ntitle: {title}\nkommuner: [{kommune}]\nevidence: {evidence}\nsource: Testmateriale\ntopics: [{', '.join(topics)}]\n---\nTekst.\n",
        encoding="utf-8",
    )


@pytest.fixture
def linked_client(tmp_path):
    content = tmp_path / "content"
    (content / "practices").mkdir(parents=True)
    shutil.copytree(CONTENT / "rankings", content / "rankings")
    p = content / "practices"
    _practice(p / "mentor-horsens.md", "Mentorer i Horsens", "Horsens", "ikke-evalueret", ["mentor", "beskæftigelse"])
    _practice(
        p / "praktik-helsingoer.md",
        "Virksomhedspraktik i Helsingør",
        "Helsingør",
        "effekt",
        ["virksomhedspraktik", "beskæftigelse"],
    )
    _practice(p / "sprog-billund.md", "Sprog i Billund", "Billund", "effekt", ["sprog"])
    _practice(p / "mentor-skive.md", "Mentorer i Skive", "Skive", "ingen-effekt", ["mentor", "beskæftigelse"])
    ingest(content, tmp_path / "data")
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data")})
    yield app.test_client()
    app.extensions["portal_index"].close()


def test_suggestions_order_by_shared_topics_then_evidence(linked_client):
    body = linked_client.get(f"/api/rankings/{SLUG}").get_json()
    top = {r["kommune_as_published"]: [p["id"] for p in r["practices"]] for r in body["top"]}
    assert top["Grindsted"] == ["sprog-billund"] and top["Horsens"] == ["mentor-horsens"]
    skive = next(r for r in body["bottom"] if r["kommune_as_published"] == "Skive")
    # A shown effect comes first; within it, one shared topic (beskæftigelse) beats none.
    assert [p["id"] for p in skive["suggested_practices"]] == ["praktik-helsingoer", "sprog-billund"]
    assert skive["suggested_practices"][0]["shared_topics"] == ["beskæftigelse"]
    # Horsens' mentors share two topics but are not evaluated: listed apart, as what else there is.
    assert [p["id"] for p in skive["other_practices"]] == ["mentor-horsens"]
    assert skive["other_practices"][0]["shared_topics"] == ["beskæftigelse", "mentor"]
    brondby = body["bottom"][-1]  # nothing documented: strongest evidence first, then title
    assert [p["id"] for p in brondby["suggested_practices"]] == ["sprog-billund", "praktik-helsingoer"]
    assert [p["id"] for p in brondby["other_practices"]] == ["mentor-horsens"]


def test_top_n_is_configurable(tmp_path):
    ingest(CONTENT, tmp_path / "data")
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "RANKING_TOP_N": 3})
    body = app.test_client().get(f"/api/rankings/{SLUG}").get_json()
    app.extensions["portal_index"].close()
    assert [r["rank"] for r in body["top"]] == [1, 2, 3] and [r["rank"] for r in body["bottom"]] == [70, 71, 72]


def test_kommune_indicator_is_shown_against_the_national_one(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "indicators" / "test-kommune.yaml").write_text(
        "title: Testtal for Brøndby (testdata)\nscope: Brøndby\nmeasure: forloeb-afsluttet\nunit: '%'\n"
        "categories: [Selvforsørgelse, Uddannelse, Hverken selvforsørgelse eller uddannelse]\n"
        "series:\n  - name: Brøndby\n    values: [1, 2, 97]\ntarget: {value: 40, label: Mål}\n",
        encoding="utf-8",
    )
    ingest(content, tmp_path / "data")
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data")})
    client = app.test_client()
    html = page(client, "/kommuner/broendby")
    api = client.get("/api/kommuner/brondby").get_json()
    app.extensions["portal_index"].close()
    assert "Testtal for Brøndby" in html and "sammenlignet med hele landet" in html
    assert "Hele landet: Alle forløb (23.563)" in html
    table = html.split('id="h-ind"')[1].split("<table")[1].split("</table>")[0]  # the numbers beside the chart
    assert "Tallene bag figuren" in table and ">97<" in table and ">65,4<" in table
    assert [i["title"] for i in api["indicators"]] == ["Testtal for Brøndby (testdata)"]


def test_a_top_kommune_with_many_practices_lists_the_strongest_and_links_to_all(tmp_path):
    """A large kommune would otherwise list hundreds of write-ups on the ranking page."""
    content = tmp_path / "content"
    (content / "practices").mkdir(parents=True)
    shutil.copytree(CONTENT / "rankings", content / "rankings")
    p = content / "practices"
    for i in range(8):  # Billund (Grindsted, nr. 1): eight write-ups, one of them with a measured effect
        evidence = "effekt" if i == 6 else "ikke-evalueret"
        _practice(p / f"billund-{i}.md", f"Billund-indsats {chr(ord('A') + i)}", "Billund", evidence, ["sprog"])
    # Brøndby (last) shares the topic "mentor" only with the LAST Billund write-up in title order:
    _practice(p / "billund-mentor.md", "Ø-mentorer i Billund", "Billund", "ikke-evalueret", ["mentor"])
    _practice(p / "mentor-broendby.md", "Mentorer i Brøndby", "Brøndby", "ikke-evalueret", ["mentor"])
    ingest(content, tmp_path / "data")
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data")})
    client = app.test_client()
    body = client.get(f"/api/rankings/{SLUG}").get_json()
    html = page(client, f"/rangeringer/{SLUG}")
    app.extensions["portal_index"].close()

    grindsted = body["top"][0]
    assert [x["title"] for x in grindsted["practices"]] == [
        "Billund-indsats G",
        "Billund-indsats A",
        "Billund-indsats B",
        "Billund-indsats C",
        "Billund-indsats D",
    ]
    assert grindsted["practices_total"] == 9
    assert "Se alle 9 erfaringer fra Billund i søgningen" in html
    assert "/soeg?type=practice&kommune=530" in html
    # the suggestion is weighed over all nine, not only the five listed
    brondby = body["bottom"][-1]
    assert [p["title"] for p in brondby["suggested_practices"]] == ["Billund-indsats G"]  # the one with effect
    assert brondby["other_practices"][0]["title"] == "Ø-mentorer i Billund"
    assert brondby["other_practices"][0]["shared_topics"] == ["mentor"]


def test_data_built_by_an_older_portal_is_refused_with_a_clear_message(tmp_path):
    import sqlite3

    from portal.generations import current_generation

    ingest(CONTENT, tmp_path / "data")
    gen = current_generation(tmp_path / "data")
    with sqlite3.connect(gen.db_path) as conn:  # as a database of layout 1 looked: no version
        conn.execute("DELETE FROM meta WHERE key = 'store_version'")
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data")})
    response = app.test_client().get("/")
    api = app.test_client().get(f"/api/rankings/{SLUG}")
    assert response.status_code == 503 and "ældre version" in response.get_data(as_text=True)
    assert api.status_code == 503 and "flask --app app ingest" in api.get_json()["error"]
    ingest(CONTENT, tmp_path / "data")  # the remedy the message gives
    assert app.test_client().get("/").status_code == 200
