"""Faults get a clean answer (issue 11): a held write lock, a full disk, a damaged database, an index
that vanishes under a running worker. Each is a 503 with Retry-After (JSON under /api/), nothing is
half-written, pages that do not need the broken part keep working, and the operator's commands report
it as a finding with a non-zero exit, never a traceback."""

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from portal import accounts, owned
from portal.faults import BUSY, DAMAGED, MISSING, STORAGE, classify
from portal.generations import current_generation
from portal.ingest import ingest
from portal.owned import OwnedDB
from portal.web import create_app

from conftest import CONTENT

NOTE = "Testindhold fra tests/test_faults.py."
PRACTICE = f"""---
title: Fejltest {{n}}
kommuner: [Ishøj]
evidence: ikke-evalueret
topics: [sprog]
---
{NOTE}
"""


@pytest.fixture
def site(tmp_path):
    content, data = tmp_path / "content", tmp_path / "data"
    shutil.copytree(CONTENT, content)
    ingest(content, data)
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data),
            "CONTENT_DIR": str(content),
            "SESSION_COOKIE_SECURE": False,
            "PAGE_CACHE": False,
        }
    )
    db = OwnedDB(data)
    accounts.add_user(db, "vc@example.dk", "contributor")
    token = accounts.issue_token(db, "vc@example.dk")
    db.close()
    yield app, content, data, {"Authorization": f"Bearer {token}", "Content-Type": "text/markdown; charset=utf-8"}
    app.extensions["portal_index"].close()


def _submissions(data) -> int:
    db = OwnedDB(data)
    try:
        return db.one("SELECT COUNT(*) AS n FROM submissions")["n"]
    finally:
        db.close()


def _assert_503(response, *, json: bool):
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    if json:
        assert response.is_json and response.get_json()["error"]
    else:
        assert "Traceback" not in response.get_data(as_text=True)


