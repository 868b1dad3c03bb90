"""A knowledge centre sends an evaluation report with its PDF in one API request; an
editor sees every field and the PDF, approves, and a phrase only the PDF holds finds
it. Bad PDFs are refused with the field and nothing is stored. (Test material only.)"""

import hashlib
import multiprocessing
import shutil
import sqlite3
from pathlib import Path

import pytest

from portal.web import create_app
from portal.ingest import ingest

from conftest import CONTENT
from test_contributions import login
from test_evaluations import PDF_ONLY, PRACTICE, TEST_PDF, evaluation_yaml, make_pdf


@pytest.fixture
def site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    data = tmp_path / "data"
    ingest(content, data)
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data), "CONTENT_DIR": str(content), "SESSION_COOKIE_SECURE": False}
    )
    yield app
    app.extensions["portal_index"].close()


def _cli(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def tokens(site):
    _cli(site, "users", "add", "videnscenter@example.dk", "--role", "contributor", "--organisation", "Videnscenter")
    _cli(site, "users", "add", "redaktoer@example.dk", "--role", "editor")
    _cli(site, "users", "password", "redaktoer@example.dk", "--password", "en-lang-adgangskode")
    return {
        e: _cli(site, "users", "token", e).strip().splitlines()[-1]
        for e in ("videnscenter@example.dk", "redaktoer@example.dk")
    }


def _send(client, token, yaml_text: str | None, pdf: bytes | None):
    """POST the parts as multipart/form-data. The body is built here as bytes: Werkzeug's
    test client would spool a large one to a temporary file it never closes."""
    boundary = "testgraense"
    parts = []
    if yaml_text is not None:
        parts.append(("file", "evaluering.yaml", "application/yaml", yaml_text.encode("utf-8")))
    if pdf is not None:
        parts.append(("attachment", "rapport.pdf", "application/pdf", pdf))
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {mime}\r\n\r\n".encode()
            + data
            + b"\r\n"
            for name, filename, mime, data in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    return client.post(
        "/api/submissions",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Authorization": f"Bearer {token}"},
    )


def _files(site):
    from pathlib import Path

    folder = Path(site.config["CONTENT_DIR"]) / "evalueringer" / "filer"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_upload_review_approve_and_find_the_phrase_only_the_pdf_holds(site, tokens):
    client = site.test_client()
    r = _send(client, tokens["videnscenter@example.dk"], evaluation_yaml(), TEST_PDF)
    assert r.status_code == 201, r.get_json()
    sid = r.get_json()["id"]
    owned = sqlite3.connect(Path(site.config["DATA_DIR"]) / "owned.db")
    mails = owned.execute("SELECT to_addr, body FROM mail_outbox").fetchall()
    owned.close()
    assert [to for to, body in mails if "en ny evalueringsrapport" in body] == ["redaktoer@example.dk"]
    # pending: not public, not found
    assert client.get(f'/api/search?q="{PDF_ONLY}"').get_json()["total"] == 0
    editor = site.test_client()
    login(editor, "redaktoer@example.dk")
    review = editor.get(f"/redaktion/{sid}").get_data(as_text=True)
    for shown in (
        "Testinstitut (testmateriale)",
        "før-/eftermåling, kvalitativ",
        PRACTICE,
        "København",
        "Testmateriale genereret af tests/test_evaluations.py",
        "PDF, 3 sider",
        "/evalueringer/",
    ):
        assert shown in review, shown
    with editor.get(f"/redaktion/{sid}/rapport.pdf") as pdf:
        assert pdf.status_code == 200 and pdf.data == TEST_PDF
        assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/redaktion/{sid}/rapport.pdf").status_code in (302, 401, 403)  # not for the public
    approved = client.post(
        f"/api/submissions/{sid}/approve", headers={"Authorization": f"Bearer {tokens['redaktoer@example.dk']}"}
    ).get_json()
    slug = "testevaluering-af-minoritetsfamilier-paa-kontanthjaelp"
    assert approved["status"] == "approved" and approved["url"] == f"/evalueringer/{slug}"
    hits = client.get(f'/api/search?q="{PDF_ONLY}"').get_json()["results"]
    assert [h["url"] for h in hits] == [f"/evalueringer/{slug}"] and hits[0]["snippet"].startswith("PDF s. 3: ")
    assert f"/evalueringer/{slug}" in client.get(f"/erfaringer/{PRACTICE}").get_data(as_text=True)
    assert PRACTICE not in client.get("/evalueringsgaeld").get_data(as_text=True)
    assert _cli(site, "check").strip() != "" and site.test_cli_runner().invoke(args=["check"]).exit_code == 0


@pytest.mark.parametrize(
    "pdf,message",
    [
        (b"<!doctype html><p>ikke en pdf (testmateriale)</p>", "filen er ikke en PDF"),
        (b"%PDF-1.4\nbeskadiget testmateriale\n", "PDF-filen er beskadiget"),
        (make_pdf(["Krypteret testmateriale."], encrypt=True), "PDF-filen er krypteret"),
        (b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024), "PDF-filen er for stor"),
    ],
)
def test_a_bad_pdf_is_refused_on_its_field_and_nothing_is_stored(site, tokens, pdf, message):
    r = _send(site.test_client(), tokens["videnscenter@example.dk"], evaluation_yaml(), pdf)
    assert r.status_code == 422
    errors = r.get_json()["errors"]
    assert errors[0]["field"] == "attachment" and message in errors[0]["message"]
    assert _files(site) == []


