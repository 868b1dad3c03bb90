"""Notes with a life cycle, tried as members and editors would: network-only by default, public notes
through moderation, edits with a version, withdrawal and take-down that remove a note from every surface."""

import re
from pathlib import Path

import pytest

from conftest import PASSWORD, close_site, make_site, run_cli
from portal.integrity import check
from portal.owned import OwnedDB

PEOPLE = {
    "member": ("leder@broendby.example.dk", "contributor", ("vestegnen",)),
    "colleague": ("kollega@ishoej.example.dk", "contributor", ("vestegnen",)),
    "follower": ("foelger@hvidovre.example.dk", "contributor", ("vestegnen",)),
    "editor": ("redaktoer@example.dk", "editor", ()),
    "stranger": ("fremmed@example.dk", "contributor", ()),
}
WORD = "kvartsnotatord"  # a word only the test note holds


def note(title="Referat af netværksmødet om sprogpraktik", visibility=None, body=None) -> str:
    line = f"visibility: {visibility}\n" if visibility else ""
    body = body or f"Testindhold: netværket drøftede {WORD} og sprogpraktik."
    return (
        f"---\ntitle: {title}\nnetwork: vestegnen\ndate: 2026-11-24\nkommuner: [Brøndby]\n"
        f"topics: [sprogpraktik]\n{line}---\n{body}\n"
    )


@pytest.fixture
def site(tmp_path):
    app = make_site(tmp_path, PEOPLE)
    yield app
    close_site(app)


def api(site, method, url, who=None, raw=None, **kwargs):
    headers = {"Authorization": f"Bearer {site.tokens[who]}"} if who else {}
    if raw is not None:
        headers["Content-Type"] = "text/markdown; charset=utf-8"
        kwargs["data"] = raw.encode()
    return site.test_client().open(url, method=method, headers=headers, **kwargs)


