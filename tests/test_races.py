"""Two people acting at once never lose each other's work (issue 11, write races).

Each race runs two writers truly at once: two separate processes (spawned, so
each has its own Flask app, its own SQLite connections and its own search
index handle, as two gunicorn workers do), both waiting on one
``multiprocessing.Barrier`` and then sending their request. Each race is
repeated a few rounds. Afterwards every write that answered 2xx must be in
``content/`` with its own text, every loser must have a 409 with a reason, and
``flask check`` must be clean.
"""

from __future__ import annotations

import functools
import multiprocessing
import shutil

import pytest

from portal import accounts, publishing, submissions
from portal.generations import write_lock
from portal.ingest import ingest
from portal.integrity import check
from portal.owned import OwnedDB
from portal.web import create_app

from conftest import CONTENT

ROUNDS = 5
NOTE = """---
title: Samtidigt notat fra netværksmødet
network: vestegnen
date: 2026-11-30
visibility: network
---
Testindhold: notatet skrevet af {who} i runde {n}.
"""
PRACTICE = """---
title: Samtidig ny erfaring i runde {n}
kommuner: [Ishøj]
evidence: ikke-evalueret
source: Testmateriale, ingen rigtig kilde
topics: [sprog]
---
Testindhold: erfaringen skrevet af {who} i runde {n}.
"""
UPDATE_SLUG = "tidlig-virksomhedsrettet-indsats-for-flygtninge"


def _writer(data_dir, content_dir, barrier, jobs, results):
    """One writer process: its own app; for each job wait at the barrier, then send it."""
    app = create_app({"TESTING": True, "DATA_DIR": data_dir, "CONTENT_DIR": content_dir})
    client = app.test_client()
    try:
        while (job := jobs.get()) is not None:
            method, url, headers, body = job
            barrier.wait(timeout=60)
            response = client.open(url, method=method, headers=headers, data=body)
            results.put((response.status_code, response.get_json(silent=True)))
    finally:
        app.extensions["portal_index"].close()


def _http_writer(base_url, barrier, jobs, results):
    """One client process of a running server: for each job wait at the barrier, then send it."""
    import json
    import urllib.error
    import urllib.request

    while (job := jobs.get()) is not None:
        method, url, headers, body = job
        request = urllib.request.Request(base_url + url, data=body, method=method, headers=headers)
        barrier.wait(timeout=60)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, exc.read()
        results.put((status, json.loads(payload or b"null")))


class Writers:
    """Two writer processes released together by a barrier, one request each per round:
    each its own app (``base_url`` None), or clients of a running server."""

    def __init__(self, data, content, base_url: str | None = None):
        ctx = multiprocessing.get_context("spawn")  # no state inherited from the test process
        self.barrier = ctx.Barrier(2)
        self.jobs = [ctx.Queue(), ctx.Queue()]
        self.results = [ctx.Queue(), ctx.Queue()]
        target, args = (_writer, (str(data), str(content))) if base_url is None else (_http_writer, (base_url,))
        self.procs = [
            ctx.Process(target=target, args=(*args, self.barrier, self.jobs[i], self.results[i]), daemon=True)
            for i in range(2)
        ]
        for proc in self.procs:
            proc.start()

    def at_once(self, first, second) -> list[tuple[int, dict]]:
        """Send both requests at the same moment; their (status, JSON) in the same order."""
        for queue, job in zip(self.jobs, (first, second)):
            queue.put(job)
        return [queue.get(timeout=120) for queue in self.results]

    def close(self):
        for queue in self.jobs:
            queue.put(None)
        for proc in self.procs:
            proc.join(30)
            if proc.is_alive():  # pragma: no cover - only when a writer hangs
                proc.kill()


