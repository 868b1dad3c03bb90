"""E-mail notifications against a real SMTP server started by the tests (aiosmtpd).

Decisions, new submissions and network notes queue mails in the owned
database's outbox in the transaction that records them; a background drain
after each write and ``flask mail send`` deliver them. Tried with the server up,
down, hanging, and with two processes draining at once.
"""

import io
import multiprocessing
import socket
import time

import pytest

from portal import mail
from portal.owned import OwnedDB
from portal.web import create_app
from portal.web.mailer import settings

from conftest import PASSWORD, close_site, make_site, run_cli as cli
from mailserver import MailServer

GOOD = """---
title: Sprogmakkere for nyankomne flygtninge i Ishøj
kommuner: [Ishøj]
evidence: ikke-evalueret
source: Testmateriale, ingen rigtig kilde
topics: [sprog, frivillighed]
---
Frivillige sprogmakkere mødes med nyankomne flygtninge hver uge. (Testindhold.)
"""
NOTE = """---
title: Møde om sprogmakkere
network: vestegnen
date: 2026-11-22
visibility: network
---
Referat fra mødet. (Testindhold.)
"""
BASE = "https://hvadvirker.test.example"
CONTRIBUTOR, EDITOR, EDITOR2, MEMBER, MEMBER2 = (
    "videnscenter@example.dk",
    "redaktoer@example.dk",
    "redaktoer2@example.dk",
    "leder@broendby.example.dk",
    "leder@ishoej.example.dk",
)


@pytest.fixture
def smtpd():
    server = MailServer().start()
    yield server
    server.stop()


SMTP_CONFIG = {
    "SMTP_HOST": "127.0.0.1",
    "SMTP_STARTTLS": False,
    "MAIL_FROM": "portal@hvadvirker.test.example",
    "BASE_URL": BASE,
    "TRUSTED_HOSTS": ["localhost", "hvadvirker.test.example"],
}
PEOPLE = {
    CONTRIBUTOR: (CONTRIBUTOR, "contributor", (), "--organisation", "Videnscenter Test"),
    EDITOR: (EDITOR, "editor", ()),
    EDITOR2: (EDITOR2, "admin", ()),
    MEMBER: (MEMBER, "contributor", ("vestegnen",)),
    MEMBER2: (MEMBER2, "contributor", ("vestegnen",)),
}


def _app(content, data, port):
    """Another app (another worker, say) over the same site, sending to ``port``."""
    return create_app(
        {"TESTING": True, "DATA_DIR": str(data), "CONTENT_DIR": str(content), **SMTP_CONFIG, "SMTP_PORT": port}
    )


@pytest.fixture
def site(tmp_path, smtpd):
    app = make_site(tmp_path, people=PEOPLE, **SMTP_CONFIG, SMTP_PORT=smtpd.port)
    yield app
    close_site(app)


def bearer(token, content_type="text/markdown; charset=utf-8"):
    return {"Authorization": f"Bearer {token}", "Content-Type": content_type}


def _submit(site) -> str:
    response = site.test_client().post("/api/submissions", data=GOOD.encode(), headers=bearer(site.tokens[CONTRIBUTOR]))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def _outbox(site) -> list[dict]:
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        return db.all("SELECT * FROM mail_outbox ORDER BY id")
    finally:
        db.close()


def test_a_new_submission_mails_each_editor_once(site, smtpd):
    sid = _submit(site)
    got = smtpd.inbox.wait_for(2)
    assert sorted(r for rcpts, _m in got for r in rcpts) == sorted([EDITOR, EDITOR2])  # not the contributor
    message = smtpd.inbox.to(EDITOR)[0]
    assert message["Subject"] == "Ny indsendelse venter: Sprogmakkere for nyankomne flygtninge i Ishøj"
    assert message["From"] == "portal@hvadvirker.test.example" and message["To"] == EDITOR
    body = message.get_content()
    assert "videnscenter@example.dk (Videnscenter Test) har indsendt en ny erfaring" in body
    assert f"{BASE}/redaktion/{sid}" in body
    time.sleep(0.3)
    assert len(smtpd.inbox.messages) == 2  # and nothing more