def test_an_upload_over_the_request_limit_is_a_json_413(site, tokens):
    too_big = b"%PDF-" + b"0" * (21 * 2**20)
    r = _send(site.test_client(), tokens["videnscenter@example.dk"], evaluation_yaml(), too_big)
    assert r.status_code == 413 and r.is_json


def test_a_bad_yaml_is_refused_by_line_and_the_pdf_is_not_stored(site, tokens):
    r = _send(site.test_client(), tokens["videnscenter@example.dk"], evaluation_yaml(method="[gaetteri]"), TEST_PDF)
    assert r.status_code == 422
    assert any(e["field"] == "method" and e["line"] == 4 for e in r.get_json()["errors"])
    r = _send(
        site.test_client(), tokens["videnscenter@example.dk"], evaluation_yaml(practices="[findes-ikke]"), TEST_PDF
    )
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "practices"
    r = _send(site.test_client(), tokens["videnscenter@example.dk"], None, TEST_PDF)
    assert r.status_code == 422
    assert _files(site) == []


def _submit_in_process(config: dict, token: str, pdf: bytes, barrier, results) -> None:
    app = create_app(config)
    client = app.test_client()
    barrier.wait()
    r = _send(client, token, evaluation_yaml(title=f"Samtidig testevaluering {config['n']}"), pdf)
    results.put((r.status_code, (r.get_json() or {}).get("id")))


def test_two_knowledge_centres_send_the_same_pdf_at_once_and_both_submissions_hold(site, tokens):
    ctx = multiprocessing.get_context("spawn")  # no threads or state inherited from the test process
    barrier, results = ctx.Barrier(2), ctx.Queue()
    base = {"TESTING": True, "DATA_DIR": site.config["DATA_DIR"], "CONTENT_DIR": site.config["CONTENT_DIR"]}
    procs = [
        ctx.Process(
            target=_submit_in_process,
            args=({**base, "n": n}, tokens["videnscenter@example.dk"], TEST_PDF, barrier, results),
        )
        for n in (1, 2)
    ]
    for p in procs:
        p.start()
    answers = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert [status for status, _id in answers] == [201, 201]
    client = site.test_client()
    for _status, sid in answers:  # every write that answered yes is still there
        assert (
            client.get(
                f"/api/submissions/{sid}", headers={"Authorization": f"Bearer {tokens['redaktoer@example.dk']}"}
            ).status_code
            == 200
        )
    assert _files(site) == [hashlib.sha256(TEST_PDF).hexdigest() + ".pdf"]


def _form_post(client, fields: dict, pdf: bytes | None):
    from test_contributions import csrf

    token = csrf(client, "/indsend/evaluering")
    boundary = "formgraense"
    parts = [
        (k, None, v.encode("utf-8"))
        for k, values in {**fields, "csrf_token": token}.items()
        for v in (values if isinstance(values, list) else [values])
    ]
    if pdf is not None:
        parts.append(("attachment", "rapport.pdf", pdf))
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'.encode()
            + (f'; filename="{filename}"\r\nContent-Type: application/pdf'.encode() if filename else b"")
            + b"\r\n\r\n"
            + data
            + b"\r\n"
            for name, filename, data in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    return client.post("/indsend/evaluering", data=body, content_type=f"multipart/form-data; boundary={boundary}")


FORM = {
    "title": "Formularens testevaluering",
    "evaluator": "Testinstitut (testmateriale)",
    "published": "2021-05",
    "method": ["kvalitativ"],
    "result": "Deltagerne var tilfredse. (Testmateriale.)",
    "practices": [PRACTICE],
    "kommuner": "København",
    "source": "Testmateriale fra tests/test_evaluation_submissions.py",
}


def test_the_form_refuses_a_disguised_pdf_keeps_everything_then_accepts_the_real_one(site, tokens):
    _cli(site, "users", "password", "videnscenter@example.dk", "--password", "en-lang-adgangskode")
    client = site.test_client()
    login(client, "videnscenter@example.dk")
    assert "Indsend en evalueringsrapport" in client.get("/indsend/evaluering").get_data(as_text=True)
    bad = _form_post(client, {**FORM, "published": "maj 2021"}, b"<html>forklaedt testmateriale</html>")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert 'id="attachment-error"' in html and "Filen er ikke en PDF" in html
    assert 'id="published-error"' in html  # every problem at once, the file's and the form's
    assert 'value="Formularens testevaluering"' in html and "Deltagerne var tilfredse. (Testmateriale.)" in html
    assert f'value="{PRACTICE}" checked' in html and 'value="kvalitativ" checked' in html
    assert _files(site) == []
    typo = _form_post(client, {**FORM, "published": "maj 2021"}, TEST_PDF)
    assert typo.status_code == 422 and 'id="published-error"' in typo.get_data(as_text=True)
    assert "vælg filen igen" in typo.get_data(as_text=True) and _files(site) == []
    good = _form_post(client, FORM, TEST_PDF)
    assert good.status_code == 302 and "/indsendelser/" in good.headers["Location"]
    assert _files(site) == [hashlib.sha256(TEST_PDF).hexdigest() + ".pdf"]
    page = client.get(good.headers["Location"]).get_data(as_text=True)
    assert "Testinstitut (testmateriale)" in page and "PDF, 3 sider" in page


def test_the_form_checks_its_csrf_token_itself(site, tokens):
    _cli(site, "users", "password", "videnscenter@example.dk", "--password", "en-lang-adgangskode")
    client = site.test_client()
    login(client, "videnscenter@example.dk")
    r = client.post("/indsend/evaluering", data={**FORM, "csrf_token": "forkert"})
    assert r.status_code == 400 and _files(site) == []