@pytest.fixture
def site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    data = tmp_path / "data"
    ingest(content, data)
    db = OwnedDB(data)
    emails = {
        "member1": ("leder1@example.dk", "contributor", ["vestegnen"]),
        "member2": ("leder2@example.dk", "contributor", ["vestegnen"]),
        "editor1": ("red1@example.dk", "editor", []),
        "editor2": ("red2@example.dk", "editor", []),
    }
    users, tokens = {}, {}
    for name, (email, role, networks) in emails.items():
        users[name] = accounts.add_user(db, email, role, networks=networks, organisation="Testkommune")
        tokens[name] = accounts.issue_token(db, email)
    db.close()
    return content, data, users, tokens


@pytest.fixture
def writers(site):
    content, data, _users, _tokens = site
    procs = Writers(data, content)
    yield procs
    procs.close()


def _post(token, url, body: str):
    return (
        "POST",
        url,
        {"Authorization": f"Bearer {token}", "Content-Type": "text/markdown; charset=utf-8"},
        body.encode("utf-8"),
    )


def _approve(token, sid):
    return ("POST", f"/api/submissions/{sid}/approve", {"Authorization": f"Bearer {token}"}, b"")


def test_two_members_posting_same_titled_notes_at_once_both_keep_their_note(site, writers):
    content, data, users, tokens = site
    accepted = []
    for n in range(ROUNDS):
        texts = [NOTE.format(who=who, n=n) for who in ("leder 1", "leder 2")]
        outcomes = writers.at_once(
            _post(tokens["member1"], "/api/notes", texts[0]), _post(tokens["member2"], "/api/notes", texts[1])
        )
        for (status, body), text in zip(outcomes, texts):
            # Both are accepted: a note's address comes from its title and date, which
            # the member did not choose as an address, so the second gets its own (-2).
            assert status == 201, body
            accepted.append((body["id"], text))
        assert outcomes[0][1]["id"] != outcomes[1][1]["id"]
    ids = [i for i, _t in accepted]
    assert len(set(ids)) == len(ids) == 2 * ROUNDS
    assert "2026-11-30-samtidigt-notat-fra-netvaerksmoedet" in ids
    assert "2026-11-30-samtidigt-notat-fra-netvaerksmoedet-2" in ids
    for note_id, text in accepted:
        assert (content / "notes" / f"{note_id}.md").read_text(encoding="utf-8") == text
    report = check(content, data)
    assert report.ok, report.problems


def test_two_same_titled_new_practices_submitted_and_approved_at_once_are_both_published(site, writers):
    content, data, users, tokens = site
    published = []
    for n in range(ROUNDS):
        texts = [PRACTICE.format(who=who, n=n) for who in ("kommune A", "kommune B")]
        created = writers.at_once(
            _post(tokens["member1"], "/api/submissions", texts[0]),
            _post(tokens["member2"], "/api/submissions", texts[1]),
        )
        assert [s for s, _b in created] == [201, 201], created
        sids = [b["id"] for _s, b in created]
        approved = writers.at_once(_approve(tokens["editor1"], sids[0]), _approve(tokens["editor2"], sids[1]))
        assert [s for s, _b in approved] == [200, 200], approved
        slugs = [b["slug"] for _s, b in approved]
        assert len(set(slugs)) == 2, slugs  # the second same-titled practice has its own address
        assert sorted(slugs) == [f"samtidig-ny-erfaring-i-runde-{n}", f"samtidig-ny-erfaring-i-runde-{n}-2"]
        for (_status, body), text in zip(approved, texts):
            assert body["status"] == "approved" and body["url"] == f"/erfaringer/{body['slug']}"
            published.append((body["slug"], text))
    for slug, text in published:
        assert (content / "practices" / f"{slug}.md").read_text(encoding="utf-8") == text
    report = check(content, data)
    assert report.ok, report.problems


