"""Provenance: every practice says where it comes from, and a claimed evidence category says where
the judgement comes from — refused by the API and the form with field errors, never published."""

import re

import pytest

from conftest import PASSWORD, close_site, make_site

PEOPLE = {"contributor": ("videnscenter@example.dk", "contributor", ())}

CLAIM = """---
title: Jobmentorer med dokumenteret effekt (testmateriale)
kommuner: [Ishøj]
evidence: effekt
topics: [beskæftigelse]
---
Testindhold: en erfaring, der hævder effekt uden at sige hvorfra.
"""


@pytest.fixture
def site(tmp_path):
    app = make_site(tmp_path, PEOPLE)
    yield app
    close_site(app)


def _api(site, raw: str):
    headers = {"Authorization": f"Bearer {site.tokens['contributor']}", "Content-Type": "text/markdown; charset=utf-8"}
    return site.test_client().post("/api/submissions", data=raw.encode(), headers=headers)


def test_the_api_refuses_a_claim_of_effect_without_a_source_and_stores_nothing(site):
    response = _api(site, CLAIM)
    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert error["field"] == "source" and error["line"] == 4  # the line of the claim
    assert "Viser effekt" in error["message"] and "hvor vurderingen kommer fra" in error["message"]
    listed = site.test_client().get(
        "/api/submissions?status=pending", headers={"Authorization": f"Bearer {site.tokens['contributor']}"}
    )
    assert listed.get_json()["submissions"] == []
    # With a source it is accepted.
    sourced = CLAIM.replace("evidence: effekt\n", "evidence: effekt\nsource: Testmateriale, ingen rigtig rapport\n")
    assert _api(site, sourced).status_code == 201


def test_the_form_shows_the_missing_source_beside_its_field_and_keeps_the_text(site):
    client = site.test_client()
    page = client.get("/log-ind").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/log-ind", data={"email": PEOPLE["contributor"][0], "password": PASSWORD, "csrf_token": token})
    page = client.get("/indsend").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    typed = "Testindhold, som ikke må gå tabt."
    form = {
        "csrf_token": token,
        "title": "Effekt uden kilde (testmateriale)",
        "kommuner": ["183"],
        "evidence": "delvis-effekt",
        "topics": "sprog",
        "body": typed,
        "action": "submit",
    }
    response = client.post("/indsend", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="source-error"' in html and "Viser delvis effekt" in html
    assert typed in html
    response = client.post("/indsend", data=form | {"source": "Testmateriale, ingen rigtig kilde"})
    assert response.status_code == 302
