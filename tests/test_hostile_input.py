"""The bad-input catalogue of shared/RELIABILITY.md, table-driven, against the live app.

Every hostile input gets a clear 4xx with a Danish message — never a 500 — and a
refused write leaves nothing behind: the owned database (submissions, outbox,
moderation log, publications, users, sessions, tokens), the files in content/
and the search index are compared before and after.

Then access: CSRF on every form, ``next=`` in every spelling, replayed cookies,
and a role × endpoint × item-state matrix (strangers get 404, not 403).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest


from conftest import PASSWORD, close_site, make_site, run_cli
from test_properties import SCHEMES, TAGS, _as_browser_reads, assert_safe_html

PEOPLE = {
    "owner": ("ejer@example.dk", "contributor", ()),
    "other": ("anden@example.dk", "contributor", ()),
    "member": ("leder@broendby.example.dk", "contributor", ("vestegnen",)),
    "editor": ("redaktoer@example.dk", "editor", ()),
}
DANISH = re.compile(
    r"[æøåÆØÅ]|\b(ikke|skal|er|for|mangler|findes|ugyldig|ukendt|tilladt|højst|kun|nøglen|filen|send)\b", re.I
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = make_site(tmp_path_factory.mktemp("hostile"), people=PEOPLE)
    yield app
    close_site(app)


def bearer(site, role: str, content_type: str | None = "text/markdown; charset=utf-8") -> dict:
    headers = {"Authorization": f"Bearer {site.tokens[role]}"}
    if content_type:
        headers["Content-Type"] = content_type
    return headers


def csrf(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(site, role: str):
    client = site.test_client()
    response = client.post(
        "/log-ind", data={"email": PEOPLE[role][0], "password": PASSWORD, "csrf_token": csrf(client, "/log-ind")}
    )
    assert response.status_code == 302
    return client


def snapshot(site) -> dict:
    """Everything a write could leave behind (login attempts are allowed to change)."""
    data = Path(site.config["DATA_DIR"])
    con = sqlite3.connect(f"file:{data / 'owned.db'}?mode=ro", uri=True)
    try:
        tables = {
            t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()  # noqa: S608 - fixed names
            for t in ("users", "memberships", "tokens", "submissions", "moderation_log", "publications", "outbox")
        }
    finally:
        con.close()
    content = Path(site.config["CONTENT_DIR"])
    files = {
        str(p.relative_to(content)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(content.rglob("*"))
        if p.is_file()
    }
    total = site.test_client().get("/api/search?per_page=1").get_json()["total"]
    return {"tables": tables, "files": files, "indexed": total}


def assert_clear_refusal(response, statuses) -> str:
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:400])
    assert response.status_code < 500
    body = response.get_json() if response.is_json else None
    message = body["error"] if body else response.get_data(as_text=True)
    assert message and DANISH.search(message), message[:300]
    assert "Traceback" not in message and "Exception" not in message
    for e in (body or {}).get("errors", []):
        assert e["line"] >= 1 and e["message"]
    return message


# ----------------------------------------------------------------- front matter through POST /api/submissions


def practice(front: str = "", body: str = "Tekst. (Testindhold.)\n", *, title="Hostil test", nl="\n") -> bytes:
    lines = [f"title: {title}", "kommuner: [Ishøj]", "evidence: ikke-evalueret", "topics: [test]"] if title else []
    if title and "source" not in front:
        lines.append("source: Testmateriale, ingen rigtig kilde")
    text = "---\n" + "".join(f"{line}\n" for line in lines) + front + "---\n" + body
    return text.replace("\n", nl).encode("utf-8")


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)

FRONT_MATTER = [
    # (id, body bytes, expected status, words the message must hold)
    ("python-tag", practice("organisation: !!python/object/apply:os.system ['touch /tmp/pwned']\n"), 422, "tags"),
    ("python-name-tag", practice("contact: !!python/name:os.system\n"), 422, "tags"),
    ("alias-bomb", practice(ALIAS_BOMB), 422, "aliaser"),
    ("anchor-only", practice("source: &s kilde\n"), 422, "ankre"),
    ("deep-nesting", practice("source: " + "[" * 50 + "x" + "]" * 50 + "\n"), 422, "indlejret"),
    ("duplicate-key", practice("evidence: effekt\n"), 422, "to gange"),
    ("invalid-date-as-year", practice("start: 2006-02-30\n"), 422, "årstal"),
    ("octal-trap-year", practice("start: 0101\n"), 422, "årstal"),
    ("float-trap-year", practice("end: 1.10\n"), 422, "årstal"),
    (
        "no-as-evidence",
        practice(body="x\n", title="").replace(b"---\n", b"---\ntitle: x\nevidence: no\ntopics: [a]\n", 1),
        422,
        "evidence",
    ),
    ("list-root", b"---\n- title\n- evidence\n---\ntekst\n", 422, "samling"),
    ("scalar-root", b"---\nbare en tekst\n---\ntekst\n", 422, "samling"),
    ("empty-front-matter", b"---\n---\ntekst\n", 422, "samling"),
    ("missing-closing", b"---\ntitle: x\nevidence: effekt\ntopics: [a]\ntekst uden afslutning\n", 422, "afsluttende"),
    ("no-front-matter", b"Bare tekst\n", 422, "begynde"),
    ("nul-byte", practice(body="Tekst\x00med NUL\n"), 422, "NUL"),
    ("nul-in-front", practice("source: a\x00b\n"), 422, "NUL"),
    ("invalid-utf8", practice().replace(b"Hostil", b"Host\xffil"), 422, "UTF-8"),
    ("latin1", "---\ntitle: Bydelsmødre\n---\n".encode("latin-1"), 422, "UTF-8"),
    ("tab-indent", practice("source:\n\t- a\n"), 422, "YAML"),
    ("huge-front-matter", practice("source: |\n" + ("  " + "x" * 70 + "\n") * 1000), 422, "for stor"),
    ("huge-value", practice("source: " + "x" * 25_000 + "\n"), 422, "for lang"),
    ("title-too-long", practice(title="T" * 301), 422, "for lang"),
    ("body-too-large", practice(body="x" * 200_500), 422, "for stor"),
    ("unknown-key", practice("effect: stor\n"), 422, "ukendt nøgle"),
    ("empty-title", practice(title='""'), 422, "udfyldes"),
    ("missing-evidence", b"---\ntitle: x\ntopics: [a]\n---\n", 422, "udfyldes"),
    ("list-as-title", practice(title="[a, b]"), 422, "tekst"),
    ("mapping-as-topic", practice().replace(b"topics: [test]", b"topics: {a: b}"), 422, "liste"),
    ("unknown-kommune", practice().replace("Ishøj".encode(), b"Atlantis"), 422, "kommune"),
    ("yaml-directive", practice("%YAML 1.1\n"), 422, "YAML"),
    ("merge-key", practice("<<: {source: x}\n"), 422, "ukendt nøgle"),
    ("empty-body", b"", 422, "tom"),
    ("whitespace-body", b"  \n\n ", 422, "tom"),
]


@pytest.mark.parametrize("raw, status, says", [c[1:] for c in FRONT_MATTER], ids=[c[0] for c in FRONT_MATTER])
def test_bad_front_matter_is_refused_and_nothing_is_written(site, raw, status, says):
    before = snapshot(site)
    response = site.test_client().post("/api/submissions", data=raw, headers=bearer(site, "owner"))
    message = assert_clear_refusal(response, {status})
    details = " ".join(e["message"] for e in response.get_json().get("errors", []))
    assert says.lower() in (message + " " + details).lower(), (message, details)
    assert not Path("/tmp/pwned").exists()
    assert snapshot(site) == before


@pytest.mark.parametrize(
    "headers, raw, status",
    [
        ({"Content-Type": "application/json"}, b'{"title": "x"}', 415),
        # multipart is an evaluation report with its PDF (docs/api.md): an empty one lacks its 'file' part
        ({"Content-Type": "multipart/form-data; boundary=x"}, b"--x--", 422),
        ({}, b"x" * (2 * 1024 * 1024 + 10), 413),
    ],
    ids=["json", "multipart", "over-2MB"],
)
def test_wrong_types_and_oversize_bodies(site, headers, raw, status):
    before = snapshot(site)
    response = site.test_client().post("/api/submissions", data=raw, headers=bearer(site, "owner") | headers)
    assert_clear_refusal(response, {status})
    assert snapshot(site) == before


@pytest.mark.parametrize(
    "front, field, kept",
    [
        ("organisation: no\n", "organisation", "no"),
        ("contact: '0101'\n", "contact", "0101"),
        ("contact: 0101\n", "contact", "0101"),
        ("source: 1.10\n", "source", "1.10"),
        ("source: 2006-02-30\n", "source", "2006-02-30"),
        ("organisation: yes\n", "organisation", "yes"),
    ],
    ids=["no", "quoted-0101", "bare-0101", "1.10", "invalid-date-as-text", "yes"],
)
def test_typing_traps_stay_text(site, front, field, kept):
    title = f"Typefælde {front.strip()} ({hashlib.md5(front.encode()).hexdigest()[:6]})"
    created = site.test_client().post(
        "/api/submissions",
        data=practice(front, title=json.dumps(title, ensure_ascii=False)),
        headers=bearer(site, "owner"),
    )
    assert created.status_code == 201, created.get_json()
    sid = created.get_json()["id"]
    approved = site.test_client().post(f"/api/submissions/{sid}/approve", headers=bearer(site, "editor", None))
    assert approved.status_code == 200
    data = site.test_client().get(f"/api/practices/{approved.get_json()['slug']}").get_json()
    assert data[field] == kept and data["title"] == title


def test_crlf_and_bom_are_accepted(site):
    raw = b"\xef\xbb\xbf" + practice(title="CRLF og BOM", nl="\r\n")
    created = site.test_client().post("/api/submissions", data=raw, headers=bearer(site, "owner"))
    assert created.status_code == 201, created.get_json()
    sid = created.get_json()["id"]
    sub = site.test_client().get(f"/api/submissions/{sid}", headers=bearer(site, "owner", None)).get_json()
    assert sub["title"] == "CRLF og BOM"


# ----------------------------------------------------------------- Markdown: submitted, approved, rendered

# Schemes hidden behind a control character ("\x01javascript:") are refused at the door now
# (tests/test_decoded_values.py); the sanitizer is tested with the rest.
_PRINTABLE_SCHEMES = [s for s in SCHEMES if not any(ord(c) < 0x20 and c not in "\t\n" for c in s)]
MARKDOWN = "\n\n".join(
    [f"[klik {i}]({s}alert({i}))" for i, s in enumerate(_PRINTABLE_SCHEMES)]
    + [f'<a href="{s}alert(1)">a{i}</a>' for i, s in enumerate(_PRINTABLE_SCHEMES)]
    + TAGS
    + ["# Overskrift {#main}", "Afsnit\n{: #x onclick=alert(1) }", "[TOC]", "<p id=content name=x>clobber</p>"]
)
# Payloads with a known worst case in python-markdown, at sizes the 200 000-character cap allows.
SLOW_MARKDOWN = [
    "<" * 40_000,
    "`" * 40_000,
    "*a " * 30_000,
    "> " * 20_000 + "x",
    "-" * 60_000,
    "_*" * 8_000,
    "&#" * 8_000,
    "<!--" * 4_000,
    "<div>" * 4_000,
    "**x" * 5_000,
]
# Payloads whose render time grows with the square of their length (python-markdown's inline
# link/code scanning restarts at every '[' or '`'): each of these ~2-10 kB bodies takes 1-2.5 s
# on 2 cores, and ten times as long takes minutes (``"[" * 8000``: 28 s; ``"`[" * 5000``: 33 s).
# The 200 000-character cap does not bound them. A bug, reported; strict xfail until fixed.
SUPERLINEAR_MARKDOWN = ["[" * 2_500, "`[" * 1_200, "[a][" * 1_500, "<a " * 3_000, "![](" * 2_000]


class _Attrs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad: list = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            url = _as_browser_reads(value or "")
            if name.startswith("on") or (
                name in ("href", "src", "action") and url.startswith(("javascript:", "vbscript:", "data:"))
            ):
                self.bad.append((tag, name, value))
        if tag in ("iframe", "svg", "object", "embed", "base", "meta") and not (
            tag == "meta" and dict(attrs).get("charset")
        ):
            if tag != "meta" or "http-equiv" in dict(attrs):
                self.bad.append((tag,))


def _publish(site, title: str, body: str) -> tuple[str, float]:
    created = site.test_client().post(
        "/api/submissions", data=practice(title=title, body=body), headers=bearer(site, "owner")
    )
    assert created.status_code == 201, created.get_json()
    t0 = time.perf_counter()
    approved = site.test_client().post(
        f"/api/submissions/{created.get_json()['id']}/approve", headers=bearer(site, "editor", None)
    )
    assert approved.status_code == 200, approved.get_json()
    return approved.get_json()["slug"], time.perf_counter() - t0


def test_markdown_payloads_are_sanitized_when_published(site):
    slug, _ = _publish(site, "Markdown med angreb", MARKDOWN)
    data = site.test_client().get(f"/api/practices/{slug}").get_json()
    assert data["body"].startswith("[klik 0]")  # the Markdown itself is kept as written
    assert_safe_html(data["html"])
    page = site.test_client().get(f"/erfaringer/{slug}").get_data(as_text=True)
    parser = _Attrs()
    parser.feed(page)
    assert parser.bad == []
    assert page.count("<script") == site.test_client().get("/erfaringer/bydelsmoedrene").get_data(as_text=True).count(
        "<script"
    )
    assert data["html"] in page or data["html"].replace("&#39;", "'") in page or "alert" in page


@pytest.mark.parametrize("body", SLOW_MARKDOWN, ids=lambda b: f"{b[:4]!r}x{len(b)}")
def test_slow_regex_markdown_is_bounded(site, body):
    # Either refused up front (too many '[', '`' or '<': see portal/rendering.check_markdown) …
    title = f"Langsom markdown {hashlib.md5(body.encode()).hexdigest()[:8]}"
    probe = site.test_client().post(
        "/api/submissions", data=practice(title=title, body=body), headers=bearer(site, "owner")
    )
    if probe.status_code == 422:
        assert [e["field"] for e in probe.get_json()["errors"]] == ["body"]
        return
    # … or published: each approval (validation, rendering, database, index) took < 1 s on 2 cores.
    slug, seconds = _publish(site, title + " (2)", body)
    assert seconds < 10, seconds
    assert_safe_html(site.test_client().get(f"/api/practices/{slug}").get_json()["html"])


@pytest.mark.parametrize("body", SUPERLINEAR_MARKDOWN, ids=lambda b: f"{b[:4]!r}x{len(b)}")
def test_quadratic_markdown_is_refused(body):
    """python-markdown is quadratic on runs of unmatched '[', '`' or '<' (8,000 '[' took
    28 s): such paragraphs are refused before rendering, everywhere text is rendered."""
    from portal.rendering import MarkdownTooLarge, render_markdown

    with pytest.raises(MarkdownTooLarge):
        render_markdown(body)


def test_quadratic_markdown_is_refused_at_submission_with_its_line(site):
    before = snapshot(site)
    body = (
        "---\ntitle: Langsom tekst\nevidence: effekt\ntopics: [a]\nsource: Testmateriale\n---\nIndledning.\n\n"
        + "[" * 2_500
        + "\n"
    )
    response = site.test_client().post("/api/submissions", data=body.encode(), headers=bearer(site, "owner"))
    assert_clear_refusal(response, {422})
    assert response.get_json()["errors"] == [
        {"line": 9, "field": "body", "message": "et afsnit har for mange '[' (højst 300 pr. afsnit); del det op"}
    ]
    assert snapshot(site) == before


# ----------------------------------------------------------------- search

SEARCHES = [
    ("very-long", "flygtninge " * 60, {400}),
    ("pasted-300-words", " ".join(["integrationsindsatsen", "i", "kommunen", "virker"] * 75), {400}),
    ("20-words", " ".join(f"ord{i}" for i in range(20)), {400}),
    ("deep-parentheses", "(" * 200 + "a" + ")" * 200, {200}),
    ("dangling-and", "flygtninge AND", {200}),
    ("dangling-or", "OR", {200}),
    ("dangling-not", "NOT NOT", {200}),
    ("field", "title:x", {200}),
    ("boost", "x^1000", {200}),
    ("bare-wildcard", "*", {200}),
    ("leading-wildcard", "*a*", {200}),
    ("short-prefix", "a*", {200}),
    ("range", "[a TO z]", {200}),
    ("unbalanced-quote", '"flygtninge', {200}),
    ("nul", "flygt\x00ninge", {400}),
    ("lone-surrogate-ish", "\ufffe\uffff", {200}),
    ("emoji", "🙂" * 100, {200}),
    ("just-over-limit", "x" * 501, {400}),
]


@pytest.mark.parametrize("q, statuses", [s[1:] for s in SEARCHES], ids=[s[0] for s in SEARCHES])
@pytest.mark.parametrize("url", ["/api/search", "/soeg"])
def test_hostile_searches_are_answered_quickly_and_clearly(site, url, q, statuses):
    t0 = time.perf_counter()
    response = site.test_client().get(url, query_string={"q": q})
    assert time.perf_counter() - t0 < 5
    if response.status_code != 200:
        assert_clear_refusal(response, statuses)
    assert response.status_code in statuses


@pytest.mark.parametrize(
    "query",
    [
        {"per_page": "0"},
        {"per_page": "101"},
        {"page": "-1"},
        {"page": "1001"},
        {"page": "x"},
        {"per_page": "1e3"},
        {"type": "draft"},
        {"evidence": "virker"},
        {"region": "Skåne"},
        {"kommune": "Atlantis"},
        {"topic": "x" * 81},
        {"type": ",".join(["practice"] * 21)},
    ],
    ids=lambda q: "&".join(f"{k}={v[:10]}" for k, v in q.items()),
)
def test_bad_search_parameters_are_400(site, query):
    for url in ("/api/search", "/soeg"):
        assert_clear_refusal(site.test_client().get(url, query_string=query), {400})


# ----------------------------------------------------------------- access: CSRF, next=, cookies


def _pending(site, title: str) -> str:
    created = site.test_client().post("/api/submissions", data=practice(title=title), headers=bearer(site, "owner"))
    assert created.status_code == 201
    return created.get_json()["id"]


def test_every_form_post_needs_its_own_csrf_token(site):
    sid = _pending(site, "CSRF-prøve")
    editor, member, owner = login(site, "editor"), login(site, "member"), login(site, "owner")
    foreign = csrf(site.test_client(), "/log-ind")  # a valid token, but of another session
    forms = [
        (site.test_client(), "/log-ind", {"email": PEOPLE["owner"][0], "password": PASSWORD}),
        (owner, "/log-ud", {}),
        (owner, "/indsend", {"title": "x", "evidence": "effekt", "topics": "a", "body": "x"}),
        (editor, f"/redaktion/{sid}/godkend", {}),
        (editor, f"/redaktion/{sid}/afvis", {"reason": "nej"}),
        (
            member,
            "/netvaerk/vestegnen/nyt-notat",
            {"title": "x", "date": "2026-01-01", "visibility": "public", "body": "x"},
        ),
    ]
    for client, url, data in forms:
        for token in (None, foreign, "", "x" * 40):
            before = snapshot(site)
            form = dict(data) if token is None else dict(data, csrf_token=token)
            response = client.post(url, data=form)
            assert_clear_refusal(response, {400})
            assert snapshot(site) == before, url
    # the sessions survived the refused logout, and the submission is still pending
    assert owner.get("/mine-indsendelser").status_code == 200
    assert (
        site.test_client().get(f"/api/submissions/{sid}", headers=bearer(site, "owner", None)).get_json()["status"]
        == "pending"
    )


@pytest.mark.parametrize(
    "evil",
    [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "/%2F%2Fevil.example",
        "\t//evil.example",
        "///evil.example",
        "http:evil.example",
        "/\t/evil.example",
        " //evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/\r\n//evil.example",
        "\\\\evil.example",
    ],
)
def test_login_next_never_leaves_the_site(site, evil):
    client = site.test_client()
    response = client.post(
        f"/log-ind?next={evil}" if "\r" not in evil else "/log-ind",
        data={"email": PEOPLE["other"][0], "password": PASSWORD, "next": evil, "csrf_token": csrf(client, "/log-ind")},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost") and parts.scheme in ("", "http"), location
    assert not location.startswith(("//", "/\\", "\\")) and "\t" not in location and "\n" not in location
    assert "evil.example" not in (parts.netloc or "")


def test_replayed_session_cookies_are_refused(site):
    # after logout
    client = login(site, "other")
    cookie = client.get_cookie("hv_session").value
    client.post("/log-ud", data={"csrf_token": csrf(client, "/mine-indsendelser")})
    replay = site.test_client()
    replay.set_cookie("hv_session", cookie)
    assert replay.get("/mine-indsendelser").status_code == 302
    # after a password change
    client = login(site, "other")
    cookie = client.get_cookie("hv_session").value
    assert client.get("/mine-indsendelser").status_code == 200
    old_token = site.tokens["other"]
    run_cli(site, "users", "password", PEOPLE["other"][0], "--password", PASSWORD)
    replay = site.test_client()
    replay.set_cookie("hv_session", cookie)
    assert replay.get("/mine-indsendelser").status_code == 302
    assert client.get("/mine-indsendelser").status_code == 302
    # a password change revokes the API tokens too; the later tests get a new one
    assert site.test_client().get("/api/submissions", headers=bearer(site, "other", None)).status_code == 401
    site.tokens["other"] = run_cli(site, "users", "token", PEOPLE["other"][0]).strip().splitlines()[-1]
    assert old_token != site.tokens["other"]
    assert site.test_client().get("/api/submissions", headers=bearer(site, "other", None)).status_code == 200
    # a made-up or tampered cookie
    tampered = site.test_client()
    tampered.set_cookie("hv_session", cookie[:-4] + "AAAA")
    assert tampered.get("/mine-indsendelser").status_code == 302


# ----------------------------------------------------------------- the role × endpoint × item-state matrix

ROLES = ("anonymous", "owner", "other", "member", "editor")
STATES = ("pending", "approved", "rejected", "public-note", "network-note", "pending-note", "withdrawn-note")
# which roles see an item in each state on the public surfaces (pages, search, feeds, sitemap, kommune, network)
SEES = {
    "pending": set(),
    "approved": set(ROLES),
    "rejected": set(),
    "public-note": set(ROLES),
    "network-note": {"member"},
    "pending-note": set(),  # a public note waiting for an editor
    "withdrawn-note": set(),  # a public note its author withdrew: its page is a 410 for everyone
}
# who may read the submission itself (its page and its API record); everyone else gets 404 (anonymous: login / 401)
SUBMISSION_READERS = {"owner", "editor"}


@pytest.fixture(scope="module")
def matrix(site):
    """One item in each state, each with a unique word, in Ishøj (kommune 183) and the network vestegnen."""
    items = {}
    for state in ("pending", "approved", "rejected"):
        word = f"matrixord{state}"
        title = f"Matrixprøve {state} {word}"
        created = site.test_client().post(
            "/api/submissions", headers=bearer(site, "owner"), data=practice(title=title, body=f"Tekst med {word}.\n")
        )
        sid = created.get_json()["id"]
        if state == "approved":
            assert (
                site.test_client()
                .post(f"/api/submissions/{sid}/approve", headers=bearer(site, "editor", None))
                .status_code
                == 200
            )
        if state == "rejected":
            assert (
                site.test_client()
                .post(f"/api/submissions/{sid}/reject", json={"reason": "Nej."}, headers=bearer(site, "editor", None))
                .status_code
                == 200
            )
        slug = site.test_client().get(f"/api/submissions/{sid}", headers=bearer(site, "owner", None)).get_json()["slug"]
        items[state] = {
            "sid": sid,
            "slug": slug,
            "title": title,
            "word": word,
            "page": f"/erfaringer/{slug}",
            "api": f"/api/practices/{slug}",
        }
    for state, visibility in (
        ("public-note", "public"),
        ("network-note", "network"),
        ("pending-note", "public"),
        ("withdrawn-note", "public"),
    ):
        word = f"matrixord{state.replace('-', '')}"
        title = f"Matrixnotat {visibility} {word}"
        raw = (
            f"---\ntitle: {title}\nnetwork: vestegnen\ndate: 2026-11-23\nvisibility: {visibility}\n"
            f"kommuner: [Ishøj]\ntopics: [{word}emne]\n---\nNotat med {word}.\n"
        )
        created = site.test_client().post("/api/notes", data=raw.encode(), headers=bearer(site, "member"))
        assert created.status_code == (202 if visibility == "public" else 201), created.get_json()
        slug = created.get_json()["id"]
        if visibility == "public" and state != "pending-note":
            sid = created.get_json()["submission"]
            assert (
                site.test_client()
                .post(f"/api/submissions/{sid}/approve", headers=bearer(site, "editor", None))
                .status_code
                == 200
            )
        if state == "withdrawn-note":
            assert (
                site.test_client().delete(f"/api/notes/{slug}", headers=bearer(site, "member", None)).status_code == 200
            )
        items[state] = {"slug": slug, "title": title, "word": word, "page": f"/notater/{slug}", "api": None}
    clients = {"anonymous": site.test_client()} | {r: login(site, r) for r in ROLES if r != "anonymous"}
    headers = {"anonymous": {}} | {r: bearer(site, r, None) for r in ROLES if r != "anonymous"}
    return items, clients, headers


def _sitemap(client) -> str | None:
    response = client.get("/sitemap.xml")
    return response.get_data(as_text=True) if response.status_code == 200 else None


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(site, matrix, role, state):
    items, clients, headers = matrix
    item, client, auth = items[state], clients[role], headers[role]
    sees = role in SEES[state]

    # the item's own page and API record: 200 or 404, never 403; a withdrawn public note says so (410)
    assert client.get(item["page"]).status_code == (410 if state == "withdrawn-note" else 200 if sees else 404)
    if item["api"]:
        assert site.test_client().get(item["api"], headers=auth).status_code == (200 if sees else 404)

    # search (page and API), prefix search, suggestions and facets
    api = site.test_client().get("/api/search", query_string={"q": item["word"]}, headers=auth).get_json()
    assert (api["total"] > 0) == sees, api
    prefix = site.test_client().get("/api/search", query_string={"q": item["word"][:-2] + "*"}, headers=auth).get_json()
    assert any(item["title"] == r["title"] for r in prefix["results"]) == sees
    typo = site.test_client().get("/api/search", query_string={"q": item["word"][:-1] + "x"}, headers=auth).get_json()
    assert (item["word"] in (typo["suggestion"] or "")) <= sees
    browse = (
        site.test_client()
        .get("/api/search", query_string={"per_page": "100", "kommune": "183"}, headers=auth)
        .get_json()
    )
    assert (item["word"] in str(browse["facets"])) <= sees
    assert any(r["title"] == item["title"] for r in browse["results"]) == sees
    assert (item["title"] in client.get("/soeg", query_string={"q": item["word"]}).get_data(as_text=True)) == sees

    # feeds (public items only, whoever reads them), sitemap, kommune page and API, network page
    in_feeds = state in ("approved", "public-note")
    assert (item["title"] in client.get("/feed.atom").get_data(as_text=True)) == in_feeds
    assert (item["title"] in client.get("/kommuner/ishoej/feed.atom").get_data(as_text=True)) == in_feeds
    assert (item["title"] in client.get("/kommuner/ishoej").get_data(as_text=True)) == sees
    kommune = str(site.test_client().get("/api/kommuner/183", headers=auth).get_json())
    assert (item["title"] in kommune) == sees
    if state.endswith("note"):
        assert (item["title"] in client.get("/netvaerk/vestegnen").get_data(as_text=True)) == sees
        assert (item["title"] in client.get("/netvaerk/vestegnen/feed.atom").get_data(as_text=True)) == in_feeds
    sitemap = _sitemap(client)
    if sitemap is not None:
        assert (item["page"] in sitemap) == in_feeds

    # the submission itself (practices only): its owner and editors; strangers 404, never 403
    if "sid" in item:
        page = client.get(f"/indsendelser/{item['sid']}")
        record = site.test_client().get(f"/api/submissions/{item['sid']}", headers=auth)
        if role == "anonymous":
            assert page.status_code == 302 and record.status_code == 401
        else:
            expected = 200 if role in SUBMISSION_READERS else 404
            assert page.status_code == expected and record.status_code == expected
        review = client.get(f"/redaktion/{item['sid']}")
        assert review.status_code == {"anonymous": 302, "editor": 200}.get(role, 403)
        listing = site.test_client().get(
            f"/api/submissions?status={'pending' if state == 'pending' else state}", headers=auth
        )
        if role == "anonymous":
            assert listing.status_code == 401
        else:
            ids = [s["id"] for s in listing.get_json()["submissions"]]
            assert (item["sid"] in ids) == (role in SUBMISSION_READERS)


def test_deciding_is_for_editors_only_and_strangers_learn_nothing(site, matrix):
    items, clients, headers = matrix
    sid = items["pending"]["sid"]
    before = snapshot(site)
    for role, status in (("owner", 403), ("other", 404), ("member", 404)):
        for action in ("approve", "reject"):
            response = site.test_client().post(
                f"/api/submissions/{sid}/{action}", json={"reason": "x"}, headers=headers[role]
            )
            assert_clear_refusal(response, {status})
        token = csrf(clients[role], "/mine-indsendelser")
        for action in ("godkend", "afvis"):
            response = clients[role].post(f"/redaktion/{sid}/{action}", data={"csrf_token": token, "reason": "x"})
            assert response.status_code == 403  # the moderation pages are for editors; 403 says nothing about the item
    assert site.test_client().post(f"/api/submissions/{sid}/approve").status_code == 401
    assert snapshot(site) == before