def test_two_updates_of_one_practice_approved_at_once_exactly_one_wins(site, writers):
    content, data, users, tokens = site
    path = content / "practices" / f"{UPDATE_SLUG}.md"
    for n in range(ROUNDS):
        base = path.read_text(encoding="utf-8")
        texts = [base + f"\nTilføjelse fra {who} i runde {n} (testindhold).\n" for who in ("kommune A", "kommune B")]
        db = OwnedDB(data)
        subs = [
            submissions.submit(db, users[who], text, content, slug=UPDATE_SLUG)
            for who, text in zip(("member1", "member2"), texts)
        ]
        db.close()
        outcomes = writers.at_once(_approve(tokens["editor1"], subs[0].id), _approve(tokens["editor2"], subs[1].id))
        statuses = sorted(s for s, _b in outcomes)
        assert statuses == [200, 409], outcomes
        winner = next(i for i, (s, _b) in enumerate(outcomes) if s == 200)
        loser = 1 - winner
        reason = outcomes[loser][1]["error"]
        assert "er blevet ændret" in reason and "venter stadig" in reason, reason
        assert path.read_text(encoding="utf-8") == texts[winner]
        db = OwnedDB(data)
        assert submissions.get(db, subs[loser].id).status == "pending"  # kept for a new decision
        assert submissions.get(db, subs[winner].id).status == "approved"
        submissions.reject(db, users["editor1"], subs[loser].id, "Overhalet af en anden ændring (test).")
        db.close()
    report = check(content, data)
    assert report.ok, report.problems


# -- the same guarantees, step by step in one process ---------------------------------
def test_an_approval_waiting_in_the_outbox_blocks_a_second_update_of_the_same_version(site, monkeypatch):
    """An ingest holds the publishing lock, so the first approval stays in the
    outbox (decided, not yet in content/): the second update, prepared against
    the same version, must still see it and get a 409, and stay pending."""
    content, data, users, tokens = site
    path = content / "practices" / f"{UPDATE_SLUG}.md"
    base = path.read_text(encoding="utf-8")
    db = OwnedDB(data)
    first = submissions.submit(db, users["member1"], base + "\nFørste (testindhold).\n", content, slug=UPDATE_SLUG)
    second = submissions.submit(db, users["member2"], base + "\nAnden (testindhold).\n", content, slug=UPDATE_SLUG)
    # while the lock is held, a drain gives up at once instead of after LOCK_WAIT seconds
    monkeypatch.setattr(submissions, "drain", functools.partial(publishing.drain, wait=0))
    with write_lock(data, blocking=True):
        submissions.approve(db, users["editor1"], first.id, content, data)
        assert path.read_text(encoding="utf-8") == base  # not published yet …
        with pytest.raises(submissions.SubmissionError) as info:
            submissions.approve(db, users["editor2"], second.id, content, data)
    assert info.value.status == 409 and "venter stadig" in info.value.message
    assert submissions.get(db, second.id).status == "pending"
    # a third update submitted now is based on the approved text, not on the file
    third = submissions.submit(
        db, users["member2"], base + "\nFørste (testindhold).\nTredje.\n", content, slug=UPDATE_SLUG
    )
    assert third.base_raw == base + "\nFørste (testindhold).\n"
    publishing.drain(db, content, data)
    submissions.approve(db, users["editor2"], third.id, content, data)
    db.close()
    assert path.read_text(encoding="utf-8").endswith("Første (testindhold).\nTredje.\n")
    assert check(content, data).ok, check(content, data).problems


def test_a_rejected_new_practice_gives_its_address_back_and_an_explicit_slug_is_never_changed(site):
    content, data, users, tokens = site
    text = PRACTICE.format(who="kommune A", n=9)
    db = OwnedDB(data)
    first = submissions.submit(db, users["member1"], text, content)
    second = submissions.submit(db, users["member2"], text, content)
    assert (first.slug, second.slug) == ("samtidig-ny-erfaring-i-runde-9", "samtidig-ny-erfaring-i-runde-9-2")
    with pytest.raises(submissions.SubmissionError) as info:
        submissions.submit(db, users["member2"], text, content, slug="samtidig-ny-erfaring-i-runde-9")
    assert info.value.status == 409 and "reserveret" in info.value.message
    submissions.reject(db, users["editor1"], first.id, "Dubletter (test).")
    again = submissions.submit(db, users["member1"], text, content)
    db.close()
    assert again.slug == "samtidig-ny-erfaring-i-runde-9"


