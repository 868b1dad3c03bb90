"""Schemathesis against the live app (in-process, WSGI) and its /api/openapi.json.

Every operation in the description is fuzzed twice — with data the description
allows (positive) and with data it forbids (negative) — with a valid Bearer
token where the operation takes one. Checks: never a 5xx; every status, content
type, header and body as documented; forbidden data is refused with a 4xx.
Then the happy paths the fuzzer cannot reach (a valid submission, approval,
rejection, note) are sent as fixed cases and validated the same way.

Bounded: ``MAX_EXAMPLES`` per operation and mode, derandomized (the same cases
on every run), no example database.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.web.openapi import PATHS

from conftest import close_site, make_site

MAX_EXAMPLES = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

OPERATIONS = [(method.upper(), path) for path, ops in PATHS.items() for method in ops]
# Negative data needs something to break: a query parameter or a body. (A path parameter
# here is any non-empty text: an empty one would be another route.)
NEGATIVE = [
    (m, p)
    for m, p in OPERATIONS
    if "requestBody" in PATHS[p][m.lower()]
    or any(x["in"] == "query" for x in PATHS[p][m.lower()].get("parameters", []))
]
CASES = [(m, p, GenerationMode.POSITIVE) for m, p in OPERATIONS] + [
    (m, p, GenerationMode.NEGATIVE) for m, p in NEGATIVE
]

GOOD = """---
title: Lektiecafé for unge flygtninge i Høje-Taastrup
kommuner: [Høje-Taastrup]
evidence: ikke-evalueret
source: Testmateriale, ingen rigtig kilde
topics: [lektiehjælp, unge]
---
Frivillige hjælper unge flygtninge med lektierne to gange om ugen. (Testindhold.)
"""
NOTE = """---
title: Møde om lektiecaféer
network: vestegnen
date: 2026-11-22
visibility: network
---
Referat fra mødet. (Testindhold.)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A copy of the content, ingested, with an editor and a network member (tokens from the CLI)."""
    app = make_site(
        tmp_path_factory.mktemp("openapi"),
        people={
            "editor": ("redaktoer@example.dk", "editor", ()),
            "member": ("leder@broendby.example.dk", "contributor", ("vestegnen",)),
        },
    )
    yield app
    close_site(app)


@pytest.fixture(scope="module")
def schema(site):
    # The API ignores query parameters it does not know (as most do): not a refusal to test for.
    config = schemathesis.Config.from_dict({"generation": {"allow-extra-parameters": False}})
    return schemathesis.openapi.from_wsgi("/api/openapi.json", site, config=config)


def _headers(site, method: str, path: str) -> dict:
    op = PATHS[path][method.lower()]
    if not any(s for s in op.get("security", [{}])):
        return {}
    who = "member" if path in ("/api/notes", "/api/search") else "editor"
    return {"Authorization": f"Bearer {site.tokens[who]}"}


def test_the_description_is_served_and_lists_every_api_route(site):
    served = site.test_client().get("/api/openapi.json")
    assert served.status_code == 200 and served.get_json()["openapi"].startswith("3.")
    documented = {(m, p) for m, p in OPERATIONS} | {("GET", "/api/openapi.json")}
    routes = set()
    for rule in site.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = rule.rule.replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((method, path))
    assert routes == documented


@pytest.mark.parametrize("method, path, mode", CASES, ids=[f"{m} {p} {g.value}" for m, p, g in CASES])
def test_api_conforms_to_its_description(site, schema, method, path, mode):
    operation = schema[path][method]
    headers = _headers(site, method, path)
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(headers=headers, checks=checks)

    run()


def test_happy_paths_conform_too(site, schema):
    """Valid writes the fuzzer cannot invent: created, listed, fetched, approved, rejected, a note."""
    editor = {"Authorization": f"Bearer {site.tokens['editor']}"}
    member = {"Authorization": f"Bearer {site.tokens['member']}"}

    def call(path, method, headers, **kwargs):
        case = schema[path][method].Case(**kwargs)
        return case.call_and_validate(headers=headers, checks=CHECKS)

    created = call("/api/submissions", "POST", editor, body=GOOD, media_type="text/markdown")
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    assert call("/api/submissions", "POST", editor, body=GOOD, media_type="text/markdown").status_code == 201
    assert call("/api/submissions", "GET", editor, query={"status": "pending"}).status_code == 200
    assert call("/api/submissions/{sid}", "GET", editor, path_parameters={"sid": sid}).status_code == 200
    assert call("/api/submissions/{sid}/approve", "POST", editor, path_parameters={"sid": sid}).status_code == 200
    again = call("/api/submissions/{sid}/approve", "POST", editor, path_parameters={"sid": sid})
    assert again.status_code == 409
    slug = call("/api/submissions/{sid}", "GET", editor, path_parameters={"sid": sid}).json()["slug"]
    assert call("/api/practices/{slug}", "GET", {}, path_parameters={"slug": slug}).status_code == 200
    # a second submission of the same title is now a conflict; with ?slug= an update, which we reject
    assert call("/api/submissions", "POST", editor, body=GOOD, media_type="text/markdown").status_code == 409
    update = call(
        "/api/submissions",
        "POST",
        editor,
        body=GOOD.replace("to gange", "tre gange"),
        media_type="text/markdown",
        query={"slug": slug},
    )
    assert update.status_code == 201
    rejected = call(
        "/api/submissions/{sid}/reject",
        "POST",
        editor,
        path_parameters={"sid": update.json()["id"]},
        body={"reason": "Dubleret."},
        media_type="application/json",
    )
    assert rejected.status_code == 200 and rejected.json()["reason"] == "Dubleret."
    note = call("/api/notes", "POST", member, body=NOTE, media_type="text/markdown")
    assert note.status_code == 201
    assert call("/api/search", "GET", member, query={"q": "lektiecaféer"}).json()["total"] >= 1
    assert call("/api/kommuner/{ref}", "GET", {}, path_parameters={"ref": "Hoeje Taastrup"}).status_code == 200
    assert (
        call("/api/rankings/{slug}", "GET", {}, path_parameters={"slug": "akf-selvforsoergelse-1999-2005"}).status_code
        == 200
    )
    csv = call("/api/rankings/{slug}.csv", "GET", {}, path_parameters={"slug": "akf-selvforsoergelse-1999-2005"})
    assert csv.status_code == 200
    assert call("/api/indicators", "GET", {}).status_code == 200
    assert call("/api/submissions", "GET", {}).status_code == 401
