"""Issue 11 (inputs) and 15 (feeds): what a value is once decoded, full-match slugs, XML built
by a library, hosts from BASE_URL, privacy of what is not published, JSON depth, feeds that
follow approved updates.

Every refusal is checked for a clean answer (a ``path:line``/field error, a 4xx with JSON
under /api/) and for leaving nothing behind (``snapshot`` compares the owned database, the
files in content/ and the index before and after). All texts written here are test material.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from portal.content.errors import ContentErrors
from portal.content.loader import load_content, parse_file
from portal.ingest import IngestFailed, current_generation, ingest
from portal.web import create_app
from portal.web import xmlout

from conftest import CONTENT, close_site, make_site
from test_hostile_input import PASSWORD, PEOPLE, assert_clear_refusal, bearer, csrf, login, practice, snapshot

ATOM = "{http://www.w3.org/2005/Atom}"
# Values that decode to characters XML and a terminal must never see, and how YAML writes them.
ESCAPES = {
    "nul": r"\0",
    "escape": r"\e",
    "bell": r"\a",
    "nel": r"\N",
    "c1": r"\x9b",
    "line-separator": r"\L",
    "surrogate": r"\ud800",
    "non-character": r"\uffff",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A portal of its own on a copy of the content, with the people of test_hostile_input."""
    app = make_site(tmp_path_factory.mktemp("decoded"), people=PEOPLE)
    yield app
    close_site(app)


def note(title: str, body: str = "Testnotat. (Testindhold.)\n", visibility: str = "public") -> bytes:
    return (f"---\ntitle: {title}\nnetwork: vestegnen\ndate: 2026-11-30\nvisibility: {visibility}\n---\n{body}").encode(
        "utf-8"
    )


def all_xml(client) -> dict[str, bytes]:
    """Every XML document the portal writes, as a reader fetches it."""
    urls = [
        "/feed.atom",
        "/kommuner/ishoej/feed.atom",
        "/kommuner/broendby/feed.atom",
        "/netvaerk/vestegnen/feed.atom",
        "/emner/benchmarking/feed.atom",
        "/emner/test/feed.atom",
        "/sitemap.xml",
        "/opensearch.xml",
    ]
    out = {}
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            out[url] = response.data
    return out


def assert_well_formed(documents: dict[str, bytes]) -> None:
    for url, data in documents.items():
        try:
            ET.fromstring(data)
        except ET.ParseError as exc:  # pragma: no cover - the failure this test exists for
            pytest.fail(f"{url} is not well-formed XML: {exc}")


# ----------------------------------------------------------------- decoded values in content files


@pytest.mark.parametrize("name", ESCAPES)
def test_yaml_escapes_in_a_title_are_refused_with_path_and_line(name):
    raw = f'---\nevidence: effekt\ntopics: [a]\ntitle: "Før {ESCAPES[name]} efter"\n---\nTekst\n'.encode()
    with pytest.raises(ContentErrors) as caught:
        parse_file("practice", raw, "practices/x.md", slug="x")
    error = caught.value.errors[0]
    assert str(error).startswith("practices/x.md:4: ")
    assert (
        error.field == ("title" if name != "surrogate" else None)
        and "ikke er tilladt" in error.message
        or name == "surrogate"
    )
    assert not re.search("[\x00-\x1f\x7f-\x9f]", error.message)  # the message names it, never echoes it


@pytest.mark.parametrize(
    "front, field, line",
    [
        ('title: "Tab\\ti titlen"\n', "title", 2),
        ('title: "To\\nlinjer"\n', "title", 2),
        ('title: x\ntopics: ["a\\nb"]\n', "topics", 3),
        ('title: x\norganisation: "Org\\e"\n', "organisation", 3),
    ],
)
def test_single_line_fields_take_no_tab_or_new_line(front, field, line):
    raw = (
        f"---\n{front}evidence: effekt\nsource: Testmateriale\n"
        + ("topics: [a]\n" if "topics" not in front else "")
        + "---\nTekst\n"
    )
    with pytest.raises(ContentErrors) as caught:
        parse_file("practice", raw.encode(), "practices/x.md", slug="x")
    assert [(e.field, e.line) for e in caught.value.errors] == [(field, line)]