def _run_check(content, data):
    app = create_app({"TESTING": True, "DATA_DIR": str(data), "CONTENT_DIR": str(content)})
    try:
        return app.test_cli_runner().invoke(args=["check"])
    finally:
        app.extensions["portal_index"].close()


def test_flask_check_reports_every_accepted_text_that_is_not_in_content(site):
    """What the old code did in a race (two accepted writes to one address, the
    second not based on the first), written straight into the outbox: check
    names each lost text and exits non-zero; a hand edit is reported too."""
    content, data, users, tokens = site
    from portal.publishing import drain, enqueue

    db = OwnedDB(data)
    note_a, note_b = NOTE.format(who="leder 1", n=0), NOTE.format(who="leder 2", n=0)
    with db.write() as conn:
        enqueue(db, conn, "note", "2026-11-30-dobbelt", note_a)
        enqueue(db, conn, "note", "2026-11-30-dobbelt", note_b)
    path = content / "practices" / f"{UPDATE_SLUG}.md"
    base = path.read_text(encoding="utf-8")
    updates = [
        submissions.submit(db, users[who], base + f"\n{who} (testindhold).\n", content, slug=UPDATE_SLUG)
        for who in ("member1", "member2")
    ]
    with db.write() as conn:  # both approved against the same version, as the old check let happen
        for sub in updates:
            conn.execute(
                "UPDATE submissions SET status = 'approved', decided_at = '2026-12-01' WHERE id = ?", (sub.id,)
            )
            enqueue(db, conn, "practice", UPDATE_SLUG, sub.raw, submission_id=sub.id)
    drain(db, content, data)
    db.close()
    problems = check(content, data).problems
    lost_note = "er gået tabt: notes/2026-11-30-dobbelt.md"
    assert any("notatet fra udbakke" in p and lost_note in p for p in problems), problems
    assert any(f"godkendt indsendelse {updates[0].id} er gået tabt" in p for p in problems), problems
    result = _run_check(content, data)
    assert result.exit_code == 1 and "er gået tabt" in result.output

    (content / "notes" / "2026-11-30-dobbelt.md").write_text(note_a + "Rettet i hånden.\n", encoding="utf-8")
    assert any(
        "notes/2026-11-30-dobbelt.md har ikke den tekst, der blev godkendt" in p for p in check(content, data).problems
    )


def test_a_database_from_before_reservations_is_migrated_and_its_duplicates_cannot_both_win(site):
    """Two pending new practices that the old code gave the same slug: after the
    migration exactly one can be approved; the other gets a 409 and stays pending."""
    content, data, users, tokens = site
    db = OwnedDB(data)
    subs = [
        submissions.submit(db, users[who], PRACTICE.format(who=who, n=7), content) for who in ("member1", "member2")
    ]
    with db.write() as conn:  # as the old code stored them, and as a file at migration 5 looked
        conn.execute("UPDATE submissions SET slug = ? WHERE id = ?", (subs[0].slug, subs[1].id))
        conn.execute("DROP TABLE reservations")
        conn.execute("ALTER TABLE outbox DROP COLUMN submission_id")
        conn.execute("DELETE FROM migrations WHERE name = '0006_slug_reservations'")
        conn.execute("PRAGMA user_version = 5")
    db.close()
    db = OwnedDB(data)
    assert db.one("SELECT owner FROM reservations WHERE slug = ?", (subs[0].slug,))["owner"] == subs[0].id
    submissions.approve(db, users["editor1"], subs[1].id, content, data)
    with pytest.raises(submissions.SubmissionError) as info:
        submissions.approve(db, users["editor2"], subs[0].id, content, data)
    assert info.value.status == 409 and "er blevet oprettet" in info.value.message
    assert submissions.get(db, subs[0].id).status == "pending"
    db.close()
    assert (content / "practices" / f"{subs[0].slug}.md").read_text(encoding="utf-8") == subs[1].raw
    assert check(content, data).ok, check(content, data).problems


