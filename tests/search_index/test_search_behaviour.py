"""What a user notices: matching, ranking, snippets, browse, paging, suggestions."""

from __future__ import annotations

import pytest

from search_index import SearchRequest, SearchResponse

from search_corpus import (  # noqa: F401 (fixtures)
    NETWORK_AUDIENCES,
    NETWORK_NOTE,
    PUBLIC_DOCS,
    _engine_env,
    engine,
    shared_index,
)

TIDLIG = "practice:tidlig-virksomhedsrettet-indsats-for-flygtninge"
SAMARBEJDE = "practice:samarbejdsaftaler-civilsamfund"
PRAKTIK = "practice:praktik-i-private-virksomheder"


def search(idx, q="", **kw) -> SearchResponse:
    return idx.search(SearchRequest(q=q, **kw))


def ids(resp: SearchResponse) -> list[str]:
    return [h.id for h in resp.hits]


def all_ids(idx, q="", **kw) -> list[str]:
    return ids(search(idx, q, per_page=100, **kw))


def test_stemming_finds_both_refugee_projects_with_marks(shared_index):
    resp = search(shared_index, "flygtningene")
    found = {h.id: h for h in resp.hits}
    assert {TIDLIG, SAMARBEJDE} <= set(found)
    assert resp.total == len(resp.hits) == 3  # + the ranking; never the network note
    for doc_id in (TIDLIG, SAMARBEJDE):
        assert "<mark>" in found[doc_id].snippet
    assert "<mark>flygtningene</mark>" in found[TIDLIG].snippet


def test_plural_definite_finds_singular(shared_index):
    resp = search(shared_index, "kommunerne")
    assert "practice:mentorordning-unge" in ids(search(shared_index, "kommunerne", per_page=50))
    mentor = next(
        h for h in search(shared_index, "kommunerne", per_page=50).hits if h.id == "practice:mentorordning-unge"
    )
    assert "<mark>kommune</mark>" in mentor.snippet
    assert resp.total >= 5


@pytest.mark.parametrize("q", ["Århus", "aarhus", "ÅRHUS", "Aarhus"])
def test_aarhus_spellings(shared_index, q):
    assert all_ids(shared_index, q)[0] == "kommune:751"


@pytest.mark.parametrize("q", ["Hoeje Taastrup", "høje-taastrup", "Høje Taastrup", '"hoeje taastrup"'])
def test_hoeje_taastrup_spellings(shared_index, q):
    assert all_ids(shared_index, q)[0] == "kommune:169"


def test_former_kommune_name_finds_today_kommune(shared_index):
    resp = search(shared_index, "Grindsted")
    assert ids(resp) == ["kommune:530"]
    assert "<mark>Grindsted</mark>" in resp.hits[0].snippet


def test_accent_folding_cafe(shared_index):
    resp = search(shared_index, "cafe")
    assert ids(resp) == ["practice:sprogcafe"]
    assert "<mark>café</mark>" in resp.hits[0].snippet


def test_title_match_outranks_body_match(shared_index):
    resp = search(shared_index, "praktik")
    assert ids(resp)[:2] == [PRAKTIK, TIDLIG]  # title hit first, body-only second
    assert resp.hits[0].score > resp.hits[1].score


def test_all_words_rank_first_and_single_word_docs_still_come(shared_index):
    resp = search(shared_index, "flygtninge praktik", per_page=50)
    # Only TIDLIG holds both words; it must be first even though PRAKTIK has
    # "praktik" in its title.
    assert ids(resp)[0] == TIDLIG
    assert PRAKTIK in ids(resp)
    assert SAMARBEJDE in ids(resp)
    assert resp.total == 4


def test_query_words_not_all_matching_never_empty(shared_index):
    resp = search(shared_index, "flygtninge xyzzyq")
    assert resp.total == 3


def test_phrase(shared_index):
    assert all_ids(shared_index, '"virksomhedsrettet indsats"') == [TIDLIG]
    # The same words, not adjacent in that order: no phrase match.
    assert all_ids(shared_index, '"indsats virksomhedsrettet"') == []


