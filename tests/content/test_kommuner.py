"""Tests for portal.content.kommuner: reference data counts and the resolver."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from portal.content import kommuner as K
from portal.content.kommuner import (
    REGIONS,
    AmbiguousKommune,
    KommuneError,
    UnknownKommune,
    all_kommuner,
    by_code,
    danish_sort_key,
    fold,
    former_of,
    resolve,
)

ROOT = Path(__file__).resolve().parents[2]

# The names as published in the 2006 ranking table -> today's kommune.
RANKING_2006 = [
    ("Grindsted", "Billund"),
    ("Høje Taastrup", "Høje-Taastrup"),
    ("Kjellerup", "Silkeborg"),
    ("Helsingør", "Helsingør"),
    ("Horsens", "Horsens"),
    ("Albertslund", "Albertslund"),
    ("Åbenrå", "Aabenraa"),
    ("Frederikshavn", "Frederikshavn"),
    ("Frederiksberg", "Frederiksberg"),
    ("Ishøj", "Ishøj"),
    ("Hjørring", "Hjørring"),
    ("Hørsholm", "Hørsholm"),
    ("Greve", "Greve"),
    ("Rødovre", "Rødovre"),
    ("Korsør", "Slagelse"),
    ("Allerød", "Allerød"),
    ("Esbjerg", "Esbjerg"),
    ("Ballerup", "Ballerup"),
    ("Nykøbing-Falster", "Guldborgsund"),
    ("Hvidovre", "Hvidovre"),
    ("København", "København"),
    ("Vejle", "Vejle"),
    ("Sæby", "Frederikshavn"),
    ("Roskilde", "Roskilde"),
    ("Vordingborg", "Vordingborg"),
    ("Silkeborg", "Silkeborg"),
    ("Middelfart", "Middelfart"),
    ("Thisted", "Thisted"),
    ("Søllerød", "Rudersdal"),
    ("Morsø", "Morsø"),
    ("Holbæk", "Holbæk"),
    ("Svendborg", "Svendborg"),
    ("Græsted-Gilleleje", "Gribskov"),
    ("Sønderborg", "Sønderborg"),
    ("Grenå", "Norddjurs"),
    ("Ålborg", "Aalborg"),
    ("Fredensborg- Humblebæk", "Fredensborg"),
    ("Glostrup", "Glostrup"),
    ("Tårnby", "Tårnby"),
    ("Fredericia", "Fredericia"),
    ("Brønderslev", "Brønderslev"),
    ("Århus", "Aarhus"),
    ("Ringsted", "Ringsted"),
    ("Randers", "Randers"),
    ("Ribe", "Esbjerg"),
    ("Bornholm", "Bornholm"),
    ("Holstebro", "Holstebro"),
    ("Pandrup", "Jammerbugt"),
    ("Kolding", "Kolding"),
    ("Skanderborg", "Skanderborg"),
    ("Gentofte", "Gentofte"),
    ("Solrød", "Solrød"),
    ("Hillerød", "Hillerød"),
    ("Gladsaxe", "Gladsaxe"),
    ("Herning", "Herning"),
    ("Køge", "Køge"),
    ("Odense", "Odense"),
    ("Dronninglund", "Brønderslev"),
    ("Haderslev", "Haderslev"),
    ("Næstved", "Næstved"),
    ("Odder", "Odder"),
    ("Lyngby-Tårnbæk", "Lyngby-Taarbæk"),
    ("Sorø", "Sorø"),
    ("Slagelse", "Slagelse"),
    ("Kalundborg", "Kalundborg"),
    ("Ringkøbing", "Ringkøbing-Skjern"),
    ("Viborg", "Viborg"),
    ("Værløse", "Furesø"),
    ("Haslev", "Faxe"),
    ("Hedensted", "Hedensted"),
    ("Skive", "Skive"),
    ("Brøndby", "Brøndby"),
]

KOMMUNER = all_kommuner()


def _ascii(name: str) -> str:
    """The ASCII transliteration a Danish user would type: æ->ae, ø->oe, å->aa."""
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "Ae"), ("Ø", "Oe"), ("Å", "Aa")):
        name = name.replace(a, b)
    return name


# --- reference data -------------------------------------------------------


def test_ranking_table_has_72_names():
    assert len(RANKING_2006) == 72
    assert len({n for n, _ in RANKING_2006}) == 72


def test_98_kommuner_with_unique_codes_names_and_slugs():
    assert len(KOMMUNER) == 98
    assert len({k.code for k in KOMMUNER}) == 98
    assert len({k.name for k in KOMMUNER}) == 98
    assert len({k.slug for k in KOMMUNER}) == 98
    assert all(len(k.code) == 3 and k.code.isdigit() for k in KOMMUNER)


def test_regions_in_order_and_counts():
    assert REGIONS == ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")
    counts = Counter(k.region for k in KOMMUNER)
    assert counts == {
        "Hovedstaden": 29,
        "Sjælland": 17,
        "Syddanmark": 22,
        "Midtjylland": 19,
        "Nordjylland": 11,
    }


@pytest.mark.parametrize(
    "code,name,region",
    [
        ("101", "København", "Hovedstaden"),
        ("147", "Frederiksberg", "Hovedstaden"),
        ("751", "Aarhus", "Midtjylland"),
        ("851", "Aalborg", "Nordjylland"),
        ("530", "Billund", "Syddanmark"),
        ("400", "Bornholm", "Hovedstaden"),
        ("773", "Morsø", "Nordjylland"),
        ("260", "Halsnæs", "Hovedstaden"),
        ("810", "Brønderslev", "Nordjylland"),
        ("492", "Ærø", "Syddanmark"),
    ],
)
def test_known_codes(code, name, region):
    k = by_code(code)
    assert (k.name, k.region) == (name, region)


def test_christiansoe_is_not_a_kommune():
    with pytest.raises(KeyError):
        by_code("411")
    with pytest.raises(UnknownKommune):
        resolve("411")
    with pytest.raises(UnknownKommune):
        resolve("Christiansø")


def test_former_kommuner_counts():
    formers = K._db().formers
    # 270 kommuner on 31 Dec 2006 (Bornholms Regionskommune and Ærø Kommune
    # counted once each) + 7 names vanished in the 2003 and 2006 mergers.
    assert len(formers) == 277
    by_year = Counter(f.merged for f in formers)
    assert by_year == {2007: 270, 2003: 5, 2006: 2}
    assert {f.name for f in formers if f.merged == 2003} == {"Allinge-Gudhjem", "Hasle", "Nexø", "Rønne", "Aakirkeby"}
    assert {f.name for f in formers if f.merged == 2006} == {"Marstal", "Ærøskøbing"}
    assert len({f.name for f in formers}) == 277
    codes = [f.old_code for f in formers if f.old_code]
    assert len(codes) == len(set(codes))
    assert "411" not in codes


def test_every_former_successor_exists():
    codes = {k.code for k in KOMMUNER}
    for f in K._db().formers:
        assert f.successor_code in codes, f
        if f.split:
            assert f.note, f"split kommune {f.name} needs a note"


def test_every_present_kommune_has_a_former():
    for k in KOMMUNER:
        assert former_of(k.code), k


def test_former_of():
    assert [f.name for f in former_of("530")] == ["Billund", "Grindsted"]
    assert [f.name for f in former_of("400")] == ["Allinge-Gudhjem", "Bornholm", "Hasle", "Nexø", "Rønne", "Aakirkeby"]
    assert [f.name for f in former_of("492")] == ["Marstal", "Ærø", "Ærøskøbing"]
    assert {f.name for f in former_of("190")} == {"Farum", "Værløse"}


# --- resolving ------------------------------------------------------------


@pytest.mark.parametrize("published,expected", RANKING_2006)
def test_ranking_2006_names_resolve(published, expected):
    assert resolve(published).kommune.name == expected


@pytest.mark.parametrize("k", KOMMUNER, ids=lambda k: k.slug)
def test_present_kommune_resolves_every_way(k):
    for ref in (k.name, k.code, "0" + k.code, k.slug, _ascii(k.name), k.name.upper(), f"{k.name} Kommune"):
        r = resolve(ref)
        assert r.kommune == k, ref
        assert r.former is None, ref
        assert r.as_name == k.name, ref


@pytest.mark.parametrize(
    "ref,expected",
    [
        ("Hoeje Taastrup", "Høje-Taastrup"),
        ("hoje taastrup", "Høje-Taastrup"),
        ("Aeroe", "Ærø"),
        ("Koebenhavn", "København"),
        ("Kobenhavn", "København"),
        ("Koge", "Køge"),
        ("Hillerod", "Hillerød"),
        ("Naestved", "Næstved"),
        ("Tarnby", "Tårnby"),
        ("Taarnby", "Tårnby"),
        ("Ringkobing-Skjern", "Ringkøbing-Skjern"),
        ("Lyngby Taarbaek", "Lyngby-Taarbæk"),
        ("Københavns Kommune", "København"),
        ("Bornholms Regionskommune", "Bornholm"),
        ("Frederiksværk-Hundested", "Halsnæs"),
        ("Brønderslev-Dronninglund", "Brønderslev"),
        ("Vesthimmerlands Kommune", "Vesthimmerland"),
        ("Nordfyn", "Nordfyns"),
    ],
)
def test_ascii_and_variant_spellings(ref, expected):
    assert resolve(ref).kommune.name == expected


@pytest.mark.parametrize(
    "variants,expected",
    [
        (("Århus", "Aarhus", "aarhus", "ÅRHUS"), "Aarhus"),
        (("Ålborg", "Aalborg"), "Aalborg"),
        (("Åbenrå", "Aabenraa"), "Aabenraa"),
        (("Lyngby-Tårnbæk", "Lyngby-Taarbæk", "Lyngby-Tårbæk"), "Lyngby-Taarbæk"),
        (("Fredensborg- Humblebæk", "Fredensborg-Humlebæk", "Fredensborg Humlebæk"), "Fredensborg"),
        (("Billund Kommune", "billund kommune", "  Billund  "), "Billund"),
    ],
)
def test_spelling_variants(variants, expected):
    for v in variants:
        assert resolve(v).kommune.name == expected, v


def test_resolution_as_name_and_former():
    r = resolve("grindsted")
    assert r.as_name == "Grindsted"
    assert r.kommune.code == "530"
    assert r.former is not None and r.former.old_code == "565"
    # Same name as today's kommune: no former.
    assert resolve("Billund").former is None
    assert resolve("København").former is None
    # Misspelling alias resolves to the canonical former name.
    r = resolve("Fredensborg- Humblebæk")
    assert r.as_name == "Fredensborg-Humlebæk"
    assert r.former.successor_code == "210"
    assert resolve("Grenå").as_name == "Grenaa"
    assert resolve("Neksø").as_name == "Nexø"


def test_split_kommune_goes_to_main_successor():
    r = resolve("Tørring-Uldum")
    assert r.kommune.name == "Hedensted"
    assert r.former.split is True
    assert "Vejle" in r.former.note


def test_codes_are_todays_only():
    assert resolve("530").kommune.name == "Billund"
    assert resolve("101").kommune.name == "København"
    # 565 was Grindsted's pre-2007 code; not accepted as a code.
    with pytest.raises(UnknownKommune):
        resolve("565")
    with pytest.raises(KeyError):
        by_code("999")


def test_unknown_suggests_nearest():
    with pytest.raises(UnknownKommune) as exc:
        resolve("Grinsted")
    err = exc.value
    assert err.reference == "Grinsted"
    assert err.suggestions[0] == "Grindsted"
    assert len(err.suggestions) <= 3
    assert str(err).startswith('ukendt kommune "Grinsted" – mente du Grindsted')
    assert isinstance(err, KommuneError) and isinstance(err, ValueError)


@pytest.mark.parametrize("ref", ["", "   ", "-", "Kommune", "Atlantis"])
def test_unknown_and_empty(ref):
    with pytest.raises(UnknownKommune):
        resolve(ref)


def test_no_ambiguous_names_in_data():
    """No name (exact or loose) currently maps to two present kommuner."""
    db = K._db()
    assert all(len(v) == 1 for v in db.exact.values())
    assert all(len(v) == 1 for v in db.loose.values())


def test_ambiguous_raises(monkeypatch):
    db = K._db()
    a, b = by_code("101"), by_code("147")
    fake = K._Db(
        db.by_code,
        db.formers,
        {**db.exact, "tvivl": (K.Resolution(a, "Tvivl", None), K.Resolution(b, "Tvivl", None))},
        db.loose,
        db.display,
    )
    monkeypatch.setattr(K, "_db", lambda: fake)
    with pytest.raises(AmbiguousKommune) as exc:
        resolve("Tvivl")
    assert set(exc.value.suggestions) == {"København", "Frederiksberg"}
    assert str(exc.value).startswith('tvetydig kommune "Tvivl"')


def test_fold():
    assert fold("Høje-Taastrup") == fold("hoeje taastrup") == fold("HØJE TAASTRUP")
    assert fold("Fredensborg- Humlebæk") == fold("Fredensborg-Humlebæk")
    assert fold("Århus") == fold("Aarhus")


# --- ordering -------------------------------------------------------------


def test_danish_sort_order():
    names = [k.name for k in KOMMUNER]
    assert names[0] == "Albertslund"
    assert names[-4:] == ["Ærø", "Aabenraa", "Aalborg", "Aarhus"]
    assert names.index("Vordingborg") < names.index("Ærø")
    assert names.index("Furesø") < names.index("Faaborg-Midtfyn") < names.index("Gentofte")
    assert names.index("Tønder") < names.index("Tårnby")
    assert sorted(["Aabenraa", "Ærø", "Øster", "Zealand", "Åbo"], key=danish_sort_key) == [
        "Zealand",
        "Ærø",
        "Øster",
        "Aabenraa",
        "Åbo",
    ]


def test_slugs():
    assert by_code("169").slug == "hoeje-taastrup"
    assert by_code("101").slug == "koebenhavn"
    assert by_code("751").slug == "aarhus"
    assert by_code("492").slug == "aeroe"
    assert all(k.slug.isascii() and k.slug == k.slug.lower() for k in KOMMUNER)


# --- module hygiene -------------------------------------------------------


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.strip()


_HAS_FLASK = "print(any(m == 'flask' or m.startswith('flask.') for m in sys.modules))"


def test_kommuner_module_itself_does_not_import_flask():
    """Load kommuner.py on its own (no parent package) and use it: no Flask."""
    code = (
        "import sys, importlib.util; "
        "spec = importlib.util.spec_from_file_location('kommuner_standalone', "
        "'portal/content/kommuner.py'); m = importlib.util.module_from_spec(spec); "
        "sys.modules[spec.name] = m; spec.loader.exec_module(m); m.resolve('Aarhus'); " + _HAS_FLASK
    )
    assert _run(code) == "False"


def test_kommuner_adds_no_flask_beyond_parent_packages():
    code = (
        "import sys, portal.content; before = set(sys.modules); "
        "import portal.content.kommuner as k; k.resolve('Aarhus'); "
        "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] == 'flask'))"
    )
    assert _run(code) == "[]"


def test_import_does_not_pull_in_flask():
    assert _run("import sys, portal.content.kommuner; " + _HAS_FLASK) == "False"