def test_multi_line_texts_keep_tabs_and_new_lines_but_not_controls():
    good = '---\ntitle: x\nevidence: effekt\ntopics: [a]\nsource: "linje 1\\nlinje 2\\tmed tab"\n---\nA\tb\n\nc\n'
    record = parse_file("practice", good.encode(), "practices/x.md", slug="x")
    assert record["source"] == "linje 1\nlinje 2\tmed tab" and record["body_md"] == "A\tb\n\nc"
    with pytest.raises(ContentErrors) as caught:
        parse_file(
            "practice",
            b"---\ntitle: x\nevidence: effekt\ntopics: [a]\n---\nA\n\nb \x1b[31m c\n",
            "practices/x.md",
            slug="x",
        )
    assert str(caught.value.errors[0]).startswith("practices/x.md:8: teksten indeholder styretegnet U+001B")
    assert caught.value.errors[0].field == "body"


def test_raw_controls_in_front_matter_and_c1_in_yaml_files_are_refused():
    with pytest.raises(ContentErrors) as caught:
        parse_file(
            "practice",
            "---\ntitle: x\u0085y\nevidence: effekt\ntopics: [a]\n---\nA\n".encode(),
            "practices/x.md",
            slug="x",
        )
    assert str(caught.value.errors[0]).startswith("practices/x.md:2: ")
    with pytest.raises(ContentErrors) as caught:
        parse_file("network", 'name: "Net\\0værk"\n'.encode(), "networks/n.yaml", slug="n")
    assert str(caught.value.errors[0]).startswith("networks/n.yaml:1: 'name' indeholder et NUL-tegn")