# -- the same in the browser's forms -------------------------------------------------
def _login(app, email):
    import re

    db = OwnedDB(app.config["DATA_DIR"])
    accounts.set_password(db, email, "en-lang-adgangskode")
    db.close()
    client = app.test_client()

    def token(url):
        return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)

    response = client.post(
        "/log-ind", data={"email": email, "password": "en-lang-adgangskode", "csrf_token": token("/log-ind")}
    )
    assert response.status_code == 302
    return client, token


@pytest.fixture
def web(site):
    content, data, users, tokens = site
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data), "CONTENT_DIR": str(content), "SESSION_COOKIE_SECURE": False}
    )
    yield app
    app.extensions["portal_index"].close()


def test_an_edit_form_opened_before_an_approval_cannot_undo_it(site, web):
    """Two contributors open the edit form of one practice; the first one's change
    is approved; the second one's form, sent afterwards, must not be stored against
    the new text it never saw (its approval would silently remove the first change)."""
    import re

    from portal.web.forms import PRACTICE_FIELDS, from_file

    content, data, users, tokens = site
    url = f"/indsend?slug={UPDATE_SLUG}"
    forms = []
    for email in ("leder1@example.dk", "leder2@example.dk"):
        client, token = _login(web, email)
        html = client.get(url).get_data(as_text=True)
        based_on = re.search(r'name="based_on" value="([0-9a-f]+)"', html).group(1)
        values = from_file((content / "practices" / f"{UPDATE_SLUG}.md").read_text(encoding="utf-8"), PRACTICE_FIELDS)
        forms.append(
            (
                client,
                token,
                {k: v for k, v in values.items() if v not in (None, "")}
                | {"slug": UPDATE_SLUG, "based_on": based_on, "action": "submit"},
            )
        )
    (first, first_token, first_form), (second, second_token, second_form) = forms
    first_form["body"] += "\n\nFørste kommunes tilføjelse (testindhold)."
    response = first.post("/indsend", data=first_form | {"csrf_token": first_token("/indsend")})
    assert response.status_code == 302
    sid = response.headers["Location"].rsplit("/", 1)[1]
    db = OwnedDB(data)
    submissions.approve(db, users["editor1"], sid, content, data)

    second_form["body"] += "\n\nAnden kommunes tilføjelse (testindhold)."
    response = second.post("/indsend", data=second_form | {"csrf_token": second_token("/indsend")})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Erfaringen er blevet ændret, siden du åbnede formularen" in html
    assert "Anden kommunes tilføjelse (testindhold)." in html  # nothing typed is lost
    assert [s.slug for s in submissions.by_status(db, "pending")] == []  # nothing stored against the new text
    # the re-shown form carries the new version: sending it again is a deliberate choice
    new_version = re.search(r'name="based_on" value="([0-9a-f]+)"', html).group(1)
    assert new_version != second_form["based_on"]
    response = second.post(
        "/indsend", data=second_form | {"based_on": new_version, "csrf_token": second_token("/indsend")}
    )
    assert response.status_code == 302
    pending = submissions.by_status(db, "pending")
    db.close()
    assert len(pending) == 1 and "Første kommunes tilføjelse" in pending[0].base_raw


