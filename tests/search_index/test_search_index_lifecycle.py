"""Build, open, incremental update/delete, write locking, resources, isolation."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from search_corpus import (  # noqa: F401 (fixtures)
    ALL_DOCS,
    NETWORK_AUDIENCES,
    PUBLIC_DOCS,
    TEXTS,
    _engine_env,
    engine,
    fresh_index,
    text_source,
)

from search_index import IndexUnavailable, IndexDocument, IndexLockTimeout, SearchIndex, SearchRequest

ROOT = Path(__file__).resolve().parents[2]
TIDLIG = "practice:tidlig-virksomhedsrettet-indsats-for-flygtninge"


def search(idx, q="", **kw):
    return idx.search(SearchRequest(q=q, per_page=100, **kw))


def ids(resp):
    return [h.id for h in resp.hits]


# ---------------------------------------------------------------- build / open


def test_build_reports_progress_and_counts(tmp_path):
    seen = []
    idx = SearchIndex.build(tmp_path / "ix", iter(ALL_DOCS), batch_size=5, progress=seen.append)
    try:
        assert seen == [5, 10, 12]
        assert idx.doc_count() == len(ALL_DOCS)
    finally:
        idx.close()


def test_build_refuses_non_empty_directory(tmp_path):
    (tmp_path / "ix").mkdir()
    (tmp_path / "ix" / "something").write_text("x")
    with pytest.raises(FileExistsError):
        SearchIndex.build(tmp_path / "ix", ALL_DOCS)


def test_build_refuses_duplicate_ids(tmp_path):
    with pytest.raises(ValueError, match="Dobbelt"):
        SearchIndex.build(tmp_path / "ix", [PUBLIC_DOCS[0], PUBLIC_DOCS[0]])


def test_open_missing_index(tmp_path):
    with pytest.raises(IndexUnavailable, match="Intet søgeindeks"):
        SearchIndex(tmp_path / "nothing-here")


# Whoosh leaves the file object of a TOC it failed to unpickle to the garbage
# collector, which warns; the warning is Whoosh's, the behaviour under test ours.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_damaged_index_is_reported_as_unavailable(tmp_path, engine):
    idx = SearchIndex.build(tmp_path / "ix", PUBLIC_DOCS)
    idx.close()
    # The engine's table of contents: Whoosh's pickled TOC, tantivy's meta.json.
    tocs = list((tmp_path / "ix").glob("_MAIN_*.toc" if engine == "whoosh" else "meta.json"))
    assert tocs
    for toc in tocs:
        toc.write_bytes(b"not a pickle")
    with pytest.raises(IndexUnavailable):
        SearchIndex(tmp_path / "ix")


def test_damaged_engine_marker_is_reported_as_unavailable(tmp_path):
    SearchIndex.build(tmp_path / "ix", PUBLIC_DOCS).close()
    (tmp_path / "ix" / "engine.json").write_text("{nope")
    with pytest.raises(IndexUnavailable):
        SearchIndex(tmp_path / "ix")
    (tmp_path / "ix" / "engine.json").write_text('{"engine": "lucene"}')
    with pytest.raises(IndexUnavailable, match="ukendt"):
        SearchIndex(tmp_path / "ix")


def _segment_files(path: Path, engine: str) -> list[Path]:
    if engine == "whoosh":
        return list(path.glob("*.seg"))
    return [p for p in path.iterdir() if p.suffix in (".idx", ".term", ".pos", ".store", ".fast", ".fieldnorm")]


def test_vanished_segment_files_are_reported_as_unavailable(tmp_path, engine):
    idx = SearchIndex.build(tmp_path / "ix", PUBLIC_DOCS)
    try:
        files = _segment_files(tmp_path / "ix", engine)
        assert files
        for seg in files:
            seg.unlink()
        # The open instance holds its segments open (Whoosh: file handles,
        # tantivy: memory maps), so it may keep answering from them, or say
        # the index is unavailable -- never anything else.
        try:
            idx.search(SearchRequest(q="flygtninge"))
        except IndexUnavailable:
            pass
        # Opening it again fails cleanly.
        with pytest.raises(IndexUnavailable):
            SearchIndex(tmp_path / "ix")
    finally:
        try:
            idx.close()
        except Exception:
            pass


def test_empty_index(tmp_path):
    idx = SearchIndex.build(tmp_path / "ix", [])
    try:
        resp = idx.search(SearchRequest(q="flygtninge"))
        assert resp.total == 0 and resp.hits == [] and resp.suggestion is None
        assert idx.search(SearchRequest()).total == 0
        assert idx.doc_count() == 0
    finally:
        idx.close()


def test_reopen_sees_same_documents(tmp_path):
    SearchIndex.build(tmp_path / "ix", ALL_DOCS).close()
    with SearchIndex(tmp_path / "ix", text_source=text_source) as idx:
        assert search(idx, "Grindsted").hits[0].id == "kommune:530"


# ---------------------------------------------------------------- update / delete


def test_update_replaces_by_id_and_is_seen_at_once(fresh_index):
    assert ids(search(fresh_index, "flygtninge"))  # open the searcher first
    before = fresh_index.doc_count()
    new_body = "Nu handler indsatsen om lærlinge og erhvervsuddannelse."
    changed = replace(PUBLIC_DOCS[0], title="Lærlinge i byggeriet", body=new_body, topics=["uddannelse"])
    TEXTS_LOCAL = {**TEXTS, changed.id: new_body}
    fresh_index.text_source = TEXTS_LOCAL.get
    fresh_index.update([changed])

    assert fresh_index.doc_count() == before  # replaced, not added
    hit = search(fresh_index, "lærlinge").hits[0]
    assert hit.id == TIDLIG and hit.title == "Lærlinge i byggeriet"
    assert "<mark>lærlinge</mark>" in hit.snippet
    assert TIDLIG not in ids(search(fresh_index, "virksomhedsrettet"))
    facets = search(fresh_index).facets
    assert facets["topic"]["uddannelse"] == 2
    assert facets["topic"]["flygtninge"] == 2
    # The old words are gone from suggestions' vocabulary too ...
    assert search(fresh_index, "lærlinnge", correct=False).suggestion == "lærlinge"


def test_update_adds_new_document(fresh_index):
    doc = IndexDocument(
        id="practice:ny",
        type="practice",
        title="Sundhedsformidlere",
        url="/erfaringer/ny",
        body="Sundhedsformidlere taler med nyankomne om lægebesøg.",
        kommuner=["461"],
    )
    fresh_index.update([doc])
    assert ids(search(fresh_index, "sundhedsformidlere")) == ["practice:ny"]
    assert search(fresh_index, filters={"kommune": ["461"]}).total == 1


def test_update_can_move_document_out_of_public(fresh_index):
    assert search(fresh_index, "ægtefælleforsørgede").total == 1
    fresh_index.update([replace(PUBLIC_DOCS[2], audience="network:vestegn")])
    assert search(fresh_index, "ægtefælleforsørgede").total == 0
    assert search(fresh_index, "ægtefælleforsørgede", audiences=NETWORK_AUDIENCES).total == 1
    # The word left the public vocabulary: no suggestion towards it.
    resp = search(fresh_index, "ægtefælleforsørgde")
    assert resp.suggestion is None


def test_delete_removes_and_is_seen_at_once(fresh_index):
    assert TIDLIG in ids(search(fresh_index, "flygtninge"))
    fresh_index.delete([TIDLIG, "no-such-id"])
    resp = search(fresh_index, "flygtninge")
    assert TIDLIG not in ids(resp) and resp.total == 2
    assert search(fresh_index).total == len(PUBLIC_DOCS) - 1
    assert search(fresh_index).facets["evidence"].get("effekt") is None
    assert fresh_index.doc_count() == len(ALL_DOCS) - 1


def test_a_write_by_another_worker_is_seen_despite_cached_results(fresh_index):
    """Each worker caches results per index generation; another worker's
    publication must show in the very next search, not after a restart."""
    reader = SearchIndex(fresh_index.path, text_source=text_source)
    try:
        for _ in range(2):  # computed, then served from the cache
            assert search(reader, "flygtninge").total == 3
            assert reader.search(SearchRequest(q="flygtninge", page=2, per_page=1)).total == 3
        fresh_index.update([IndexDocument(id="note:ny", type="note", title="Flygtninge og bolig", url="/n/ny")])
        assert search(reader, "flygtninge").total == 4
        assert "note:ny" in ids(search(reader, "flygtninge"))
        fresh_index.delete(["note:ny", TIDLIG])
        assert search(reader, "flygtninge").total == 2
    finally:
        reader.close()


def test_cached_results_equal_computed_ones(fresh_index):
    """Paging, facets, snippets and suggestions from the cache are exactly what
    an index without a cache computes."""
    plain = SearchIndex(fresh_index.path, text_source=text_source, cache_docs=0)
    try:
        queries = [
            ("flygtninge", {}),
            ("flygtninge praktik", {}),
            ('"danske virksomheder"', {}),
            ("virk*", {}),
            ("flygtnige", {}),
            ("flygtninge", {"filters": {"kommune": ["101"]}}),
            ("flygtninge", {"audiences": NETWORK_AUDIENCES}),
        ]
        for q, kw in queries * 2:
            for page in (1, 2, 3):
                a = fresh_index.search(SearchRequest(q=q, page=page, per_page=1, **kw))
                b = plain.search(SearchRequest(q=q, page=page, per_page=1, **kw))
                assert a == b, (q, kw, page)
    finally:
        plain.close()


def test_many_small_updates_keep_counts_exact(fresh_index):
    for i in range(15):
        fresh_index.update(
            [IndexDocument(id=f"note:{i}", type="note", title=f"Notat {i} om flygtninge", url=f"/n/{i}")]
        )
        assert search(fresh_index, "flygtninge").total == 3 + i + 1
    fresh_index.delete([f"note:{i}" for i in range(0, 15, 2)])
    assert search(fresh_index, "flygtninge").total == 3 + 7
    assert search(fresh_index, filters={"type": ["note"]}).total == 7


# ---------------------------------------------------------------- write lock


def _hold_lock(path, seconds, acquired: threading.Event, errors: list):
    try:
        holder = SearchIndex(path)
        try:
            with holder._writer(timeout=5):
                acquired.set()
                time.sleep(seconds)
        finally:
            holder.close()
    except BaseException as e:  # pragma: no cover - reported by the test
        errors.append(e)
        acquired.set()


def test_update_waits_for_held_lock_then_succeeds(fresh_index):
    acquired, errors = threading.Event(), []
    t = threading.Thread(target=_hold_lock, args=(fresh_index.path, 1.0, acquired, errors))
    t.start()
    assert acquired.wait(5) and not errors
    t0 = time.monotonic()
    fresh_index.update([IndexDocument(id="note:ventet", type="note", title="Ventetid", url="/v")], timeout=10)
    waited = time.monotonic() - t0
    t.join()
    assert not errors
    assert waited >= 0.7, waited
    assert ids(search(fresh_index, "ventetid")) == ["note:ventet"]


def test_update_gives_clear_error_when_lock_timeout_passes(fresh_index):
    acquired, errors = threading.Event(), []
    t = threading.Thread(target=_hold_lock, args=(fresh_index.path, 2.0, acquired, errors))
    t.start()
    try:
        assert acquired.wait(5) and not errors
        t0 = time.monotonic()
        with pytest.raises(IndexLockTimeout) as e:
            fresh_index.update([IndexDocument(id="note:x", type="note", title="Xylofon", url="/x")], timeout=0.3)
        assert 0.25 <= time.monotonic() - t0 < 1.5
        assert "optaget" in str(e.value)
        assert isinstance(e.value, TimeoutError)
        with pytest.raises(IndexLockTimeout):
            fresh_index.delete([TIDLIG], timeout=0.1)
    finally:
        t.join()
    # After the holder let go, writing works again and nothing was half-written.
    assert search(fresh_index, "xylofon").total == 0
    fresh_index.delete([TIDLIG], timeout=1)
    assert TIDLIG not in ids(search(fresh_index, "flygtninge"))


# ---------------------------------------------------------------- resources


def _fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_no_file_descriptor_leak_over_many_searches(fresh_index):
    queries = ["flygtninge", "kommunerne", "Århus", "flygt*", "", "flygtnige", '"virksomhedsrettet indsats"']
    for q in queries:  # warm up: open the searcher and caches
        search(fresh_index, q)
    before = _fd_count()
    for i in range(200):
        search(fresh_index, queries[i % len(queries)], filters={"type": ["practice"]} if i % 3 else {})
    assert _fd_count() <= before + 2
    # Updates in between must not leak the replaced searchers' files either.
    for i in range(10):
        fresh_index.update([IndexDocument(id=f"note:{i}", type="note", title=f"Notat {i}", url="/n")])
        search(fresh_index, "notat")
    grown = _fd_count()
    for i in range(50):
        search(fresh_index, "notat")
    assert _fd_count() <= grown
    fresh_index.close()
    assert _fd_count() <= before + 2


def test_close_is_idempotent(tmp_path):
    idx = SearchIndex.build(tmp_path / "ix", ALL_DOCS)
    idx.search(SearchRequest(q="flygtninge"))
    idx.close()
    idx.close()
    with pytest.raises(RuntimeError):
        idx.search(SearchRequest(q="flygtninge"))


# ---------------------------------------------------------------- isolation


def test_import_does_not_pull_in_flask_or_portal():
    code = (
        "import sys, search_index\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'portal', 'werkzeug'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_package_source_does_not_mention_flask_or_portal():
    pkg = ROOT / "search_index"
    for py in pkg.glob("*.py"):
        text = py.read_text(encoding="utf-8")
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                assert "flask" not in stripped and "portal" not in stripped, (py.name, line)