def test_a_file_name_with_a_final_new_line_is_refused_by_the_ingest(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    good = next((content / "practices").glob("*.md"))
    (content / "practices" / f"{good.stem}\n.md").write_bytes(good.read_bytes())
    loaded = load_content(content)
    assert any("filnavnet" in str(e) and e.path.endswith("\n.md") for e in loaded.errors), loaded.errors


def test_an_ingest_refuses_an_escaped_title_and_keeps_the_live_generation(tmp_path):
    content, data = tmp_path / "content", tmp_path / "data"
    shutil.copytree(CONTENT, content)
    ingest(content, data)
    before = current_generation(data)
    bad = content / "practices" / "styretegn.md"
    bad.write_text(
        '---\ntitle: "Titel med \\e[31m farve"\nevidence: effekt\ntopics: [test]\nsource: Testmateriale\n---\nTestindhold.\n',
        encoding="utf-8",
    )
    with pytest.raises(IngestFailed) as info:
        ingest(content, data)
    assert [str(e) for e in info.value.errors] == [
        f"{bad}:2: 'title' indeholder styretegnet U+001B, som ikke er tilladt"
    ]
    assert current_generation(data) == before


# ----------------------------------------------------------------- the same through the API and the forms


@pytest.mark.parametrize("name", ["nul", "escape", "c1", "surrogate"])
def test_api_refuses_escaped_controls_in_practices_and_notes_and_writes_nothing(site, name):
    before = snapshot(site)
    client = site.test_client()
    title = f'"Hostil {ESCAPES[name]} titel"'
    response = client.post("/api/submissions", data=practice(title=title), headers=bearer(site, "owner"))
    assert assert_clear_refusal(response, {422})
    error = response.get_json()["errors"][0]
    assert error["line"] == 2 and error["field"] == (
        "title" if name != "surrogate" else None
    )  # PyYAML refuses "\ud800"
    response = client.post("/api/notes", data=note(title), headers=bearer(site, "member"))
    assert assert_clear_refusal(response, {422})
    assert snapshot(site) == before
    assert_well_formed(all_xml(client))


def test_form_refuses_a_control_beside_its_field_and_keeps_what_was_typed(site):
    client = login(site, "owner")
    before = snapshot(site)
    form = {
        "title": "Formular\x1b[2Jtitel",
        "evidence": "effekt",
        "source": "Testmateriale, ingen rigtig kilde",
        "topics": "test",
        "kommuner": "183",
        "body": "Tekst (testindhold).",
        "csrf_token": csrf(client, "/indsend"),
        "action": "submit",
    }
    response = client.post("/indsend", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "»Titel« indeholder styretegnet U+001B" in page
    assert "Tekst (testindhold)." in page  # nothing the user typed is lost
    assert snapshot(site) == before


def test_note_form_refuses_a_control_in_the_body_beside_the_body(site):
    client = login(site, "member")
    before = snapshot(site)
    url = "/netvaerk/vestegnen/nyt-notat"
    form = {
        "title": "Notat med klokke (test)",
        "date": "2026-11-30",
        "visibility": "public",
        "body": "Første linje\n\nAnden \x07 linje (testindhold)",
        "csrf_token": csrf(client, url),
    }
    response = client.post(url, data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Teksten indeholder styretegnet U+0007" in page and "Notat med klokke (test)" in page
    assert snapshot(site) == before


def test_reject_reason_with_an_escaped_nul_is_refused_and_the_submission_stays_pending(site):
    created = site.test_client().post(
        "/api/submissions", data=practice(title="Afvises med NUL (test)"), headers=bearer(site, "owner")
    )
    sid = created.get_json()["id"]
    editor = bearer(site, "editor", "application/json")
    response = site.test_client().post(
        f"/api/submissions/{sid}/reject", data='{"reason": "nej\\u0000tak"}', headers=editor
    )
    assert assert_clear_refusal(response, {422})
    assert site.test_client().get(f"/api/submissions/{sid}", headers=editor).get_json()["status"] == "pending"


@pytest.mark.parametrize("url", ["/api/submissions/{sid}/reject", "/api/submissions", "/api/notes"])
def test_deeply_nested_json_is_a_400_with_json(site, url):
    sid = (
        site.test_client()
        .post("/api/submissions", data=practice(title="Dyb JSON (test)"), headers=bearer(site, "owner"))
        .get_json()["id"]
    )
    before = snapshot(site)
    body = '{"reason": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = site.test_client().post(
        url.format(sid=sid), data=body, headers=bearer(site, "editor", "application/json")
    )
    assert response.status_code == 400 and "indlejret for dybt" in response.get_json()["error"]
    assert snapshot(site) == before
    shallow = '{"reason": "[[[ i en tekst tæller ikke", "x": ' + "[" * 15 + "]" * 15 + "}"
    if url.endswith("/reject"):
        answer = site.test_client().post(
            url.format(sid=sid), data=shallow, headers=bearer(site, "editor", "application/json")
        )
        assert answer.status_code == 200 and answer.get_json()["status"] == "rejected"


# ----------------------------------------------------------------- slugs and ids matched in full


def test_a_slug_with_a_final_new_line_creates_nothing(site):
    before = snapshot(site)
    response = site.test_client().post(
        "/api/submissions?slug=aarhus-modtagelse%0A", data=practice(), headers=bearer(site, "owner")
    )
    assert assert_clear_refusal(response, {422})
    assert response.get_json()["errors"][0]["field"] == "slug"
    assert snapshot(site) == before


@pytest.mark.parametrize(
    "url",
    [
        "/erfaringer/bydelsmoedrene%0A",
        "/netvaerk/vestegnen%0A",
        "/rangeringer/akf-selvforsoergelse-1999-2005%0A",
        "/api/practices/bydelsmoedrene%0A",
        "/netvaerk/vestegnen%0A/feed.atom",
        "/kommuner/broendby%0A",
        "/api/kommuner/broendby%0A",
        "/emner/test%00/feed.atom",
        "/api/submissions/abc%0A",
    ],
)
def test_routes_match_url_values_in_full(site, url):
    headers = bearer(site, "editor", None) if "/submissions/" in url else {}
    response = site.test_client().get(url, headers=headers)
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response.is_json


# ----------------------------------------------------------------- XML by a library

HOSTILE = [
    "<script>alert(1)</script>",
    "]]><x>",
    "&amp; & &#0; &#x1b;",
    "\"'<>",
    "\x00\x01\x1b\x7f\x85",
    "\ud800 \udfff",
    "\ufffe\uffff",
    "Æøå 🙂 \u2028",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_xml_writer_keeps_any_text_well_formed(text):
    entry = {
        "id": "http://x/1",
        "url": "http://x/1?a=1&b=2",
        "title": text,
        "published": "2026-01-01T00:00:00+00:00",
        "updated": "2026-01-01T00:00:00+00:00",
        "summary": text * 3,
        "author": text,
        "categories": [(text, text)],
    }
    feed = ET.fromstring(
        xmlout.atom_feed(feed_id="http://x/", title=text, alternate="http://x/", updated="2026", entries=[entry])
    )
    shown = feed.find(f"{ATOM}entry/{ATOM}title").text
    assert shown == xmlout.clean(text) and ("<script>" in text) == ("<script>" in shown)
    assert ET.fromstring(xmlout.sitemap([f"http://x/{text}"])) is not None
    assert ET.fromstring(xmlout.opensearch("http://x", text)) is not None


def test_hostile_titles_and_bodies_published_keep_every_xml_output_well_formed(site):
    client = site.test_client()
    title = 'Testnotat <b>&amp;</b> ]]> "citat" æøå'
    body = "<script>alert(1)</script> ]]> & \u2028 (testindhold)\n"
    posted = client.post("/api/notes", data=note(f"'{title}'", body), headers=bearer(site, "member"))
    assert posted.status_code == 202  # a public note: published when an editor approves it
    approved = client.post(
        f"/api/submissions/{posted.get_json()['submission']}/approve", headers=bearer(site, "editor")
    )
    assert approved.status_code == 200, approved.get_json()
    documents = all_xml(client)
    assert_well_formed(documents)
    feed = ET.fromstring(documents["/netvaerk/vestegnen/feed.atom"])
    assert title in [e.text for e in feed.iter(f"{ATOM}title")]


# ----------------------------------------------------------------- hosts


def test_other_host_headers_are_a_clean_400(site):
    client = site.test_client()
    for url in ["/", "/robots.txt", "/sitemap.xml", "/feed.atom", "/opensearch.xml", "/log-ind"]:
        response = client.get(url, headers={"Host": "evil.example"})
        assert response.status_code == 400 and "Host" in response.get_data(as_text=True), url
    response = client.get("/api/search?q=x", headers={"Host": "evil.example"})
    assert response.status_code == 400 and response.is_json


@pytest.fixture(scope="module")
def canonical(tmp_path_factory):
    data = tmp_path_factory.mktemp("canonical")
    ingest(CONTENT, data)
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data),
            "CONTENT_DIR": str(CONTENT),
            "BASE_URL": "https://hvadvirker.example/",
            "TRUSTED_HOSTS": ["hvadvirker.example", "intern.example"],
        }
    )
    yield app
    app.extensions["portal_index"].close()