def test_an_editor_approving_an_overtaken_update_in_the_queue_is_told_why(site, web):
    content, data, users, tokens = site
    base = (content / "practices" / f"{UPDATE_SLUG}.md").read_text(encoding="utf-8")
    db = OwnedDB(data)
    subs = [
        submissions.submit(db, users[who], base + f"\n{who} (testindhold).\n", content, slug=UPDATE_SLUG)
        for who in ("member1", "member2")
    ]
    editor, token = _login(web, "red2@example.dk")
    warning = "Erfaringen er blevet ændret, siden dette forslag blev indsendt, så det kan ikke godkendes"
    assert warning not in editor.get(f"/redaktion/{subs[1].id}").get_data(as_text=True)
    submissions.approve(db, users["editor1"], subs[0].id, content, data)
    assert warning in editor.get(f"/redaktion/{subs[1].id}").get_data(as_text=True)  # told before the click
    response = editor.post(f"/redaktion/{subs[1].id}/godkend", data={"csrf_token": token(f"/redaktion/{subs[1].id}")})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/redaktion/{subs[1].id}")
    html = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kunne ikke godkende" in html and "er blevet ændret" in html and "venter stadig" in html
    assert submissions.get(db, subs[1].id).status == "pending"
    db.close()
    assert (content / "practices" / f"{UPDATE_SLUG}.md").read_text(encoding="utf-8") == subs[0].raw
    english = editor.get(f"/redaktion/{subs[1].id}?lang=en").get_data(as_text=True)
    assert "The practice has been changed since this proposal was submitted" in english


def test_a_same_titled_note_from_the_form_gets_its_own_page(site, web):
    content, data, users, tokens = site
    urls = []
    for email, words in (("leder1@example.dk", "første"), ("leder2@example.dk", "anden")):
        member, token = _login(web, email)
        response = member.post(
            "/netvaerk/vestegnen/nyt-notat",
            data={
                "csrf_token": token("/netvaerk/vestegnen/nyt-notat"),
                "title": "Referat af netværksmødet",
                "date": "2026-11-30",
                "visibility": "network",
                "body": f"Det {words} referat (testindhold).",
            },
        )
        assert response.status_code == 302
        urls.append(response.headers["Location"])
    first_url = "/notater/2026-11-30-referat-af-netvaerksmoedet"
    assert urls == [first_url, f"{first_url}-2"]
    reader = member  # network-only notes: a member of the network reads both
    assert "Det første referat" in reader.get(urls[0]).get_data(as_text=True)
    assert "Det anden referat" in reader.get(urls[1]).get_data(as_text=True)


def test_an_api_update_based_on_an_old_version_is_a_409_and_stores_nothing(site, web):
    content, data, users, tokens = site
    client = web.test_client()

    def send(who, url, text):
        method, url, headers, body = _post(tokens[who], url, text)
        return client.open(url, method=method, headers=headers, data=body)

    version = client.get(f"/api/practices/{UPDATE_SLUG}").get_json()["version"]
    base = (content / "practices" / f"{UPDATE_SLUG}.md").read_text(encoding="utf-8")
    url = f"/api/submissions?slug={UPDATE_SLUG}&based_on={version}"
    first = send("member1", url, base + "\nFørste (testindhold).\n")
    assert first.status_code == 201, first.get_json()
    approved = client.post(
        f"/api/submissions/{first.get_json()['id']}/approve", headers={"Authorization": f"Bearer {tokens['editor1']}"}
    )
    assert approved.status_code == 200
    stale = send("member2", url, base + "\nAnden (testindhold).\n")
    assert stale.status_code == 409 and "er blevet ændret, siden du hentede den" in stale.get_json()["error"]
    assert stale.get_json()["errors"][0]["field"] == "based_on"
    db = OwnedDB(data)
    assert submissions.by_status(db, "pending") == []  # nothing stored against the newer text
    db.close()
    assert client.get(f"/api/practices/{UPDATE_SLUG}").get_json()["version"] != version
    assert send("member2", f"/api/submissions?slug={UPDATE_SLUG}&based_on={'0' * 65}", base).status_code == 400