def test_a_rejection_mails_the_contributor_the_reason_and_an_approval_the_page(site, smtpd):
    sid = _submit(site)
    smtpd.inbox.wait_for(2)
    editor = bearer(site.tokens[EDITOR], "application/json")
    reason = "Der mangler en kilde.\nTilføj venligst en rapport, og indsend igen."
    assert (
        site.test_client().post(f"/api/submissions/{sid}/reject", json={"reason": reason}, headers=editor).status_code
        == 200
    )
    smtpd.inbox.wait_for(3)
    [rejected] = smtpd.inbox.to(CONTRIBUTOR)
    assert rejected["Subject"] == "Din indsendelse er afvist: Sprogmakkere for nyankomne flygtninge i Ishøj"
    body = rejected.get_content()
    assert "Der mangler en kilde." in body and "Tilføj venligst en rapport, og indsend igen." in body
    assert f"{BASE}/indsendelser/{sid}" in body

    sid2 = _submit(site)
    smtpd.inbox.wait_for(5)
    assert site.test_client().post(f"/api/submissions/{sid2}/approve", headers=editor).status_code == 200
    smtpd.inbox.wait_for(6)
    approved = [m for m in smtpd.inbox.to(CONTRIBUTOR) if "godkendt" in m["Subject"]]
    assert len(approved) == 1
    assert f"{BASE}/erfaringer/sprogmakkere-for-nyankomne-flygtninge-i-ishoej" in approved[0].get_content()
    assert site.test_client().get("/erfaringer/sprogmakkere-for-nyankomne-flygtninge-i-ishoej").status_code == 200
    time.sleep(0.3)
    assert len(smtpd.inbox.to(CONTRIBUTOR)) == 2
    assert all(row["sent_at"] for row in _outbox(site))


def test_server_down_the_decision_stands_the_mail_waits_and_goes_when_it_is_back(site, smtpd):
    sid = _submit(site)
    smtpd.inbox.wait_for(2)
    smtpd.stop()
    response = site.test_client().post(
        f"/api/submissions/{sid}/reject",
        json={"reason": "Dubleret."},
        headers=bearer(site.tokens[EDITOR], "application/json"),
    )
    assert response.status_code == 200 and response.get_json()["status"] == "rejected"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _outbox(site)[-1]["attempts"]:
        time.sleep(0.05)  # the background drain tried and failed
    row = _outbox(site)[-1]
    assert row["to_addr"] == CONTRIBUTOR and row["sent_at"] is None and row["attempts"] == 1
    assert "Connection" in row["error"] or "refused" in row["error"].lower()
    status = cli(site, "mail", "status")
    assert "Venter: 1" in status and "Seneste fejl" in status

    # Still down: flask mail send says so and exits 1; the mail stays.
    result = site.test_cli_runner().invoke(args=["mail", "send", "--now"])
    assert result.exit_code == 1 and "prøves igen senere: 1" in result.output
    # Within the backoff a plain send leaves it alone; --now sends it once the server is back.
    smtpd.start()
    assert "Sendt: 0" in cli(site, "mail", "send")
    assert "Sendt: 1" in cli(site, "mail", "send", "--now")
    [message] = smtpd.inbox.to(CONTRIBUTOR)
    assert "Dubleret." in message.get_content()
    assert "Venter: 0" in cli(site, "mail", "status")


def test_a_hanging_smtp_server_never_makes_a_decision_wait(tmp_path, site):
    """The server accepts connections and never answers: the approval still answers at once."""
    hang = socket.socket()
    hang.bind(("127.0.0.1", 0))
    hang.listen(5)
    try:
        app = _app(site.config["CONTENT_DIR"], site.config["DATA_DIR"], hang.getsockname()[1])
        app.tokens = site.tokens
        sid = _submit(app)
        start = time.monotonic()
        response = app.test_client().post(f"/api/submissions/{sid}/approve", headers=bearer(site.tokens[EDITOR]))
        assert response.status_code == 200
        assert time.monotonic() - start < 2.0  # SMTP_TIMEOUT is 10 s: the request did not wait on it
        assert app.test_client().get(response.get_json()["url"]).status_code == 200
        assert any(r["to_addr"] == CONTRIBUTOR and r["sent_at"] is None for r in _outbox(app))
        close_site(app)
    finally:
        hang.close()


