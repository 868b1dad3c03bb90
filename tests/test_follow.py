"""Following a network from its page: a toggle for signed-in members only (the API is in test_mail.py)."""

import re

import pytest

from portal.owned import OwnedDB

from conftest import PASSWORD, close_site, make_site

MEMBER, STRANGER = "leder@broendby.example.dk", "fremmed@example.dk"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = make_site(
        tmp_path_factory.mktemp("follow"),
        people={"member": (MEMBER, "contributor", ("vestegnen",)), "stranger": (STRANGER, "contributor", ())},
    )
    yield app
    close_site(app)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _login(site, email):
    client = site.test_client()
    token = _csrf(client.get("/log-ind").get_data(as_text=True))
    assert client.post("/log-ind", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return client


def _follows(site) -> list[tuple]:
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        return [(r["network"],) for r in db.all("SELECT network FROM network_follows")]
    finally:
        db.close()


def test_a_member_follows_and_unfollows_from_the_network_page(site):
    client = _login(site, MEMBER)
    page = client.get("/netvaerk/vestegnen").get_data(as_text=True)
    assert "Følg netværket</button>" in page
    response = client.post(
        "/netvaerk/vestegnen/foelg", data={"follow": "1", "csrf_token": _csrf(page)}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Du følger nu netværket og får en e-mail, når der kommer et nyt notat." in html
    assert "Stop med at følge netværket</button>" in html
    assert _follows(site) == [("vestegnen",)]
    response = client.post(
        "/netvaerk/vestegnen/foelg", data={"follow": "0", "csrf_token": _csrf(html)}, follow_redirects=True
    )
    assert "Du følger ikke længere netværket." in response.get_data(as_text=True)
    assert _follows(site) == []


def test_strangers_and_anonymous_readers_cannot_follow(site):
    anonymous = site.test_client()
    assert "Følg netværket" not in anonymous.get("/netvaerk/vestegnen").get_data(as_text=True)
    assert anonymous.post("/netvaerk/vestegnen/foelg", data={"follow": "1"}).status_code == 400  # no CSRF token
    stranger = _login(site, STRANGER)
    page = stranger.get("/netvaerk/vestegnen").get_data(as_text=True)
    assert "Følg netværket" not in page
    token = _csrf(page)
    assert stranger.post("/netvaerk/vestegnen/foelg", data={"follow": "1", "csrf_token": token}).status_code == 403
    assert stranger.post("/netvaerk/findes-ikke/foelg", data={"follow": "1", "csrf_token": token}).status_code == 404
    assert _follows(site) == []
