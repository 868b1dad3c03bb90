"""A user-driven portal, tried as a new user would: accounts from the command
line, submissions by form and API, moderation, network notes, feeds."""

import re
from pathlib import Path

import pytest

from portal.ingest import ingest
from portal.owned import OwnedDB

from conftest import close_site, make_people, make_site, run_cli

GOOD = """---
title: Sprogmakkere for nyankomne flygtninge i Ishøj
kommuner: [Ishøj]
evidence: ikke-evalueret
source: Testmateriale, ingen rigtig kilde
topics: [sprog, frivillighed]
---
Frivillige sprogmakkere mødes med nyankomne flygtninge hver uge. (Testindhold.)
"""


PEOPLE = {
    "contributor": ("videnscenter@example.dk", "contributor", (), "--organisation", "Videnscenter Test"),
    "editor": ("redaktoer@example.dk", "editor", ()),
    "member": ("leder@broendby.example.dk", "contributor", ("vestegnen",)),
    "stranger": ("fremmed@example.dk", "contributor", ()),
}


@pytest.fixture
def site(tmp_path):
    app = make_site(tmp_path)
    yield app
    close_site(app)


@pytest.fixture
def people(site):
    """An admin creates a contributor, an editor and a network member from the command line: email → API token."""
    made = make_people(site, PEOPLE)
    return {PEOPLE[role][0]: token for role, token in made.items()}


