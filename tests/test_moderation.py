"""Moderation that sees and can correct everything, tried as an editor and a contributor would:
an update keeps the contributor's formatting (one changed field is one changed line), the review
page shows every field that will be published, an editor corrects a submission before approving,
a rejected submission comes back revised in the same thread, look-alikes are flagged in the queue."""

import difflib
import re
from pathlib import Path

import pytest

from portal.content.textedit import edit
from portal.web.forms import PRACTICE_FIELDS, from_file, to_file

from conftest import CONTENT, close_site, make_people, make_site

#: A shipped file with the formatting re-serialising used to change: ``end: 2019``, a double-quoted
#: ``source``, flow-style lists, a body with headings and quotes.
SHIPPED = (CONTENT / "practices" / "1-1-indsatser-i-koordineringsenheden.md").read_text(encoding="utf-8")


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def _form(raw: str, **changes) -> dict:
    values = from_file(raw, PRACTICE_FIELDS)
    values.update(changes)
    return values


def _body_with_one_word_changed(raw):
    body = from_file(raw, PRACTICE_FIELDS)["body"]
    return body.replace("Bilaget placerer det", "Bilaget placerer indsatsen", 1)


@pytest.mark.parametrize(
    "name, change, expected",
    [
        (
            "title",
            lambda raw: {"title": "1-1 indsatser i Koordineringsenheden"},
            ["-title: 1-1 indsatser i koordineringsenheden", "+title: 1-1 indsatser i Koordineringsenheden"],
        ),
        ("one year", lambda raw: {"end": "2020"}, ["-end: 2019", "+end: 2020"]),
        (
            "a list item added",
            lambda raw: {"target_groups": ["indsatte", "unge"]},
            ["-target_groups: [indsatte]", "+target_groups: [indsatte, unge]"],
        ),
        ("a new key", lambda raw: {"start": "2016"}, ["+start: 2016"]),
        ("a key removed", lambda raw: {"status": ""}, ["-status: igangværende"]),
        ("one word of the body", lambda raw: {"body": _body_with_one_word_changed(raw)}, None),
    ],
)
def test_an_edit_of_one_field_changes_one_line_of_the_file(name, change, expected):
    after = to_file(_form(SHIPPED, **change(SHIPPED)), PRACTICE_FIELDS, base=SHIPPED)
    lines = changed_lines(SHIPPED, after)
    if expected is None:  # the body: exactly the one paragraph that holds the word
        assert len(lines) == 2 and lines[0].startswith("-") and lines[1].startswith("+"), lines
        assert "placerer indsatsen" in lines[1]
    else:
        assert lines == expected
    assert 'source: "Københavns Kommune' in after  # the untouched quoted source keeps its double quotes


def test_an_unchanged_form_gives_back_the_file_byte_for_byte():
    assert to_file(_form(SHIPPED), PRACTICE_FIELDS, base=SHIPPED) == SHIPPED


def test_a_new_file_from_the_form_writes_years_as_numbers():
    values = {name: "" for name in PRACTICE_FIELDS} | {
        "title": "T",
        "kommuner": ["101"],
        "evidence": "ikke-evalueret",
        "topics": ["sprog"],
        "start": "2018",
        "target_groups": [],
        "body": "Testindhold.",
    }
    raw = to_file(values, PRACTICE_FIELDS)
    assert "start: 2018\n" in raw and "'2018'" not in raw and "kommuner: [København]\n" in raw


def test_edit_keeps_comments_blank_lines_and_block_lists():
    raw = "---\ntitle: A\n# en kommentar\ntopics:\n  - sprog\n  - job\n\nend: 2018\n---\nTekst.\n"
    after = edit(raw, {"topics": ["sprog"]})
    assert after == "---\ntitle: A\n# en kommentar\ntopics: [sprog]\n\nend: 2018\n---\nTekst.\n"
    assert edit(raw, {"contact": "x@example.dk"}).endswith("end: 2018\ncontact: x@example.dk\n---\nTekst.\n")


# -- the web and the API, end to end ---------------------------------------------------------------