def test_a_write_lock_held_by_another_process_beyond_the_timeout_is_a_503_and_nothing_is_half_written(
    site, monkeypatch
):
    app, content, data, headers = site
    monkeypatch.setattr(owned, "BUSY_TIMEOUT_MS", 300)  # the real 10 s would make the test slow
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import sqlite3, sys, time
        conn = sqlite3.connect({str(data / "owned.db")!r}, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        print("held", flush=True)
        sys.stdin.readline()  # until the test lets go
        conn.execute("ROLLBACK")
    """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        client = app.test_client()
        response = client.post("/api/submissions", data=PRACTICE.format(n=1).encode(), headers=headers)
        _assert_503(response, json=True)
        assert "prøv igen" in response.get_json()["error"]
        assert client.get("/erfaringer/bydelsmoedrene").status_code == 200  # readers are not blocked
    finally:
        holder.communicate("go\n", timeout=10)
    assert _submissions(data) == 0  # rolled back whole: no row, no file
    assert not list((content / "practices").glob("fejltest-*"))
    retried = app.test_client().post("/api/submissions", data=PRACTICE.format(n=1).encode(), headers=headers)
    assert retried.status_code == 201 and _submissions(data) == 1


def test_a_full_disk_on_an_owned_write_is_a_503_and_nothing_is_half_written(site, monkeypatch):
    app, content, data, headers = site

    def full(self):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(OwnedDB, "write", full)
    client = app.test_client()
    response = client.post("/api/submissions", data=PRACTICE.format(n=2).encode(), headers=headers)
    _assert_503(response, json=True)
    assert "lagerpladsen" in response.get_json()["error"]
    monkeypatch.undo()
    assert _submissions(data) == 0
    assert client.get("/").status_code == 200


def test_a_full_disk_when_a_file_is_written_is_a_503_on_pages(site, monkeypatch):
    app, content, data, headers = site
    from portal.web.views import pages

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(data / "owned.db-shm"))

    monkeypatch.setattr(pages, "render_template", no_space)
    page = app.test_client().get("/")
    _assert_503(page, json=False)
    assert "lagerpladsen er opbrugt" in page.get_data(as_text=True)


def test_a_damaged_derived_database_is_a_503_other_pages_work_and_the_tools_report_it(site):
    app, content, data, headers = site
    gen = current_generation(data)
    gen.db_path.write_bytes(b"this is not a database " * 200)
    client = app.test_client()
    _assert_503(client.get("/"), json=False)
    _assert_503(client.get("/erfaringer/bydelsmoedrene"), json=False)
    _assert_503(client.get("/api/practices/bydelsmoedrene"), json=True)
    assert client.get("/log-ind").status_code == 200  # needs no derived data
    runner = app.test_cli_runner()
    for command in (["check"], ["reconcile"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 1, (command, result.output)
        assert "portal.db" in result.output and "beskadiget" in result.output and "Traceback" not in result.output
    rebuilt = runner.invoke(args=["ingest"])  # the repair: derived data is rebuilt from the files
    assert rebuilt.exit_code == 0, rebuilt.output
    assert client.get("/erfaringer/bydelsmoedrene").status_code == 200
    assert runner.invoke(args=["check"]).exit_code == 0


def test_a_damaged_owned_database_is_a_finding_for_every_tool(site, tmp_path):
    app, content, data, headers = site
    for suffix in ("-wal", "-shm"):
        (data / f"owned.db{suffix}").unlink(missing_ok=True)
    (data / "owned.db").write_bytes(b"garbage " * 1000)
    runner = app.test_cli_runner()
    for command in (["check"], ["reconcile"], ["backup", str(tmp_path / "b")]):
        result = runner.invoke(args=command)
        assert result.exit_code == 1, (command, result.output)
        assert "owned.db" in result.output or "beskadiget" in result.output, (command, result.output)
        assert "Traceback" not in result.output and isinstance(result.exception, SystemExit), result.exception
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())  # no backup that looks good
    response = app.test_client().post("/api/submissions", data=PRACTICE.format(n=3).encode(), headers=headers)
    _assert_503(response, json=True)
    ingested = runner.invoke(args=["ingest"])  # the content is rebuilt and served; the owned part is reported
    assert ingested.exit_code == 1 and "Indlæst:" in ingested.output, ingested.output
    assert "owned.db: en databasefil er beskadiget" in ingested.output and "Traceback" not in ingested.output
    _assert_503(app.test_client().get("/erfaringer/bydelsmoedrene"), json=False)  # its history is owned data
    assert app.test_client().get("/api/search?q=flygtninge").status_code == 200  # derived data only


def test_a_missing_content_folder_is_a_finding_for_ingest_and_backup(site, tmp_path):
    app, content, data, headers = site
    shutil.rmtree(content)
    runner = app.test_cli_runner()
    for command in (["ingest"], ["backup", str(tmp_path / "b")]):
        result = runner.invoke(args=command)
        assert result.exit_code == 1, (command, result.output)
        assert "Traceback" not in result.output and str(content) in result.output, (command, result.output)
    assert app.test_client().get("/erfaringer/bydelsmoedrene").status_code == 200  # the live generation stays


def test_an_index_that_vanishes_under_a_running_worker_is_a_503_and_pages_keep_working(site):
    app, content, data, headers = site
    client = app.test_client()
    assert client.get("/api/search?q=flygtninge").status_code == 200  # the worker has the index open
    gen = current_generation(data)
    for path in gen.index_path.iterdir():  # the table of contents vanishes (Whoosh: EmptyIndexError)
        if path.suffix == ".toc" or path.name == "meta.json":
            path.unlink()
    _assert_503(client.get("/api/search?q=sprog"), json=True)
    _assert_503(client.get("/soeg?q=sprog"), json=False)
    assert client.get("/erfaringer/bydelsmoedrene").status_code == 200
    assert app.test_cli_runner().invoke(args=["check"]).exit_code == 1
    ingest(content, data)
    assert client.get("/api/search?q=sprog").status_code == 200


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (sqlite3.OperationalError("database is locked"), BUSY),
        (sqlite3.OperationalError("database or disk is full"), STORAGE),
        (sqlite3.OperationalError("disk I/O error"), STORAGE),
        (OSError(errno.ENOSPC, "No space left on device"), STORAGE),
        (sqlite3.DatabaseError("file is not a database"), DAMAGED),
        (FileNotFoundError(errno.ENOENT, "No such file or directory", "x"), MISSING),
        (sqlite3.OperationalError('near "SELEC": syntax error'), None),  # a bug stays a bug (500), not a 503
        (ValueError("x"), None),
    ],
)
def test_faults_are_told_apart_from_bugs(exc, kind):
    fault = classify(exc)
    assert (fault.kind if fault else None) == kind


def test_a_bug_in_sqlite_use_is_still_a_500(site, monkeypatch):
    app, content, data, headers = site
    from portal.web.views import pages

    def bug(*args, **kwargs):
        raise sqlite3.OperationalError('near "SELEC": syntax error')

    monkeypatch.setattr(pages, "render_template", bug)
    assert app.test_client().get("/").status_code == 500


@pytest.fixture
def small_disk(tmp_path):
    """A real 30 MB tmpfs (root only): the portal's data on a disk that can really fill up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a real full disk needs root to mount a small tmpfs; the monkeypatched tests above cover it")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=30m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_really_full_disk_is_a_503_search_keeps_working_and_nothing_is_half_written(small_disk):
    content, data = small_disk / "content", small_disk / "data"
    shutil.copytree(CONTENT, content)
    ingest(content, data)
    db = OwnedDB(data)
    accounts.add_user(db, "vc@example.dk", "contributor")
    token = accounts.issue_token(db, "vc@example.dk")
    db.close()
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data),
            "CONTENT_DIR": str(content),
            "SESSION_COOKIE_SECURE": False,
            "PAGE_CACHE": False,
        }
    )
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/markdown; charset=utf-8"}
    try:
        with open(small_disk / "filler", "wb") as filler:  # fill the disk to the last byte
            block = b"\0" * (1 << 20)
            try:
                while True:
                    filler.write(block)
                    filler.flush()
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        client = app.test_client()
        response = client.post("/api/submissions", data=PRACTICE.format(n=4).encode(), headers=headers)
        _assert_503(response, json=True)
        assert client.get("/api/search?q=flygtninge").status_code == 200  # needs no writes
        page = client.get("/erfaringer/bydelsmoedrene")
        assert page.status_code in (200, 503) and "Traceback" not in page.get_data(as_text=True)
        (small_disk / "filler").unlink()  # space again: the same request is accepted
        assert client.post("/api/submissions", data=PRACTICE.format(n=4).encode(), headers=headers).status_code == 201
    finally:
        app.extensions["portal_index"].close()
    assert _submissions(data) == 1