def test_absolute_urls_come_from_the_base_url_never_the_host_header(canonical):
    client = canonical.test_client()
    base = "https://hvadvirker.example"
    for host in ("hvadvirker.example", "intern.example:8443"):
        headers = {"Host": host}
        robots = client.get("/robots.txt", headers=headers).get_data(as_text=True)
        assert f"Sitemap: {base}/sitemap.xml" in robots
        locs = [
            e.text
            for e in ET.fromstring(client.get("/sitemap.xml", headers=headers).data).iter()
            if e.tag.endswith("loc")
        ]
        assert locs and all(u.startswith(base + "/") for u in locs)
        feed = ET.fromstring(client.get("/feed.atom", headers=headers).data)
        hrefs = [e.get("href") for e in feed.iter(f"{ATOM}link")] + [e.text for e in feed.iter(f"{ATOM}id")]
        assert hrefs and all(h.startswith(base + "/") for h in hrefs)
        search = ET.fromstring(client.get("/opensearch.xml", headers=headers).data)
        templates = [u.get("template") for u in search if u.tag.endswith("Url")]
        assert templates and all(t.startswith(base + "/") for t in templates)
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400  # not trusted here


def test_trusted_hosts_follow_the_base_url_and_a_bad_base_url_stops_start_up(tmp_path):
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "BASE_URL": "https://hvadvirker.example"})
    assert app.config["TRUSTED_HOSTS"] == ["hvadvirker.example"]
    with pytest.raises(ValueError, match="BASE_URL"):
        create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "BASE_URL": "hvadvirker.example"})
    with pytest.raises(ValueError, match="BASE_URL"):
        create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "BASE_URL": "https://hvadvirker.example/portal"})


