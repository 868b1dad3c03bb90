"""Search as practitioners write, on the shipped content (issue 13's "Done when")."""

import html as htmllib
import re
import shutil

from pathlib import Path

import pytest

from portal.ingest import IngestFailed, ingest
from search_index import SearchIndex, SearchRequest


CONTENT = Path(__file__).resolve().parent.parent / "content"


def api(client, q, **params):
    response = client.get("/api/search", query_string={"q": q, "per_page": 100, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def page(client, q, **params):
    return htmllib.unescape(client.get("/soeg", query_string={"q": q, **params}).get_data(as_text=True))


def texts_mentioning(pattern: str) -> set[str]:
    """Slugs of the shipped practices whose file mentions ``pattern``."""
    return {
        p.stem
        for p in (CONTENT / "practices").glob("*.md")
        if re.search(pattern, p.read_text(encoding="utf-8"), re.IGNORECASE)
    }


def test_praktik_finds_the_virksomhedspraktik_items(client):
    found = {r["id"] for r in api(client, "praktik")["results"]}
    wanted = texts_mentioning(r"virksomhedspraktik")
    assert len(wanted) >= 10 and wanted <= found


def test_jobcenter_finds_what_the_employment_administration_wrote(client):
    body = api(client, "jobcenter")
    assert body["total"] >= 10
    assert "beskæftigelsesforvaltning" in body["expanded_with"]
    assert texts_mentioning(r"Beskæftigelses- og Integrationsforvaltning") <= {r["id"] for r in body["results"]}


def test_sprogundervisning_and_sprogskole_find_danskuddannelse_and_say_so(client):
    wanted = texts_mentioning(r"danskuddannelse")
    for q in ("sprogundervisning", "sprogskole", "sprogcentret"):
        body = api(client, q)
        assert wanted <= {r["id"] for r in body["results"]}, q
        assert "danskuddannelse" in body["expanded_with"], q
    html = page(client, "sprogskole")
    assert "Viser også resultater for danskuddannelse" in html
    assert "expand=0" in html
    # Switched off: only the word typed and its parts (the content never says sprogskole).
    off = api(client, "sprogskole", expand=0)
    assert off["expanded_with"] == [] and not wanted & {r["id"] for r in off["results"]}
    assert "Viser også resultater" not in page(client, "sprogskole", expand=0)


def test_aars_does_not_find_the_word_year(client):
    body = api(client, "Aars")
    assert [r["title"] for r in body["results"]] == ["Vesthimmerlands Kommune"]
    years = api(client, "år")
    assert years["total"] >= 1
    assert "Vesthimmerlands Kommune" not in [r["title"] for r in years["results"]]


def test_hoeje_taastrup_does_not_find_hoejer_in_toender(client):
    for q in ("Høje Taastrup", "Hoeje Taastrup", "Høje-Taastrup"):
        titles = [r["title"] for r in api(client, q)["results"]]
        assert "Høje-Taastrup Kommune" in titles[:5], q
        assert "Tønder Kommune" not in titles, q


@pytest.mark.parametrize(
    ("typo", "fixed", "title"),
    [
        ("mentorordnig", "mentorordning", "10 ting der betaler sig i integrationsindsatsen"),
        ("bydelsmodre", "bydelsmødre", "Bydelsmødrene"),
        ("bydelsmøder", "bydelsmødre", "Bydelsmødrene"),
    ],
)
def test_misspelt_compounds_and_ascii_spellings_are_answered_with_results(client, typo, fixed, title):
    body = api(client, typo)
    assert body["corrected_from"] == typo and body["query"] == fixed
    assert title in [r["title"] for r in body["results"]]
    html = page(client, typo)
    assert f"Viser resultater for <strong>{fixed}</strong> – søg i stedet efter" in html


def test_bad_switch_values_are_a_400(client):
    response = client.get("/api/search?q=praktik&expand=ja")
    assert response.status_code == 400
    assert "'expand' skal være 0 eller 1" in response.get_json()["error"]


def test_content_can_extend_the_thesaurus_and_a_bad_line_is_refused(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "thesaurus.tsv").write_text(
        "# test material: a made-up pair, to show that content extends the shipped thesaurus\n"
        "velkomsthus welcome house (no tabs)\n",
        encoding="utf-8",
    )
    with pytest.raises(IngestFailed) as failed:
        ingest(content, tmp_path / "data")
    assert any(
        str(e).endswith("thesaurus.tsv:2: " + e.message) and "termer<TAB>art" in e.message for e in failed.value.errors
    )
    (content / "thesaurus.tsv").write_text(
        "# test material: a made-up pair, to show that content extends the shipped thesaurus\n"
        "velkomsthus,welcome house\tsynonym\tTestmateriale: the content says Welcome House\n",
        encoding="utf-8",
    )
    report = ingest(content, tmp_path / "data")
    with SearchIndex(report.generation.index_path) as index:
        response = index.search(SearchRequest(q="velkomsthus"))
    assert response.total >= 1 and response.expanded_with == ["welcome house"]


def test_facets_count_canonical_topics_and_target_groups(client):
    from portal.content import vocabulary

    facets = api(client, "", type="practice")["facets"]
    assert "flygtningeområdet" not in facets["topic"] and "best practice" not in facets["topic"]
    tagged = texts_mentioning(r"(?m)^topics:.*\b(flygtninge|flygtningeområdet)\b")
    assert facets["topic"]["flygtninge"] == len(tagged) >= 2
    assert facets["target_group"]["flygtninge"] >= 4 and facets["target_group"]["unge"] >= 4
    # A filter by an alias is a filter by its canonical value.
    by_alias = api(client, "", topic="flygtningeområdet")
    assert by_alias["total"] == api(client, "", topic="flygtninge")["total"] == facets["topic"]["flygtninge"]
    assert api(client, "", target_group="flygtninge")["total"] >= 4
    html = page(client, "", type="practice")
    assert "Målgruppe" in html and 'name="target_group" value="flygtninge"' in html
    # Unknown tags stay as written; the nearest known value is there to suggest.
    assert vocabulary.canonical("topic", "Natteliv") == "natteliv"
    assert vocabulary.nearest("topic", "beskæftigelsen") == "beskæftigelse"
    assert vocabulary.nearest("target_group", "flygtningene") == "flygtninge"


def test_the_evidence_map_counts_canonical_topics(client):
    evidence_map = htmllib.unescape(client.get("/evidenskort").get_data(as_text=True))
    assert ">flygtningeområdet<" not in evidence_map and ">best practice<" not in evidence_map
    assert ">flygtninge<" in evidence_map and ">gode erfaringer<" in evidence_map
