"""The API as a strict client sees it: every documented status of every operation, produced for real.

The cases are derived from the OpenAPI document itself (one per operation and
documented status), so a status added to the document without a way to produce
it here fails, and so does a scenario that no longer produces its status. Each
response is validated by the test client installed in ``conftest.py``
(``api_contract.ContractClient``, openapi-core): body, content type and status
must be what the document says, error bodies included. The tests at the end show
that the check itself refuses what a strict client would refuse, and cover what
the API gained: a practice's rankings, a submission's fields and diff.
"""

from __future__ import annotations

import io
import html as html_lib
import itertools
import json
import re
import shutil
from pathlib import Path

import pytest
from werkzeug.wrappers import Response

import api_contract
from conftest import CONTENT
from portal import limits
from portal.ingest import ingest
from portal.web import create_app
from portal.throttle import MAX_TOKEN_FAILURES as MAX_TOKEN_FAILURES_PER_CLIENT
from portal.web.openapi import PATHS, spec

PRACTICE = "tidlig-virksomhedsrettet-indsats-for-flygtninge"
RANKING = "akf-selvforsoergelse-1999-2005"
MARKDOWN = "text/markdown; charset=utf-8"
_n = itertools.count(1)


def practice_file(title: str | None = None, body: str = "Frivillige hjælper med lektierne. (Testindhold.)") -> str:
    title = title or f"Kontraktprøve {next(_n)} for lektiehjælp"
    return f"---\ntitle: {title}\nkommuner: [Ishøj]\nevidence: ikke-evalueret\nsource: Testmateriale\ntopics: [lektiehjælp]\n---\n{body}\n"


def note_file(network: str = "vestegnen", visibility: str = "network", title: str | None = None) -> str:
    return (
        f"---\ntitle: {title or f'Kontraktnotat {next(_n)}'}\nnetwork: {network}\ndate: 2026-11-22\n"
        f"visibility: {visibility}\n---\nReferat. (Testindhold.)\n"
    )


