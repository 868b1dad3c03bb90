"""tantivy's full build prepares documents in forked processes above
PARALLEL_BUILD_MIN; the index must be the one the serial build makes."""

from __future__ import annotations

import dataclasses

import pytest
from search_corpus import ALL_DOCS, NETWORK_AUDIENCES, text_source

from search_index import SearchIndex, SearchRequest
from search_index import engine_tantivy

QUERIES = ["flygtninge", "Århus", "sprog*", '"tidlig indsats"', "kommune", "xyzzy", ""]


def _results(path):
    idx = SearchIndex(path, text_source=text_source)
    try:
        out = []
        for q in QUERIES:
            for audiences in (frozenset({"public"}), NETWORK_AUDIENCES):
                r = idx.search(SearchRequest(q=q, audiences=audiences, per_page=1000))
                # copies score alike; tantivy orders ties by segment layout, which
                # its indexing threads make differ from build to build
                out.append((q, r.total, sorted(h.id for h in r.hits), r.facets, r.suggestion))
        return out
    finally:
        idx.close()


def test_parallel_build_equals_serial(tmp_path, monkeypatch):
    # enough documents for several chunks per worker
    docs = [dataclasses.replace(d, id=f"{d.id}-{i}") for i in range(8) for d in ALL_DOCS]
    SearchIndex.build(tmp_path / "serial", docs, engine="tantivy").close()
    monkeypatch.setattr(engine_tantivy, "PARALLEL_BUILD_MIN", 1)
    monkeypatch.setattr(engine_tantivy, "BUILD_PROCS", 2)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    SearchIndex.build(tmp_path / "parallel", docs, engine="tantivy").close()
    assert _results(tmp_path / "parallel") == _results(tmp_path / "serial")


def test_parallel_build_refuses_duplicates_and_leaves_no_documents(tmp_path, monkeypatch):
    monkeypatch.setattr(engine_tantivy, "PARALLEL_BUILD_MIN", 1)
    with pytest.raises(ValueError, match="Dobbelt"):
        SearchIndex.build(tmp_path / "ix", [*ALL_DOCS, ALL_DOCS[0]], engine="tantivy")
    import tantivy

    ix = tantivy.Index.open(str(tmp_path / "ix"))  # the stream was rolled back: nothing committed
    assert ix.searcher().num_docs == 0
