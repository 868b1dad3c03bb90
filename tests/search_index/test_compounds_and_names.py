"""Compound splitting, names that stay names, the folding guard and the
inflection exceptions (issue 13), table-driven on the analysis alone."""

import pytest

from search_index.analysis import query_terms_for_word, word_forms
from search_index.compound_forms import index_forms, part_forms, suspended_forms
from search_index.compounds import split_compound


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("virksomhedspraktik", ("virksomhed", "praktik")),  # linking s
        ("virksomhedspraktikken", ("virksomhed", "praktikken")),
        ("beskæftigelsesindsats", ("beskæftigelse", "indsats")),
        ("beskæftigelsesindsatsen", ("beskæftigelse", "indsatsen")),
        ("sprogundervisning", ("sprog", "undervisning")),
        ("jobcenter", ("job", "center")),
        ("jobcentret", ("job", "centret")),
        ("mentorordningen", ("mentor", "ordningen")),  # an inflected compound splits like its lemma
        ("antiradikalisering", ("anti", "radikalisering")),
        ("bydelsmødre", ("bydel", "mødre")),
        ("danskuddannelse", ("dansk", "uddannelse")),
        ("integrationsprogrammet", ("integration", "programmet")),
        ("selvforsørgelsesydelse", ("selvforsørgelse", "ydelse")),
        ("socialkontrol", ("social", "kontrol")),
        ("sprogskole", ("sprog", "skole")),
        ("kvindegrupper", ("kvinde", "grupper")),
    ],
)
def test_compounds_split_into_known_parts(word, parts):
    assert split_compound(word) == parts


@pytest.mark.parametrize(
    "word",
    [
        "undervisning",  # not under (a stop word) + visning
        "radikalisering",  # not radikalise + ring (a suffix, though "ring" is a word)
        "virksomheder",  # an inflection of virksomhed, not virksom + heder
        "medborgerskab",  # -skab is a suffix
        "flygtninge",
        "kommunerne",
        "ordning",
        "beskæftigelse",
        "integration",
        "uddannelse",
        "aarhus",
        "højer",
        "vesthimmerland",  # names are never split
        "job",
        "praktik",  # too short / simple words
        "familiesammenførte",  # no two-part reading; three-part ones were nonsense (familie·ammen·førte)
    ],
)
def test_no_nonsense_splits(word):
    assert split_compound(word) == ()


def test_a_compound_is_indexed_under_its_parts_but_queried_as_itself():
    assert {"virksom", "praktik"} <= set(part_forms("virksomhedspraktik"))
    assert set(index_forms("virksomhedspraktik")) == {"virksomhedspraktik", *part_forms("virksomhedspraktik")}
    assert index_forms("virksomhedspraktik")[-1] == "virksomhedspraktik"  # canonical form stays last
    assert query_terms_for_word("virksomhedspraktik") == ["virksomhedspraktik"]
    assert "praktik" in query_terms_for_word("praktik")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Aars", "år"),
        ("Aars", "års"),
        ("Højer", "Høje"),
        ("bøde", "boede"),
        ("bøder", "boede"),
        ("Rønne", "roen"),
        ("løn", "loen"),
        ("køn", "koen"),
        ("søn", "soen"),
        ("rød", "roede"),
    ],
)
def test_folding_does_not_merge_different_words(a, b):
    assert not set(query_terms_for_word(a)) & set(index_forms(b.lower()))
    assert not set(query_terms_for_word(b)) & set(index_forms(a.lower()))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Århus", "Aarhus"),
        ("Høje", "Hoeje"),
        ("Taastrup", "Tåstrup"),
        ("Fanø", "Fanoe"),
        ("Næstved", "Naestved"),
        ("bøde", "bøder"),
        ("Fanøs", "Fanø"),
        ("Vesthimmerlands", "Vesthimmerland"),
        ("året", "år"),
    ],
)
def test_spellings_and_forms_of_one_word_still_meet(a, b):
    assert set(query_terms_for_word(a)) & set(index_forms(b.lower()))


@pytest.mark.parametrize(
    "forms",
    [
        ("sprogcenter", "sprogcentret", "sprogcentre", "sprogcentrets", "sprogcentrene"),
        ("bydelsmor", "bydelsmødre", "bydelsmødrene"),
        ("jobcenter", "jobcentret", "jobcentre"),
        ("barn", "børn"),
    ],
)
def test_inflections_the_stemmer_splits_meet(forms):
    assert len({word_forms(f)[-1] for f in forms}) == 1, {f: word_forms(f) for f in forms}


def test_a_suspended_compound_is_indexed_as_the_whole_compound():
    # "Beskæftigelses- og Integrationsforvaltningen" also says Beskæftigelsesforvaltningen.
    extra = suspended_forms("Københavns Beskæftigelses- og Integrationsforvaltning")
    assert list(extra) == [1] and word_forms("beskæftigelsesforvaltning")[-1] in extra[1]
    assert suspended_forms("Job og uddannelse") == {}