#: Test material: a practice that uses every field the format has, written as a knowledge centre might.
FULL = """---
title: Sprogmakere for nyankomne i Ishøj
kommuner: [Ishøj]
evidence: delvis-effekt
topics: [sprog, frivillighed]
target_groups: [flygtninge, familiesammenførte]
organisation: Videnscenter Test
start: 2018
end: 2021
status: afsluttet
source: "Testkilde: en opdigtet evalueringsrapport, 2021"
contact: Testperson, telefon 00 00 00 00
---
Frivillige mødes med nyankomne hver uge. (Testindhold.)
"""

PEOPLE = {
    "contributor": ("videnscenter@example.dk", "contributor", (), "--organisation", "Videnscenter Test"),
    "other": ("andet@example.dk", "contributor", ()),
    "editor": ("redaktoer@example.dk", "editor", ()),
}


@pytest.fixture
def site(tmp_path):
    app = make_site(tmp_path)
    app.tokens = make_people(app, PEOPLE)
    yield app
    close_site(app)


def _api(token):
    return {"Authorization": f"Bearer {token}", "Content-Type": "text/markdown; charset=utf-8"}


def _login(client, email):
    html = client.get("/log-ind").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post("/log-ind", data={"email": email, "password": "en-lang-adgangskode", "csrf_token": token})
    assert response.status_code == 302
    return client


def _form_post(client, page, action, raw, **changes):
    """Post the revise form of ``page`` as a browser would: the prefilled fields, some of them changed."""
    html = client.get(page).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    values = from_file(raw, PRACTICE_FIELDS) | changes
    form = {k: (", ".join(v) if isinstance(v, list) and k != "kommuner" else v) for k, v in values.items()}
    return client.post(action, data={**form, "csrf_token": token})


