"""Engine choice (Whoosh | tantivy) and the two engines agreeing with each other."""

from __future__ import annotations

import json

import pytest
from search_corpus import ALL_DOCS, NETWORK_AUDIENCES, text_source

from search_index import SearchIndex, SearchRequest
from search_index.index import ENGINE_ENV, ENGINES, resolve_engine


def test_default_engine_is_whoosh(monkeypatch):
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    assert resolve_engine() == "whoosh"
    assert resolve_engine("TANTIVY") == "tantivy"
    with pytest.raises(ValueError):
        resolve_engine("lucene")


@pytest.mark.parametrize("engine", ENGINES)
def test_env_var_chooses_engine_and_index_records_it(tmp_path, monkeypatch, engine):
    monkeypatch.setenv(ENGINE_ENV, engine)
    SearchIndex.build(tmp_path / "ix", ALL_DOCS).close()
    assert json.loads((tmp_path / "ix" / "engine.json").read_text())["engine"] == engine
    # Opening follows the record, whatever the variable says now.
    other = next(e for e in ENGINES if e != engine)
    monkeypatch.setenv(ENGINE_ENV, other)
    with SearchIndex(tmp_path / "ix") as idx:
        assert idx.engine == engine
        assert idx.search(SearchRequest(q="flygtninge")).total == 3


def test_unknown_engine_refused_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv(ENGINE_ENV, "elasticsearch")
    with pytest.raises(ValueError):
        SearchIndex.build(tmp_path / "ix", ALL_DOCS)
    assert not (tmp_path / "ix").exists()


def test_index_without_marker_opens_as_whoosh(tmp_path):
    SearchIndex.build(tmp_path / "ix", ALL_DOCS, engine="whoosh").close()
    (tmp_path / "ix" / "engine.json").unlink()  # as built before engines were recorded
    with SearchIndex(tmp_path / "ix") as idx:
        assert idx.engine == "whoosh" and idx.doc_count() == len(ALL_DOCS)


QUERIES = [
    "",
    "flygtninge",
    "flygtningene",
    "kommunerne",
    "Århus",
    "aarhus",
    "Hoeje Taastrup",
    "Grindsted",
    "cafe",
    "praktik",
    "flygtninge praktik",
    '"virksomhedsrettet indsats"',
    '"indsats virksomhedsrettet"',
    "flygt*",
    "ægtefælle*",
    "aegtefaelle*",
    "flygtnige",
    "vestegmen",
    "vestegnssamarbejdet",
    "nyankomne sprogcafé",
    "zzz",
    "og i på",
]


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    out = {}
    for engine in ENGINES:
        path = tmp_path_factory.mktemp(f"both-{engine}") / "ix"
        SearchIndex.build(path, ALL_DOCS, engine=engine).close()
        out[engine] = SearchIndex(path, text_source=text_source)
    yield out
    for idx in out.values():
        idx.close()


@pytest.mark.parametrize("audiences", [frozenset({"public"}), NETWORK_AUDIENCES])
@pytest.mark.parametrize("q", QUERIES)
def test_engines_agree(both, q, audiences):
    """Same matches, totals, facet counts, snippets and suggestions.  Scores
    differ (Whoosh's BM25F vs tantivy's BM25), so the order of hits may
    differ; the ranking rules both must keep are in test_search_behaviour."""
    a, b = (both[e].search(SearchRequest(q=q, per_page=100, audiences=audiences)) for e in ENGINES)
    assert a.total == b.total
    assert a.facets == b.facets
    assert a.suggestion == b.suggestion
    assert {h.id: h.snippet for h in a.hits} == {h.id: h.snippet for h in b.hits}
    if not q:
        assert [h.id for h in a.hits] == [h.id for h in b.hits]  # browse: Danish title order