def test_a_failed_publication_holds_back_later_ones_of_the_same_item_so_the_newest_text_wins(site, monkeypatch):
    """Update 1 is approved while the disk is full (it stays in the outbox); update 2,
    based on update 1, is approved after the disk has room. Publishing 2 first and
    1 on the retry would leave the older text in the file: 2 waits for 1."""
    content, data, users, tokens = site
    from portal.integrity import reconcile

    path = content / "practices" / f"{UPDATE_SLUG}.md"
    base = path.read_text(encoding="utf-8")
    db = OwnedDB(data)
    first = submissions.submit(db, users["member1"], base + "\nFørste (testindhold).\n", content, slug=UPDATE_SLUG)
    real_write = publishing.write_file_atomically

    def full_disk_for_the_first(target, text):
        if text == first.raw:
            raise OSError(28, "No space left on device")
        real_write(target, text)

    monkeypatch.setattr(publishing, "write_file_atomically", full_disk_for_the_first)
    submissions.approve(db, users["editor1"], first.id, content, data)
    second = submissions.submit(db, users["member2"], first.raw + "Anden (testindhold).\n", content, slug=UPDATE_SLUG)
    assert second.base_raw == first.raw  # based on the approved text, not on the file
    submissions.approve(db, users["editor2"], second.id, content, data)
    assert path.read_text(encoding="utf-8") == base  # neither is written: 2 waits for 1
    assert len(db.all("SELECT id FROM outbox WHERE done_at IS NULL")) == 2
    monkeypatch.undo()
    db.close()
    reconcile(content, data)
    assert path.read_text(encoding="utf-8") == second.raw
    assert check(content, data).ok, check(content, data).problems


# -- one write path into content/ ----------------------------------------------------
# Every module of the portal that writes files, and where. Only publishing.py may
# write into content/ (the outbox's files); restore replaces the whole content root
# from a verified backup while the server is stopped. A new writer fails this test
# until it is added here with its reason, so a second way into content/ is a decision.
WRITERS = {
    "portal/publishing.py": "content/<kind>/<slug>: the one publishing path (write_file_atomically)",
    "portal/backup.py": "the backup directory; restore: the whole content root and owned.db, server stopped",
    "portal/generations.py": "derived/: the CURRENT pointer and the write lock",
    "portal/render_cache.py": "derived/: the render cache",
    "portal/web/security.py": "DATA_DIR/secret_key",
    "portal/attachments.py": "content/<kind>/filer/<sha256>.pdf: an attachment, named by its hash (write, fsync, rename)",
}
_WRITE_CALLS = {
    "write_text",
    "write_bytes",
    "extractall",
    "replace",
    "rename",
    "copy2",
    "copyfile",
    "copytree",
    "move",
    "fdopen",
}


