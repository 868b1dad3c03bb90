"""The Danish pages a practitioner reads."""

import html as htmllib
import re


def text(response) -> str:
    """The page's HTML with entities decoded (so quotes compare plainly)."""
    return htmllib.unescape(response.get_data(as_text=True))


def test_front_page_has_search_and_entry_points(client):
    html = text(client.get("/"))
    assert '<html lang="da">' in html
    assert 'action="/soeg"' in html
    assert "Viser effekt" in html and "/soeg?type=practice&evidence=effekt" in html
    assert "/kommuner/koebenhavn" in html
    assert "/rangeringer/akf-selvforsoergelse-1999-2005" in html


def test_search_page_flygtningene(client):
    html = text(client.get("/soeg?q=flygtningene"))
    assert "Tidlig, virksomhedsrettet indsats for flygtninge" in html
    assert "nyankomne flygtninge" in html
    assert "<mark>" in html
    assert 'name="kommune" value="101"' in html  # the kommune facet
    assert re.search(r"\d+ resultater", html)


def test_search_page_suggests_a_correction(client):
    html = text(client.get("/soeg?q=flygtnige&correct=0"))
    assert "Mente du" in html and "flygtninge" in html


def test_search_page_answers_a_misspelling_with_the_correction_and_says_so(client):
    html = text(client.get("/soeg?q=flygtnige"))
    assert "Viser resultater for <strong>flygtninge</strong> – søg i stedet efter" in html
    assert 'href="/soeg?q=flygtnige&correct=0"' in html
    assert "Tidlig, virksomhedsrettet indsats for flygtninge" in html


def test_search_page_paginates(client):
    first = text(client.get("/soeg?type=kommune"))
    assert 'rel="next"' in first and "side 1 af 10" in first
    last = text(client.get("/soeg?type=kommune&page=10"))
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_search_page_bad_parameter_is_a_400_page(client):
    response = client.get("/soeg?page=x")
    assert response.status_code == 400
    assert "'page' skal være et helt tal" in text(response)


def test_practice_page(client):
    response = client.get("/erfaringer/tidlig-virksomhedsrettet-indsats-for-flygtninge")
    html = text(response)
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Viser effekt" in html
    assert 'href="/kommuner/koebenhavn"' in html
    assert "Relaterede erfaringer" in html


def test_unknown_practice_is_a_danish_404(client):
    response = client.get("/erfaringer/findes-ikke")
    assert response.status_code == 404 and "Siden findes ikke" in text(response)


def test_network_and_note_pages(client):
    network = text(client.get("/netvaerk/vestegnen"))
    assert "Brøndby" in network and "/notater/2006-09-08-benchmarking-af-integrationsindsatsen" in network
    note = text(client.get("/notater/2006-09-08-benchmarking-af-integrationsindsatsen"))
    assert "8. september 2006" in note


def test_kommune_page_by_former_name_redirects_to_today(client):
    response = client.get("/kommuner/Grindsted")
    assert response.status_code == 301 and response.headers["Location"].endswith("/kommuner/billund")
    html = text(client.get("/kommuner/billund"))
    assert "Grindsted" in html and "nr. 1 af 72" in html


def test_kommune_page_lists_practices(client):
    html = text(client.get("/kommuner/koebenhavn"))
    assert "Tidlig, virksomhedsrettet indsats for flygtninge" in html


def test_all_kommuner_page(client):
    html = text(client.get("/kommuner"))
    assert html.count('href="/kommuner/') >= 98
    assert "Region Nordjylland" in html


def test_ranking_page_shows_the_table(client):
    html = text(client.get("/rangeringer/akf-selvforsoergelse-1999-2005"))
    assert "Grindsted" in html and "-7,206" in html and "23.563" in html
    assert html.count("<tr>") >= 72


def test_rendered_markdown_is_sanitized(tmp_path):
    from portal.rendering import render_markdown

    html = render_markdown("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