# ----------------------------------------------------------------- privacy of what is not published


def _add_user(site, email, role, *extra):
    runner = site.test_cli_runner()
    assert runner.invoke(args=["users", "add", email, "--role", role, *extra]).exit_code == 0
    assert runner.invoke(args=["users", "password", email, "--password", PASSWORD]).exit_code == 0
    return runner.invoke(args=["users", "token", email]).output.strip().splitlines()[-1]


def test_public_history_shows_published_events_only(site):
    token = _add_user(site, "videnscenter@example.dk", "contributor", "--organisation", "Hemmeligt Testcenter")
    author = {"Authorization": f"Bearer {token}", "Content-Type": "text/markdown; charset=utf-8"}
    editor = bearer(site, "editor", "application/json")
    slug = "bydelsmoedrene"
    raw = (Path(site.config["CONTENT_DIR"]) / "practices" / f"{slug}.md").read_text(encoding="utf-8")
    changed = raw.rstrip("\n") + "\n\nEt tilføjet afsnit (testindhold).\n"

    def history() -> str:
        page = site.test_client().get(f"/erfaringer/{slug}").get_data(as_text=True)
        return page[page.find("<h2>Historik") :].split("</ul>")[0] if "<h2>Historik" in page else ""

    sid = (
        site.test_client().post(f"/api/submissions?slug={slug}", data=changed.encode(), headers=author).get_json()["id"]
    )
    assert "Hemmeligt Testcenter" not in site.test_client().get(f"/erfaringer/{slug}").get_data(as_text=True)
    assert "Hemmeligt Testcenter" not in history()
    # signed in: the editors and the author see the proposal, another contributor does not
    for who, sees in (("editor", True), ("other", False)):
        assert (
            "indsendt af Hemmeligt Testcenter" in login(site, who).get(f"/erfaringer/{slug}").get_data(as_text=True)
        ) == sees
    author_client = site.test_client()
    author_client.post(
        "/log-ind",
        data={"email": "videnscenter@example.dk", "password": PASSWORD, "csrf_token": csrf(author_client, "/log-ind")},
    )
    assert f'href="/indsendelser/{sid}">Afventer godkendelse' in author_client.get(f"/erfaringer/{slug}").get_data(
        as_text=True
    )
    site.test_client().post(f"/api/submissions/{sid}/reject", json={"reason": "Test"}, headers=editor)
    assert "Hemmeligt Testcenter" not in site.test_client().get(f"/erfaringer/{slug}").get_data(as_text=True)
    assert f'href="/redaktion/{sid}">Afvist' in login(site, "editor").get(f"/erfaringer/{slug}").get_data(as_text=True)
    sid = (
        site.test_client().post(f"/api/submissions?slug={slug}", data=changed.encode(), headers=author).get_json()["id"]
    )
    assert site.test_client().post(f"/api/submissions/{sid}/approve", headers=editor).status_code == 200
    shown = history()
    assert "Ændring godkendt og offentliggjort" in shown and "indsendt af Hemmeligt Testcenter" in shown
    assert shown.count("<li>") == 1  # the rejected proposal is not there


