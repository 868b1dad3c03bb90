"""Nothing lost, nobody in where they don't belong: faults, concurrency, backups, limits."""

import shutil
import sqlite3
import threading

import pytest

from portal.generations import current_generation
from portal.ingest import ingest
from portal.integrity import check, reconcile
from portal.owned import OwnedDB
from portal import accounts, submissions

from conftest import close_site, make_site

PRACTICE = """---
title: {title}
kommuner: [Ishøj]
evidence: ikke-evalueret
source: Testmateriale, ingen rigtig kilde
topics: [sprog]
---
Testindhold nummer {n}.
"""


@pytest.fixture
def site(tmp_path):
    app = make_site(tmp_path)
    content, data = tmp_path / "content", tmp_path / "data"
    db = OwnedDB(data)
    editor = accounts.add_user(db, "red@example.dk", "editor")
    editor2 = accounts.add_user(db, "red2@example.dk", "editor")
    contributor = accounts.add_user(db, "vc@example.dk", "contributor")
    db.close()
    yield app, content, data, {"editor": editor, "editor2": editor2, "contributor": contributor}
    close_site(app)


def test_twenty_submissions_at_once_all_land_and_two_editors_approve_at_once(site):
    app, content, data, users = site
    errors = []

    def submit(n):
        db = OwnedDB(data)
        try:
            submissions.submit(
                db, users["contributor"], PRACTICE.format(title=f"Samtidig indsendelse {n}", n=n), content
            )
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(20)]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert errors == []
    db = OwnedDB(data)
    pending = submissions.by_status(db, "pending")
    db.close()
    assert len(pending) == 20

    def approve(editor, subs):
        db = OwnedDB(data)
        try:
            for sub in subs:
                submissions.approve(db, editor, sub.id, content, data)
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            db.close()

    a = threading.Thread(target=approve, args=(users["editor"], pending[:10]))
    b = threading.Thread(target=approve, args=(users["editor2"], pending[10:]))
    a.start(), b.start(), a.join(120), b.join(120)
    assert errors == []
    client = app.test_client()
    for n in range(20):
        hits = client.get(f"/api/search?q=samtidig+indsendelse+{n}&per_page=100").get_json()["results"]
        assert f"samtidig-indsendelse-{n}" in [h["id"] for h in hits]
        assert (content / "practices" / f"samtidig-indsendelse-{n}.md").exists()
    assert check(content, data).ok, check(content, data).problems


def test_the_same_submission_approved_twice_at_once_publishes_once(site):
    app, content, data, users = site
    db = OwnedDB(data)
    sub = submissions.submit(db, users["contributor"], PRACTICE.format(title="Dobbelt godkendt", n=1), content)
    db.close()
    outcomes = []

    def approve(editor):
        db = OwnedDB(data)
        try:
            submissions.approve(db, editor, sub.id, content, data)
            outcomes.append("ok")
        except submissions.SubmissionError as exc:
            outcomes.append(exc.status)
        finally:
            db.close()

    threads = [threading.Thread(target=approve, args=(users[e],)) for e in ("editor", "editor2")]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert sorted(outcomes, key=str) == [409, "ok"]
    db = OwnedDB(data)
    assert len(db.all("SELECT * FROM outbox WHERE slug = 'dobbelt-godkendt'")) == 1
    db.close()


def test_an_update_approved_after_the_practice_changed_is_a_conflict(site):
    app, content, data, users = site
    db = OwnedDB(data)
    slug = "tidlig-virksomhedsrettet-indsats-for-flygtninge"
    base = (content / "practices" / f"{slug}.md").read_text(encoding="utf-8")
    first = submissions.submit(
        db, users["contributor"], base.replace("effekt\n", "effekt\n", 1) + "\nFørste tilføjelse.\n", content, slug=slug
    )
    second = submissions.submit(db, users["contributor"], base + "\nAnden tilføjelse.\n", content, slug=slug)
    submissions.approve(db, users["editor"], first.id, content, data)
    with pytest.raises(submissions.SubmissionError) as info:
        submissions.approve(db, users["editor"], second.id, content, data)
    db.close()
    assert info.value.status == 409 and "ændret" in info.value.message
    assert "Første tilføjelse." in (content / "practices" / f"{slug}.md").read_text(encoding="utf-8")


def test_a_failed_publication_stays_in_the_outbox_and_reconcile_finishes_it(site, monkeypatch):
    app, content, data, users = site
    db = OwnedDB(data)
    sub = submissions.submit(db, users["contributor"], PRACTICE.format(title="Udgivet efter nedbrud", n=1), content)
    from portal import publishing

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publishing, "write_file_atomically", disk_full)
    approved = submissions.approve(db, users["editor"], sub.id, content, data)
    assert approved.status == "approved"  # the decision is recorded …
    pending = db.all("SELECT * FROM outbox WHERE done_at IS NULL")
    assert len(pending) == 1 and "No space left" in pending[0]["error"]  # … and the publication is not lost
    assert not check(content, data).ok
    monkeypatch.undo()
    report = reconcile(content, data)
    db.close()
    assert "offentliggjort practice:udgivet-efter-nedbrud" in report.repaired
    assert check(content, data).ok
    assert (
        app.test_client().get("/api/search?q=udgivet+efter+nedbrud").get_json()["results"][0]["id"]
        == "udgivet-efter-nedbrud"
    )