def test_prefix(shared_index):
    got = all_ids(shared_index, "flygt*")
    assert {TIDLIG, SAMARBEJDE, "ranking:beskaeftigelse-2023"} == set(got)
    assert NETWORK_NOTE.id not in got
    assert all_ids(shared_index, "ægtefælle*") == ["practice:perspektiv"]
    assert all_ids(shared_index, "aegtefaelle*") == ["practice:perspektiv"]


def test_snippet_is_escaped(shared_index):
    hit = search(shared_index, "nyankomne sprogcafé").hits[0]
    assert hit.id == "practice:sprogcafe"
    assert "&lt;frivillige&gt; &amp;" in hit.snippet
    assert "<frivillige>" not in hit.snippet
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_snippet_falls_back_to_start_of_text(shared_index):
    # "Aarhus" is in the title / names, not in the body text.
    hit = search(shared_index, "Aarhus").hits[0]
    assert hit.id == "kommune:751"
    assert hit.snippet == "Danmarks næststørste kommune."


def test_snippet_length_is_bounded(tmp_path):
    from search_index import IndexDocument, SearchIndex

    long_text = ("Lang tekst om integration og sprog. " * 200) + "flygtninge " + ("mere tekst " * 300)
    doc = IndexDocument(id="note:lang", type="note", title="Lang", url="/x", body=long_text)
    idx = SearchIndex.build(tmp_path / "ix", [doc], text_source=lambda _id: long_text)
    try:
        hit = idx.search(SearchRequest(q="flygtninge")).hits[0]
        visible = hit.snippet.replace("<mark>", "").replace("</mark>", "")
        assert "<mark>flygtninge</mark>" in hit.snippet
        assert len(visible) <= 320
        plain = idx.search(SearchRequest(q="")).hits[0].snippet
        assert 100 <= len(plain) <= 205 and plain.endswith("…")
    finally:
        idx.close()


def test_no_text_source_means_empty_snippets(shared_index):
    from search_index import SearchIndex

    other = SearchIndex(shared_index.path)
    try:
        resp = other.search(SearchRequest(q="flygtninge"))
        assert resp.total == 3 and all(h.snippet == "" for h in resp.hits)
    finally:
        other.close()


def test_hit_fields(shared_index):
    hit = search(shared_index, "Tidlig virksomhedsrettet").hits[0]
    assert hit.id == TIDLIG
    assert hit.type == "practice"
    assert hit.title == "Tidlig, virksomhedsrettet indsats for flygtninge"
    assert hit.url == "/erfaringer/tidlig-virksomhedsrettet-indsats-for-flygtninge"
    assert hit.kommuner == ["101"]
    assert hit.evidence == "effekt"
    assert hit.topics == ["beskæftigelse", "flygtninge"]
    assert isinstance(hit.score, float) and hit.score > 0


def test_browse_everything_in_danish_title_order(shared_index):
    resp = search(shared_index, "", per_page=100)
    assert resp.total == len(PUBLIC_DOCS) == len(resp.hits)
    titles = [h.title for h in resp.hits]
    assert titles[0] == "Billund Kommune"
    assert titles[-1] == "Aarhus Kommune"  # "Aa" sorts as "Å", last in Danish
    assert titles.index("Praktik i private virksomheder") < titles.index(
        "Tidlig, virksomhedsrettet indsats for flygtninge"
    )
    assert resp.suggestion is None


def test_pagination(shared_index):
    first = search(shared_index, "", per_page=4, page=1)
    second = search(shared_index, "", per_page=4, page=2)
    third = search(shared_index, "", per_page=4, page=3)
    beyond = search(shared_index, "", per_page=4, page=99)
    assert first.total == second.total == third.total == beyond.total == 11
    assert [len(r.hits) for r in (first, second, third, beyond)] == [4, 4, 3, 0]
    assert len(set(ids(first) + ids(second) + ids(third))) == 11
    # Ranked paging crosses the all-words / some-words tiers without gaps.
    pages = [ids(search(shared_index, "flygtninge praktik", per_page=1, page=p)) for p in range(1, 6)]
    assert [len(p) for p in pages] == [1, 1, 1, 1, 0]
    assert sum(pages, []) == all_ids(shared_index, "flygtninge praktik")