def login(site, who):
    client = site.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/log-ind").get_data(as_text=True)).group(1)
    response = client.post("/log-ind", data={"email": PEOPLE[who][0], "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


def csrf(client, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def mails(site, to_who=None) -> list[dict]:
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        rows = db.all("SELECT to_addr, subject, body, link, topic FROM mail_outbox ORDER BY id")
    finally:
        db.close()
    return [r for r in rows if to_who is None or r["to_addr"] == PEOPLE[to_who][0]]


def post_network_note(site, **kwargs) -> str:
    created = api(site, "POST", "/api/notes", "member", note(**kwargs))
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.get_json()["status"] == "published"
    return created.get_json()["id"]


def version(site, slug, who="member") -> str:
    response = api(site, "GET", f"/api/notes/{slug}", who)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["version"]


def everywhere(site, who=None) -> dict[str, bool]:
    """Where the test note shows, for an anonymous reader or a member's token/session."""
    client = login(site, who) if who else site.test_client()
    bearer = {"Authorization": f"Bearer {site.tokens[who]}"} if who else {}
    search = client.get(f"/api/search?q={WORD}", headers=bearer).get_json()
    facets = client.get("/api/search?q=sprogpraktik", headers=bearer).get_json()["facets"]
    return {
        "search": search["total"] > 0,
        "facets": any(k == "note" for k in (facets.get("type") or {})),
        "network": "Referat af netværksmødet" in client.get("/netvaerk/vestegnen").get_data(as_text=True),
        "kommune": "Referat af netværksmødet" in client.get("/kommuner/broendby").get_data(as_text=True),
        "feed": "Referat af netværksmødet" in client.get("/feed.atom").get_data(as_text=True),
        "network_feed": "Referat af netværksmødet"
        in client.get("/netvaerk/vestegnen/feed.atom").get_data(as_text=True),
        "sitemap": "referat-af-netvaerksmoedet" in client.get("/sitemap.xml").get_data(as_text=True),
    }


# ----------------------------------------------------------------- network-only is the default


def test_a_note_without_visibility_is_for_the_network_only_and_its_page_says_so(site):
    slug = post_network_note(site)
    assert api(site, "GET", f"/notater/{slug}").status_code == 404  # the public does not see it
    page = login(site, "colleague").get(f"/notater/{slug}").get_data(as_text=True)
    assert "Kun for medlemmer af <span>Vestegnskommunernes benchmarking" in page
    assert api(site, "GET", f"/api/notes/{slug}", "colleague").get_json()["visibility"] == "network"
    assert api(site, "GET", f"/api/notes/{slug}", "stranger").status_code == 404
    text = (Path(site.config["CONTENT_DIR"]) / "notes" / f"{slug}.md").read_text(encoding="utf-8")
    assert "visibility" not in text  # the file is what was sent; the contract's default makes it network-only


def test_the_note_form_preselects_network_only(site):
    page = login(site, "member").get("/netvaerk/vestegnen/nyt-notat").get_data(as_text=True)
    assert re.search(r'value="network" checked', page) and not re.search(r'value="public" checked', page)


# ----------------------------------------------------------------- a public note waits for an editor


def test_a_public_note_waits_in_the_queue_and_followers_hear_of_it_when_it_is_approved(site):
    run_cli(site, "users", "list")  # the CLI works beside the site (nothing locked)
    assert api(site, "PUT", "/api/networks/vestegnen/follow", "follower").status_code == 200
    created = api(site, "POST", "/api/notes", "member", note(visibility="public"))
    assert created.status_code == 202, created.get_data(as_text=True)
    body = created.get_json()
    assert body["status"] == "pending" and created.headers["Location"] == f"/api/submissions/{body['submission']}"
    slug = body["id"]
    assert not any(everywhere(site).values())  # not published anywhere yet
    assert api(site, "GET", f"/notater/{slug}").status_code == 404
    assert mails(site, "follower") == []  # followers are told at publication, not before
    assert any("offentligt notat" in m["body"] for m in mails(site, "editor"))
    pending = api(site, "GET", "/api/submissions?status=pending", "editor").get_json()["submissions"]
    assert [(s["id"], s["kind"], s["slug"]) for s in pending] == [(body["submission"], "note", slug)]
    review = login(site, "editor").get(f"/redaktion/{body['submission']}").get_data(as_text=True)
    assert "Offentligt notat fra netværket vestegnen" in review and WORD in review

    assert api(site, "POST", f"/api/submissions/{body['submission']}/approve", "editor").status_code == 200
    assert all(everywhere(site).values())
    assert "Offentlig" in api(site, "GET", f"/notater/{slug}").get_data(as_text=True)
    assert [m["topic"] for m in mails(site, "follower")] == ["note"]
    decided = [m for m in mails(site, "member") if m["topic"] == "decided"]
    assert decided and "Dit notat er godkendt" in decided[0]["subject"] and decided[0]["link"] == f"/notater/{slug}"


def test_a_rejected_public_note_is_never_published_and_its_address_is_free_again(site):
    sid = api(site, "POST", "/api/notes", "member", note(visibility="public")).get_json()["submission"]
    rejected = api(site, "POST", f"/api/submissions/{sid}/reject", "editor", json={"reason": "Testbegrundelse."})
    assert rejected.status_code == 200
    assert not any(everywhere(site).values())
    again = api(site, "POST", "/api/notes", "member", note(visibility="public")).get_json()
    assert again["id"] == "2026-11-24-referat-af-netvaerksmoedet-om-sprogpraktik"


# ----------------------------------------------------------------- editing


def test_its_author_edits_a_note_with_the_version_it_started_from(site):
    slug = post_network_note(site)
    started = version(site, slug)
    edited = api(site, "PUT", f"/api/notes/{slug}?based_on={started}", "member", note(body=f"Rettet: {WORD}."))
    assert edited.status_code == 200, edited.get_data(as_text=True)
    assert edited.get_json()["version"] != started
    page = login(site, "colleague").get(f"/notater/{slug}").get_data(as_text=True)
    assert "Rettet:" in page
    # The same version again: someone changed it since, so this is a conflict, and nothing is written.
    stale = api(site, "PUT", f"/api/notes/{slug}?based_on={started}", "member", note(body="Forældet ændring."))
    assert stale.status_code == 409 and stale.get_json()["errors"][0]["field"] == "based_on"
    assert "Rettet:" in login(site, "colleague").get(f"/notater/{slug}").get_data(as_text=True)


@pytest.mark.parametrize(
    "who, query, raw, status, field",
    [
        ("member", "", None, 422, "based_on"),  # no version: refused before anything is read
        ("member", "?based_on=abc", "---\ntitle: T\n---\n", 422, "network"),
        ("member", "?based_on=abc", note().replace("network: vestegnen", "network: andet"), 422, "network"),
        ("colleague", "?based_on=abc", note(), 403, None),  # a member of the network, not its author
        ("stranger", "?based_on=abc", note(), 404, None),  # may not even know it exists
        (None, "?based_on=abc", note(), 401, None),
        ("member", "?based_on=x;y", note(), 422, "based_on"),
    ],
)
def test_bad_edits_are_refused_with_a_clear_error_and_change_nothing(site, who, query, raw, status, field):
    slug = post_network_note(site)
    before = version(site, slug)
    response = api(site, "PUT", f"/api/notes/{slug}{query}", who, raw if raw is not None else note())
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"]
    if field:
        assert field in [e["field"] for e in response.get_json().get("errors", [])]
    assert version(site, slug) == before


def test_a_members_edit_of_a_public_note_waits_for_an_editor_but_an_editors_is_published(site):
    sid = api(site, "POST", "/api/notes", "member", note(visibility="public")).get_json()["submission"]
    api(site, "POST", f"/api/submissions/{sid}/approve", "editor")
    slug = "2026-11-24-referat-af-netvaerksmoedet-om-sprogpraktik"
    changed = note(visibility="public", body=f"Reklame i stedet for referat. {WORD}")
    pending = api(site, "PUT", f"/api/notes/{slug}?based_on={version(site, slug)}", "member", changed)
    assert pending.status_code == 202 and pending.get_json()["status"] == "pending"
    assert "Reklame" not in api(site, "GET", f"/notater/{slug}").get_data(as_text=True)  # approval is not bypassed
    detail = api(site, "GET", f"/api/submissions/{pending.get_json()['submission']}", "editor").get_json()
    assert detail["is_update"] and detail["kind"] == "note"
    by_editor = api(
        site,
        "PUT",
        f"/api/notes/{slug}?based_on={version(site, slug, 'editor')}",
        "editor",
        note(visibility="public", body=f"Redaktionen retter en stavefejl. {WORD}"),
    )
    assert by_editor.status_code == 200
    assert "stavefejl" in api(site, "GET", f"/notater/{slug}").get_data(as_text=True)
    # The member's pending change was based on the old text: approving it now would undo the editor's fix.
    late = api(site, "POST", f"/api/submissions/{pending.get_json()['submission']}/approve", "editor")
    assert late.status_code == 409


def test_the_web_form_edits_a_note_and_a_stale_form_keeps_what_was_typed(site):
    slug = post_network_note(site)
    client = login(site, "member")
    page = client.get(f"/notater/{slug}").get_data(as_text=True)
    assert f"/notater/{slug}/rediger" in page and f"/notater/{slug}/traek-tilbage" in page
    form = client.get(f"/notater/{slug}/rediger").get_data(as_text=True)
    based_on = re.search(r'name="based_on" value="([^"]+)"', form).group(1)
    assert WORD in form
    data = {
        "csrf_token": csrf(client, f"/notater/{slug}/rediger"),
        "based_on": based_on,
        "title": "Referat af netværksmødet",
        "date": "2026-11-24",
        "visibility": "network",
        "kommuner": ["153"],
        "topics": "sprogpraktik",
        "body": f"Rettet i formularen. {WORD}",
    }
    response = client.post(f"/notater/{slug}/rediger", data=data)
    assert response.status_code == 302
    assert "Rettet i formularen" in client.get(f"/notater/{slug}").get_data(as_text=True)
    stale = client.post(f"/notater/{slug}/rediger", data=data | {"body": "Anden ændring, som ikke må gå tabt."})
    assert stale.status_code == 409 and "Anden ændring, som ikke må gå tabt." in stale.get_data(as_text=True)
    assert login(site, "colleague").get(f"/notater/{slug}/rediger").status_code == 403
    assert f"/notater/{slug}/rediger" not in login(site, "colleague").get(f"/notater/{slug}").get_data(as_text=True)


# ----------------------------------------------------------------- withdrawing and taking down


def test_a_withdrawn_note_vanishes_from_every_surface_and_its_file_leaves_content(site):
    assert api(site, "PUT", "/api/networks/vestegnen/follow", "follower").status_code == 200
    sid = api(site, "POST", "/api/notes", "member", note(visibility="public")).get_json()["submission"]
    api(site, "POST", f"/api/submissions/{sid}/approve", "editor")
    slug = "2026-11-24-referat-af-netvaerksmoedet-om-sprogpraktik"
    path = Path(site.config["CONTENT_DIR"]) / "notes" / f"{slug}.md"
    assert path.exists() and all(everywhere(site).values())

    client = login(site, "member")
    confirm = client.get(f"/notater/{slug}/traek-tilbage").get_data(as_text=True)
    assert "Ja, træk notatet tilbage" in confirm and "Nej, behold det" in confirm
    assert path.exists()  # the confirmation page changes nothing
    response = client.post(
        f"/notater/{slug}/traek-tilbage",
        data={
            "csrf_token": csrf(client, f"/notater/{slug}/traek-tilbage"),
            "based_on": re.search(r'name="based_on" value="([^"]+)"', confirm).group(1),
        },
    )
    assert response.status_code == 302

    assert not path.exists()
    assert not any(everywhere(site).values()) and not any(everywhere(site, "colleague").values())
    gone = site.test_client().get(f"/notater/{slug}")
    assert gone.status_code == 410 and "trukket dette notat tilbage" in gone.get_data(as_text=True)
    assert api(site, "GET", f"/api/notes/{slug}", "member").status_code == 404
    again = api(site, "DELETE", f"/api/notes/{slug}", "member")
    assert again.status_code == 409
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        log = [(r["action"], r["actor"]) for r in db.history("note", slug)]
    finally:
        db.close()
    assert ("note_withdrawn", PEOPLE["member"][0]) in log and ("approved", PEOPLE["editor"][0]) in log
    report = check(site.config["CONTENT_DIR"], site.config["DATA_DIR"])
    assert report.ok, report.problems  # a withdrawal is not a lost write


def test_a_withdrawn_network_note_is_a_404_for_strangers_not_a_410(site):
    slug = post_network_note(site)
    assert api(site, "DELETE", f"/api/notes/{slug}", "member").status_code == 200
    assert login(site, "colleague").get(f"/notater/{slug}").status_code == 410
    assert site.test_client().get(f"/notater/{slug}").status_code == 404  # its title is in its address


def test_an_editor_takes_a_note_down_with_a_reason_and_the_author_is_told(site):
    slug = post_network_note(site, visibility="network")
    refused = api(site, "DELETE", f"/api/notes/{slug}", "editor")
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "reason"
    assert api(site, "DELETE", f"/api/notes/{slug}", "colleague", json={"reason": "x"}).status_code == 403
    assert api(site, "DELETE", f"/api/notes/{slug}", "stranger", json={"reason": "x"}).status_code == 404
    taken = api(site, "DELETE", f"/api/notes/{slug}", "editor", json={"reason": "Notatet nævner en borger ved navn."})
    assert taken.status_code == 200 and taken.get_json() == {"id": slug, "status": "withdrawn", "taken_down": True}
    [told] = [m for m in mails(site, "member") if "fjernet" in m["subject"]]
    assert "Notatet nævner en borger ved navn." in told["body"]
    assert "Redaktionen har fjernet" in login(site, "colleague").get(f"/notater/{slug}").get_data(as_text=True)


def test_an_editor_takes_down_a_shipped_note_from_the_web_with_a_reason(site):
    slug = "2006-09-08-benchmarking-af-integrationsindsatsen"
    client = login(site, "editor")
    url = f"/notater/{slug}/traek-tilbage"
    confirm = client.get(url).get_data(as_text=True)
    assert "Begrundelse til forfatteren" in confirm
    token = csrf(client, url)
    missing = client.post(url, data={"csrf_token": token, "reason": " "})
    assert missing.status_code == 422 and "begrundelse" in missing.get_data(as_text=True)
    assert site.test_client().get(f"/notater/{slug}").status_code == 200
    done = client.post(url, data={"csrf_token": token, "reason": "Testbegrundelse: forældet."})
    assert done.status_code == 302
    assert site.test_client().get(f"/notater/{slug}").status_code == 410
    assert login(site, "member").get(url).status_code == 404


def test_an_edit_form_whose_session_expired_comes_back_filled_in(site):
    slug = post_network_note(site)
    client = login(site, "member")
    typed = "En lang rettelse, som ikke må gå tabt (testindhold)."
    response = client.post(
        f"/notater/{slug}/rediger",
        data={"csrf_token": "udløbet", "based_on": "abc", "title": "Referat", "date": "2026-11-24", "body": typed},
    )
    assert response.status_code == 400 and typed in response.get_data(as_text=True)
    assert 'name="based_on" value="abc"' in response.get_data(as_text=True)


def test_a_withdrawal_survives_a_full_ingest_and_flask_check_is_clean(site):
    from portal.ingest import ingest

    slug = "2006-09-08-benchmarking-af-integrationsindsatsen"  # a shipped note, taken down by an editor
    taken = api(site, "DELETE", f"/api/notes/{slug}", "editor", json={"reason": "Testbegrundelse."})
    assert taken.status_code == 200
    ingest(site.config["CONTENT_DIR"], site.config["DATA_DIR"])  # rebuilt from content/: the file is gone
    assert api(site, "GET", f"/notater/{slug}").status_code == 410
    assert api(site, "GET", "/api/search?q=benchmarking&type=note").get_json()["total"] == 0
    assert "Benchmarking af integrationsindsatsen på Vestegnen" not in api(site, "GET", "/netvaerk/vestegnen").get_data(
        as_text=True
    )
    run_cli(site, "check")  # `flask check` exits 0: the outbox delete is not a lost write
    report = check(site.config["CONTENT_DIR"], site.config["DATA_DIR"])
    assert report.ok, report.problems
