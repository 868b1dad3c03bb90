"""POST /api/submissions/batch: many practice files in one request, answered file by file."""

import io
import multiprocessing

import pytest

from portal.owned import OwnedDB
from portal.web import create_app
from portal.web.views.api_batch import MAX_FILES

from conftest import close_site, make_site

CONTRIBUTOR, EDITOR = "videnscenter@example.dk", "redaktoer@example.dk"


def practice(title: str, kommune: str = "Ishøj", evidence: str = "ikke-evalueret") -> bytes:
    return (
        f"---\ntitle: {title}\nkommuner: [{kommune}]\nevidence: {evidence}\nsource: Testmateriale\ntopics: [sprog]\n---\n"
        f"Beskrivelse af {title}. (Testindhold.)\n"
    ).encode()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = make_site(
        tmp_path_factory.mktemp("batch"),
        people={"contributor": (CONTRIBUTOR, "contributor", ()), "editor": (EDITOR, "editor", ())},
    )
    app.token = app.tokens["contributor"]
    yield app
    close_site(app)


BOUNDARY = "testgraense7f3a"


def multipart(files) -> bytes:
    """The body a client sends: one part named 'file' per file. (Built here: werkzeug's test
    client spools a large body to a temporary file that it never closes.)"""
    out = []
    for name, body in files:
        out.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: text/markdown\r\n\r\n".encode()
            + body
            + b"\r\n"
        )
    return b"".join(out) + f"--{BOUNDARY}--\r\n".encode()


def post(site, files, token=None):
    return site.test_client().post(
        "/api/submissions/batch",
        data=multipart(files),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        headers={"Authorization": f"Bearer {token or site.token}"},
    )


def _db_row(site, sid):
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        return db.one("SELECT * FROM submissions WHERE id = ?", (sid,))
    finally:
        db.close()


def test_each_file_is_answered_in_order_and_stands_alone(site):
    files = [
        ("lektiecafe.md", practice("Lektiecafé i Ishøj til batchtest")),
        ("forkert-evidens.md", practice("Mentorordning til batchtest", evidence="efekt")),
        ("ukendt-kommune.md", practice("Sprogcafé til batchtest", kommune="Atlantis")),
        ("latin1.md", "---\ntitle: Café\n---\n".encode("latin-1")),
        ("tom.md", b""),
        ("æøå-navn.md", practice("Jobmentorer i Brøndby til batchtest", kommune="Brøndby")),
    ]
    response = post(site, files)
    assert response.status_code == 200, response.get_data(as_text=True)
    results = response.get_json()["results"]
    assert [r["file"] for r in results] == [name for name, _ in files]
    assert [r["status"] for r in results] == [201, 422, 422, 422, 422, 201]
    # the same errors as a single submission of the same file
    single = site.test_client().post(
        "/api/submissions",
        data=files[1][1],
        headers={"Authorization": f"Bearer {site.token}", "Content-Type": "text/markdown"},
    )
    assert single.status_code == 422
    assert results[1]["errors"] == single.get_json()["errors"]
    assert any(e["field"] == "evidence" and "mente du 'effekt'" in e["message"] for e in results[1]["errors"])
    assert "Atlantis" in results[2]["errors"][0]["message"]
    assert results[3]["errors"][0]["message"] == "filen er ikke gyldig UTF-8"
    assert results[4]["errors"][0]["message"] == "filen er tom"
    # the accepted ones are stored as pending submissions, the refused ones are not
    for r in (results[0], results[5]):
        row = _db_row(site, r["id"])
        assert row["status"] == "pending" and row["title"] == r["title"]
    listed = site.test_client().get(
        "/api/submissions?status=pending", headers={"Authorization": f"Bearer {site.token}"}
    )
    titles = {s["title"] for s in listed.get_json()["submissions"]}
    assert {"Lektiecafé i Ishøj til batchtest", "Jobmentorer i Brøndby til batchtest"} <= titles
    assert "Mentorordning til batchtest" not in titles
    # editors are told once for the whole batch, not once per file
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        mails = db.all(
            "SELECT * FROM mail_outbox WHERE to_addr = ? AND subject LIKE '%nye indsendelser venter'", (EDITOR,)
        )
    finally:
        db.close()
    assert len(mails) == 1 and mails[0]["subject"] == "2 nye indsendelser venter"
    assert "- Lektiecafé i Ishøj til batchtest" in mails[0]["body"]


def test_an_existing_practice_in_a_batch_is_a_conflict_for_that_file_only(site):
    existing = site.test_client().get("/api/search?type=practice&per_page=1").get_json()["results"][0]
    slug = existing["url"].rsplit("/", 1)[1]
    title = site.test_client().get(f"/api/practices/{slug}").get_json()["title"]
    results = post(
        site, [("dublet.md", practice(title)), ("ny.md", practice("Helt ny erfaring til batchtest"))]
    ).get_json()
    assert [r["status"] for r in results["results"]] == [409, 201]
    assert "findes allerede" in results["results"][0]["error"]


