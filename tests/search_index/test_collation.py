"""One Danish sort key for the whole portal: listings, templates and search hits agree."""

import pytest

from search_index.collation import danish_sort_key


@pytest.mark.parametrize(
    "words,expected",
    [
        (["Århus", "Aarhus", "Billund", "Ølstykke", "Ærø"], ["Billund", "Ærø", "Ølstykke", "Aarhus", "Århus"]),
        (["å", "ø", "æ", "z"], ["z", "æ", "ø", "å"]),
        (["Faaborg", "Fanø", "Fåborg-Midtfyn"], ["Fanø", "Faaborg", "Fåborg-Midtfyn"]),  # aa sorts as å
        (["Mylius", "Müller", "Munk"], ["Munk", "Mylius", "Müller"]),  # ü as y: Myller after Mylius
        (["Ängel", "Zealand", "Ærø"], ["Zealand", "Ängel", "Ærø"]),  # ä with æ
        (["Höör", "Hørsholm", "Horsens"], ["Horsens", "Hørsholm", "Höör"]),  # ö as ø: h-ø-ø after h-ø-r
        (["Høje-Taastrup", "Høje Taastrup", "Højer"], ["Høje Taastrup", "Høje-Taastrup", "Højer"]),  # hyphen = space
        (["ærø", "Ærø"], ["Ærø", "ærø"]),  # case-insensitive, the text breaks the tie
        (["Émile", "Erik"], ["Émile", "Erik"]),  # other accents ignored
    ],
)
def test_danish_alphabetical_order(words, expected):
    assert sorted(words, key=danish_sort_key) == expected


def test_the_key_sorts_right_as_bytes_too():
    """SQLite orders ``title_sort`` by bytes: the key's first part must give the same order."""
    words = ["Aabenraa", "Ærø", "Zealand", "Ølstykke", "Århus", "Mylius", "Müller", "Høje-Taastrup", "Hørsholm"]
    assert sorted(words, key=lambda w: danish_sort_key(w)[0].encode("utf-8")) == sorted(words, key=danish_sort_key)


def test_portal_and_search_use_the_same_key():
    from portal.content import kommuner
    from search_index import analysis, facet_tables

    assert kommuner.danish_sort_key is danish_sort_key
    assert analysis.danish_sort_key is danish_sort_key
    assert facet_tables.danish_sort_key is danish_sort_key  # the facet state's title order