def test_reconcile_repairs_an_index_that_lost_documents(site):
    app, content, data, users = site
    from search_index import SearchIndex

    gen = current_generation(data)
    index = SearchIndex(gen.index_path)
    index.delete(["practice:bydelsmoedrene", "kommune:530"])
    index.close()
    problems = check(content, data).problems
    assert "søgeindeks mangler practice:bydelsmoedrene" in problems and "søgeindeks mangler kommune:530" in problems
    reconcile(content, data)
    assert check(content, data).ok


def test_a_damaged_index_degrades_search_but_pages_keep_working(site):
    app, content, data, users = site
    gen = current_generation(data)
    shutil.rmtree(gen.index_path)
    client = app.test_client()
    api = client.get("/api/search?q=flygtninge")
    assert api.status_code == 503 and "Søgningen er midlertidigt utilgængelig" in api.get_json()["error"]
    page = client.get("/soeg?q=flygtninge")
    assert page.status_code == 503 and "Søgningen er midlertidigt utilgængelig" in page.get_data(as_text=True)
    assert client.get("/erfaringer/bydelsmoedrene").status_code == 200
    assert client.get("/").status_code == 200
    assert "søgeindeks: Intet søgeindeks" in " ".join(check(content, data).problems)
    ingest(content, data)  # a rebuild restores the index from the files
    assert client.get("/api/search?q=flygtninge").status_code == 200


def test_an_ingest_killed_half_way_leaves_the_live_generation(site, monkeypatch):
    app, content, data, users = site
    before = current_generation(data)
    from portal import ingest as ingest_module

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(ingest_module.SearchIndex, "build", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest(content, data)
    assert current_generation(data) == before
    assert [p.name for p in (data / "derived").iterdir() if p.name.startswith("gen-")] == [before.name]
    assert app.test_client().get("/api/search?q=flygtninge").status_code == 200


def test_backup_and_restore(site, tmp_path):
    app, content, data, users = site
    db = OwnedDB(data)
    sub = submissions.submit(db, users["contributor"], PRACTICE.format(title="Med i backuppen", n=1), content)
    submissions.approve(db, users["editor"], sub.id, content, data)
    db.close()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    backup_dir = next((tmp_path / "backups").iterdir())

    # disaster: the owned database is lost (a stale WAL left behind) and a practice file deleted
    (data / "owned.db").unlink()
    (data / "owned.db-wal").write_bytes(b"stale journal")
    (content / "practices" / "med-i-backuppen.md").unlink()
    result = runner.invoke(args=["restore", str(backup_dir), "--yes"])
    assert result.exit_code == 0, result.output
    assert not (data / "owned.db-wal").exists() or (data / "owned.db-wal").read_bytes() != b"stale journal"
    db = OwnedDB(data)
    assert accounts.get_user(db, "vc@example.dk") is not None
    assert submissions.get(db, sub.id).status == "approved"
    db.close()
    assert (content / "practices" / "med-i-backuppen.md").exists()
    assert app.test_client().get("/api/search?q=med+i+backuppen").get_json()["results"][0]["id"] == "med-i-backuppen"
    assert check(content, data).ok


def test_restore_refuses_a_tampered_backup(site, tmp_path):
    app, content, data, users = site
    runner = app.test_cli_runner()
    runner.invoke(args=["backup", str(tmp_path / "b")])
    backup_dir = next((tmp_path / "b").iterdir())
    (backup_dir / "owned.db").write_bytes(b"garbage")
    result = runner.invoke(args=["restore", str(backup_dir), "--yes"])
    assert result.exit_code != 0 and "ændret siden backuppen" in result.output
    assert OwnedDB(data).one("SELECT COUNT(*) AS n FROM users")["n"] == 3


def test_owned_writes_wait_for_the_lock_instead_of_failing(site):
    app, content, data, users = site
    holder = sqlite3.connect(data / "owned.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Timer(1.0, lambda: holder.execute("COMMIT"))
    released.start()
    db = OwnedDB(data)
    sub = submissions.submit(db, users["contributor"], PRACTICE.format(title="Ventede på låsen", n=1), content)
    db.close()
    released.join()
    holder.close()
    assert sub.status == "pending"


def test_security_headers(site):
    app, content, data, users = site
    response = app.test_client().get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_recreated_owned_database_is_migrated_again(tmp_path):
    """A deleted and recreated owned.db (by hand, or a data directory removed
    and rebuilt) gets its tables again in the same process: the file can reuse
    the deleted one's inode, so nothing may be remembered about the old file."""
    from portal.owned import MIGRATIONS, OwnedDB

    data = tmp_path / "data"
    for _round in range(3):
        db = OwnedDB(data)
        db.record_publications(["practice:x"])
        assert db.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        db.close()
        shutil.rmtree(data)
    # a file from before user_version was kept (0) with every migration applied: migrated once, then marked
    db = OwnedDB(data)
    db.conn.execute("PRAGMA user_version = 0")
    db.close()
    db = OwnedDB(data)
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.all("SELECT COUNT(*) AS n FROM migrations")[0]["n"] == len(MIGRATIONS)
    db.close()