def test_a_batch_can_be_larger_than_a_single_request_limit(site):
    """100 files of ~60 kB each (6 MB) pass although one request may otherwise be 2 MiB."""
    body = practice("Stor fil til batchtest") + ("Lang beskrivelse. " * 3300).encode()
    files = [(f"stor-{i}.md", body.replace(b"Stor fil", f"Stor fil {i}".encode())) for i in range(MAX_FILES)]
    response = post(site, files)
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["results"]] == [201] * MAX_FILES


@pytest.mark.parametrize(
    "case,status,message",
    [
        ("too-many", 422, "for mange filer: 101"),
        ("not-multipart", 415, "multipart/form-data"),
        ("no-files", 400, "ingen filer"),
        ("field-not-file", 400, "skal være en fil"),
        ("no-token", 401, "API-nøgle"),
    ],
)
def test_a_bad_batch_is_refused_whole_with_a_json_error(site, case, status, message):
    client = site.test_client()
    auth = {"Authorization": f"Bearer {site.token}"}
    before = len(site.test_client().get("/api/submissions?status=pending", headers=auth).get_json()["submissions"])
    if case == "too-many":
        response = post(
            site, [(f"f{i}.md", practice(f"Erfaring {i} til for stor batch")) for i in range(MAX_FILES + 1)]
        )
    elif case == "not-multipart":
        response = client.post(
            "/api/submissions/batch", data=practice("X"), headers={**auth, "Content-Type": "text/markdown"}
        )
    elif case == "no-files":
        response = client.post(
            "/api/submissions/batch", data={"andet": "x"}, content_type="multipart/form-data", headers=auth
        )
    elif case == "field-not-file":
        response = client.post(
            "/api/submissions/batch",
            data={"file": practice("Y").decode()},
            content_type="multipart/form-data",
            headers=auth,
        )
    else:
        response = client.post(
            "/api/submissions/batch",
            data={"file": [(io.BytesIO(practice("Z")), "z.md")]},
            content_type="multipart/form-data",
        )
    assert response.status_code == status
    assert response.is_json and message in response.get_json()["error"]
    after = len(site.test_client().get("/api/submissions?status=pending", headers=auth).get_json()["submissions"])
    assert after == before  # nothing stored


def test_a_file_over_the_single_file_limit_is_refused_alone(site):
    big = practice("Alt for stor fil til batchtest") + b"x" * 200_001
    results = post(site, [("stor.md", big), ("lille.md", practice("Lille fil til batchtest"))]).get_json()["results"]
    assert [r["status"] for r in results] == [413, 201]
    assert "for stor" in results[0]["error"]


def _post_batch_in_process(data_dir, content_dir, token, label, barrier, results):
    app = create_app({"TESTING": True, "DATA_DIR": data_dir, "CONTENT_DIR": content_dir})
    files = [(f"{label}-{i}.md", practice(f"Samtidig erfaring {label} {i} til batchtest")) for i in range(15)]
    body = multipart(files)
    barrier.wait(timeout=30)
    response = app.test_client().post(
        "/api/submissions/batch",
        data=body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        headers={"Authorization": f"Bearer {token}"},
    )
    results.put((response.status_code, response.get_json()))
    close_site(app)


def test_two_batches_at_once_keep_every_accepted_file(site):
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    args = (site.config["DATA_DIR"], site.config["CONTENT_DIR"], site.token)
    workers = [ctx.Process(target=_post_batch_in_process, args=(*args, label, barrier, results)) for label in "ab"]
    for w in workers:
        w.start()
    answers = [results.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    ids = []
    for status, body in answers:
        assert status == 200
        assert [r["status"] for r in body["results"]] == [201] * 15
        ids += [r["id"] for r in body["results"]]
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        stored = {r["id"]: r for r in db.all("SELECT id, status, title FROM submissions WHERE title LIKE 'Samtidig%'")}
        mails = db.all(
            "SELECT subject FROM mail_outbox WHERE to_addr = ? AND subject = '15 nye indsendelser venter'", (EDITOR,)
        )
    finally:
        db.close()
    assert sorted(stored) == sorted(ids) and len(set(ids)) == 30  # every accepted file is there
    assert all(r["status"] == "pending" for r in stored.values())
    assert len(mails) == 2


def test_a_batch_of_one_is_told_like_a_single_submission(site):
    [result] = post(site, [("en.md", practice("Enkelt fil til batchtest"))]).get_json()["results"]
    db = OwnedDB(site.config["DATA_DIR"])
    try:
        [mail] = db.all(
            "SELECT * FROM mail_outbox WHERE to_addr = ? AND link = ?", (EDITOR, f"/redaktion/{result['id']}")
        )
    finally:
        db.close()
    assert mail["subject"] == "Ny indsendelse venter: Enkelt fil til batchtest"