@pytest.mark.parametrize("audiences", [frozenset({"public"}), NETWORK_AUDIENCES])
@pytest.mark.parametrize("q", ["flygtninge praktik", "flygtninge praktik kommune", "kommunerne"])
def test_ranked_pages_agree_with_one_big_page(shared_index, q, audiences):
    full = all_ids(shared_index, q, audiences=audiences)
    for per_page in (1, 2, 3):
        paged = []
        for page in range(1, len(full) // per_page + 2):
            paged += ids(search(shared_index, q, per_page=per_page, page=page, audiences=audiences))
        assert paged == full, per_page


def test_suggestion_for_misspelling(shared_index):
    resp = search(shared_index, "flygtnige", correct=False)
    assert resp.total == 0
    assert resp.suggestion == "flygtninge"
    assert search(shared_index, "flygtnige praktik", correct=False).suggestion == "flygtninge praktik"


def test_a_misspelling_that_finds_nothing_is_answered_with_its_correction(shared_index):
    resp = search(shared_index, "flygtnige")
    assert resp.corrected_from == "flygtnige" and resp.query == "flygtninge"
    assert resp.total == search(shared_index, "flygtninge").total > 0
    assert resp.suggestion is None
    # A query that finds something is never replaced.
    assert search(shared_index, "flygtninge").corrected_from is None


def test_no_suggestion_for_known_words(shared_index):
    for q in ("flygtninge", "flygtningene", "aarhus", "hoeje taastrup", "flygt*"):
        assert search(shared_index, q).suggestion is None, q


def test_network_note_invisible_to_public(shared_index):
    for q in ("vestegnssamarbejdet", "boligsocial", "referat", "integrationsbarometeret"):
        resp = search(shared_index, q)
        assert resp.total == 0 and resp.hits == [], q
    browse = search(shared_index, "", per_page=100)
    assert NETWORK_NOTE.id not in ids(browse)
    assert "note" not in browse.facets["type"]
    assert browse.facets["topic"].get("bolig") is None
    assert browse.facets["kommune"]["101"] == 3
    assert browse.facets["evidence"]["effekt"] == 1


def test_network_note_visible_to_members(shared_index):
    resp = search(shared_index, "vestegnssamarbejdet", audiences=NETWORK_AUDIENCES)
    assert ids(resp) == [NETWORK_NOTE.id]
    flygt = search(shared_index, "flygtninge", audiences=NETWORK_AUDIENCES, per_page=50)
    assert flygt.total == 4 and NETWORK_NOTE.id in ids(flygt)
    browse = search(shared_index, "", audiences=NETWORK_AUDIENCES)
    assert browse.total == 12
    assert browse.facets["type"]["note"] == 1
    assert browse.facets["kommune"]["101"] == 4
    assert browse.facets["topic"]["bolig"] == 1


def test_no_audience_sees_nothing(shared_index):
    resp = search(shared_index, "", audiences=frozenset())
    assert resp.total == 0 and resp.hits == []


def test_suggestions_never_use_network_words(shared_index):
    # "integrationsbarometeret" exists only in the network note; a near miss
    # must not be corrected towards it, for anyone.
    for audiences in (frozenset({"public"}), NETWORK_AUDIENCES):
        resp = search(shared_index, "integrationsbarometere", audiences=audiences)
        assert resp.suggestion is None or "integrationsbarometer" not in resp.suggestion
    public = search(shared_index, "vestegnssamarbejde")
    assert public.total == 0 and public.suggestion is None
    # ... while public words are suggested from the same typo distance.
    assert search(shared_index, "vestegmen", correct=False).suggestion == "vestegnen"