def test_moderation_log_hides_network_only_notes_from_editors_outside_the_network(site):
    title = "Lukket testnotat om budgetter"
    response = site.test_client().post(
        "/api/notes", data=note(title, visibility="network"), headers=bearer(site, "member")
    )
    assert response.status_code == 201
    slug = response.get_json()["id"]
    page = login(site, "editor").get("/redaktion/").get_data(as_text=True)
    assert "notat delt" in page and slug not in page and "budgetter" not in page
    _add_user(site, "netredaktoer@example.dk", "editor", "--network", "vestegnen")
    client = site.test_client()
    client.post(
        "/log-ind",
        data={"email": "netredaktoer@example.dk", "password": PASSWORD, "csrf_token": csrf(client, "/log-ind")},
    )
    assert slug in client.get("/redaktion/").get_data(as_text=True)


# ----------------------------------------------------------------- feeds that follow the content


def _entry(feed: ET.Element, url_end: str) -> ET.Element | None:
    for entry in feed.iter(f"{ATOM}entry"):
        if entry.find(f"{ATOM}id").text.endswith(url_end):
            return entry
    return None


def test_an_approved_update_moves_its_entry_and_the_feed(site):
    client = site.test_client()
    slug = "tidlig-virksomhedsrettet-indsats-for-flygtninge"
    path = Path(site.config["CONTENT_DIR"]) / "practices" / f"{slug}.md"
    kommune = client.get(f"/api/practices/{slug}").get_json()["kommuner"][0]
    feed_url = f"/kommuner/{kommune['code']}/feed.atom"
    before = ET.fromstring(client.get(feed_url).data)
    old = _entry(before, f"/erfaringer/{slug}")
    changed = path.read_text(encoding="utf-8").rstrip("\n") + "\n\nOpdateret afsnit (testindhold).\n"
    sid = client.post(f"/api/submissions?slug={slug}", data=changed.encode(), headers=bearer(site, "owner")).get_json()[
        "id"
    ]
    assert client.post(f"/api/submissions/{sid}/approve", headers=bearer(site, "editor")).status_code == 200
    after = ET.fromstring(client.get(feed_url).data)
    entry = after.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}id").text.endswith(f"/erfaringer/{slug}")  # at the top now
    updated = entry.find(f"{ATOM}updated").text
    assert old is None or updated > old.find(f"{ATOM}updated").text
    assert updated >= entry.find(f"{ATOM}published").text
    assert after.find(f"{ATOM}updated").text == updated > before.find(f"{ATOM}updated").text
    site_feed = ET.fromstring(client.get("/feed.atom").data)
    assert site_feed.find(f"{ATOM}entry/{ATOM}id").text.endswith(f"/erfaringer/{slug}")


@pytest.mark.parametrize(
    "variant, canonical",
    [
        ("/feed.atom?utm_source=x", "http://127.0.0.1:8000/feed.atom"),
        ("/emner/BENCHMARKING/feed.atom", "http://127.0.0.1:8000/emner/benchmarking/feed.atom"),
        ("/kommuner/Brøndby/feed.atom", "http://127.0.0.1:8000/kommuner/broendby/feed.atom"),
        ("/kommuner/153/feed.atom?x=1", "http://127.0.0.1:8000/kommuner/broendby/feed.atom"),
    ],
)
def test_feed_ids_are_canonical_urls(client, variant, canonical):
    feed = ET.fromstring(client.get(variant).data)
    assert feed.find(f"{ATOM}id").text == canonical
    assert [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"] == [canonical]


@pytest.mark.parametrize(
    "page, feed",
    [
        ("/", "/feed.atom"),
        ("/kommuner/broendby", "/kommuner/broendby/feed.atom"),
        ("/soeg?topic=benchmarking", "/emner/benchmarking/feed.atom"),
        ("/netvaerk/vestegnen", "/netvaerk/vestegnen/feed.atom"),
    ],
)
def test_pages_with_a_feed_advertise_it_in_the_head_and_visibly(client, page, feed):
    html = client.get(page).get_data(as_text=True)
    head, body = html.split("</head>", 1)
    assert re.search(
        rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="{re.escape(feed)}">', head
    )
    assert re.search(rf'<a href="{re.escape(feed)}">[^<]*Atom', body)
    assert client.get(feed).status_code == 200
