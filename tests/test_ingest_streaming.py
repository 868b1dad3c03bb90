"""The streaming ingest: bounded in structure, every problem still reported,
the served generation untouched on refusal, progress shown, and advice on the
engine at sizes the default one does not handle comfortably.

The extra practices written here are test material and say so."""

import os
import shutil

import pytest

from portal import ingest as ingest_module
from portal import ingest_stream, ingest_work
from portal.ingest import IngestFailed, current_generation, ingest
from portal.store import Store
from portal.web import create_app

from conftest import CONTENT
from worker_faults import CountsReads, DiesOn, HangsOn, reads

EXTRA = 60


def _practice(i: int) -> str:
    return (
        f"---\ntitle: Testmateriale {i:03d}\nkommuner: [Aarhus]\nevidence: ikke-evalueret\n"
        f"topics: [beskæftigelse]\nsource: Testmateriale (tests/test_ingest_streaming.py)\n---\n"
        f"Testmateriale: en opdigtet erfaring nummer {i}, kun til test af indlæsningen.\n"
    )


@pytest.fixture
def big_content(tmp_path):
    dst = tmp_path / "content"
    shutil.copytree(CONTENT, dst)
    for i in range(EXTRA):
        (dst / "practices" / f"testmateriale-{i:03d}.md").write_text(_practice(i), encoding="utf-8")
    return dst


@pytest.fixture(params=["one process", "workers"])
def mode(request, monkeypatch):
    monkeypatch.setattr(ingest_work, "CHUNK", 4)
    monkeypatch.setattr(ingest_work, "WINDOW", 2)
    monkeypatch.setattr(ingest_stream, "STORE_BATCH", 5)
    if request.param == "workers":
        monkeypatch.setattr(ingest_work, "PARALLEL_MIN", 1)
        monkeypatch.setattr("os.cpu_count", lambda: 2)
    return request.param


def test_store_and_index_receive_items_while_files_are_still_being_read(tmp_path, big_content, mode, monkeypatch):
    """A counting fake around the per-file work (it counts in a file, which the
    worker processes share), the store's batches and the index's stream: rows and
    documents arrive long before the last file is read, and the reader is never
    more than a window ahead."""
    counter = tmp_path / "files-read"
    monkeypatch.setattr(ingest_work, "prepare_file", CountsReads(counter))
    stored_at, indexed_at = [], []
    real_add = ingest_module.StoreBuilder.add

    def counting_add(self, tables, types=()):
        types = list(types)
        stored_at.append((reads(counter), len(types)))
        return real_add(self, tables, types)

    monkeypatch.setattr(ingest_module.StoreBuilder, "add", counting_add)
    real_build = ingest_module.SearchIndex.build

    def counting_build(path, documents, **kwargs):
        def seen(docs):
            for n, doc in enumerate(docs, 1):
                indexed_at.append((reads(counter), n))
                yield doc

        return real_build(path, seen(documents), **kwargs)

    monkeypatch.setattr(ingest_module.SearchIndex, "build", staticmethod(counting_build))
    report = ingest(big_content, tmp_path / "data")

    total = reads(counter)
    assert report.counts["practice"] == 26 + EXTRA and total >= 26 + EXTRA
    # the first rows and the first documents were written with most files still unread
    assert stored_at[0][0] < total / 2 and indexed_at[0][0] < total / 2
    assert len(stored_at) > 5  # in batches, not once at the end
    # never more than the chunks in flight (and one batch) read ahead of what was indexed
    ahead = ingest_work.CHUNK * (ingest_work.WINDOW + 2) + ingest_stream.STORE_BATCH
    assert max(r - n for r, n in indexed_at) <= ahead
    store = Store(current_generation(tmp_path / "data").db_path)
    try:
        assert store.get("practice", "testmateriale-059")["title"] == "Testmateriale 059"
    finally:
        store.close()


