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
    assert odd == {"København": "Københavns Kommune", "Bornholm": "Bornholms Regionskommune",
                   "Vesthimmerland": "Vesthimmerlands Kommune"}
    assert kommune_registry.official_name("0400") == "Bornholms Regionskommune"