def csrf(client, url):
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, email):
    token = csrf(client, "/log-ind")
    response = client.post("/log-ind", data={"email": email, "password": "en-lang-adgangskode", "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def bearer(token):
    return {"Authorization": f"Bearer {token}", "Content-Type": "text/markdown; charset=utf-8"}


def test_cli_users(site, people):
    listing = run_cli(site, "users", "list")
    assert "videnscenter@example.dk\tcontributor\tVidenscenter Test" in listing
    assert "leder@broendby.example.dk\tcontributor\t\tvestegnen" in listing
    assert all(t.startswith("hv_") for t in people.values())
    bad = site.test_cli_runner().invoke(
        args=["users", "add", "x@example.dk", "--role", "contributor", "--network", "findes-ikke"]
    )
    assert bad.exit_code != 0 and "netværket 'findes-ikke' findes ikke" in bad.output
    dup = site.test_cli_runner().invoke(args=["users", "add", "videnscenter@example.dk", "--role", "editor"])
    assert dup.exit_code != 0 and "findes allerede" in dup.output
    assert "1 API-nøgle(r) tilbagekaldt" in run_cli(site, "users", "revoke", "fremmed@example.dk")
    response = site.test_client().post(
        "/api/submissions", data=GOOD.encode(), headers=bearer(people["fremmed@example.dk"])
    )
    assert response.status_code == 401


def test_submit_by_form_with_an_error_keeps_everything_then_fix_approve_and_find(site, people):
    client = site.test_client()
    login(client, "videnscenter@example.dk")
    token = csrf(client, "/indsend")
    form = {
        "csrf_token": token,
        "title": "Mentorordning for unge flygtninge",
        "kommuner": ["165"],
        "evidence": "",
        "source": "Testmateriale, ingen rigtig kilde",
        "topics": "mentor, unge",
        "target_groups": "unge",
        "end": "20x9",
        "body": "## Sådan gør vi\n\nMentorer hjælper unge flygtninge i job.",
        "action": "submit",
    }
    response = client.post("/indsend", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Fejl:" in html
    assert (
        '<a href="#evidence-effekt">»Evidens« skal udfyldes</a>' in html
    )  # in the summary, linked to the group's first radio
    assert 'id="evidence-error"><span class="sr-only">Fejl: </span>»Evidens« skal udfyldes' in html  # beside the field
    assert "»Slutår« skal være et årstal som 2018, ikke &#39;20x9&#39;" in html
    assert "Mentorer hjælper unge flygtninge i job." in html  # the text is kept
    assert 'value="Mentorordning for unge flygtninge"' in html and 'value="165" checked' in html

    form.update(evidence="delvis-effekt", end="2019", csrf_token=csrf(client, "/indsend"))
    response = client.post("/indsend", data=form)
    assert response.status_code == 302
    sub_url = response.headers["Location"]
    assert "Afventer redaktionen" in client.get(sub_url).get_data(as_text=True)
    sid = sub_url.rsplit("/", 1)[1]

    # nobody else sees it: not a stranger, not another contributor, not the public search
    assert site.test_client().get(sub_url).status_code == 302  # to login
    stranger = site.test_client()
    login(stranger, "fremmed@example.dk")
    assert stranger.get(sub_url).status_code == 404
    ids = [r["id"] for r in client.get("/api/search?q=mentorordning").get_json()["results"]]
    assert "mentorordning-for-unge-flygtninge" not in ids

    editor = site.test_client()
    login(editor, "redaktoer@example.dk")
    queue = editor.get("/redaktion/").get_data(as_text=True)
    assert "Mentorordning for unge flygtninge" in queue
    review = editor.get(f"/redaktion/{sid}").get_data(as_text=True)
    assert "<h2>Sådan gør vi</h2>" in review.replace(' id="sadan-gor-vi"', "") or "Sådan gør vi" in review
    # "unge" is a target group, not a known topic: the editor is shown it (issue 13's vocabulary)
    assert "Emner og målgrupper uden for ordlisten" in review
    assert re.search(r"<li>Emne: <span[^>]*>unge</span>", review)
    token = re.search(r'name="csrf_token" value="([^"]+)"', review).group(1)
    # Publication times have whole seconds: the fixture's ingest may have stamped
    # every shipped item in the second this approval falls in, and a tie is
    # ordered by address. Stamped long before, the feed's order is the test's.
    db = OwnedDB(site.config["DATA_DIR"])
    with db.write() as conn:
        conn.execute("UPDATE publications SET published_at = '2000-01-01T00:00:00+00:00'")
    db.close()
    response = editor.post(f"/redaktion/{sid}/godkend", data={"csrf_token": token})
    assert response.status_code == 302

    # searchable at once, file in the content root, history on the page, in the feed
    hits = site.test_client().get("/api/search?q=mentorordning").get_json()
    assert hits["results"][0]["id"] == "mentorordning-for-unge-flygtninge"
    path = site.config["CONTENT_DIR"] + "/practices/mentorordning-for-unge-flygtninge.md"
    text = Path(path).read_text(encoding="utf-8")
    assert "evidence: delvis-effekt" in text and "kommuner: [Albertslund]" in text
    page = site.test_client().get("/erfaringer/mentorordning-for-unge-flygtninge").get_data(as_text=True)
    assert "Godkendt og offentliggjort" in page and "Videnscenter Test" in page
    feed = site.test_client().get("/feed.atom").get_data(as_text=True)
    assert feed.index("Mentorordning for unge flygtninge") < feed.index("<entry>", feed.index("<entry>") + 1)
    assert "Godkendt" in client.get(sub_url).get_data(as_text=True)


def test_submission_api(site, people):
    client = site.test_client()
    contributor, editor = people["videnscenter@example.dk"], people["redaktoer@example.dk"]
    bad = client.post(
        "/api/submissions",
        data=GOOD.replace("evidence: ikke-evalueret", "evidence: virker").encode(),
        headers=bearer(contributor),
    )
    assert bad.status_code == 422
    assert bad.get_json()["errors"] == [
        {"line": 4, "field": "evidence", "message": bad.get_json()["errors"][0]["message"]}
    ]
    assert "'evidence' skal være én af" in bad.get_json()["errors"][0]["message"]

    created = client.post("/api/submissions", data=GOOD.encode(), headers=bearer(contributor))
    assert created.status_code == 201
    sid = created.get_json()["id"]
    slug = "sprogmakkere-for-nyankomne-flygtninge-i-ishoej"
    assert created.get_json() == {"id": sid, "status": "pending", "slug": slug}
    assert client.get(f"/api/submissions/{sid}", headers=bearer(contributor)).get_json()["status"] == "pending"
    assert client.get(f"/api/submissions/{sid}", headers=bearer(people["fremmed@example.dk"])).status_code == 404
    assert client.get(f"/api/submissions/{sid}").status_code == 401
    pending = client.get("/api/submissions?status=pending", headers=bearer(editor)).get_json()["submissions"]
    assert [s["id"] for s in pending] == [sid]
    assert client.post(f"/api/submissions/{sid}/approve", headers=bearer(contributor)).status_code == 403
    assert (
        client.post(f"/api/submissions/{sid}/approve", headers=bearer(people["fremmed@example.dk"])).status_code == 404
    )

    approved = client.post(f"/api/submissions/{sid}/approve", headers=bearer(editor))
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert client.post(f"/api/submissions/{sid}/approve", headers=bearer(editor)).status_code == 409
    assert (
        client.get("/api/search?q=sprogmakkere").get_json()["results"][0]["id"]
        == "sprogmakkere-for-nyankomne-flygtninge-i-ishoej"
    )

    # an update of an existing practice is a submission too, with a diff for the editor
    dup = client.post("/api/submissions", data=GOOD.encode(), headers=bearer(contributor))
    assert dup.status_code == 409 and "slug=" in dup.get_json()["error"]
    update = client.post(
        "/api/submissions?slug=sprogmakkere-for-nyankomne-flygtninge-i-ishoej",
        data=GOOD.replace("hver uge", "hver anden uge").encode(),
        headers=bearer(contributor),
    )
    assert update.status_code == 201
    usid = update.get_json()["id"]
    editor_client = site.test_client()
    login(editor_client, "redaktoer@example.dk")
    review = editor_client.get(f"/redaktion/{usid}").get_data(as_text=True)
    assert "<del>-Frivillige sprogmakkere mødes med nyankomne flygtninge hver uge." in review
    assert "<ins>+Frivillige sprogmakkere mødes med nyankomne flygtninge hver anden uge." in review

    rejected = client.post(
        f"/api/submissions/{usid}/reject", json={"reason": ""}, headers={"Authorization": f"Bearer {editor}"}
    )
    assert rejected.status_code == 422
    rejected = client.post(
        f"/api/submissions/{usid}/reject",
        json={"reason": "Kilde mangler."},
        headers={"Authorization": f"Bearer {editor}"},
    )
    assert rejected.status_code == 200 and rejected.get_json()["reason"] == "Kilde mangler."


@pytest.mark.parametrize(
    "headers, body, status",
    [
        ({"Content-Type": "application/json"}, b"{}", 415),
        ({}, b"", 422),
        ({}, b"---\ntitle: \xff\n---\n", 422),
        ({}, b"no front matter", 422),
    ],
)
def test_submission_api_refuses_bad_bodies(site, people, headers, body, status):
    h = bearer(people["videnscenter@example.dk"]) | headers
    response = site.test_client().post("/api/submissions", data=body, headers=h)
    assert response.status_code == status and "error" in response.get_json()


NOTE = """---
title: Sag om sprogpraktik til drøftelse
network: vestegnen
date: 2026-11-20
visibility: network
kommuner: [Brøndby]
topics: [sprogpraktik]
---
Kun for netværkets medlemmer: en sag om sprogpraktik.
"""


def test_network_only_note_stays_hidden_from_strangers(site, people):
    client = site.test_client()
    member = people["leder@broendby.example.dk"]
    assert (
        client.post("/api/notes", data=NOTE.encode(), headers=bearer(people["fremmed@example.dk"])).status_code == 403
    )
    created = client.post("/api/notes", data=NOTE.encode(), headers=bearer(member))
    assert created.status_code == 201
    url = created.get_json()["url"]

    stranger = site.test_client()
    assert stranger.get(url).status_code == 404
    # (public texts about "sprog" and "praktik" are found through the compound's parts; never the note)
    found = stranger.get("/api/search?q=sprogpraktik").get_json()
    assert url not in [r["url"] for r in found["results"]] and found["corrected_from"] is None
    assert "sprogpraktik" not in str(found["facets"]) and found["suggestion"] is None
    assert "sprogpraktik" not in str(stranger.get("/api/search?q=sag").get_json()["facets"])
    assert "Sag om sprogpraktik" not in stranger.get("/netvaerk/vestegnen").get_data(as_text=True)
    assert "Sag om sprogpraktik" not in stranger.get("/kommuner/broendby").get_data(as_text=True)
    assert "Sag om sprogpraktik" not in stranger.get("/feed.atom").get_data(as_text=True)
    assert "Sag om sprogpraktik" not in stranger.get("/netvaerk/vestegnen/feed.atom").get_data(as_text=True)
    assert stranger.get("/api/kommuner/broendby").get_json()["notes"] == [
        n for n in stranger.get("/api/kommuner/broendby").get_json()["notes"] if "sprogpraktik" not in n["title"]
    ]
    logged_in_stranger = site.test_client()
    login(logged_in_stranger, "fremmed@example.dk")
    assert logged_in_stranger.get(url).status_code == 404

    # the member sees it everywhere
    mine = client.get("/api/search?q=sprogpraktik", headers={"Authorization": f"Bearer {member}"}).get_json()
    assert mine["results"][0]["url"] == url  # the note says the word itself: first, above the parts' matches
    browser = site.test_client()
    login(browser, "leder@broendby.example.dk")
    assert "Kun for netværkets medlemmer" in browser.get(url).get_data(as_text=True)
    assert "Sag om sprogpraktik" in browser.get("/netvaerk/vestegnen").get_data(as_text=True)


def test_public_note_from_the_web_waits_for_an_editor(site, people):
    browser = site.test_client()
    login(browser, "leder@broendby.example.dk")
    form_page = browser.get("/netvaerk/vestegnen/nyt-notat").get_data(as_text=True)
    assert re.search(r'id="visibility-network" name="visibility" value="network" checked', form_page)  # the default
    token = csrf(browser, "/netvaerk/vestegnen/nyt-notat")
    response = browser.post(
        "/netvaerk/vestegnen/nyt-notat",
        data={
            "csrf_token": token,
            "title": "Erfaringer med virksomhedspraktik",
            "date": "2026-11-21",
            "visibility": "public",
            "kommuner": ["153"],
            "topics": "virksomhedspraktik",
            "body": "Vi deler vores erfaringer. (Testindhold.)",
        },
    )
    assert response.status_code == 302 and "/indsendelser/" in response.headers["Location"]
    anonymous = site.test_client()
    assert "Erfaringer med virksomhedspraktik" not in anonymous.get("/netvaerk/vestegnen").get_data(as_text=True)
    assert anonymous.get("/notater/2026-11-21-erfaringer-med-virksomhedspraktik").status_code == 404
    editor = bearer(people["redaktoer@example.dk"])
    [pending] = [
        s for s in client_json(site, "/api/submissions?status=pending", editor)["submissions"] if s["kind"] == "note"
    ]
    assert pending["title"] == "Erfaringer med virksomhedspraktik"
    assert site.test_client().post(f"/api/submissions/{pending['id']}/approve", headers=editor).status_code == 200
    assert "Erfaringer med virksomhedspraktik" in anonymous.get("/netvaerk/vestegnen").get_data(as_text=True)
    assert "Erfaringer med virksomhedspraktik" in anonymous.get("/netvaerk/vestegnen/feed.atom").get_data(as_text=True)
    assert "Offentlig" in anonymous.get("/notater/2026-11-21-erfaringer-med-virksomhedspraktik").get_data(as_text=True)
    stranger = site.test_client()
    login(stranger, "fremmed@example.dk")
    assert stranger.get("/netvaerk/vestegnen/nyt-notat").status_code == 403


def client_json(site, url, headers):
    response = site.test_client().get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_owned_data_survives_a_full_ingest(site, people):
    client = site.test_client()
    sid = client.post(
        "/api/submissions", data=GOOD.encode(), headers=bearer(people["videnscenter@example.dk"])
    ).get_json()["id"]
    client.post(f"/api/submissions/{sid}/approve", headers=bearer(people["redaktoer@example.dk"]))
    before = client.get("/api/search?q=sprogmakkere").get_json()
    ingest(site.config["CONTENT_DIR"], site.config["DATA_DIR"])
    after = client.get("/api/search?q=sprogmakkere").get_json()
    assert before["results"] == after["results"] and after["total"] == 1
    assert (
        client.get(f"/api/submissions/{sid}", headers=bearer(people["videnscenter@example.dk"])).get_json()["status"]
        == "approved"
    )
    assert "videnscenter@example.dk" in run_cli(site, "users", "list")


def test_login_refuses_bad_password_and_offsite_next(site, people):
    client = site.test_client()
    token = csrf(client, "/log-ind")
    bad = client.post("/log-ind", data={"email": "videnscenter@example.dk", "password": "forkert", "csrf_token": token})
    assert bad.status_code == 401 and "E-mail eller adgangskode er forkert" in bad.get_data(as_text=True)
    for evil in ("//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)"):
        token = csrf(client, "/log-ind")
        ok = client.post(
            "/log-ind",
            data={
                "email": "videnscenter@example.dk",
                "password": "en-lang-adgangskode",
                "csrf_token": token,
                "next": evil,
            },
        )
        assert ok.headers["Location"] == "/", evil


def test_forms_need_a_csrf_token(site, people):
    client = site.test_client()
    login(client, "videnscenter@example.dk")
    response = client.post("/indsend", data={"title": "x"})
    assert response.status_code == 400


def test_logout_ends_the_session_for_good(site, people):
    client = site.test_client()
    login(client, "videnscenter@example.dk")
    cookie = client.get_cookie("hv_session").value
    token = csrf(client, "/mine-indsendelser")
    client.post("/log-ud", data={"csrf_token": token})
    replay = site.test_client()
    replay.set_cookie("hv_session", cookie)
    assert replay.get("/mine-indsendelser").status_code == 302  # back to login: the session is gone


def test_a_form_whose_session_expired_comes_back_filled_in(site, people):
    client = site.test_client()
    login(client, "videnscenter@example.dk")
    form = {
        "csrf_token": "udløbet-token",
        "title": "Lang beskrivelse der ikke må gå tabt",
        "evidence": "effekt",
        "topics": "sprog",
        "body": "Tre timers arbejde. " * 2000,
        "action": "submit",
    }
    response = client.post("/indsend", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Din session er udløbet" in html
    assert "Tre timers arbejde. " * 2000 in html and 'value="Lang beskrivelse der ikke må gå tabt"' in html
    db = OwnedDB(site.config["DATA_DIR"])
    assert db.all("SELECT * FROM submissions") == []  # nothing was sent
    db.close()


def test_a_kommune_with_many_practices_lists_the_first_and_links_to_search(site, people):
    client = site.test_client()
    token = people["videnscenter@example.dk"]
    for n in range(27):
        body = GOOD.replace("Sprogmakkere for nyankomne flygtninge i Ishøj", f"Ishøj-indsats nummer {n}")
        sid = client.post("/api/submissions", data=body.encode(), headers=bearer(token)).get_json()["id"]
        client.post(f"/api/submissions/{sid}/approve", headers=bearer(people["redaktoer@example.dk"]))
    html = client.get("/kommuner/ishoej").get_data(as_text=True)
    practices = html.split("<h2>Erfaringer</h2>")[1].split("<h2>")[0]
    assert practices.count("<li>") == 25
    assert 'href="/soeg?type=practice&amp;kommune=183">Se alle 28 erfaringer fra Ishøj i søgningen' in practices
    assert client.get("/api/search?type=practice&kommune=183").get_json()["total"] == 28


def test_cached_pages_change_when_something_is_published(site, people):
    anonymous = site.test_client()
    before = anonymous.get("/kommuner/ishoej").get_data(as_text=True)
    assert before == anonymous.get("/kommuner/ishoej").get_data(as_text=True)  # served again (from the cache)
    assert "Sprogmakkere" not in before
    client = site.test_client()
    sid = client.post(
        "/api/submissions", data=GOOD.encode(), headers=bearer(people["videnscenter@example.dk"])
    ).get_json()["id"]
    client.post(f"/api/submissions/{sid}/approve", headers=bearer(people["redaktoer@example.dk"]))
    assert "Sprogmakkere for nyankomne flygtninge i Ishøj" in anonymous.get("/kommuner/ishoej").get_data(as_text=True)
    # a signed-in reader never gets the anonymous page (nor the other way round)
    member = site.test_client()
    login(member, "videnscenter@example.dk")
    assert "Log ud" in member.get("/kommuner/ishoej").get_data(as_text=True)
    assert "Log ud" not in anonymous.get("/kommuner/ishoej").get_data(as_text=True)
    # and a new generation (a full ingest) is a new cache
    ingest(site.config["CONTENT_DIR"], site.config["DATA_DIR"])
    assert "Sprogmakkere for nyankomne flygtninge i Ishøj" in anonymous.get("/kommuner/ishoej").get_data(as_text=True)
