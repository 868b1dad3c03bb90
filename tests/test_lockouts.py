"""Lock-outs that protect without locking others out (issue 11), with two "people" each time:
an attacker and a user, told apart by address or account. Throttling hits the failing
(account, address) pair only; valid tokens and correct passwords of others always work;
a password change revokes tokens; disabling ends sessions and tokens for good."""

import shutil
import time

import pytest

from portal import accounts, throttle
from portal.ingest import ingest
from portal.owned import OwnedDB
from portal.web import create_app

from conftest import CONTENT

PASSWORD = "et-godt-testkodeord"
ATTACKER, USER = "203.0.113.66", "198.51.100.7"  # documentation addresses (RFC 5737)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lockouts")
    shutil.copytree(CONTENT, tmp / "content")
    ingest(tmp / "content", tmp / "data")
    return tmp


@pytest.fixture
def site(built, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(built / "data", data)

    def make(**config):
        return create_app(
            {
                "TESTING": True,
                "DATA_DIR": str(data),
                "CONTENT_DIR": str(built / "content"),
                "SESSION_COOKIE_SECURE": False,
                "WTF_CSRF_ENABLED": False,
                **config,
            }
        )

    db = OwnedDB(data)
    for email in ("vc@example.dk", "kollega@example.dk"):
        accounts.add_user(db, email, "contributor")
        accounts.set_password(db, email, PASSWORD)
    db.close()
    app = make()
    yield app, data, make
    app.extensions["portal_index"].close()


def login(client, email, password, address, **headers):
    return client.post(
        "/log-ind", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}, headers=headers
    )


def token_for(data, email) -> str:
    db = OwnedDB(data)
    try:
        return accounts.issue_token(db, email)
    finally:
        db.close()


def api(client, token, address="127.0.0.1"):
    return client.get(
        "/api/submissions", headers={"Authorization": f"Bearer {token}"}, environ_base={"REMOTE_ADDR": address}
    )


def test_wrong_passwords_from_elsewhere_never_lock_the_owner_out(site):
    app, data, _make = site
    attacker, owner = app.test_client(), app.test_client()
    statuses = {login(attacker, "vc@example.dk", "forkert-gæt", ATTACKER).status_code for _ in range(25)}
    assert statuses == {401, 429}  # the attacker is slowed down …
    ok = login(owner, "vc@example.dk", PASSWORD, USER)
    assert ok.status_code == 302  # … the owner, elsewhere, signs in at once


def test_failures_from_one_address_do_not_lock_out_a_colleague_at_that_address(site):
    app, data, _make = site
    office = app.test_client()
    for n in range(40):  # someone at the office tries many accounts
        login(office, f"ukendt{n}@example.dk", "forkert-gæt", ATTACKER)
    assert login(app.test_client(), "kollega@example.dk", PASSWORD, ATTACKER).status_code == 302


def test_the_failing_pair_waits_longer_and_longer(site):
    app, data, _make = site
    client = app.test_client()
    for _ in range(throttle.FREE_FAILURES):
        assert login(client, "vc@example.dk", "forkert-gæt", ATTACKER).status_code == 401
    refused = login(client, "vc@example.dk", PASSWORD, ATTACKER)  # even the right password: the pair waits
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Prøv igen om" in refused.get_data(as_text=True)
    assert [throttle.delay_for(n) for n in range(5, 10)] == [1, 2, 4, 8, 16]
    assert throttle.delay_for(100) == throttle.MAX_DELAY
    db = OwnedDB(data)
    try:
        now = time.time()
        assert throttle.login_wait(db, "vc@example.dk", ATTACKER, at=now) >= 1
        assert throttle.login_wait(db, "vc@example.dk", ATTACKER, at=now + 2) == 0  # waited long enough
        assert throttle.login_wait(db, "vc@example.dk", USER, at=now) == 0  # another pair: never counted
    finally:
        db.close()
    time.sleep(1.1)
    assert login(client, "vc@example.dk", PASSWORD, ATTACKER).status_code == 302
    db = OwnedDB(data)
    try:
        assert throttle.login_wait(db, "vc@example.dk", ATTACKER) == 0  # a success clears the pair
    finally:
        db.close()