def test_before_the_first_ingest_pages_are_a_503_that_says_what_to_run(tmp_path):
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "CONTENT_DIR": str(CONTENT)})
    client = app.test_client()
    _assert_503(client.get("/"), json=False)
    response = client.get("/api/search?q=sprog")
    _assert_503(response, json=True)
    assert "ingest" in response.get_json()["error"]
    assert client.get("/log-ind").status_code == 200


def test_a_form_that_meets_a_held_lock_comes_back_filled_in(site, monkeypatch):
    app, content, data, headers = site
    app.config["WTF_CSRF_ENABLED"] = False
    db = OwnedDB(data)
    accounts.set_password(db, "vc@example.dk", "et-godt-testkodeord")
    db.close()
    client = app.test_client()
    assert (
        client.post("/log-ind", data={"email": "vc@example.dk", "password": "et-godt-testkodeord"}).status_code == 302
    )
    monkeypatch.setattr(owned, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(data / "owned.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    try:
        typed = "En lang beskrivelse, som ikke må gå tabt (testindhold)."
        form = {
            "title": "Fejltest formular",
            "kommuner": "Ishøj",
            "evidence": "ikke-evalueret",
            "topics": "sprog",
            "body": typed,
        }
        response = client.post("/indsend", data=form)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert typed in page and "Fejltest formular" in page and "Portalen har travlt" in page
    assert _submissions(data) == 0