def test_without_smtp_nothing_is_sent_and_the_outbox_keeps_the_mails(tmp_path, site, smtpd):
    app = create_app({"TESTING": True, "DATA_DIR": site.config["DATA_DIR"], "CONTENT_DIR": site.config["CONTENT_DIR"]})
    app.tokens = site.tokens
    try:
        sid = _submit(app)
        time.sleep(0.3)
        assert smtpd.inbox.messages == []
        assert [r["to_addr"] for r in _outbox(app) if not r["sent_at"]] == [EDITOR, EDITOR2]
        assert "ikke sat op" in cli(app, "mail", "status")
        result = app.test_cli_runner().invoke(args=["mail", "send"])
        assert result.exit_code == 1 and "SMTP er ikke sat op" in result.output and "2 mail(s) venter" in result.output
        assert sid
    finally:
        close_site(app)
    assert "Sendt: 2" in cli(site, "mail", "send")  # once configured, they go
    assert len(smtpd.inbox.wait_for(2)) == 2


def test_followers_of_a_network_are_told_of_a_new_note(site, smtpd):
    member2 = bearer(site.tokens[MEMBER2])
    client = site.test_client()
    assert client.put("/api/networks/vestegnen/follow", headers=member2).get_json() == {
        "network": "vestegnen",
        "following": True,
    }
    # an editor who is not a member cannot follow; an unknown network is a 404
    assert client.put("/api/networks/vestegnen/follow", headers=bearer(site.tokens[EDITOR])).status_code == 403
    assert client.put("/api/networks/findes-ikke/follow", headers=member2).status_code == 404
    assert client.put("/api/networks/vestegnen/follow").status_code == 401
    response = client.post("/api/notes", data=NOTE.encode(), headers=bearer(site.tokens[MEMBER]))
    assert response.status_code == 201, response.get_data(as_text=True)
    got = smtpd.inbox.wait_for(1)
    assert [rcpts for rcpts, _m in got] == [[MEMBER2]]  # the author, who does not follow, gets nothing
    message = got[0][1]
    assert message["Subject"] == "Nyt notat i vestegnen: Møde om sprogmakkere"
    assert f"{BASE}{response.get_json()['url']}" in message.get_content()
    # unfollowing stops it
    assert client.delete("/api/networks/vestegnen/follow", headers=member2).get_json()["following"] is False
    assert (
        client.post(
            "/api/notes", data=NOTE.replace("Møde om", "Andet møde om").encode(), headers=bearer(site.tokens[MEMBER])
        ).status_code
        == 201
    )
    time.sleep(0.5)
    assert len(smtpd.inbox.messages) == 1


def test_headers_cannot_be_injected(site, smtpd):
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        with db.write() as conn:
            mail.queue(conn, CONTRIBUTOR, "Titel\r\nBcc: offer@example.dk\nX-Evil: 1", "Tekst.", topic="test")
            mail.queue(conn, f"{CONTRIBUTOR}\r\nBcc: offer@example.dk", "Emne", "Tekst.", topic="test")
        report = mail.send_due(db, settings(site.config))
    finally:
        db.close()
    assert report.sent == 1 and report.given_up == 1  # the bad address is refused, never sent
    [(rcpts, message)] = smtpd.inbox.wait_for(1)
    assert rcpts == [CONTRIBUTOR]
    assert message["Subject"] == "Titel Bcc: offer@example.dk X-Evil: 1"
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert "opgivet: 1" in cli(site, "mail", "status")


def _drain_in_process(data_dir, smtp, barrier, results):
    db = OwnedDB(data_dir)
    try:
        barrier.wait(timeout=30)
        report = mail.send_due(db, smtp)
        results.put(report.sent)
    finally:
        db.close()