def test_bad_tokens_never_make_a_valid_token_answer_429(site):
    app, data, _make = site
    good = token_for(data, "vc@example.dk")
    client = app.test_client()
    statuses = [api(client, "hv_gaet", ATTACKER).status_code for _ in range(throttle.MAX_TOKEN_FAILURES + 10)]
    assert statuses[0] == 401 and statuses[-1] == 429
    assert api(client, good, ATTACKER).status_code == 200  # same address, valid token: served


def test_forwarded_for_is_ignored_unless_proxies_are_configured(site):
    app, data, make = site
    client = app.test_client()
    for n in range(throttle.FREE_FAILURES):  # spoofing the header does not buy fresh attempts
        login(client, "vc@example.dk", "forkert-gæt", ATTACKER, **{"X-Forwarded-For": f"10.0.0.{n}"})
    assert (
        login(client, "vc@example.dk", "forkert-gæt", ATTACKER, **{"X-Forwarded-For": "10.0.0.99"}).status_code == 429
    )


def test_behind_a_trusted_proxy_two_people_are_told_apart(site):
    app, data, make = site
    proxied = make(TRUSTED_PROXIES=1)
    proxy = "10.0.0.1"  # everyone arrives from the proxy's address
    client = proxied.test_client()
    for _ in range(throttle.FREE_FAILURES + 3):
        login(client, "vc@example.dk", "forkert-gæt", proxy, **{"X-Forwarded-For": ATTACKER})
    assert login(client, "vc@example.dk", "forkert-gæt", proxy, **{"X-Forwarded-For": ATTACKER}).status_code == 429
    assert (
        login(proxied.test_client(), "vc@example.dk", PASSWORD, proxy, **{"X-Forwarded-For": USER}).status_code == 302
    )
    proxied.extensions["portal_index"].close()


def test_a_password_change_revokes_the_users_tokens_and_says_so(site):
    app, data, _make = site
    token = token_for(data, "vc@example.dk")
    other = token_for(data, "kollega@example.dk")
    client = app.test_client()
    assert api(client, token).status_code == 200
    result = app.test_cli_runner().invoke(args=["users", "password", "vc@example.dk", "--password", "nyt-testkodeord"])
    assert result.exit_code == 0 and "1 API-nøgle(r) er tilbagekaldt" in result.output
    assert api(client, token).status_code == 401
    assert api(client, other).status_code == 200  # someone else's token is untouched


def test_disabling_ends_sessions_and_tokens_for_good(site):
    app, data, _make = site
    token = token_for(data, "vc@example.dk")
    browser = app.test_client()
    assert login(browser, "vc@example.dk", PASSWORD, USER).status_code == 302
    assert browser.get("/mine-indsendelser").status_code == 200
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "disable", "vc@example.dk"])
    assert result.exit_code == 0 and "1 session(er) afsluttet og 1 API-nøgle(r) tilbagekaldt" in result.output
    assert browser.get("/mine-indsendelser").status_code == 302  # signed out
    assert api(app.test_client(), token).status_code == 401
    assert login(app.test_client(), "vc@example.dk", PASSWORD, USER).status_code == 401
    assert runner.invoke(args=["users", "enable", "vc@example.dk"]).exit_code == 0
    assert browser.get("/mine-indsendelser").status_code == 302  # the old session stays dead
    assert api(app.test_client(), token).status_code == 401  # and the old token too
    assert login(app.test_client(), "vc@example.dk", PASSWORD, USER).status_code == 302  # signing in anew works
    assert runner.invoke(args=["users", "disable", "ingen@example.dk"]).exit_code == 1