def _cli(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _people(app) -> dict[str, str]:
    """An editor, a contributor (who owns submissions), a stranger and a network member, with API tokens."""
    people = {
        "editor": ("redaktoer@example.dk", "editor", []),
        "owner": ("ejer@example.dk", "contributor", []),
        "stranger": ("fremmed@example.dk", "contributor", []),
        "member": ("leder@broendby.example.dk", "contributor", ["--network", "vestegnen"]),
    }
    tokens = {}
    for who, (email, role, extra) in people.items():
        _cli(app, "users", "add", email, "--role", role, *extra)
        tokens[who] = _cli(app, "users", "token", email).strip().splitlines()[-1]
    return tokens


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A site with the shipped content (a copy: approvals write to it) and one whose content was never ingested."""
    root = tmp_path_factory.mktemp("contract")
    shutil.copytree(CONTENT, root / "content")
    ingest(root / "content", root / "data")
    app = create_app({"TESTING": True, "DATA_DIR": str(root / "data"), "CONTENT_DIR": str(root / "content")})
    app.tokens = _people(app)
    (root / "empty").mkdir()
    unbuilt = create_app({"TESTING": True, "DATA_DIR": str(root / "empty"), "CONTENT_DIR": str(root / "content")})
    unbuilt.tokens = _people(unbuilt)
    # A client that sent too many bad tokens: from then on every token it sends is answered 429.
    blocked = app.test_client()
    blocked.environ_base["REMOTE_ADDR"] = "127.0.0.99"
    for _ in range(MAX_TOKEN_FAILURES_PER_CLIENT):
        assert blocked.get("/api/submissions", headers={"Authorization": "Bearer hv_falsk"}).status_code == 401
    # A damaged owned database (accounts, submissions): the submission endpoints' fault.
    (root / "damaged").mkdir()
    (root / "damaged" / "owned.db").write_bytes(b"dette er ikke en database " * 100)
    damaged = create_app({"TESTING": True, "DATA_DIR": str(root / "damaged"), "CONTENT_DIR": str(root / "content")})
    damaged.tokens = dict.fromkeys(app.tokens, "hv_ukendt")
    yield {"app": app, "unbuilt": unbuilt, "blocked": blocked, "damaged": damaged}
    app.extensions["portal_index"].close()


def _auth(app, who: str | None, content_type: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {app.tokens[who]}"} if who else {}
    return headers | ({"Content-Type": content_type} if content_type else {})


def _submit(env, text: str | None = None, who: str = "owner", slug: str | None = None) -> str:
    app = env["app"]
    url = "/api/submissions" + (f"?slug={slug}" if slug else "")
    response = app.test_client().post(url, data=(text or practice_file()).encode(), headers=_auth(app, who, MARKDOWN))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def _decided(env) -> str:
    sid = _submit(env)
    app = env["app"]
    assert (
        app.test_client()
        .post(f"/api/submissions/{sid}/reject", json={"reason": "Prøve."}, headers=_auth(app, "editor"))
        .status_code
        == 200
    )
    return sid


def _get(path, who=None, app="app"):
    return lambda env: env[app].test_client().get(path, headers=_auth(env[app], who) if who else {})


def _post(path, data=b"", who="owner", content_type=MARKDOWN, app="app", **kwargs):
    def run(env):
        url = path(env) if callable(path) else path
        body = data(env) if callable(data) else data
        return env[app].test_client().post(url, data=body, headers=_auth(env[app], who, content_type), **kwargs)

    return run


def _blocked(method: str, path: str):
    return lambda env: env["blocked"].open(path, method=method, headers={"Authorization": "Bearer hv_falsk"})


def _truncated(path: str, who: str):
    """A body shorter than its Content-Length (a client that broke off): werkzeug's 400."""
    return _post(path, b"---\ntitle: afbrudt", who=who, environ_overrides={"CONTENT_LENGTH": "5000"})


TOO_LARGE = b"x" * (2 * 1024 * 1024 + 1)  # over MAX_CONTENT_LENGTH: refused before the app reads it

SUB = "/api/submissions"
SID = "/api/submissions/{sid}"
_approve = lambda sid: f"/api/submissions/{sid}/approve"  # noqa: E731
_reject = lambda sid: f"/api/submissions/{sid}/reject"  # noqa: E731

BATCH = "/api/submissions/batch"
FOLLOW = "/api/networks/{slug}/follow"


def _batch(files, who="owner", app="app"):
    def run(env):
        parts = {"file": [(io.BytesIO(make().encode()), f"fil-{i}.md") for i, make in enumerate(files)]}
        return (
            env[app]
            .test_client()
            .post(BATCH, data=parts, headers=_auth(env[app], who), content_type="multipart/form-data")
        )

    return run


def _follow(method, network, who, app="app"):
    return (
        lambda env: env[app]
        .test_client()
        .open(f"/api/networks/{network}/follow", method=method, headers=_auth(env[app], who) if who else {})
    )


NOTE = "/api/notes/{slug}"


def _note(env, visibility: str = "network") -> str:
    """A note of the member's (a public one approved by the editor); its slug."""
    app = env["app"]
    created = app.test_client().post(
        "/api/notes", data=note_file(visibility=visibility).encode(), headers=_auth(app, "member", MARKDOWN)
    )
    assert created.status_code in (201, 202), created.get_data(as_text=True)
    if visibility == "public":
        sid = created.get_json()["submission"]
        assert app.test_client().post(_approve(sid), headers=_auth(app, "editor")).status_code == 200
    return created.get_json()["id"]


def _note_version(env, slug: str) -> str:
    return env["app"].test_client().get(f"/api/notes/{slug}", headers=_auth(env["app"], "member")).get_json()["version"]


def _note_op(
    method, who="member", visibility="network", version=True, data=None, content_type=MARKDOWN, app="app", **kwargs
):
    """``method`` on a fresh note of the member's; ``version``: send its current version (or this string)."""

    def run(env):
        slug = _note(env, visibility) if app == "app" else "2006-09-08-benchmarking-af-integrationsindsatsen"
        query = ""
        if version is True:
            query = f"?based_on={_note_version(env, slug) if app == 'app' else 'abc'}"
        elif version:
            query = f"?based_on={version}"
        body = data(slug) if callable(data) else data
        headers = _auth(env[app], who, content_type) if who else {"Content-Type": content_type} if content_type else {}
        return (
            env[app]
            .test_client()
            .open(f"/api/notes/{slug}{query}", method=method, data=body, headers=headers, **kwargs)
        )

    return run


def _put(sid_of, data=None, who="editor", content_type=MARKDOWN, app="app", **kwargs):
    """PUT a new text for a submission (portal/revisions.py); ``sid_of(env)`` makes the submission."""

    def run(env):
        sid = sid_of(env)
        body = data if data is not None else practice_file(body="Rettet tekst. (Testindhold.)").encode()
        return (
            env[app]
            .test_client()
            .put(f"/api/submissions/{sid}", data=body, headers=_auth(env[app], who, content_type), **kwargs)
        )

    return run


def _withdrawn_twice(env):
    slug = _note(env)
    app = env["app"]
    assert app.test_client().delete(f"/api/notes/{slug}", headers=_auth(app, "member")).status_code == 200
    return app.test_client().delete(f"/api/notes/{slug}", headers=_auth(app, "member"))


_edited = lambda slug: note_file(title=f"Rettet kontraktnotat {next(_n)}").encode()  # noqa: E731
_edited_public = lambda slug: note_file(visibility="public").encode()  # noqa: E731

#: (method, documented path, status) → how to make the API answer exactly that.
SCENARIOS = {
    ("GET", "/api/search", 200): _get("/api/search?q=flygtninge&type=practice,note"),
    ("GET", "/api/search", 400): _get("/api/search?" + "&".join(["topic=x"] * (limits.MAX_FILTER_VALUES + 1))),
    ("GET", "/api/search", 429): _blocked("GET", "/api/search?q=flygtninge"),
    ("GET", "/api/search", 503): _get("/api/search?q=flygtninge", app="unbuilt"),
    ("GET", "/api/practices/{slug}", 200): _get(f"/api/practices/{PRACTICE}"),
    ("GET", "/api/practices/{slug}", 404): _get("/api/practices/findes-ikke"),
    ("GET", "/api/practices/{slug}", 429): _blocked("GET", f"/api/practices/{PRACTICE}"),
    ("GET", "/api/practices/{slug}", 503): _get(f"/api/practices/{PRACTICE}", app="unbuilt"),
    ("GET", "/api/kommuner/{ref}", 200): _get("/api/kommuner/Grindsted"),
    ("GET", "/api/kommuner/{ref}", 404): _get("/api/kommuner/Grinsted"),
    ("GET", "/api/kommuner/{ref}", 429): _blocked("GET", "/api/kommuner/Billund"),
    ("GET", "/api/kommuner/{ref}", 503): _get("/api/kommuner/Billund", app="unbuilt"),
    ("GET", "/api/rankings/{slug}", 200): _get(f"/api/rankings/{RANKING}"),
    ("GET", "/api/rankings/{slug}", 404): _get("/api/rankings/findes-ikke"),
    ("GET", "/api/rankings/{slug}", 503): _get(f"/api/rankings/{RANKING}", app="unbuilt"),
    ("GET", "/api/rankings/{slug}.csv", 200): _get(f"/api/rankings/{RANKING}.csv"),
    ("GET", "/api/rankings/{slug}.csv", 404): _get("/api/rankings/findes-ikke.csv"),
    ("GET", "/api/rankings/{slug}.csv", 503): _get(f"/api/rankings/{RANKING}.csv", app="unbuilt"),
    ("GET", "/api/indicators", 200): _get("/api/indicators"),
    ("GET", "/api/indicators", 503): _get("/api/indicators", app="unbuilt"),
    ("POST", SUB, 201): _post(SUB, lambda env: practice_file().encode()),
    ("POST", SUB, 400): _truncated(SUB, "owner"),
    ("POST", SUB, 401): _post(SUB, lambda env: practice_file().encode(), who=None),
    ("POST", SUB, 409): _post(SUB, practice_file("Tidlig, virksomhedsrettet indsats for flygtninge").encode()),
    ("POST", SUB, 413): _post(SUB, TOO_LARGE),
    ("POST", SUB, 415): _post(SUB, lambda env: practice_file().encode(), content_type="application/pdf"),
    ("POST", SUB, 422): _post(SUB, practice_file().replace("ikke-evalueret", "virker").encode()),
    ("POST", SUB, 429): _blocked("POST", SUB),
    ("POST", SUB, 503): _post(SUB, lambda env: practice_file().encode(), app="damaged"),
    ("GET", SUB, 200): _get(SUB + "?status=pending", who="editor"),
    ("GET", SUB, 400): _get(SUB + "?status=ukendt", who="editor"),
    ("GET", SUB, 401): _get(SUB),
    ("GET", SUB, 429): _blocked("GET", SUB),
    ("GET", SUB, 503): _get(SUB, who="editor", app="damaged"),
    ("GET", SID, 200): lambda env: _get(f"/api/submissions/{_submit(env)}", who="owner")(env),
    ("GET", SID, 401): _get("/api/submissions/x"),
    ("GET", SID, 404): lambda env: _get(f"/api/submissions/{_submit(env)}", who="stranger")(env),
    ("GET", SID, 429): _blocked("GET", "/api/submissions/x"),
    ("GET", SID, 503): _get("/api/submissions/x", who="editor", app="damaged"),
    # revising a submission (portal/revisions.py): an editor's correction, an author's resend
    ("PUT", SID, 200): _put(_submit),
    ("PUT", SID, 400): _put(_submit, b"---\ntitle: afbrudt", environ_overrides={"CONTENT_LENGTH": "5000"}),
    ("PUT", SID, 401): _put(lambda env: "x", who=None),
    ("PUT", SID, 404): _put(_submit, who="stranger"),
    ("PUT", SID, 409): _put(_decided),
    ("PUT", SID, 413): _put(_submit, TOO_LARGE),
    ("PUT", SID, 415): _put(_submit, content_type="application/pdf"),
    ("PUT", SID, 422): _put(_submit, practice_file().replace("ikke-evalueret", "virker").encode()),
    ("PUT", SID, 429): _blocked("PUT", "/api/submissions/x"),
    ("PUT", SID, 503): _put(lambda env: "x", app="damaged"),
    ("POST", "/api/submissions/{sid}/approve", 200): _post(lambda env: _approve(_submit(env)), who="editor"),
    ("POST", "/api/submissions/{sid}/approve", 401): _post(_approve("x"), who=None),
    ("POST", "/api/submissions/{sid}/approve", 403): _post(lambda env: _approve(_submit(env)), who="owner"),
    ("POST", "/api/submissions/{sid}/approve", 404): _post(lambda env: _approve(_submit(env)), who="stranger"),
    ("POST", "/api/submissions/{sid}/approve", 409): _post(lambda env: _approve(_decided(env)), who="editor"),
    ("POST", "/api/submissions/{sid}/approve", 429): _blocked("POST", _approve("x")),
    ("POST", "/api/submissions/{sid}/approve", 503): _post(_approve("x"), who="editor", app="damaged"),
    ("POST", "/api/submissions/{sid}/reject", 200): _post(
        lambda env: _reject(_submit(env)), b'{"reason": "Kilde mangler."}', "editor", "application/json"
    ),
    ("POST", "/api/submissions/{sid}/reject", 400): _post(
        lambda env: _reject(_submit(env)), b"Kilde mangler.", "editor", "text/plain"
    ),
    ("POST", "/api/submissions/{sid}/reject", 401): _post(_reject("x"), b'{"reason": "x"}', None, "application/json"),
    ("POST", "/api/submissions/{sid}/reject", 403): _post(
        lambda env: _reject(_submit(env)), b'{"reason": "x"}', "owner", "application/json"
    ),
    ("POST", "/api/submissions/{sid}/reject", 404): _post(
        _reject("findes-ikke"), b'{"reason": "x"}', "editor", "application/json"
    ),
    ("POST", "/api/submissions/{sid}/reject", 409): _post(
        lambda env: _reject(_decided(env)), b'{"reason": "x"}', "editor", "application/json"
    ),
    ("POST", "/api/submissions/{sid}/reject", 413): _post(_reject("x"), TOO_LARGE, "editor", "application/json"),
    ("POST", "/api/submissions/{sid}/reject", 422): _post(
        lambda env: _reject(_submit(env)),
        json.dumps({"reason": "x" * (limits.MAX_REASON + 1)}).encode(),
        "editor",
        "application/json",
    ),
    ("POST", "/api/submissions/{sid}/reject", 429): _blocked("POST", _reject("x")),
    ("POST", "/api/submissions/{sid}/reject", 503): _post(
        _reject("x"), b'{"reason": "x"}', "editor", "application/json", app="damaged"
    ),
    ("POST", "/api/notes", 201): _post("/api/notes", lambda env: note_file().encode(), who="member"),
    ("POST", "/api/notes", 202): _post("/api/notes", lambda env: note_file(visibility="public").encode(), who="member"),
    ("POST", "/api/notes", 400): _truncated("/api/notes", "member"),
    ("POST", "/api/notes", 401): _post("/api/notes", lambda env: note_file().encode(), who=None),
    ("POST", "/api/notes", 403): _post("/api/notes", lambda env: note_file().encode(), who="stranger"),
    ("POST", "/api/notes", 413): _post("/api/notes", TOO_LARGE, who="member"),
    ("POST", "/api/notes", 415): _post("/api/notes", lambda env: note_file().encode(), "member", "image/png"),
    ("POST", "/api/notes", 422): _post("/api/notes", lambda env: note_file("findes-ikke").encode(), who="member"),
    ("POST", "/api/notes", 429): _blocked("POST", "/api/notes"),
    ("POST", "/api/notes", 503): _post("/api/notes", lambda env: note_file().encode(), "member", app="unbuilt"),
    # a note's life cycle (portal/web/views/api_notes.py)
    ("GET", NOTE, 200): lambda env: _get(f"/api/notes/{_note(env)}", who="member")(env),
    ("GET", NOTE, 401): lambda env: _get(f"/api/notes/{_note(env)}")(env),
    ("GET", NOTE, 404): lambda env: _get(f"/api/notes/{_note(env)}", who="stranger")(env),
    ("GET", NOTE, 429): _blocked("GET", "/api/notes/x"),
    ("GET", NOTE, 503): _get("/api/notes/x", who="member", app="unbuilt"),
    ("PUT", NOTE, 200): _note_op("PUT", data=_edited),
    ("PUT", NOTE, 202): _note_op("PUT", visibility="public", data=_edited_public),
    ("PUT", NOTE, 400): _note_op("PUT", data=b"---\ntitle: afbrudt", environ_overrides={"CONTENT_LENGTH": "5000"}),
    ("PUT", NOTE, 401): _note_op("PUT", who=None, data=_edited),
    ("PUT", NOTE, 403): _note_op("PUT", who="owner", visibility="public", version="abc", data=_edited_public),
    ("PUT", NOTE, 404): _note_op("PUT", who="stranger", version="abc", data=_edited),
    ("PUT", NOTE, 409): _note_op("PUT", version="abc", data=_edited),
    ("PUT", NOTE, 413): _note_op("PUT", data=TOO_LARGE),
    ("PUT", NOTE, 415): _note_op("PUT", data=_edited, content_type="image/png"),
    ("PUT", NOTE, 422): _note_op("PUT", version=None, data=_edited),
    ("PUT", NOTE, 429): _blocked("PUT", "/api/notes/x?based_on=abc"),
    ("PUT", NOTE, 503): _note_op("PUT", data=_edited, app="unbuilt"),
    ("DELETE", NOTE, 200): _note_op("DELETE", content_type=None),
    ("DELETE", NOTE, 400): _note_op("DELETE", data=b"ikke json", content_type="text/plain"),
    ("DELETE", NOTE, 401): _note_op("DELETE", who=None, content_type=None),
    ("DELETE", NOTE, 403): _note_op("DELETE", who="owner", visibility="public", version=None, content_type=None),
    ("DELETE", NOTE, 404): _note_op("DELETE", who="stranger", version=None, content_type=None),
    ("DELETE", NOTE, 409): _withdrawn_twice,
    ("DELETE", NOTE, 413): _note_op("DELETE", data=TOO_LARGE, content_type="application/json"),
    ("DELETE", NOTE, 422): _note_op(
        "DELETE", who="editor", version=None, data=b'{"reason": ""}', content_type="application/json"
    ),
    ("DELETE", NOTE, 429): _blocked("DELETE", "/api/notes/x"),
    ("DELETE", NOTE, 503): _note_op("DELETE", version=None, content_type=None, app="damaged"),
    # batch submission (portal/web/views/api_batch.py): multipart, one part "file" per Markdown file
    ("POST", BATCH, 200): _batch([practice_file, practice_file]),
    ("POST", BATCH, 400): _batch([]),
    ("POST", BATCH, 401): _batch([practice_file], who=None),
    ("POST", BATCH, 413): _post(BATCH, b"x" * (22 * 1024 * 1024), content_type="multipart/form-data; boundary=x"),
    ("POST", BATCH, 422): _batch([practice_file] * 101),
    ("POST", BATCH, 415): _post(BATCH, lambda env: practice_file().encode()),
    ("POST", BATCH, 429): _blocked("POST", BATCH),
    ("POST", BATCH, 503): _batch([practice_file], app="damaged"),
    # following a network (portal/web/views/follow.py)
    **{
        key: scenario
        for method in ("PUT", "DELETE")
        for key, scenario in {
            (method, FOLLOW, 200): _follow(method, "vestegnen", "member"),
            (method, FOLLOW, 401): _follow(method, "vestegnen", None),
            (method, FOLLOW, 403): _follow(method, "vestegnen", "stranger"),
            (method, FOLLOW, 404): _follow(method, "findes-ikke", "member"),
            (method, FOLLOW, 429): _blocked(method, "/api/networks/vestegnen/follow"),
            (method, FOLLOW, 503): _follow(method, "vestegnen", "member", app="damaged"),
        }.items()
    },
}

DOCUMENTED = [
    (method.upper(), path, int(status))
    for path, ops in PATHS.items()
    for method, op in ops.items()
    for status in op["responses"]
]

#: A damaged owned database is a 500 today; the faults branch (issue 11) maps it to a 503 with Retry-After.
#: Strict: once that lands these pass, and the marker must go.
CASES = [pytest.param(*case, id="{} {} {}".format(*case)) for case in DOCUMENTED]


@pytest.mark.parametrize("method, path, status", CASES)
def test_every_documented_status_is_real_and_matches_the_document(env, method, path, status):
    assert (method, path, status) in SCENARIOS, f"no scenario produces {status} for {method} {path}"
    response = SCENARIOS[(method, path, status)](env)  # validated against the document by the test client
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if status >= 400:
        assert response.get_json()["error"]


def test_every_scenario_is_documented():
    assert sorted(set(SCENARIOS) - set(DOCUMENTED)) == []


# --- the check itself ---------------------------------------------------------------


def test_the_document_is_a_valid_openapi_3_document(env):
    from openapi_spec_validator import validate

    served = env["app"].test_client().get("/api/openapi.json").get_json()
    assert served == spec()
    validate(served)  # raises on any structural error


def _tampered(real, body, status: int | None = None, mimetype: str = "application/json"):
    fake = Response(
        json.dumps(body) if mimetype == "application/json" else body,
        status=status or real.status_code,
        mimetype=mimetype,
    )
    fake.request = real.request
    return fake


def test_the_check_refuses_what_a_strict_client_would(env, monkeypatch):
    monkeypatch.setattr(api_contract, "LOG", None)  # counting mode would only log
    client = env["app"].test_client()
    real = client.get(f"/api/practices/{PRACTICE}")
    good = real.get_json()
    api_contract.check(real)  # the real answer passes
    broken = {
        "an unknown status value": {**good, "status": "måske"},
        "a missing field": {k: v for k, v in good.items() if k != "evidence"},
        "an undocumented field": {**good, "ekstra": 1},
        "null where none is allowed": {**good, "title": None},
        "a ranking without its position": {**good, "rankings": [{"kommune": {"code": "101", "name": "København"}}]},
    }
    for what, body in broken.items():
        with pytest.raises(api_contract.ContractViolation):
            api_contract.check(_tampered(real, body))
        assert what
    with pytest.raises(api_contract.ContractViolation, match="answered 500"):
        api_contract.check(_tampered(real, {"error": "intern fejl"}, status=500))
    search = client.get(f"/api/search?per_page={limits.MAX_PER_PAGE}")
    too_many = {**search.get_json(), "per_page": limits.MAX_PER_PAGE + 1}
    with pytest.raises(api_contract.ContractViolation, match="maximum"):
        api_contract.check(_tampered(search, too_many))
    unlisted = client.get("/api/findes-ikke")
    api_contract.check(unlisted)  # a JSON error: fine
    with pytest.raises(api_contract.ContractViolation, match="error shape"):
        api_contract.check(_tampered(unlisted, "<h1>Siden findes ikke</h1>", mimetype="text/html"))


# --- limits: what the document says is what the API does -----------------------------


def _search_param(name: str) -> dict:
    return next(p["schema"] for p in spec()["paths"]["/api/search"]["get"]["parameters"] if p["name"] == name)


def test_the_documented_limits_are_the_ones_the_api_enforces(env):
    client = env["app"].test_client()
    q_max = _search_param("q")["maxLength"]
    page_max, per_page_max = _search_param("page")["maximum"], _search_param("per_page")["maximum"]
    values_max = _search_param("topic")["maxItems"]
    assert (q_max, page_max, per_page_max, values_max) == (
        limits.MAX_Q,
        limits.MAX_PAGE,
        limits.MAX_PER_PAGE,
        limits.MAX_FILTER_VALUES,
    )
    assert client.get("/api/search?q=" + "a" * q_max).status_code in (200, 400)  # 400 only for too many words
    assert client.get("/api/search?q=" + "a" * (q_max + 1)).status_code == 400
    assert client.get(f"/api/search?page={page_max}").status_code == 200
    assert client.get(f"/api/search?page={page_max + 1}").status_code == 400
    assert client.get(f"/api/search?per_page={per_page_max}").status_code == 200
    assert client.get(f"/api/search?per_page={per_page_max + 1}").status_code == 400
    at_limit = ",".join(["practice"] * values_max)
    assert client.get(f"/api/search?type={at_limit}").status_code == 200
    assert client.get(f"/api/search?type={at_limit},note").status_code == 400  # commas count too
    assert client.get("/api/search?" + "&type=" * (values_max + 1)).status_code == 400  # blank repetitions too
    assert client.get("/api/search?topic=" + "x" * limits.MAX_TOPIC).status_code == 200
    assert client.get("/api/search?topic=" + "x" * (limits.MAX_TOPIC + 1)).status_code == 400
    # The index behind the portal never refuses or clamps what the portal lets through.
    from search_index import index as search_engine

    assert limits.MAX_PAGE <= search_engine.MAX_PAGE and limits.MAX_PER_PAGE <= search_engine.MAX_PER_PAGE


def test_the_documented_body_limits_hold(env):
    app = env["app"]
    body = spec()["paths"]["/api/submissions"]["post"]["requestBody"]["content"]["text/markdown"]["schema"]
    assert body["maxLength"] == limits.MAX_SUBMISSION_BYTES
    head = practice_file(body="")
    filler = limits.MAX_SUBMISSION_BYTES - len(head.encode()) - 1
    client = app.test_client()
    fits = client.post(SUB, data=practice_file(body="x" * filler).encode(), headers=_auth(app, "owner", MARKDOWN))
    assert fits.status_code == 201, fits.get_data(as_text=True)[:300]
    over = client.post(SUB, data=practice_file(body="x" * (filler + 2)).encode(), headers=_auth(app, "owner", MARKDOWN))
    assert over.status_code == 422 and "for stor" in over.get_json()["error"]
    note_over = client.post(
        "/api/notes",
        data=(note_file() + "x" * limits.MAX_SUBMISSION_BYTES).encode(),
        headers=_auth(app, "member", MARKDOWN),
    )
    assert note_over.status_code == 422 and "for stor" in note_over.get_json()["error"]
    reason = spec()["components"]["schemas"]["RejectRequest"]["properties"]["reason"]
    assert reason["maxLength"] == limits.MAX_REASON
    sid = _submit(env)
    long = client.post(_reject(sid), json={"reason": "x" * (limits.MAX_REASON + 1)}, headers=_auth(app, "editor"))
    assert long.status_code == 422
    at_limit = client.post(_reject(sid), json={"reason": "x" * limits.MAX_REASON}, headers=_auth(app, "editor"))
    assert at_limit.status_code == 200


# --- what the API gained ------------------------------------------------------------------


def _text(html: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", html)).split())


def test_a_practice_says_where_its_kommuner_rank_as_its_page_does(env):
    client = env["app"].test_client()
    slug = "vestegnskommunernes-benchmarking-af-integrationsindsatsen"
    rankings = client.get(f"/api/practices/{slug}").get_json()["rankings"]
    hoeje_taastrup = [r for r in rankings if r["kommune"]["code"] == "169"]
    assert hoeje_taastrup == [
        {
            "kommune": {"code": "169", "name": "Høje-Taastrup"},
            "ranking": RANKING,
            "title": hoeje_taastrup[0]["title"],
            "rank": 2,
            "of": 72,
            "as": "Høje Taastrup",
            "effect": -7.09,
            "significance": "***",
            "previous_rank": None,
        }
    ]
    page = _text(client.get(f"/erfaringer/{slug}").get_data(as_text=True))
    assert {r["kommune"]["code"] for r in rankings} == {"153", "165", "167", "169", "183"}
    for r in rankings:
        named = r["kommune"]["name"] + (f" – som {r['as']}" if r["as"] != r["kommune"]["name"] else "")
        assert f"{named}: nr. {r['rank']} af {r['of']} i {r['title']}" in page
    # A København practice lists København's row (rank 21 of 72 in the AKF ranking).
    kbh = client.get(f"/api/practices/{PRACTICE}").get_json()["rankings"]
    assert [(r["kommune"]["code"], r["rank"], r["of"]) for r in kbh] == [("101", 21, 72)]


def _login(app, client, email: str) -> None:
    _cli(app, "users", "password", email, "--password", "en-lang-adgangskode")
    html = client.get("/log-ind").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post("/log-ind", data={"email": email, "password": "en-lang-adgangskode", "csrf_token": token})
    assert response.status_code == 302


def test_a_submission_shows_its_owner_and_editors_what_was_submitted_and_nobody_else(env):
    app = env["app"]
    client = app.test_client()
    text = practice_file("Kontraktprøve med alle felter", body="Mentorer og **lektier**. (Testindhold.)")
    sid = _submit(env, text)
    for who in ("owner", "editor"):
        seen = client.get(f"/api/submissions/{sid}", headers=_auth(app, who)).get_json()
        assert seen["raw"] == text and seen["diff"] is None and not seen["is_update"]
        assert seen["submitted"]["title"] == "Kontraktprøve med alle felter"
        assert seen["submitted"]["kommuner"] == [
            {"code": "183", "name": "Ishøj", "official_name": "Ishøj Kommune", "region": "Hovedstaden"}
        ]
        assert seen["submitted"]["evidence"] == "ikke-evalueret" and seen["submitted"]["topics"] == ["lektiehjælp"]
        assert seen["submitted"]["body"].strip() == "Mentorer og **lektier**. (Testindhold.)"
    stranger = client.get(f"/api/submissions/{sid}", headers=_auth(app, "stranger"))
    assert stranger.status_code == 404 and set(stranger.get_json()) == {"error"}
    assert "Kontraktprøve" not in stranger.get_data(as_text=True)
    listed = client.get("/api/submissions?status=pending", headers=_auth(app, "stranger")).get_json()
    assert sid not in {s["id"] for s in listed["submissions"]}
    assert client.get(f"/api/submissions/{sid}").status_code == 401


def test_an_update_shows_the_diff_the_editor_sees_in_moderation(env):
    app = env["app"]
    client = app.test_client()
    slug = PRACTICE
    original = (Path(app.config["CONTENT_DIR"]) / "practices" / f"{slug}.md").read_text(encoding="utf-8")
    changed = original.replace("evidence: effekt", "evidence: delvis-effekt", 1)
    changed += "\nTilføjet afsnit. (Testindhold.)\n"
    assert changed != original
    sid = _submit(env, changed, slug=slug)
    seen = client.get(f"/api/submissions/{sid}", headers=_auth(app, "owner")).get_json()
    assert seen["is_update"] and seen["submitted"]["evidence"] == "delvis-effekt"
    lines = seen["diff"].split("\n")
    assert lines[0].startswith("--- ") and lines[1].startswith("+++ ")
    assert "-evidence: effekt" in lines and "+evidence: delvis-effekt" in lines
    assert "+Tilføjet afsnit. (Testindhold.)" in lines
    editor = app.test_client()
    _login(app, editor, "redaktoer@example.dk")
    page = editor.get(f"/redaktion/{sid}").get_data(as_text=True)
    shown = re.search(r'<pre class="diff"[^>]*>(.*?)</pre>', page, re.S).group(1)
    # Each line of the diff is its own element on the page (ins, del or a context line): the same lines.
    assert [html_lib.unescape(x) for x in re.findall(r"<(?:ins|del|span)>(.*?)</(?:ins|del|span)>", shown)] == lines
    stranger = client.get(f"/api/submissions/{sid}", headers=_auth(app, "stranger"))
    assert stranger.status_code == 404 and "delvis-effekt" not in stranger.get_data(as_text=True)


def test_docs_api_md_states_every_limit_with_its_value():
    """docs/api.md's table of limits is checked against portal/limits.py, not typed twice unchecked."""
    from search_index import index as search_engine
    from search_index.facets import MAX_FILTER_VALUES as INDEX_MAX_FILTER_VALUES

    text = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    for name in limits.__all__:
        row = re.search(rf"^\| `{name}` \|[^\n]*\| (\d+) \|$", text, re.M)
        assert row, f"docs/api.md has no row for {name}"
        assert int(row.group(1)) == getattr(limits, name), name
    for ceiling in (search_engine.MAX_PAGE, search_engine.MAX_PER_PAGE, INDEX_MAX_FILTER_VALUES):
        assert f"{ceiling:,}" in text


def test_the_slug_limit_is_the_content_formats():
    from portal.content.schema import SLUG_RE

    assert SLUG_RE.fullmatch("a" * limits.MAX_SLUG) and not SLUG_RE.fullmatch("a" * (limits.MAX_SLUG + 1))