def test_two_processes_draining_at_once_never_send_a_mail_twice(site, smtpd):
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        with db.write() as conn:
            for i in range(60):
                mail.queue(conn, f"modtager{i}@example.dk", f"Testmail {i}", f"Testmail nummer {i}.", topic="test")
    finally:
        db.close()
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    smtp = settings(site.config)
    workers = [
        ctx.Process(target=_drain_in_process, args=(site.config["DATA_DIR"], smtp, barrier, results)) for _ in range(2)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    sent = [results.get(timeout=5) for _ in workers]
    assert sum(sent) == 60
    got = smtpd.inbox.wait_for(60)
    subjects = [m["Subject"] for _r, m in got]
    assert len(subjects) == 60 and len(set(subjects)) == 60
    assert all(row["sent_at"] and row["attempts"] == 1 for row in _outbox(site))


def _queue(site, *mails):
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        with db.write() as conn:
            for to_addr, subject in mails:
                mail.queue(conn, to_addr, subject, f"{subject}. (Testmail.)", link="/netvaerk/vestegnen", topic="test")
    finally:
        db.close()


def test_a_refused_recipient_is_given_up_and_does_not_hold_up_the_others(site, smtpd):
    smtpd.inbox.refuse.add("findes-ikke@example.dk")
    _queue(site, ("findes-ikke@example.dk", "Til en ukendt"), (MEMBER, "Til et medlem"))
    assert "opgivet: 1" in site.test_cli_runner().invoke(args=["mail", "send"]).output
    assert [m["Subject"] for m in smtpd.inbox.to(MEMBER)] == ["Til et medlem"]
    refused = _outbox(site)[0]
    assert refused["given_up_at"] and "550" in refused["error"] and refused["attempts"] == 1
    assert "Sendt: 0" in cli(site, "mail", "send", "--now")  # a given-up mail is never tried again


def test_backoff_grows_and_a_mail_is_given_up_after_max_attempts(site, smtpd):
    smtpd.stop()
    _queue(site, (MEMBER, "Prøves igen"))
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        delays = []
        for _ in range(mail.MAX_ATTEMPTS):
            report = mail.send_due(db, settings(site.config), now_all=True)
            row = db.one("SELECT * FROM mail_outbox")
            delays.append(row["next_attempt_at"])
        assert report.given_up == 1 and row["attempts"] == mail.MAX_ATTEMPTS and row["given_up_at"]
        assert delays == sorted(delays) and len(set(delays[:5])) == 5  # later each time
    finally:
        db.close()


def test_a_claim_left_by_a_killed_sender_expires_and_the_mail_is_sent(site, smtpd):
    _queue(site, (MEMBER, "Efterladt"))
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        with db.write() as conn:  # a sender claimed it and died; its lease ran out
            conn.execute("UPDATE mail_outbox SET claimed_by = 'død', claimed_until = '2000-01-01T00:00:00+00:00'")
        assert mail.send_due(db, settings(site.config)).sent == 1
        with db.write() as conn:  # a live claim is respected
            mail.queue(conn, MEMBER, "Optaget", "Tekst.", topic="test")
            conn.execute("UPDATE mail_outbox SET claimed_by = 'levende', claimed_until = '9999' WHERE sent_at IS NULL")
        assert mail.send_due(db, settings(site.config), now_all=True).sent == 0
    finally:
        db.close()
    assert [m["Subject"] for m in smtpd.inbox.to(MEMBER)] == ["Efterladt"]
    assert f"{BASE}/netvaerk/vestegnen" in smtpd.inbox.to(MEMBER)[0].get_content()


def test_without_a_base_url_a_mail_links_by_path(site, smtpd):
    _queue(site, (MEMBER, "Uden adresse"))
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        no_base = settings({**site.config, "BASE_URL": None})
        assert mail.send_due(db, no_base).sent == 1
    finally:
        db.close()
    body = smtpd.inbox.to(MEMBER)[0].get_content().replace("\r\n", "\n")
    assert body.endswith("(Testmail.)\n/netvaerk/vestegnen\n")


def _login(site, email):
    import re

    client = site.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/log-ind").get_data(as_text=True)).group(1)
    assert client.post("/log-ind", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    # a login starts a new session, and with it a new CSRF token
    client.csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    return client


def test_through_the_web_pages_an_upload_mails_the_editors_and_an_approval_the_contributor(site, smtpd):
    contributor = _login(site, CONTRIBUTOR)
    response = contributor.post(
        "/indsend",
        data={"csrf_token": contributor.csrf, "file": (io.BytesIO(GOOD.encode()), "erfaring.md")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    sid = response.headers["Location"].rsplit("/", 1)[1]
    smtpd.inbox.wait_for(2)
    assert {m["To"] for _r, m in smtpd.inbox.messages} == {EDITOR, EDITOR2}
    editor = _login(site, EDITOR)
    assert editor.post(f"/redaktion/{sid}/godkend", data={"csrf_token": editor.csrf}).status_code == 302
    smtpd.inbox.wait_for(3)
    [approved] = smtpd.inbox.to(CONTRIBUTOR)
    assert approved["Subject"] == "Din erfaring er godkendt: Sprogmakkere for nyankomne flygtninge i Ishøj"
    assert f"{BASE}/erfaringer/sprogmakkere-for-nyankomne-flygtninge-i-ishoej" in approved.get_content()