def _file_writes(path) -> list[str]:
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        modes = [
            a.value
            for a in node.args[1:2] + [k.value for k in node.keywords if k.arg == "mode"]
            if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        if name in _WRITE_CALLS and not (name == "replace" and getattr(node.func.value, "id", None) != "os"):
            found.append(f"{name}() line {node.lineno}")
        elif name == "open" and any(set(m) & set("wax+") for m in modes):
            found.append(f"open(…, {modes[0]!r}) line {node.lineno}")
    return found


def test_only_the_publishing_path_writes_into_content():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    writers = {}
    for path in sorted((root / "portal").rglob("*.py")):
        if found := _file_writes(path):
            writers[str(path.relative_to(root))] = found
    unexpected = {module: calls for module, calls in writers.items() if module not in WRITERS}
    assert unexpected == {}, f"new file writers (say where they write in WRITERS): {unexpected}"
    assert "write_file_atomically" not in "".join(
        p.read_text(encoding="utf-8") for p in (root / "portal").rglob("*.py") if p.name != "publishing.py"
    )


# -- all three races through the production server -------------------------------------
@pytest.fixture
def gunicorn(site, tmp_path):
    """gunicorn with two sync workers (as `make serve`), an access log that names the
    worker process of every request."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    content, data, _users, _tokens = site
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    access = tmp_path / "access.log"
    env = os.environ | {
        "PORTAL_DATA_DIR": str(data),
        "PORTAL_CONTENT_DIR": str(content),
        "PORTAL_SESSION_COOKIE_SECURE": "false",
    }
    with open(tmp_path / "gunicorn.log", "wb") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--workers",
                "2",
                "--timeout",
                "30",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                str(access),
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(s)s",
                "app:app",
            ],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/api/openapi.json", timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail((tmp_path / "gunicorn.log").read_text(errors="replace")[-2000:])
                time.sleep(0.2)
        clients = Writers(data, content, base_url=base)
        yield clients, access
        clients.close()
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:  # pragma: no cover
            server.kill()


def test_all_three_races_through_gunicorn_with_two_workers_lose_nothing(site, gunicorn):
    content, data, users, tokens = site
    clients, access = gunicorn
    path = content / "practices" / f"{UPDATE_SLUG}.md"
    accepted: list[tuple[str, str]] = []  # (file under content/, its text) for every 2xx write
    conflicts = 0
    for n in range(3):
        texts = [NOTE.format(who=who, n=n) for who in ("leder 1", "leder 2")]
        for (status, body), text in zip(
            clients.at_once(
                _post(tokens["member1"], "/api/notes", texts[0]), _post(tokens["member2"], "/api/notes", texts[1])
            ),
            texts,
        ):
            assert status == 201, body
            accepted.append((f"notes/{body['id']}.md", text))

        texts = [PRACTICE.format(who=who, n=n) for who in ("kommune A", "kommune B")]
        created = clients.at_once(
            _post(tokens["member1"], "/api/submissions", texts[0]),
            _post(tokens["member2"], "/api/submissions", texts[1]),
        )
        approved = clients.at_once(
            *(_approve(tokens[e], b["id"]) for e, (_s, b) in zip(("editor1", "editor2"), created))
        )
        for (status, body), text in zip(approved, texts):
            assert status == 200, body
            accepted.append((f"practices/{body['slug']}.md", text))

        base = path.read_text(encoding="utf-8")
        texts = [base + f"\nTilføjelse fra {who} i runde {n} (testindhold).\n" for who in ("kommune A", "kommune B")]
        db = OwnedDB(data)
        subs = [
            submissions.submit(db, users[w], t, content, slug=UPDATE_SLUG)
            for w, t in zip(("member1", "member2"), texts)
        ]
        db.close()
        outcomes = clients.at_once(_approve(tokens["editor1"], subs[0].id), _approve(tokens["editor2"], subs[1].id))
        assert sorted(s for s, _b in outcomes) == [200, 409], outcomes
        for (status, body), text, sub in zip(outcomes, texts, subs):
            if status == 200:
                accepted.append((f"practices/{UPDATE_SLUG}.md", text))
            else:
                conflicts += 1
                assert "er blevet ændret" in body["error"]
                db = OwnedDB(data)
                assert submissions.get(db, sub.id).status == "pending"
                submissions.reject(db, users["editor1"], sub.id, "Overhalet (test).")
                db.close()
    # the update of each round is replaced by the next round's, which was based on it
    final = {name: text for name, text in accepted}
    assert len(final) == 3 * 2 + 3 * 2 + 1
    lost = [name for name, text in final.items() if (content / name).read_text(encoding="utf-8") != text]
    assert lost == [] and conflicts == 3
    assert check(content, data).ok, check(content, data).problems
    writes = [line.split() for line in access.read_text().splitlines() if line.split()[1] == "POST"]
    assert len({pid for pid, *_rest in writes}) == 2, writes  # both workers wrote
