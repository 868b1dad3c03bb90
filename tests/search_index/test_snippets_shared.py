"""Snippets show the passage with the query's words — parts and synonyms too —
never the title again and never a paragraph many documents share (issue 13).
Test material: the texts are made up for this test."""

import pytest

from search_index import IndexDocument, SearchIndex, SearchRequest

SHARED = "Forvaltningen definerer effekt som afgang til beskæftigelse, virksomhedspraktik eller uddannelse mv."


def _docs():
    for i in range(4):
        yield IndexDocument(
            id=f"d{i}",
            type="practice",
            title=f"Projekt {i} om mentorer",
            url=f"/t/{i}",
            body=f"Projekt {i} om mentorer\n{SHARED}\nHer fortæller vi om projekt nummer {i} og dets deltagere.",
        )
    yield IndexDocument(
        id="own",
        type="practice",
        title="Praktik i en lokal virksomhed",
        url="/t/own",
        body="Praktik i en lokal virksomhed\nDeltagerne kommer i virksomhedspraktik tæt på hjemmet "
        "og lærer dansk på sprogcentret.",
    )


@pytest.fixture(params=["whoosh", "tantivy"])
def index(tmp_path, request):
    texts = {d.id: d.body for d in _docs()}
    with SearchIndex.build(tmp_path / "ix", _docs(), engine=request.param, text_source=texts.get) as idx:
        yield idx


def snippets(index, q):
    return {h.id: h.snippet for h in index.search(SearchRequest(q=q)).hits}


def test_a_shared_paragraph_is_never_the_snippet(index):
    found = snippets(index, "virksomhedspraktik")
    assert set(found) >= {"own", "d0", "d1", "d2", "d3"}
    assert "<mark>virksomhedspraktik</mark>" in found["own"]
    for i in range(4):
        assert "Forvaltningen definerer" not in found[f"d{i}"], found[f"d{i}"]


def test_the_title_is_not_repeated_and_parts_and_synonyms_are_marked(index):
    found = snippets(index, "praktik")
    assert found["own"].startswith("Deltagerne kommer i <mark>virksomhedspraktik</mark>")
    assert "<mark>sprogcentret</mark>" in snippets(index, "sprogskole")["own"]  # the thesaurus' term
    browse = {h.id: h.snippet for h in index.search(SearchRequest(q="", per_page=10)).hits}
    assert browse["d0"].startswith("Her fortæller vi om projekt nummer 0")