def test_bad_files_half_way_give_every_error_and_leave_the_served_generation(tmp_path, big_content, mode):
    data = tmp_path / "data"
    ingest(big_content, data)
    before = current_generation(data)
    practices = big_content / "practices"
    # a bad value half-way, an unreadable front matter near the end, a duplicate
    # address, and a note citing a practice that does not exist (a cross-file check)
    (practices / "testmateriale-030.md").write_text(_practice(30).replace("ikke-evalueret", "efekt"), encoding="utf-8")
    (practices / "testmateriale-058.md").write_text("---\ntitle: [ikke lukket\n---\n", encoding="utf-8")
    (big_content / "networks" / "vestegnen.yml").write_text(
        (big_content / "networks" / "vestegnen.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    note = next((big_content / "notes").glob("*.md"))
    note.write_text(
        note.read_text(encoding="utf-8").replace(
            "practices: [vestegnskommunernes-benchmarking-af-integrationsindsatsen]", "practices: [findes-ikke]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(IngestFailed) as info:
        ingest(big_content, data)
    errors = [str(e) for e in info.value.errors]
    assert any(e.startswith(f"{practices / 'testmateriale-030.md'}:4: 'evidence' skal være én af") for e in errors)
    assert any(e.startswith(f"{practices / 'testmateriale-058.md'}:") for e in errors)
    assert any(
        e.startswith(f"{big_content / 'networks' / 'vestegnen.yml'}:1: samme adresse ('vestegnen')") for e in errors
    )
    assert any(e.startswith(f"{note}:7: erfaringen 'findes-ikke' findes ikke i practices/") for e in errors)
    assert len(errors) == 4, errors
    # nothing changed for readers, and the generation built aside is gone
    assert current_generation(data) == before
    assert sorted(p.name for p in (data / "derived").iterdir() if p.name.startswith("gen-")) == [before.name]
    store = Store(before.db_path)
    try:
        assert store.get("practice", "testmateriale-030")["evidence"] == "ikke-evalueret"
    finally:
        store.close()


def test_the_cli_shows_progress_without_flooding(tmp_path, big_content, monkeypatch):
    monkeypatch.setattr(ingest_stream, "PROGRESS_EVERY", 40)
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "CONTENT_DIR": str(big_content)})
    result = app.test_cli_runner().invoke(args=["ingest"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "filer læst og gengivet" in line]
    total = len(list((big_content).rglob("*.md"))) + len(list((big_content).rglob("*.yaml")))
    assert 2 <= len(lines) <= 4, lines  # one per 40 files and a last one, not one per file
    assert lines[-1].strip().startswith(f"{total}/{total} filer læst og gengivet, {total} gemt")


def test_an_ingest_larger_than_whoosh_handles_comfortably_advises_tantivy(tmp_path, big_content, monkeypatch):
    monkeypatch.setattr(ingest_stream, "WHOOSH_COMFORTABLE_DOCUMENTS", 50)
    monkeypatch.setenv("PORTAL_SEARCH_ENGINE", "whoosh")
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "CONTENT_DIR": str(big_content)})
    result = app.test_cli_runner().invoke(args=["ingest"])
    assert result.exit_code == 0, result.output
    advice = [line for line in result.output.splitlines() if "PORTAL_SEARCH_ENGINE=tantivy" in line]
    assert len(advice) == 1 and "standardsøgemaskinen (Whoosh) klarer op til ca. 50 godt" in advice[0]

    # the same content with tantivy, or fewer documents than the limit: no advice
    monkeypatch.setenv("PORTAL_SEARCH_ENGINE", "tantivy")
    assert ingest(big_content, tmp_path / "data2").advice == []
    monkeypatch.setenv("PORTAL_SEARCH_ENGINE", "whoosh")
    monkeypatch.setattr(ingest_stream, "WHOOSH_COMFORTABLE_DOCUMENTS", 10_000)
    assert ingest(big_content, tmp_path / "data3").advice == []


def _failing_worker_ingest(tmp_path, content, monkeypatch, prepare) -> str:
    """Ingest ``content`` once, then again with ``prepare`` as the workers'
    per-file work (from the CLI); the second must fail, say so without a
    traceback and leave the first generation served and alone. Its output."""
    data = tmp_path / "data"
    ingest(content, data)
    before = current_generation(data)
    monkeypatch.setattr(ingest_work, "PARALLEL_MIN", 1)
    monkeypatch.setattr(ingest_work, "CHUNK", 4)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr(ingest_work, "prepare_file", prepare)
    app = create_app({"DATA_DIR": str(data), "CONTENT_DIR": str(content)})
    result = app.test_cli_runner().invoke(args=["ingest"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert current_generation(data) == before
    assert sorted(p.name for p in (data / "derived").iterdir() if p.name.startswith("gen-")) == [before.name]
    return result.output


def test_a_worker_that_dies_fails_the_ingest_cleanly_and_changes_nothing(tmp_path, big_content, monkeypatch):
    output = _failing_worker_ingest(tmp_path, big_content, monkeypatch, DiesOn("testmateriale-040.md"))
    assert "arbejdsproces stoppede uventet" in output


def test_a_worker_that_stops_answering_fails_the_ingest_in_time_and_is_stopped(tmp_path, big_content, monkeypatch):
    """A worker stuck for ever (a lock, a loop) must not keep the ingest waiting
    for ever: after the result timeout it fails, says so, changes nothing, and
    the stuck process is gone."""
    from search_index import workers

    monkeypatch.setattr(workers, "RESULT_TIMEOUT", 15)  # well above a healthy chunk on a busy machine
    pid_file = tmp_path / "stuck.pid"
    output = _failing_worker_ingest(tmp_path, big_content, monkeypatch, HangsOn("testmateriale-040.md", pid_file))
    assert "arbejdsproces svarede ikke inden for 15 s; intet er ændret" in output
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