def _submit(site, raw=FULL, who="contributor", **query):
    response = site.test_client().post(
        "/api/submissions", query_string=query, data=raw.encode(), headers=_api(site.tokens[who])
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_the_editor_sees_every_field_corrects_a_typo_and_approves(site):
    sid = _submit(site)
    editor = _login(site.test_client(), "redaktoer@example.dk")
    page = editor.get(f"/redaktion/{sid}").get_data(as_text=True)
    for shown in (
        "Videnscenter Test",
        "flygtninge, familiesammenførte",
        "2018–2021",
        "Afsluttet",
        "Testkilde: en opdigtet evalueringsrapport, 2021",
        "Testperson, telefon 00 00 00 00",
        "Kan være personoplysninger",
        ">Ishøj</a>",
        "Viser delvis effekt",
        "frivillighed",
    ):
        assert shown in page, shown

    # bad input: an emptied title is refused beside the field, the typed text is kept, nothing is stored
    refused = _form_post(
        editor,
        f"/redaktion/{sid}",
        f"/redaktion/{sid}/ret",
        FULL,
        title="",
        body="Frivillige mødes med nyankomne hver uge. Rettet. (Testindhold.)",
    )
    assert refused.status_code == 422
    assert "Rettet. (Testindhold.)" in refused.get_data(as_text=True) and 'id="title-error"' in refused.get_data(
        as_text=True
    )
    unchanged = _form_post(editor, f"/redaktion/{sid}", f"/redaktion/{sid}/ret", FULL)
    assert unchanged.status_code == 422 and "ændrer ingenting" in unchanged.get_data(as_text=True)
    contributor = _login(site.test_client(), "videnscenter@example.dk")
    assert (
        _form_post(contributor, f"/indsendelser/{sid}", f"/redaktion/{sid}/ret", FULL, title="Noget andet").status_code
        == 403
    )

    fixed = _form_post(
        editor,
        f"/redaktion/{sid}",
        f"/redaktion/{sid}/ret",
        FULL,
        title="Sprogmakkere for nyankomne i Ishøj",
        note="Stavefejl i titlen rettet.",
    )
    assert fixed.status_code == 302
    corrected = FULL.replace("title: Sprogmakere", "title: Sprogmakkere")

    # the contributor sees the correction, on the page and in the API
    mine = contributor.get(f"/indsendelser/{sid}").get_data(as_text=True)
    assert "Rettet af redaktionen" in mine and "Stavefejl i titlen rettet." in mine
    assert "<ins>+title: Sprogmakkere for nyankomne i Ishøj</ins>" in mine
    detail = site.test_client().get(f"/api/submissions/{sid}", headers=_api(site.tokens["contributor"])).get_json()
    assert detail["raw"] == corrected and detail["title"] == "Sprogmakkere for nyankomne i Ishøj"
    assert [(r["round"], r["by"], r["note"]) for r in detail["revisions"]] == [
        (1, "contributor", None),
        (1, "editor", "Stavefejl i titlen rettet."),
    ]
    assert "-title: Sprogmakere for nyankomne i Ishøj" in detail["revisions"][1]["changes"]

    assert (
        editor.post(
            f"/redaktion/{sid}/godkend",
            data={
                "csrf_token": re.search(
                    r'name="csrf_token" value="([^"]+)"', editor.get(f"/redaktion/{sid}").get_data(as_text=True)
                ).group(1)
            },
        ).status_code
        == 302
    )
    slug = detail["slug"]
    written = (Path(site.config["CONTENT_DIR"]) / "practices" / f"{slug}.md").read_text("utf-8")
    assert written == corrected  # the contributor's formatting (start: 2018, the double-quoted source) is kept
    assert changed_lines(FULL, written) == [
        "-title: Sprogmakere for nyankomne i Ishøj",
        "+title: Sprogmakkere for nyankomne i Ishøj",
    ]
    # a decided submission cannot be corrected any more
    late = _form_post(editor, f"/redaktion/{sid}", f"/redaktion/{sid}/ret", corrected, title="For sent")
    assert late.status_code == 302 and "allerede afgjort" in editor.get(late.location).get_data(as_text=True)


def test_a_rejected_submission_comes_back_revised_in_the_same_thread(site):
    sid = _submit(site)
    editor_api = {"Authorization": f"Bearer {site.tokens['editor']}"}
    client = site.test_client()
    assert (
        client.post(
            f"/api/submissions/{sid}/reject", json={"reason": "Skriv, hvor mange der deltog."}, headers=editor_api
        ).status_code
        == 200
    )
    contributor = _login(site.test_client(), "videnscenter@example.dk")
    page = contributor.get(f"/indsendelser/{sid}").get_data(as_text=True)
    assert "Ret din erfaring, og send den igen" in page

    # bad input: no topics; everything typed is kept, and it stays rejected
    body = "Frivillige mødes med 40 nyankomne hver uge. (Testindhold.)"
    refused = _form_post(
        contributor, f"/indsendelser/{sid}", f"/indsendelser/{sid}/send-igen", FULL, topics="", body=body
    )
    assert refused.status_code == 422 and body in refused.get_data(as_text=True)
    assert (
        client.get(f"/api/submissions/{sid}", headers=_api(site.tokens["contributor"])).get_json()["status"]
        == "rejected"
    )
    # only its author may resend it; a stranger learns nothing
    other = _login(site.test_client(), "andet@example.dk")
    assert _form_post(other, "/indsend", f"/indsendelser/{sid}/send-igen", FULL, body=body).status_code == 404

    sent = _form_post(contributor, f"/indsendelser/{sid}", f"/indsendelser/{sid}/send-igen", FULL, body=body)
    assert sent.status_code == 302
    detail = client.get(f"/api/submissions/{sid}", headers=_api(site.tokens["contributor"])).get_json()
    assert detail["id"] == sid and detail["status"] == "pending" and detail["reason"] is None
    assert [(r["round"], r["by"]) for r in detail["revisions"]] == [(1, "contributor"), (2, "contributor")]
    assert changed_lines(FULL, detail["raw"]) == [
        "-Frivillige mødes med nyankomne hver uge. (Testindhold.)",
        f"+{body}",
    ]
    queue = client.get("/api/submissions?status=pending", headers=editor_api).get_json()["submissions"]
    assert [s["id"] for s in queue] == [sid]
    # a pending submission is not resent (twice-clicked button, an old tab)
    again = _form_post(
        contributor, f"/indsendelser/{sid}", f"/indsendelser/{sid}/send-igen", FULL, body=body + " Igen."
    )
    assert again.status_code == 409
    editor = _login(site.test_client(), "redaktoer@example.dk")
    review = editor.get(f"/redaktion/{sid}").get_data(as_text=True)
    assert "Forløb" in review and "Rettet og sendt igen (runde 2)" in review
    assert client.post(f"/api/submissions/{sid}/approve", headers=editor_api).status_code == 200
    assert client.get(f"/erfaringer/{detail['slug']}").status_code == 200


def test_look_alikes_are_flagged_in_the_queue(site):
    first = _submit(site)
    second = _submit(site, who="other")  # the same title from someone else: it gets the address -2
    shipped = _submit(
        site,
        FULL.replace("title: Sprogmakere for nyankomne i Ishøj", "title: Bydelsmødrene!"),
        slug="bydelsmoedre-i-ishoej",
    )
    unique = _submit(site, FULL.replace("title: Sprogmakere for nyankomne i Ishøj", "title: Noget helt andet"))
    editor = _login(site.test_client(), "redaktoer@example.dk")
    queue = editor.get("/redaktion/").get_data(as_text=True)
    rows = {
        sid: re.search(rf'<tr><th scope="row"><a href="/redaktion/{sid}".*?</tr>', queue, re.S).group(0)
        for sid in (first, second, shipped, unique)
    }
    assert f'href="/redaktion/{second}"' in rows[first] and f'href="/redaktion/{first}"' in rows[second]
    assert "Ligner" in rows[shipped] and 'href="/erfaringer/bydelsmoedrene"' in rows[shipped]
    assert "Ligner" not in rows[unique]
    review = editor.get(f"/redaktion/{shipped}").get_data(as_text=True)
    assert "Ligner den offentliggjorte erfaring" in review and 'href="/erfaringer/bydelsmoedrene"' in review


# -- versions: content/ as a git history ---------------------------------------------------------

SHIPPED_SLUG = "1-1-indsatser-i-koordineringsenheden"


def _git_log(content, path):
    import subprocess

    out = subprocess.run(
        ["git", "-C", str(content), "log", "--format=%an|%ae|%cn|%ce|%s", "--", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.splitlines()


def _update(site, text, note=""):
    sid = _submit(site, text, slug=SHIPPED_SLUG)
    response = site.test_client().post(
        f"/api/submissions/{sid}/approve", headers={"Authorization": f"Bearer {site.tokens['editor']}"}
    )
    assert response.status_code == 200
    return sid


def test_every_publication_is_a_version_and_earlier_versions_can_be_read(site):
    content = Path(site.config["CONTENT_DIR"])
    assert not (content / ".git").exists()  # a copy of the shipped content, no history yet
    shipped = (content / "practices" / f"{SHIPPED_SLUG}.md").read_text("utf-8")
    _update(site, shipped.replace("end: 2019", "end: 2020"))
    path = f"practices/{SHIPPED_SLUG}.md"
    log = _git_log(content, path)
    assert len(log) == 2  # the shipped file is the first version
    assert log[0] == (
        "Videnscenter Test|videnscenter@example.dk|redaktoer@example.dk|redaktoer@example.dk|"
        "Ændring godkendt: 1-1 indsatser i koordineringsenheden"
    )
    assert log[1].startswith("Leveret indhold (før versionshistorikken)|") and "Første udgave" in log[1]

    client = site.test_client()
    listing = client.get(f"/erfaringer/{SHIPPED_SLUG}/versioner")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert "Udgave 2" in html and "Udgave 1" in html and "Videnscenter Test" in html
    assert "redaktoer@example.dk" not in html  # an editor's address is not shown to the public
    revs = re.findall(rf'href="/erfaringer/{SHIPPED_SLUG}/versioner/([0-9a-f]+)"', html)
    assert len(revs) == 2
    old = client.get(f"/erfaringer/{SHIPPED_SLUG}/versioner/{revs[1]}").get_data(as_text=True)
    assert "2010–2019" in old or "udløber 2019" in old
    new = client.get(f"/erfaringer/{SHIPPED_SLUG}/versioner/{revs[0]}").get_data(as_text=True)
    assert "udløber 2020" in new
    assert f'href="/erfaringer/{SHIPPED_SLUG}/versioner"' in client.get(f"/erfaringer/{SHIPPED_SLUG}").get_data(
        as_text=True
    )
    # bad input: not a revision, a revision of another file, an unknown item
    assert client.get(f"/erfaringer/{SHIPPED_SLUG}/versioner/zzz").status_code == 404
    assert client.get(f"/erfaringer/bydelsmoedrene/versioner/{revs[0]}").status_code == 404  # not its version
    assert client.get(f"/erfaringer/bydelsmoedrene/versioner/{revs[1]}").status_code == 200  # shipped with it
    assert client.get(f"/erfaringer/{SHIPPED_SLUG}/versioner/0000000").status_code == 404
    assert client.get("/erfaringer/findes-ikke/versioner").status_code == 404


def test_a_failing_git_never_fails_an_approval_and_the_next_drain_commits(site, monkeypatch, tmp_path):
    content = Path(site.config["CONTENT_DIR"])
    shipped = (content / "practices" / f"{SHIPPED_SLUG}.md").read_text("utf-8")
    _update(site, shipped.replace("end: 2019", "end: 2020"))  # the history exists now
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # git cannot be found
    _update(site, shipped.replace("end: 2019", "end: 2021"))
    assert "end: 2021" in (content / "practices" / f"{SHIPPED_SLUG}.md").read_text("utf-8")
    assert "udløber 2021" in site.test_client().get(f"/erfaringer/{SHIPPED_SLUG}").get_data(as_text=True)
    from portal.integrity import check

    problems = check(content, site.config["DATA_DIR"]).problems
    assert any("ikke gemt i versionshistorikken" in p and "git findes ikke" in p for p in problems), problems
    monkeypatch.undo()
    from portal.owned import OwnedDB
    from portal.publishing import drain

    db = OwnedDB(site.config["DATA_DIR"])
    drain(db, content, site.config["DATA_DIR"])
    db.close()
    assert len(_git_log(content, f"practices/{SHIPPED_SLUG}.md")) == 3
    assert not [p for p in check(content, site.config["DATA_DIR"]).problems if "versionshistorikken" in p]


# -- the API, and two editors at once ------------------------------------------------------------


def _detail(site, sid, who="editor"):
    return site.test_client().get(f"/api/submissions/{sid}", headers=_api(site.tokens[who])).get_json()


def test_the_api_corrects_and_resends_with_based_on(site):
    sid = _submit(site)
    version = _detail(site, sid)["version"]
    client = site.test_client()
    corrected = FULL.replace("hver uge", "hver onsdag")
    response = client.put(
        f"/api/submissions/{sid}?based_on={version}&note=Dag+tilføjet",
        data=corrected.encode(),
        headers=_api(site.tokens["editor"]),
    )
    assert response.status_code == 200 and response.get_json()["raw"] == corrected
    assert response.get_json()["revisions"][-1]["note"] == "Dag tilføjet"
    stale = client.put(
        f"/api/submissions/{sid}?based_on={version}",
        data=FULL.replace("hver uge", "hver fredag").encode(),
        headers=_api(site.tokens["editor"]),
    )
    assert stale.status_code == 409 and "rettet, siden du hentede den" in stale.get_json()["error"]
    assert _detail(site, sid)["raw"] == corrected  # the first correction is kept
    # the author cannot resend a pending submission, nor a stranger see it
    assert (
        client.put(f"/api/submissions/{sid}", data=FULL.encode(), headers=_api(site.tokens["contributor"])).status_code
        == 409
    )
    assert (
        client.put(f"/api/submissions/{sid}", data=FULL.encode(), headers=_api(site.tokens["other"])).status_code == 404
    )
    assert (
        client.post(
            f"/api/submissions/{sid}/reject",
            json={"reason": "Angiv antal deltagere."},
            headers={"Authorization": f"Bearer {site.tokens['editor']}"},
        ).status_code
        == 200
    )
    bad = client.put(
        f"/api/submissions/{sid}",
        data=corrected.replace("evidence: delvis-effekt", "evidence: x").encode(),
        headers=_api(site.tokens["contributor"]),
    )
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "evidence"
    resent = client.put(
        f"/api/submissions/{sid}",
        data=corrected.replace("hver onsdag", "hver onsdag, 40 i alt").encode(),
        headers=_api(site.tokens["contributor"]),
    )
    assert resent.status_code == 200 and resent.get_json()["status"] == "pending"
    assert [(r["round"], r["by"]) for r in resent.get_json()["revisions"]] == [
        (1, "contributor"),
        (1, "editor"),
        (2, "contributor"),
    ]


def test_two_editors_at_once_one_correction_wins_and_an_approval_publishes_what_answered_yes(site):
    from test_races import Writers

    make_people(site, {"editor2": ("redaktoer2@example.dk", "editor", ())})
    tokens = site.tokens | {
        "editor2": site.test_cli_runner()
        .invoke(args=["users", "token", "redaktoer2@example.dk"])
        .output.strip()
        .splitlines()[-1]
    }
    content, data = Path(site.config["CONTENT_DIR"]), site.config["DATA_DIR"]
    writers = Writers(data, content)
    try:
        for n in range(3):
            sid = _submit(site, FULL.replace("title: Sprogmakere", f"title: Runde {n} - Sprogmakere"))
            version = _detail(site, sid)["version"]
            texts = [
                FULL.replace("title: Sprogmakere", f"title: Runde {n} - Sprogmakere").replace("hver uge", day)
                for day in ("hver mandag", "hver tirsdag")
            ]
            outcomes = writers.at_once(
                *[
                    ("PUT", f"/api/submissions/{sid}?based_on={version}", _api(tokens[who]), text.encode())
                    for who, text in zip(("editor", "editor2"), texts)
                ]
            )
            assert sorted(status for status, _b in outcomes) == [200, 409], outcomes
            winner = texts[[status for status, _b in outcomes].index(200)]
            assert _detail(site, sid)["raw"] == winner and len(_detail(site, sid)["revisions"]) == 2

            # an approval and a correction at once: whichever answered yes is what is published
            fixed = winner.replace("(Testindhold.)", "(Testindhold, rettet.)")
            outcomes = writers.at_once(
                ("POST", f"/api/submissions/{sid}/approve", {"Authorization": f"Bearer {tokens['editor']}"}, b""),
                ("PUT", f"/api/submissions/{sid}", _api(tokens["editor2"]), fixed.encode()),
            )
            assert outcomes[0][0] == 200, outcomes
            slug = outcomes[0][1]["slug"]
            written = (content / "practices" / f"{slug}.md").read_text("utf-8")
            assert written == (fixed if outcomes[1][0] == 200 else winner), outcomes
            assert outcomes[1][0] in (200, 409)
            assert len(_git_log(content, f"practices/{slug}.md")) == 1  # its one version, committed
    finally:
        writers.close()
    from portal.integrity import check

    report = check(content, data)
    assert report.ok, report.problems


# -- review dates ---------------------------------------------------------------------------------


def _csrf(client, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_practices_due_for_review_are_listed_and_marking_one_changes_one_line(site):
    import datetime as dt

    editor = _login(site.test_client(), "redaktoer@example.dk")
    due = editor.get("/redaktion/gennemgang").get_data(as_text=True)
    assert f'href="/erfaringer/{SHIPPED_SLUG}"' in due and "Aldrig" in due  # shipped: never reviewed here
    page = site.test_client().get(f"/erfaringer/{SHIPPED_SLUG}").get_data(as_text=True)
    assert "Ikke gennemgået i portalen, siden den blev leveret" in page

    path = Path(site.config["CONTENT_DIR"]) / "practices" / f"{SHIPPED_SLUG}.md"
    before = path.read_text("utf-8")
    response = editor.post(
        f"/redaktion/gennemgang/{SHIPPED_SLUG}", data={"csrf_token": _csrf(editor, "/redaktion/gennemgang")}
    )
    assert response.status_code == 302
    today = dt.date.today().isoformat()
    assert changed_lines(before, path.read_text("utf-8")) == [f"+reviewed: {today}"]
    page = site.test_client().get(f"/erfaringer/{SHIPPED_SLUG}").get_data(as_text=True)
    assert f"Sidst gennemgået {dt.date.today().day}." in page
    assert site.test_client().get(f"/api/practices/{SHIPPED_SLUG}").get_json()["reviewed"] == today
    assert f'href="/erfaringer/{SHIPPED_SLUG}"' not in editor.get("/redaktion/gennemgang").get_data(as_text=True)
    assert len(_git_log(path.parent.parent, f"practices/{SHIPPED_SLUG}.md")) == 2  # a version like any other

    # an approved update counts as a review; with an interval of 0 days everything is due again
    site.config["REVIEW_INTERVAL_DAYS"] = 0
    assert f'href="/erfaringer/{SHIPPED_SLUG}"' in editor.get("/redaktion/gennemgang").get_data(as_text=True)

    # bad input: an unknown practice, a practice with a proposal waiting, a contributor
    token = _csrf(editor, "/redaktion/gennemgang")
    assert editor.post("/redaktion/gennemgang/findes-ikke", data={"csrf_token": token}).status_code == 404
    _submit(site, path.read_text("utf-8").replace("end: 2019", "end: 2020"), slug=SHIPPED_SLUG)
    waiting = editor.post(f"/redaktion/gennemgang/{SHIPPED_SLUG}", data={"csrf_token": token}, follow_redirects=True)
    assert "der venter et ændringsforslag" in waiting.get_data(as_text=True)
    contributor = _login(site.test_client(), "videnscenter@example.dk")
    assert contributor.get("/redaktion/gennemgang").status_code == 403


def test_a_change_made_directly_in_the_files_is_its_own_version_not_the_next_publications(site):
    content = Path(site.config["CONTENT_DIR"])
    path = content / "practices" / f"{SHIPPED_SLUG}.md"
    _update(site, path.read_text("utf-8").replace("end: 2019", "end: 2020"))  # starts the history
    path.write_text(path.read_text("utf-8").replace("status: igangværende", "status: afsluttet"), "utf-8")
    _update(site, path.read_text("utf-8").replace("end: 2020", "end: 2021"))
    log = _git_log(content, f"practices/{SHIPPED_SLUG}.md")
    assert [line.split("|")[0] for line in log] == [
        "Videnscenter Test",
        "Ændret i filerne",
        "Videnscenter Test",
        "Leveret indhold (før versionshistorikken)",
    ]


def test_a_first_commit_that_failed_is_made_again_as_the_first_version(site, monkeypatch):
    from portal import versions
    from portal.owned import OwnedDB

    content = Path(site.config["CONTENT_DIR"])
    db = OwnedDB(site.config["DATA_DIR"])
    real = versions.git

    def init_only(content_dir, *args, **kwargs):  # git init works, then the machine is too slow for the rest
        if args[0] != "init":
            raise versions.VersionsError("git add svarede ikke inden for 60 sekunder")
        return real(content_dir, *args, **kwargs)

    monkeypatch.setattr(versions, "git", init_only)
    versions.before_writes(db, content)
    assert (content / ".git").exists()
    monkeypatch.setattr(versions, "git", real)
    versions.before_writes(db, content)
    db.close()
    log = _git_log(content, f"practices/{SHIPPED_SLUG}.md")
    assert len(log) == 1 and log[0].startswith("Leveret indhold")


def test_an_evaluation_and_its_pdf_enter_the_history_together_and_a_pending_pdf_never_alone(site):
    from test_evaluation_submissions import _send
    from test_evaluations import TEST_PDF, evaluation_yaml, make_pdf

    content = Path(site.config["CONTENT_DIR"])
    editor_api = {"Authorization": f"Bearer {site.tokens['editor']}"}
    first = _send(site.test_client(), site.tokens["contributor"], evaluation_yaml(), TEST_PDF)
    assert first.status_code == 201, first.get_json()
    other_pdf = make_pdf(["Side 1: en anden testrapport, som venter. (Testmateriale.)"])
    waiting = _send(
        site.test_client(),
        site.tokens["other"],
        evaluation_yaml(title="Testevaluering der venter (testmateriale)"),
        other_pdf,
    )
    assert waiting.status_code == 201, waiting.get_json()
    assert (
        site.test_client().post(f"/api/submissions/{first.get_json()['id']}/approve", headers=editor_api).status_code
        == 200
    )
    _update(site, (content / "practices" / f"{SHIPPED_SLUG}.md").read_text("utf-8").replace("end: 2019", "end: 2020"))
    import hashlib
    import subprocess

    approved_pdf = f"evalueringer/filer/{hashlib.sha256(TEST_PDF).hexdigest()}.pdf"
    pending_pdf = f"evalueringer/filer/{hashlib.sha256(other_pdf).hexdigest()}.pdf"
    tracked = subprocess.run(["git", "-C", str(content), "ls-files"], capture_output=True, text=True).stdout.split()
    assert approved_pdf in tracked and pending_pdf not in tracked
    shown = subprocess.run(
        ["git", "-C", str(content), "log", "-1", "--full-diff", "--name-only", "--format=%an", "--", approved_pdf],
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    assert shown[0] == "Videnscenter Test" and any(p.startswith("evalueringer/") and p.endswith(".yaml") for p in shown)
