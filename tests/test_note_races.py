"""Races on a note's life cycle, with two real writers (two spawned processes, each its own app, released
together by a barrier, as two gunicorn workers would be): two edits of one note based on the same version,
and an edit against a withdrawal. Exactly one wins each round, the loser gets a 409, every write that
answered yes is in content/ (or, for a withdrawal, the file is gone), and `flask check` is clean."""

from __future__ import annotations

import json
import shutil

import pytest

from portal import accounts
from portal.ingest import ingest
from portal.integrity import check
from portal.owned import OwnedDB
from portal.publishing import text_version

from conftest import CONTENT
from test_races import Writers

ROUNDS = 4
MARKDOWN = "text/markdown; charset=utf-8"


def note(title: str, text: str) -> str:
    return f"---\ntitle: {title}\nnetwork: vestegnen\ndate: 2026-11-25\n---\nTestindhold: {text}\n"


@pytest.fixture
def site(tmp_path):
    content, data = tmp_path / "content", tmp_path / "data"
    shutil.copytree(CONTENT, content)
    ingest(content, data)
    db = OwnedDB(data)
    tokens = {}
    # The author, and an editor who is a member of the network (so can read and edit its network-only notes).
    for name, role in (("author", "contributor"), ("editor", "editor")):
        accounts.add_user(db, f"{name}@example.dk", role, networks=["vestegnen"], organisation="Testkommune")
        tokens[name] = accounts.issue_token(db, f"{name}@example.dk")
    db.close()
    procs = Writers(data, content)
    yield content, data, tokens, procs
    procs.close()


def _request(method, url, token, body: str | None = None, content_type=MARKDOWN):
    headers = {"Authorization": f"Bearer {token}"} | ({"Content-Type": content_type} if body is not None else {})
    return (method, url, headers, body.encode("utf-8") if body is not None else b"")


def _post_note(content, tokens, procs, title) -> tuple[str, str]:
    """A network-only note of the author's (posted by one writer while the other reads): (slug, version)."""
    text = note(title, "første udgave")
    (status, body), _read = procs.at_once(
        _request("POST", "/api/notes", tokens["author"], text), _request("GET", "/api/search?q=x", tokens["editor"])
    )
    assert status == 201, body
    return body["id"], text_version(text)


def test_two_edits_of_one_note_based_on_the_same_version_one_wins_the_other_gets_a_409(site):
    content, data, tokens, procs = site
    for n in range(ROUNDS):
        slug, version = _post_note(content, tokens, procs, f"Referat til samtidig rettelse {n}")
        texts = {
            who: note(f"Referat til samtidig rettelse {n}", f"rettet af {who} i runde {n}")
            for who in ("author", "editor")
        }
        outcomes = procs.at_once(
            *(
                _request("PUT", f"/api/notes/{slug}?based_on={version}", tokens[who], texts[who])
                for who in ("author", "editor")
            )
        )
        assert sorted(status for status, _b in outcomes) == [200, 409], outcomes
        [(winner, _)] = [(who, body) for who, (status, body) in zip(("author", "editor"), outcomes) if status == 200]
        [loser] = [body for status, body in outcomes if status == 409]
        assert "er blevet ændret" in loser["error"] and loser["errors"][0]["field"] == "based_on"
        # The accepted edit is what the file holds: the refused one changed nothing.
        assert (content / "notes" / f"{slug}.md").read_text(encoding="utf-8") == texts[winner]
    report = check(content, data)
    assert report.ok, report.problems


def test_an_edit_and_a_withdrawal_at_once_one_wins_and_nothing_accepted_is_lost(site):
    content, data, tokens, procs = site
    winners = []
    for n in range(ROUNDS):
        slug, version = _post_note(content, tokens, procs, f"Referat til rettelse eller tilbagetrækning {n}")
        edited = note(f"Referat til rettelse eller tilbagetrækning {n}", f"rettet i runde {n}")
        edit = _request("PUT", f"/api/notes/{slug}?based_on={version}", tokens["author"], edited)
        withdraw = _request(
            "DELETE",
            f"/api/notes/{slug}?based_on={version}",
            tokens["editor"],
            json.dumps({"reason": "Testbegrundelse: samtidig fjernelse."}),
            "application/json",
        )
        # Alternate which process sends which, so neither always starts first.
        pair = (edit, withdraw) if n % 2 == 0 else (withdraw, edit)
        outcomes = dict(zip(("edit", "withdraw") if n % 2 == 0 else ("withdraw", "edit"), procs.at_once(*pair)))
        assert sorted(status for status, _b in outcomes.values()) == [200, 409], outcomes
        path = content / "notes" / f"{slug}.md"
        if outcomes["edit"][0] == 200:
            winners.append("edit")
            assert path.read_text(encoding="utf-8") == edited
            assert "er blevet ændret" in outcomes["withdraw"][1]["error"]
        else:
            winners.append("withdraw")
            assert not path.exists()
            assert "trukket tilbage" in outcomes["edit"][1]["error"]
    report = check(content, data)
    assert report.ok, report.problems
    db = OwnedDB(data)
    try:
        actions = [r["action"] for r in db.all("SELECT action FROM moderation_log WHERE kind = 'note' ORDER BY id")]
    finally:
        db.close()
    # The owned log keeps every accepted step: a post per round, and per round the one that won.
    assert actions.count("note_posted") == ROUNDS
    assert actions.count("note_edited") + actions.count("note_taken_down") == ROUNDS
    assert actions.count("note_edited") == winners.count("edit")
