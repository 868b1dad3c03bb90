"""The JSON API contract, as a client would use it."""

import pytest


def test_search_contract(client):
    body = client.get("/api/search?q=flygtningene").get_json()
    assert set(body) == {
        "query",
        "total",
        "page",
        "per_page",
        "results",
        "facets",
        "suggestion",
        "expanded_with",
        "corrected_from",
    }
    assert body["query"] == "flygtningene" and body["page"] == 1 and body["per_page"] == 10
    ids = [r["id"] for r in body["results"]]
    assert "tidlig-virksomhedsrettet-indsats-for-flygtninge" in ids
    assert "samarbejdsaftaler-med-civilsamfundsaktoerer-om-frivillige-tilbud-til-nyankomne-flygtninge" in ids
    first = body["results"][0]
    assert set(first) == {"id", "type", "title", "url", "kommuner", "evidence", "snippet"}
    assert any("<mark>" in r["snippet"] for r in body["results"])
    assert set(body["facets"]) == {"type", "kommune", "topic", "evidence", "region", "target_group"}
    assert body["facets"]["kommune"]["101"] >= 2


def test_search_filters(client):
    body = client.get("/api/search?q=flygtninge&kommune=Koebenhavn&evidence=effekt&type=practice").get_json()
    assert body["total"] >= 1
    assert all(r["evidence"] == "effekt" and r["kommuner"] == ["101"] for r in body["results"])


def test_search_by_former_kommune_name_and_code(client):
    by_name = client.get("/api/search?kommune=Grindsted&type=kommune").get_json()
    by_code = client.get("/api/search?kommune=530&type=kommune").get_json()
    assert [r["title"] for r in by_name["results"]] == ["Billund Kommune"] == [r["title"] for r in by_code["results"]]


def test_every_kommune_is_findable(client):
    body = client.get("/api/search?type=kommune&per_page=100").get_json()
    assert body["total"] == 98


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("per_page=101", "'per_page' skal være mellem 1 og 100"),
        ("per_page=abc", "'per_page' skal være et helt tal"),
        ("page=0", "'page' skal være mellem"),
        ("type=blog", "ukendt type 'blog'"),
        ("evidence=virker", "ukendt evidence 'virker'"),
        ("kommune=Atlantis", 'ukendt kommune "Atlantis"'),
        ("region=Jylland", "ukendt region 'Jylland'"),
        ("q=" + "a" * 501, "søgningen er for lang"),
    ],
)
def test_bad_parameters_get_400_json(client, query, fragment):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert fragment in response.get_json()["error"]


def test_practice_endpoint(client):
    body = client.get("/api/practices/tidlig-virksomhedsrettet-indsats-for-flygtninge").get_json()
    assert body["title"] == "Tidlig, virksomhedsrettet indsats for flygtninge"
    assert body["kommuner"] == [
        {"code": "101", "name": "København", "official_name": "Københavns Kommune", "region": "Hovedstaden"}
    ]
    assert body["evidence"] == "effekt"
    assert body["html"].startswith("<")


def test_unknown_practice_is_404_json(client):
    response = client.get("/api/practices/findes-ikke")
    assert response.status_code == 404 and "error" in response.get_json()


@pytest.mark.parametrize("ref", ["grindsted", "530", "Billund", "Billund Kommune"])
def test_kommune_endpoint_accepts_names_former_names_and_codes(client, ref):
    body = client.get(f"/api/kommuner/{ref}").get_json()
    assert (body["code"], body["name"], body["region"]) == ("530", "Billund", "Syddanmark")
    assert "Grindsted" in body["former"]
    assert body["url"] == "/kommuner/billund"


def test_kommune_endpoint_lists_practices_and_notes(client):
    kbh = client.get("/api/kommuner/København").get_json()
    assert len(kbh["practices"]) == 15
    brondby = client.get("/api/kommuner/brondby").get_json()
    assert [n["id"] for n in brondby["notes"]] == ["2006-09-08-benchmarking-af-integrationsindsatsen"]
    assert [n["id"] for n in brondby["networks"]] == ["vestegnen"]


def test_unknown_kommune_is_404_with_suggestions(client):
    response = client.get("/api/kommuner/Grinsted")
    assert response.status_code == 404
    assert "Grindsted" in response.get_json()["suggestions"]


def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404 and response.get_json() == {"error": "Siden eller emnet findes ikke."}
